"""The aggregates on a registry small enough to count by hand: the survival curve, the wave
rule, the filters, the cache's version; and the tile grid's layout."""

import datetime as dt

import pytest
from django.core.cache import cache

from kintrace.figures import selectors
from kintrace.figures.charts import tile_grid
from kintrace.figures.selectors import Filters, wave_bounds, wave_of
from kintrace.names.regions import REGIONS
from kintrace.registry.models import Event, EventPerson, Facility, Person, sort_key
from kintrace.registry.services import regions_ensure_loaded


@pytest.fixture
def men(db):
    """Four men deployed in January 2023 (recruited in 2022-Q4, one in 2023-Q1): one killed
    two months later, one missing four months later, two with no end (censored)."""
    cache.clear()
    regions_ensure_loaded()
    ik = Facility.objects.create(type="ИК", number="7", region_id="RU-SVE")
    other = Facility.objects.create(type="ИК", number="2", region_id="RU-MOS")
    out = []
    for i, end in enumerate([("killed", 2023, 3), ("missing", 2023, 5), None, None]):
        person = Person.objects.create(last_facility=ik if i < 3 else other, status="alive")
        recruited = (2023, 1) if i == 3 else (2022, 11)
        rows = [("selected", *recruited), ("deployed", 2023, 1)]
        if end:
            rows.append(end)
        for etype, year, month in rows:
            event = Event.objects.create(
                type=etype,
                start_year=year,
                start_month=month,
                start_day=15,
                start_precision="day",
                start_sort=sort_key(year, month, 15),
            )
            EventPerson.objects.create(event=event, person=person, role="subject")
        out.append(person)
    yield out
    cache.clear()


def test_the_survival_curve_is_kaplan_meier_with_the_living_censored(men):
    waves = {w["wave"]: w for w in selectors.survival(Filters())["waves"]}
    assert set(waves) == {"2022-Q4", "2023-Q1"}
    q4 = waves["2022-Q4"]
    # Three men: killed at 2 months, missing at 4, one censored at today's month.
    assert q4["men"] == 3 and q4["ended"] == 2
    curve = dict(q4["curve"])
    assert curve[2.0] == pytest.approx(2 / 3)
    assert curve[4.0] == pytest.approx(1 / 3)
    assert q4["median"] == 4.0
    assert waves["2023-Q1"]["ended"] == 0


def test_a_wave_is_the_quarter_of_the_first_recruitment(men):
    assert wave_of(sort_key(2023, 5, 1)) == "2023-Q2"
    assert wave_of(sort_key(2023, None, None)) == "2023"  # known only to the year: no quarter
    assert wave_bounds("2023-Q2") == (sort_key(2023, 4, None), sort_key(2023, 6, 99))
    with pytest.raises(ValueError):
        wave_bounds("2023-Q5")
    assert selectors.wave_choices() == ["2022-Q4", "2023-Q1"]
    assert selectors.totals(Filters(wave="2022-Q4"))["men"] == 3
    assert selectors.totals(Filters(wave="2023-Q1"))["men"] == 1


def test_filters_by_region_colony_and_date_range(men):
    assert selectors.totals(Filters(region="RU-SVE"))["men"] == 3
    assert selectors.totals(Filters(colony=men[3].last_facility_id))["men"] == 1
    assert selectors.totals(Filters(start=dt.date(2023, 1, 1)))["men"] == 1
    monthly = selectors.monthly(Filters(start=dt.date(2023, 2, 1)))
    assert monthly["months"] == ["2023-03", "2023-05"]
    killed = next(s for s in monthly["series"] if s["type"] == "killed")
    assert killed["values"] == [1, 0]


def test_a_new_event_shows_at_once_despite_the_cache(men):
    before = selectors.monthly(Filters())
    event = Event.objects.create(
        type="killed", start_year=2023, start_month=7, start_sort=sort_key(2023, 7, None)
    )
    EventPerson.objects.create(event=event, person=men[2], role="subject")
    after = selectors.monthly(Filters())
    assert "2023-07" in after["months"] and "2023-07" not in before["months"]


def test_the_tile_grid_has_one_cell_for_each_of_the_89_regions():
    grid = tile_grid()
    assert set(grid) == {r.code for r in REGIONS} and len(grid) == 89
    assert len(set(grid.values())) == 89


def test_a_man_recruited_in_a_year_only_is_in_that_year_s_wave_and_the_filter_finds_him(men):
    # a fifth man whose recruitment is known only to the year: not "2024-Q1", which he may
    # not be in, and choosing his wave shows him (it showed 0 men when he was put in Q1)
    person = Person.objects.create(status="alive")
    for etype, year, month in (("selected", 2024, None), ("deployed", 2024, 6)):
        event = Event.objects.create(
            type=etype,
            start_year=year,
            start_month=month,
            start_precision="month" if month else "year",
            start_sort=sort_key(year, month, None),
        )
        EventPerson.objects.create(event=event, person=person, role="subject")
    cache.clear()
    assert "2024" in selectors.wave_choices() and "2024-Q1" not in selectors.wave_choices()
    waves = {w["wave"]: w for w in selectors.survival(Filters())["waves"]}
    assert waves["2024"]["men"] == 1
    assert selectors.totals(Filters(wave="2024"))["men"] == 1
    assert wave_bounds("2024") == (sort_key(2024, None, None), sort_key(2024, None, 99))
    for bad in ("24", "2024-Q", "2024-Qx", "zzz", "2024-Q0"):
        with pytest.raises(ValueError):
            wave_bounds(bad)


def test_every_tile_of_the_map_has_letters_not_a_number():
    from kintrace.figures.tables import tile_abbreviation
    from kintrace.names.regions import REGIONS

    abbrs = {r.code: tile_abbreviation(r.code, r.name_en) for r in REGIONS}
    assert all(a.isalpha() and 2 <= len(a) <= 3 for a in abbrs.values()), abbrs
    assert len(set(abbrs.values())) == len(abbrs)  # no two tiles read alike
    assert (abbrs["RU-MOS"], abbrs["UA-23"], abbrs["UA-43"]) == ("MOS", "ZAP", "CRI")
