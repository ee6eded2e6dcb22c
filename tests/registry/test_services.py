import pytest
from django.core.exceptions import ValidationError

from kintrace.audit.models import AuditEntry
from kintrace.audit.selectors import audit_verify
from kintrace.names.dates import parse_date
from kintrace.registry import services
from kintrace.registry.models import Event, Facility, PersonStatus, Region

pytestmark = pytest.mark.django_db


def last_audit():
    return AuditEntry.objects.order_by("-seq").first()


def test_regions_are_loaded_from_the_gazetteer_once():
    from kintrace.names.regions import REGIONS

    assert services.regions_ensure_loaded() == len(REGIONS)
    assert Region.objects.get(code="RU-PER").name_en
    assert services.regions_ensure_loaded() == 0
    assert AuditEntry.objects.filter(action="region.load").count() == 1


def test_person_create_stores_the_name_with_its_keys_and_writes_an_audit_entry(alice):
    person = services.person_create(
        name="Иванов Александр Сергеевич", birth=parse_date("03.1987"), actor=alice
    )
    name = person.names.get()
    assert (name.surname_key, name.given_key, name.patronymic_key) == (
        "ivanov",
        "aleksandr",
        "sergevich",
    )
    assert name.is_primary and name.script == "cyrl"
    assert (person.birth_year, person.birth_month, person.birth_day) == (1987, 3, None)
    assert person.birth_precision == "month" and person.sex == "m"
    entry = last_audit()
    assert entry.action == "person.create" and entry.actor == alice
    assert entry.after["names"] == ["Иванов Александр Сергеевич"]
    assert audit_verify().ok


def test_person_create_refuses_an_empty_name(alice):
    with pytest.raises(ValidationError):
        services.person_create(name="  ", actor=alice)


def test_person_update_records_before_and_after(alice):
    person = services.person_create(name="Петров Олег", actor=alice)
    services.person_update(person=person, call_sign="Гром", birth=parse_date("1990"), actor=alice)
    entry = last_audit()
    assert entry.action == "person.update"
    assert entry.before["call_sign"] == "" and entry.after["call_sign"] == "Гром"
    assert entry.after["birth_year"] == 1990


def test_person_update_cannot_set_the_derived_status(alice):
    person = services.person_create(name="Петров Олег", actor=alice)
    with pytest.raises(TypeError):
        services.person_update(person=person, status="dead", actor=alice)


def test_a_new_primary_name_replaces_the_old_primary(alice, strong_source):
    person = services.person_create(name="Иванов Александр", actor=alice)
    services.person_name_add(person=person, text="Sasha Ivanov", source=strong_source, actor=alice)
    services.person_name_add(person=person, text="ИВАНОВ А.С.", is_primary=True, actor=alice)
    assert person.names.count() == 3
    assert list(person.names.filter(is_primary=True).values_list("full_text", flat=True)) == [
        "ИВАНОВ А.С."
    ]
    latin = person.names.get(full_text="Sasha Ivanov")
    assert latin.script == "latn" and latin.given_key == "aleksandr"
    assert last_audit().action == "person.name_add"


def test_facility_create_refuses_a_duplicate_with_a_clear_message(alice, regions):
    perm = Region.objects.get(code="RU-PER")
    services.facility_create(type="ИК", number="2", region=perm, actor=alice)
    with pytest.raises(ValidationError) as exc:
        services.facility_create(type="ИК", number=" 2 ", region=perm, actor=alice)
    assert "ИК-2" in exc.value.messages[0]
    assert Facility.objects.count() == 1
    assert last_audit().action == "facility.create"


def test_facility_update_refuses_to_become_a_duplicate(alice, regions):
    perm = Region.objects.get(code="RU-PER")
    services.facility_create(type="ИК", number="2", region=perm, actor=alice)
    other = services.facility_create(type="ИК", number="3", region=perm, actor=alice)
    with pytest.raises(ValidationError):
        services.facility_update(facility=other, number="2", actor=alice)
    services.facility_update(facility=other, official_name="ФКУ ИК-3", actor=alice)
    entry = last_audit()
    assert entry.action == "facility.update" and entry.after["official_name"] == "ФКУ ИК-3"


def test_facility_from_a_reference_is_found_or_created_once(alice, regions):
    first, created = services.facility_get_or_create_from_ref(
        ref="ФКУ ИК-17 УФСИН России по Республике Мордовия", actor=alice
    )
    again, created_again = services.facility_get_or_create_from_ref(
        ref="ИК-17 Мордовия", actor=alice
    )
    assert created and not created_again and first == again
    assert (first.type, first.number, first.region_id) == ("ИК", "17", "RU-MO")


def test_facility_from_text_that_names_no_facility_is_refused(alice):
    with pytest.raises(ValidationError):
        services.facility_get_or_create_from_ref(ref="просто текст", actor=alice)


def test_source_create_and_update_are_audited(alice):
    source = services.source_create(
        kind="media_article", title="Статья", date=parse_date("14 марта 2023"), actor=alice
    )
    assert (source.date_year, source.date_month, source.date_day) == (2023, 3, 14)
    services.source_update(source=source, reliability="B", credibility=2, actor=alice)
    entry = last_audit()
    assert entry.action == "source.update"
    assert entry.before["reliability"] == "F" and entry.after["reliability"] == "B"


def test_an_event_sets_the_status_of_its_subject_and_says_why(alice, strong_source):
    person = services.person_create(name="Иванов Александр", actor=alice)
    event = services.event_create(
        type="wounded",
        start=parse_date("05.2023"),
        persons=[person],
        citations=[(strong_source, "ранен")],
        actor=alice,
    )
    person.refresh_from_db()
    assert person.status == PersonStatus.WOUNDED and person.status_event == event
    assert "B2" in person.status_reason
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["event.create", "person.status"]


def test_a_mentioned_person_does_not_get_the_status_of_the_event(alice, strong_source):
    subject = services.person_create(name="Иванов Александр", actor=alice)
    witness = services.person_create(name="Петров Олег", actor=alice)
    services.event_create(
        type="killed",
        start=parse_date("2023"),
        persons=[subject, (witness, "mentioned")],
        citations=[strong_source],
        actor=alice,
    )
    subject.refresh_from_db()
    witness.refresh_from_db()
    assert subject.status == PersonStatus.DEAD and witness.status == PersonStatus.UNKNOWN


def test_a_newer_weak_death_report_does_not_override_a_well_sourced_wound(
    alice, strong_source, weak_source
):
    person = services.person_create(name="Иванов Александр", actor=alice)
    services.event_create(
        type="wounded",
        start=parse_date("05.2023"),
        persons=[person],
        citations=[strong_source],
        actor=alice,
    )
    services.event_create(
        type="killed",
        start=parse_date("06.2023"),
        persons=[person],
        citations=[weak_source],
        actor=alice,
    )
    person.refresh_from_db()
    assert person.status == PersonStatus.WOUNDED
    assert "слабо подтверждённое" in person.status_reason  # written in the active language (ru)


def test_regrading_a_source_re_derives_the_status(alice, strong_source, weak_source):
    person = services.person_create(name="Иванов Александр", actor=alice)
    services.event_create(
        type="wounded",
        start=parse_date("05.2023"),
        persons=[person],
        citations=[strong_source],
        actor=alice,
    )
    services.event_create(
        type="killed",
        start=parse_date("06.2023"),
        persons=[person],
        citations=[weak_source],
        actor=alice,
    )
    services.source_update(source=weak_source, reliability="A", credibility=1, actor=alice)
    person.refresh_from_db()
    assert person.status == PersonStatus.DEAD


def test_event_update_changes_the_date_and_re_derives_the_status(alice, strong_source):
    person = services.person_create(name="Иванов Александр", actor=alice)
    wounded = services.event_create(
        type="wounded",
        start=parse_date("05.2023"),
        persons=[person],
        citations=[strong_source],
        actor=alice,
    )
    services.event_create(
        type="contact",
        start=parse_date("06.2023"),
        persons=[person],
        citations=[strong_source],
        actor=alice,
    )
    services.event_update(event=wounded, start=parse_date("07.2023"), actor=alice)
    person.refresh_from_db()
    assert person.status == PersonStatus.WOUNDED
    wounded.refresh_from_db()
    assert wounded.start_sort == 20230700
    assert last_audit().action in ("person.status", "event.update")


def test_event_date_range_must_not_end_before_it_starts(alice):
    with pytest.raises(ValidationError):
        services.event_create(
            type="training", start=parse_date("05.2023"), end=parse_date("03.2023"), actor=alice
        )


def test_event_delete_is_audited_and_the_status_falls_back(alice, strong_source):
    person = services.person_create(name="Иванов Александр", actor=alice)
    services.event_create(
        type="deployed",
        start=parse_date("03.2023"),
        persons=[person],
        citations=[strong_source],
        actor=alice,
    )
    missing = services.event_create(
        type="missing",
        start=parse_date("06.2023"),
        persons=[person],
        citations=[strong_source],
        actor=alice,
    )
    services.event_delete(event=missing, actor=alice)
    person.refresh_from_db()
    assert person.status == PersonStatus.ALIVE
    assert not Event.objects.filter(pk=missing.pk).exists()
    assert AuditEntry.objects.filter(action="event.delete", target_id=str(missing.pk)).exists()


def test_adding_and_removing_a_citation_is_audited_and_changes_the_status(alice, strong_source):
    person = services.person_create(name="Иванов Александр", actor=alice)
    services.event_create(
        type="contact",
        start=parse_date("02.2023"),
        persons=[person],
        citations=[strong_source],
        actor=alice,
    )
    killed = services.event_create(
        type="killed", start=parse_date("06.2023"), persons=[person], actor=alice
    )
    person.refresh_from_db()
    assert person.status == PersonStatus.ALIVE  # the unsourced death report does not decide
    citation = services.event_citation_add(
        event=killed, source=strong_source, quote="погиб", actor=alice
    )
    person.refresh_from_db()
    assert person.status == PersonStatus.DEAD
    services.citation_remove(citation=citation, actor=alice)
    person.refresh_from_db()
    assert person.status == PersonStatus.ALIVE
    assert AuditEntry.objects.filter(action="event.citation_remove").count() == 1


def test_a_failed_service_leaves_neither_the_change_nor_an_audit_entry(alice, regions):
    perm = Region.objects.get(code="RU-PER")
    services.facility_create(type="ИК", number="2", region=perm, actor=alice)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.facility_create(type="ИК", number="2", region=perm, actor=alice)
    assert AuditEntry.objects.count() == before


def test_rekey_repairs_stale_name_keys_and_is_audited(alice):
    from kintrace.registry.models import PersonName

    person = services.person_create(name="Кузнецов Дмитрий", actor=alice)
    PersonName.objects.filter(person=person).update(surname_key="stale")
    assert services.person_names_rekey(actor=alice) == 1
    assert person.names.get().surname_key == services.name_fields("Кузнецов")["surname_key"]
    assert services.person_names_rekey(actor=alice) == 0
    assert AuditEntry.objects.filter(action="person.names_rekey").count() == 1
