"""Each acceptance of an extracted fact writes what the caseworker chose, and an audit entry
naming who and what."""

import pytest

from kintrace.audit.actions import Action
from kintrace.cases.services import case_notes_read, case_open
from kintrace.extraction import services
from kintrace.extraction.models import SourceText
from kintrace.names.dates import parse_date
from kintrace.registry.services import person_create, source_create
from kintrace.security.testing import org_keys_for_tests, staff_with_key
from tests.audit.test_every_action import assert_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return staff_with_key("caseworker", username="alice")


@pytest.fixture
def person(alice):
    return person_create(name="Иванов Александр Сергеевич", actor=alice)


@pytest.fixture
def source(alice):
    return source_create(
        kind="media_article", title="Заметка", reliability="C", credibility=3, actor=alice
    )


@pytest.mark.audits(Action.EXTRACTION_PERSON_NAME_ACCEPT)
def test_an_accepted_name_is_added_to_the_chosen_person_and_recorded(alice, person, source):
    name = services.person_name_accept(
        person=person, text="Иванов Саша", source=source, actor=alice
    )
    assert name.person_id == person.pk and name.source_id == source.pk
    assert "Иванов Саша" in [n.full_text for n in person.names.all()]
    assert_entry(Action.EXTRACTION_PERSON_NAME_ACCEPT, actor=alice, target=person)
    assert_entry(Action.PERSON_NAME_ADD, actor=alice, target=person)


@pytest.mark.audits(Action.EXTRACTION_EVENT_ACCEPT)
def test_an_accepted_event_is_cited_to_the_source_with_the_sentence_as_quote(alice, person, source):
    quote = "10 июля его ранили под Бахмутом."
    event = services.event_accept(
        person=person,
        source=source,
        type="wounded",
        start=parse_date("10.07.2023"),
        quote=quote,
        actor=alice,
    )
    assert event.type == "wounded" and (event.start_year, event.start_month) == (2023, 7)
    assert [(c.source_id, c.quote) for c in event.citations.all()] == [(source.pk, quote)]
    assert list(event.participants.values_list("person_id", flat=True)) == [person.pk]
    assert_entry(Action.EXTRACTION_EVENT_ACCEPT, actor=alice, target=event)


@pytest.mark.audits(Action.EXTRACTION_PHONE_ACCEPT)
def test_an_accepted_phone_is_kept_as_a_sealed_note_on_the_case(alice, person):
    org_private = org_keys_for_tests()
    case, _created = case_open(person=person, actor=alice)
    note = services.phone_accept(
        case=case, phone="+79161234567", context="Звонил с номера +7 916 123-45-67.", actor=alice
    )
    assert b"+79161234567" not in bytes(note.body)
    texts = [n.text for n in case_notes_read(case=case, org_private=org_private, actor=alice)]
    assert texts and texts[0].startswith("+79161234567")
    assert_entry(Action.EXTRACTION_PHONE_ACCEPT, actor=alice, target=case)


@pytest.mark.audits(Action.EXTRACTION_ARTICLE_ADD)
def test_a_source_from_an_article_keeps_its_text(alice):
    source = services.article_source_create(
        kind="media_article",
        title="Вербовка в ИК-17",
        publisher="Газета",
        url="https://example.org/a",
        date=parse_date("12.07.2023"),
        reliability="C",
        credibility=3,
        text="В ИК-17 приезжали вербовщики.",
        lang="ru",
        actor=alice,
    )
    assert SourceText.objects.get(source=source).text == "В ИК-17 приезжали вербовщики."
    assert_entry(Action.EXTRACTION_ARTICLE_ADD, actor=alice, target=source)


@pytest.fixture
def regions_loaded():
    from kintrace.registry.services import regions_ensure_loaded

    regions_ensure_loaded()


@pytest.mark.audits(Action.EXTRACTION_FACILITY_ACCEPT)
def test_an_accepted_facility_becomes_the_persons_last_known_facility(
    alice, person, regions_loaded
):
    from kintrace.registry.models import Region

    mordovia = Region.objects.get(code="RU-MO")
    facility = services.facility_accept(
        type="ИК", number=17, region=mordovia, person=person, actor=alice
    )
    person.refresh_from_db()
    assert person.last_facility_id == facility.pk
    assert (facility.type, facility.number, facility.region_id) == ("ИК", "17", "RU-MO")
    assert_entry(Action.EXTRACTION_FACILITY_ACCEPT, actor=alice, target=person)
    assert_entry(Action.PERSON_UPDATE, actor=alice, target=person)
    again = services.facility_accept(
        type="ИК", number=17, region=mordovia, person=person, actor=alice
    )
    assert again.pk == facility.pk  # the registry's facility, not a second one


def test_a_facility_accepted_on_a_case_goes_to_the_cases_person(alice, person, regions_loaded):
    case, _created = case_open(person=person, actor=alice)
    facility = services.facility_accept(type="ИК", number=6, case=case, actor=alice)
    person.refresh_from_db()
    assert person.last_facility_id == facility.pk


def test_an_ambiguous_facility_is_refused_and_nothing_is_written(alice, person, regions_loaded):
    from django.core.exceptions import ValidationError

    from kintrace.registry.models import Region
    from kintrace.registry.services import facility_create

    for code in ("RU-MO", "RU-OMS"):
        facility_create(type="ИК", number="6", region=Region.objects.get(code=code), actor=alice)
    with pytest.raises(ValidationError):
        services.facility_accept(type="ИК", number=6, person=person, actor=alice)
    person.refresh_from_db()
    assert person.last_facility_id is None


def test_a_facility_needs_a_person_or_a_case_not_both(alice, person):
    from django.core.exceptions import ValidationError

    case, _created = case_open(person=person, actor=alice)
    with pytest.raises(ValidationError):
        services.facility_accept(type="ИК", number=6, actor=alice)
    with pytest.raises(ValidationError):
        services.facility_accept(type="ИК", number=6, person=person, case=case, actor=alice)
