"""Building, approving and discarding releases: audited, checked against the ledger."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kintrace.audit.actions import Action
from kintrace.audit.models import AuditEntry
from kintrace.releases import files
from kintrace.releases.models import ReleaseStatus
from kintrace.releases.sdc import intervals
from kintrace.releases.services import release_approve, release_build, release_discard


@pytest.fixture
def coordinator(make_staff):
    return make_staff("coordinator", username="cora")


def _entry(action):
    return AuditEntry.objects.filter(action=action).latest("seq")


@pytest.mark.audits(Action.RELEASE_BUILD)
def test_building_a_release_records_its_content_hash(overlapping, coordinator):
    release = release_build(actor=coordinator)
    entry = _entry(Action.RELEASE_BUILD)
    assert (entry.actor_id, entry.target_id) == (coordinator.pk, str(release.pk))
    assert entry.after["content_hash"] == release.content_hash
    assert release.status == ReleaseStatus.DRAFT


@pytest.mark.audits(Action.RELEASE_APPROVE)
def test_a_coordinator_approves_a_draft_and_the_hash_is_audited(overlapping, coordinator):
    release = release_approve(release=release_build(actor=coordinator), actor=coordinator)
    entry = _entry(Action.RELEASE_APPROVE)
    assert (entry.actor_id, entry.target_id) == (coordinator.pk, str(release.pk))
    assert entry.after["content_hash"] == release.content_hash
    assert release.status == ReleaseStatus.APPROVED


@pytest.mark.audits(Action.RELEASE_DISCARD)
def test_a_coordinator_discards_a_draft(overlapping, coordinator):
    release = release_discard(release=release_build(actor=coordinator), actor=coordinator)
    entry = _entry(Action.RELEASE_DISCARD)
    assert (entry.actor_id, entry.target_id) == (coordinator.pk, str(release.pk))
    assert release.status == ReleaseStatus.DISCARDED


def test_an_analyst_cannot_approve(overlapping, coordinator, make_staff):
    release = release_build(actor=coordinator)
    with pytest.raises(PermissionDenied):
        release_approve(release=release, actor=make_staff("analyst"))


def test_a_draft_built_before_another_approval_is_refused(overlapping, coordinator):
    old_draft = release_build(actor=coordinator)
    release_approve(release=release_build(actor=coordinator), actor=coordinator)
    with pytest.raises(ValidationError):
        release_approve(release=old_draft, actor=coordinator)


def test_a_release_holds_no_count_below_k_no_name_and_no_free_text(overlapping, coordinator):
    release = release_build(actor=coordinator)
    text = json.dumps(release.content, ensure_ascii=False)
    assert "Иванов" not in text and "SECRET" not in text
    for table in release.content["tables"].values():
        counts = [v for row in table["rows"] for v in (*row["counts"].values(), row["total"])]
        counts += [*table["totals"].values(), table["total"]]
        assert all(v is None or v == 0 or v >= release.k for v in counts)
    for name in files.TABLES:
        assert "Иванов" not in files.release_csv(release.content, name)
    assert files.release_xlsx(release.content)[:2] == b"PK"


def _published(table):
    cells = {}
    for row in table["rows"]:
        for c, v in row["counts"].items():
            cells[(row["key"], c)] = v
        cells[(row["key"], "*")] = row["total"]
    for c, v in table["totals"].items():
        cells[("*", c)] = v
    cells[("*", "*")] = table["total"]
    return cells


def test_an_attacker_with_two_releases_and_their_margins_recovers_no_hidden_count(
    overlapping, coordinator
):
    from kintrace.registry.models import Person, PersonStatus

    first = release_approve(release=release_build(actor=coordinator), actor=coordinator)
    # Two men die meanwhile: a naive second release would show the first one's hidden
    # counts plus two, or differences of two.
    changed = list(Person.objects.filter(status=PersonStatus.ALIVE)[:2])
    Person.objects.filter(pk__in=[p.pk for p in changed]).update(status=PersonStatus.DEAD)
    second = release_build(actor=coordinator)
    k = first.k
    for name in ("region_month", "colony"):
        a = _published(first.content["tables"][name])
        b = _published(second.content["tables"][name])
        truth_a = {
            tuple(key.split("\t", 1)): v
            for key, (v, _hidden) in (
                (key, value) for key, value in first.ledger[name].items() if key != "__rows__"
            )
        }
        for cell, vb in b.items():
            va = a.get(cell)
            if vb is None or cell not in a:
                continue
            if va is not None:
                assert not 0 < abs(vb - va) < k, (name, cell, va, vb)
            else:
                assert abs(vb - truth_a[cell]) >= k, (name, cell, vb)
        for release, shown in ((first, a), (second, b)):
            rows = tuple(r["key"] for r in release.content["tables"][name]["rows"])
            cols = tuple(release.content["tables"][name]["columns"])
            truth = release.ledger[name]
            for cell, (lo, hi) in intervals(rows, cols, shown).items():
                value = truth["\t".join(cell)][0]
                if 0 < value < k:
                    assert hi - lo >= k, (name, cell, lo, hi)


def test_microdata_is_offered_only_when_pycanon_finds_k_anonymity_and_l_diversity(
    overlapping, coordinator
):
    import pandas as pd
    from pycanon import anonymity

    micro = release_build(actor=coordinator).content["microdata"]
    assert micro["refused"] == ""
    df = pd.DataFrame(micro["rows"])
    qi = micro["quasi_identifiers"]
    assert anonymity.k_anonymity(df, qi) >= 5
    assert anonymity.l_diversity(df, qi, ["outcome"]) >= 2
    assert set(df.columns) == {*qi, "outcome"}
