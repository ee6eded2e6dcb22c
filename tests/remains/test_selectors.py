"""Remains selectors: counts for the numbers page (no names), the men still searched for."""

import pytest
from django.template.loader import render_to_string

from kintrace.names.dates import parse_date
from kintrace.registry.models import EventType, Region
from kintrace.registry.services import (
    event_create,
    person_create,
    regions_ensure_loaded,
    source_create,
)
from kintrace.remains.selectors import remains_counts, searched_persons
from kintrace.remains.services import remains_close, remains_create

pytestmark = pytest.mark.django_db


def test_counts_give_unidentified_remains_per_region_and_month_and_leave_out_closed():
    regions_ensure_loaded()
    rostov = Region.objects.get(code="RU-ROS")
    source = source_create(kind="official_list", title="Морг", actor=None)
    for month in (5, 5, 6):
        remains_create(
            actor=None,
            kind="body",
            source=source,
            region=rostov,
            found=parse_date(f"{month:02d}.2023"),
        )
    closed = remains_create(actor=None, kind="body", source=source, region=rostov)
    remains_close(remains=closed, actor=None, note="дубль")
    counts = remains_counts()
    assert [(r["found_month"], r["n"]) for r in counts["by_region_month"]] == [(5, 2), (6, 1)]
    assert (counts["total"], counts["identified"], counts["identified_share"]) == (3, 0, 0.0)
    html = render_to_string("remains/_numbers.html", {"remains_numbers": counts})
    assert rostov.name_ru in html and "0 of 3" in html


def test_the_searched_for_are_the_missing_the_unknown_and_the_dead_not_buried():
    source = source_create(kind="document", title="док", actor=None, reliability="B", credibility=2)
    unknown = person_create(name="Орлов Пётр", actor=None)
    dead = person_create(name="Смирнов Олег", actor=None)
    event_create(type=EventType.KILLED, persons=[dead], citations=[source], actor=None)
    buried = person_create(name="Попов Иван", actor=None)
    event_create(type=EventType.BURIED, persons=[buried], citations=[source], actor=None)
    alive = person_create(name="Зайцев Юрий", actor=None)
    event_create(type=EventType.CONTACT, persons=[alive], citations=[source], actor=None)
    assert set(searched_persons()) == {unknown, dead}
