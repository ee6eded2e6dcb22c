"""An attacker holding every approved release tries to single out a man with the microdata:
by differencing two microdata releases (brought to the coarser of their generalisations) and
by summing microdata into the tables' rows and comparing with the published counts."""

from collections import Counter

import pytest

from kintrace.releases.microdata import LEVELS, QI, Earlier, _project_row, crosscheck, districts
from kintrace.releases.services import release_approve, release_build

SENSITIVE = "outcome"


@pytest.fixture
def coordinator(make_staff):
    return make_staff("coordinator", username="cora")


def _micro(release):
    m = release.content["microdata"]
    return m["generalisation_level"], m["rows"]


def _groups_singled_out(a_level, a_rows, b_level, b_rows, k, district):
    """Rows (quasi-identifiers and outcome) whose count differs by 1..k-1 between two
    microdata releases at the coarser of their levels: men singled out by the difference."""
    common = max(a_level, b_level)
    cols = (*QI, SENSITIVE)
    a = Counter(tuple(_project_row(r, a_level, common, district)[c] for c in cols) for r in a_rows)
    b = Counter(tuple(_project_row(r, b_level, common, district)[c] for c in cols) for r in b_rows)
    return [cell for cell in a.keys() | b.keys() if 0 < abs(a[cell] - b[cell]) < k]


def _colony_cells_singled_out(release, rows, level):
    """Published colony × outcome counts minus the microdata summed by colony: a difference of
    1..k-1 is that few men, with their colony and outcome."""
    if level < 0 or not LEVELS[level][2]:
        return []
    micro = Counter(("unknown" if r["colony"] == "*" else r["colony"], r["outcome"]) for r in rows)
    out = []
    for row in release.content["tables"]["colony"]["rows"]:
        for outcome, shown in row["counts"].items():
            if shown is None:
                continue
            m = micro[(row["colony"], outcome)]
            if 0 < abs(shown - m) < release.k or 0 < m < release.k:
                out.append((row["colony"], outcome, shown, m))
    return out


def test_a_man_whose_status_changed_cannot_be_singled_out_by_differencing_two_releases(
    overlapping, coordinator
):
    from kintrace.registry.models import Person, PersonStatus

    first = release_approve(release=release_build(actor=coordinator), actor=coordinator)
    level_a, rows_a = _micro(first)
    assert rows_a, first.content["microdata"]["refused"]
    # One man dies: a naive second microdata release at the same generalisation differs from
    # the first by his row (alive -> dead) and names his group.
    man = Person.objects.filter(status=PersonStatus.ALIVE).first()
    Person.objects.filter(pk=man.pk).update(status=PersonStatus.DEAD)
    second = release_build(actor=coordinator)
    level_b, rows_b = _micro(second)
    district = districts()
    assert not _groups_singled_out(level_a, rows_a, level_b, rows_b, first.k, district)
    assert not _colony_cells_singled_out(first, rows_b, level_b)
    # Refused, with the reason kept in the ledger and not in what goes out.
    assert second.content["microdata"]["refused"] and not rows_b
    assert second.ledger["microdata_refused"]
    assert "dead" not in second.content["microdata"]["refused"]


def test_the_microdata_of_one_release_does_not_reveal_a_count_its_tables_hide(
    overlapping, coordinator
):
    release = release_build(actor=coordinator)
    level, rows = _micro(release)
    assert rows
    assert not _colony_cells_singled_out(release, rows, level)


def _row(region, colony, birth, when, outcome):
    return dict(zip((*QI, SENSITIVE), (region, colony, birth, when, outcome), strict=True))


def test_two_generalisations_whose_difference_isolates_the_men_left_out_are_refused():
    # The earlier release (level 0: five-year birth bands, quarters) left out two men of
    # 1980-1984 born in a group too small; a coarser release (level 1: ten-year bands, years)
    # takes them in. Brought to level 1 the two releases differ by those two men.
    # Five of each outcome kept: every sum the later release shows is at least k, so only
    # the difference with the earlier release can give the two men away.
    kept = [_row("RU-MO", "ИК-2", "1985-1989", "2024-Q1", o) for o in ["dead", "alive"] * 5]
    earlier_rows = [*kept]
    later_rows = [
        _project_row(r, 0, 1, {})
        for r in [*kept, *[_row("RU-MO", "ИК-2", "1980-1984", "2024-Q1", "dead")] * 2]
    ]
    district = {"RU-MO": "central"}
    assert _groups_singled_out(0, earlier_rows, 1, later_rows, 5, district)
    why = crosscheck(
        later_rows,
        1,
        5,
        ledger={},
        earlier=[Earlier(1, {}, 0, tuple(earlier_rows))],
        district=district,
    )
    assert "release #1" in why
    alone = crosscheck(later_rows, 1, 5, ledger={}, earlier=[], district=district)
    assert "release #1" not in alone and "count under k" not in alone
    # The same rows again, at the same level, single out nobody.
    same = crosscheck(
        earlier_rows,
        0,
        2,
        ledger={},
        earlier=[Earlier(1, {}, 0, tuple(earlier_rows))],
        district=district,
    )
    assert same == ""
