import pytest

from kintrace.audit.models import AuditEntry
from kintrace.audit.selectors import audit_verify
from kintrace.registry.demo import load_demo
from kintrace.registry.models import (
    DemoDataset,
    Event,
    Facility,
    Person,
    PersonName,
    PersonStatus,
    Source,
)
from kintrace.registry.services import person_status_refresh

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_demo_loads_about_two_thousand_persons_in_forty_facilities_once():
    first = load_demo()
    assert first.created
    assert Person.objects.count() == 2000
    assert Facility.objects.count() == 40
    assert Event.objects.count() > 10_000 and Source.objects.count() > 200
    assert PersonName.objects.count() > 2000
    second = load_demo()
    assert not second.created
    assert Person.objects.count() == 2000 and DemoDataset.objects.count() == 1
    assert AuditEntry.objects.filter(action="demo.load").count() == 1
    assert audit_verify().ok


def test_demo_data_is_labelled_fictional_everywhere():
    load_demo(persons=60, seed=7)
    assert all("вымышл" in f.official_name for f in Facility.objects.all())
    assert all(s.title.startswith("[ДЕМО]") for s in Source.objects.all())
    assert all("Вымышленный" in p.notes for p in Person.objects.all())


def test_demo_statuses_follow_the_same_rule_as_the_services():
    load_demo(persons=60, seed=11)
    statuses = set()
    for person in Person.objects.all():
        stored = (person.status, person.status_event_id)
        refreshed = person_status_refresh(person=person)
        assert (refreshed.status, refreshed.status_event_id) == stored, person.pk
        statuses.add(person.status)
    assert {PersonStatus.DEAD, PersonStatus.MISSING, PersonStatus.ALIVE} <= statuses


def test_demo_stories_start_with_an_offer_at_his_colony_and_are_searchable():
    from kintrace.registry.selectors import person_search, person_timeline

    load_demo(persons=30, seed=3)
    person = Person.objects.first()
    timeline = person_timeline(person)
    assert timeline[0].type == "offered" and timeline[0].facility == person.last_facility
    surname = person.primary_name.surname
    assert person in person_search(surname.upper())


def test_demo_lists_overlap_through_confirmed_matches_as_capture_recapture_needs():
    from collections import Counter

    from kintrace.lists.models import Decision, ListEntry, MatchCandidate, PersonList

    load_demo(persons=200, seed=13)
    lists = PersonList.objects.visible()
    assert len({pl.kind for pl in lists}) >= 3
    entries = ListEntry.objects.visible()
    assert entries.filter(person__isnull=True).count() == 0
    # Every row is a confirmed match of its person, on an event of the list's kind.
    assert MatchCandidate.objects.filter(decision=Decision.CONFIRMED).count() == entries.count()
    for entry in entries.select_related("event", "person_list")[:50]:
        assert entry.event.type == entry.person_list.event_type
        assert entry.event.participants.filter(person=entry.person).exists()
    per_man = Counter(entries.values_list("person_id", flat=True))
    assert set(per_man.values()) >= {1, 2}
    assert max(per_man.values()) <= 3
