"""Services behind the record-keeping workflows: likely duplicates, merged persons read-only,
deleted events restorable, ambiguous facility text, conflicting evidence."""

import pytest
from django.core.exceptions import ValidationError

from kintrace.audit.models import AuditEntry
from kintrace.names.dates import parse_date
from kintrace.registry import services
from kintrace.registry.likely import likely_duplicates
from kintrace.registry.models import (
    Citation,
    ConflictState,
    Event,
    EventPerson,
    Facility,
    PersonDistinct,
    PersonStatus,
    Region,
    StatusConflict,
)
from kintrace.registry.selectors import person_status_explain

pytestmark = pytest.mark.django_db


def merged_pair(alice):
    from kintrace.lists.services import persons_merge

    survivor = services.person_create(
        name="Иванов Александр Сергеевич", actor=alice, birth=parse_date("14.03.1987")
    )
    merged = services.person_create(name="Иванов А. С.", actor=alice)
    persons_merge(survivor=survivor, merged=merged, actor=alice)
    return survivor, merged


# --- likely duplicates (item 4) ------------------------------------------------------------


def test_the_same_name_and_birth_date_is_a_likely_duplicate_in_another_spelling(alice):
    ivanov = services.person_create(
        name="Иванов Александр Сергеевич", actor=alice, birth=parse_date("14.03.1987")
    )
    services.person_create(name="Петров Пётр Петрович", actor=alice, birth=parse_date("1990"))
    found = likely_duplicates(name="ИВАНОВ Александр Сергеевич", birth=parse_date("14.03.1987"))
    assert [x.person.pk for x in found] == [ivanov.pk]
    assert found[0].probability >= 0.8 and found[0].explanation


def test_a_namesake_born_in_another_year_is_not_proposed(alice):
    services.person_create(
        name="Иванов Александр Сергеевич", actor=alice, birth=parse_date("14.03.1987")
    )
    assert (
        likely_duplicates(name="Иванов Александр Сергеевич", birth=parse_date("02.11.1961")) == []
    )


def test_a_merged_away_person_is_never_proposed(alice):
    survivor, merged = merged_pair(alice)
    found = likely_duplicates(name="Иванов Александр Сергеевич", birth=parse_date("14.03.1987"))
    assert merged.pk not in [x.person.pk for x in found]


def test_saying_he_is_a_different_man_is_recorded_and_audited(alice):
    ivanov = services.person_create(
        name="Иванов Александр Сергеевич", actor=alice, birth=parse_date("14.03.1987")
    )
    new = services.person_create(
        name="Иванов Александр Сергеевич",
        actor=alice,
        birth=parse_date("14.03.1987"),
        distinct_from=[ivanov],
    )
    row = PersonDistinct.objects.get()
    assert (row.person_a_id, row.person_b_id, row.created_by) == (ivanov.pk, new.pk, alice)
    assert AuditEntry.objects.filter(action="person.distinct", target_id=str(row.pk)).exists()


def test_the_registry_duplicate_search_skips_pairs_said_to_be_different_men(alice):
    from kintrace.lists.models import DuplicateCandidate
    from kintrace.lists.services import dedupe_run

    ivanov = services.person_create(
        name="Иванов Александр Сергеевич", actor=alice, birth=parse_date("14.03.1987")
    )
    twin = services.person_create(
        name="Иванов Александр Сергеевич", actor=alice, birth=parse_date("14.03.1987")
    )
    dedupe_run(actor=alice)
    assert DuplicateCandidate.objects.filter(person_a=ivanov, person_b=twin).exists()
    services.persons_mark_distinct(a=twin, b=ivanov, actor=alice)
    dedupe_run(actor=alice)
    assert not DuplicateCandidate.objects.filter(person_a=ivanov, person_b=twin).exists()


# --- merged persons are read-only (item 5) -------------------------------------------------


def test_no_write_reaches_a_person_merged_into_another(alice, strong_source):
    survivor, merged = merged_pair(alice)
    event = services.event_create(type="contact", actor=alice, persons=[survivor])
    attempts = [
        lambda: services.event_create(type="wounded", actor=alice, persons=[merged]),
        lambda: services.person_name_add(person=merged, text="Ivanov Alexandr", actor=alice),
        lambda: services.person_update(person=merged, call_sign="Граф", actor=alice),
        lambda: services.event_person_add(event=event, person=merged, actor=alice),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as caught:
            attempt()
        assert caught.value.code == "merged"
        assert f"#{survivor.pk}" in caught.value.messages[0]
    assert not EventPerson.objects.filter(person=merged).exists()
    assert merged.names.count() == 0  # his names moved to the survivor at the merge


def test_a_stale_object_of_a_merged_person_is_refused_too(alice):
    from kintrace.lists.services import persons_merge

    a = services.person_create(name="Иванов Александр Сергеевич", actor=alice)
    b = services.person_create(name="Иванов А. С.", actor=alice)
    stale = services.person_create(name="x", actor=alice)
    stale.pk = b.pk  # a form opened before the merge holds the person as he was
    persons_merge(survivor=a, merged=b, actor=alice)
    with pytest.raises(ValidationError):
        services.event_create(type="contact", actor=alice, persons=[stale])


# --- deleted events come back (item 6) -----------------------------------------------------


def test_a_deleted_event_leaves_every_reader_and_is_restored_exactly(alice, strong_source):
    person = services.person_create(name="Иванов Александр Сергеевич", actor=alice)
    event = services.event_create(
        type="killed",
        start=parse_date("10.05.2023"),
        actor=alice,
        persons=[person],
        citations=[(strong_source, "Погиб")],
    )
    person.refresh_from_db()
    assert person.status == PersonStatus.DEAD
    before = {f: getattr(event, f) for f in ("type", "start_sort", "created_at", "created_by_id")}

    deletion = services.event_delete(event=event, actor=alice, reason="не тот человек")
    person.refresh_from_db()
    assert not Event.objects.filter(pk=event.pk).exists()
    assert not Citation.objects.filter(event_id=event.pk).exists()
    assert person.status == PersonStatus.UNKNOWN
    assert list(deletion.persons.all()) == [person]
    entry = AuditEntry.objects.get(action="event.delete")
    assert entry.after["reason"] == "не тот человек"

    restored = services.event_restore(deletion=deletion, actor=alice)
    person.refresh_from_db()
    assert restored.pk == event.pk
    assert {f: getattr(restored, f) for f in before} == before
    assert restored.citations.get().quote == "Погиб"
    assert person.status == PersonStatus.DEAD
    deletion.refresh_from_db()
    assert deletion.restored_by == alice
    assert AuditEntry.objects.filter(action="event.restore", target_id=str(event.pk)).exists()
    with pytest.raises(ValidationError):
        services.event_restore(deletion=deletion, actor=alice)


def test_a_deletion_of_a_merged_away_man_shows_in_the_survivors_history(alice):
    from kintrace.lists.services import persons_merge
    from kintrace.registry.selectors import person_deletions

    a = services.person_create(name="Иванов Александр Сергеевич", actor=alice)
    b = services.person_create(name="Иванов А. С.", actor=alice)
    deletion = services.event_delete(
        event=services.event_create(type="contact", actor=alice, persons=[b]), actor=alice
    )
    persons_merge(survivor=a, merged=b, actor=alice)
    assert person_deletions(a) == [deletion]


def test_an_event_restored_after_its_man_was_merged_goes_to_the_survivor(alice):
    from kintrace.lists.services import persons_merge

    a = services.person_create(name="Иванов Александр Сергеевич", actor=alice)
    b = services.person_create(name="Иванов А. С.", actor=alice)
    event = services.event_create(type="contact", actor=alice, persons=[b])
    deletion = services.event_delete(event=event, actor=alice)
    persons_merge(survivor=a, merged=b, actor=alice)
    services.event_restore(deletion=deletion, actor=alice)
    assert list(
        EventPerson.objects.filter(event_id=event.pk).values_list("person_id", flat=True)
    ) == [a.pk]


def test_a_list_entry_gets_its_event_back_on_restore(alice, import_list_for_records):
    entry, event = import_list_for_records
    deletion = services.event_delete(event=event, actor=alice)
    entry.refresh_from_db()
    assert entry.event_id is None
    services.event_restore(deletion=deletion, actor=alice)
    entry.refresh_from_db()
    assert entry.event_id == event.pk


@pytest.fixture
def import_list_for_records(alice, regions):
    from kintrace.lists.models import MatchCandidate
    from kintrace.lists.services import candidate_confirm, list_import_start, list_upload, match_run

    person = services.person_create(
        name="Иванов Александр Сергеевич", actor=alice, birth=parse_date("14.03.1987")
    )
    data = (
        "ФИО;Дата рождения;Дата поступления\nИванов Александр Сергеевич;14.03.1987;02.05.2023\n"
    ).encode()
    pl, _t = list_upload(data=data, kind="hospital", title="ВГ", filename="l.csv", actor=alice)
    pl = list_import_start(person_list=pl, mapping=pl.mapping, actor=alice, background=False)
    match_run(person_list=pl, actor=alice)
    c = MatchCandidate.objects.get(person=person)
    event = candidate_confirm(candidate=c, actor=alice)
    return c.entry, event


# --- ambiguous facility text (item 7) ------------------------------------------------------


def test_facility_text_without_a_region_takes_the_only_regional_facility(alice, regions):
    perm = services.facility_create(
        type="ИК", number="6", actor=alice, region=Region.objects.get(code="RU-PER")
    )
    facility, created = services.facility_get_or_create_from_ref(ref="ИК-6", actor=alice)
    assert (facility, created) == (perm, False)
    assert Facility.objects.count() == 1


def test_facility_text_that_fits_two_regions_creates_nothing_and_names_both(alice, regions):
    perm = services.facility_create(
        type="ИК", number="6", actor=alice, region=Region.objects.get(code="RU-PER")
    )
    sverd = services.facility_create(
        type="ИК", number="6", actor=alice, region=Region.objects.get(code="RU-SVE")
    )
    with pytest.raises(services.FacilityAmbiguous) as caught:
        services.facility_get_or_create_from_ref(ref="ИК-6", actor=alice)
    assert set(caught.value.candidates) == {perm, sverd}
    assert Facility.objects.count() == 2
    facility, created = services.facility_get_or_create_from_ref(
        ref="ИК-6 Пермский край", actor=alice
    )
    assert (facility, created) == (perm, False)


def test_a_region_less_twin_of_a_regional_facility_is_refused_by_the_form_service_too(
    alice, regions
):
    services.facility_create(
        type="ИК", number="6", actor=alice, region=Region.objects.get(code="RU-PER")
    )
    with pytest.raises(ValidationError) as caught:
        services.facility_create(type="ИК", number="6", actor=alice)
    assert caught.value.code == "ambiguous" and "Пермский край" in caught.value.messages[0]
    assert Facility.objects.count() == 1


def test_an_unresolved_facility_is_kept_as_text_until_someone_chooses(alice, regions):
    perm = services.facility_create(
        type="ИК", number="6", actor=alice, region=Region.objects.get(code="RU-PER")
    )
    person = services.person_create(name="Сидоров Василий", actor=alice, last_facility_text="ИК-6")
    event = services.event_create(
        type="selected", actor=alice, persons=[person], facility_text="ИК-6"
    )
    services.facility_resolve(facility=perm, person=person, actor=alice)
    services.facility_resolve(facility=perm, event=event, actor=alice)
    person.refresh_from_db()
    event.refresh_from_db()
    assert (person.last_facility, person.last_facility_text) == (perm, "")
    assert (event.facility, event.facility_text) == (perm, "")
    assert AuditEntry.objects.filter(action="person.facility_resolve").exists()
    assert AuditEntry.objects.filter(action="event.facility_resolve").exists()


# --- conflicting evidence (item 10) --------------------------------------------------------


@pytest.fixture
def killed_then_hospitalised(alice, strong_source):
    person = services.person_create(name="Иванов Александр Сергеевич", actor=alice)
    killed = services.event_create(
        type="killed",
        start=parse_date("10.05.2023"),
        actor=alice,
        persons=[person],
        citations=[strong_source],
    )
    hospital = services.source_create(
        kind="official_list", title="ВГ Ростов", actor=alice, reliability="B", credibility=2
    )
    later = services.event_create(
        type="hospitalised",
        start=parse_date("02.06.2023"),
        actor=alice,
        persons=[person],
        citations=[hospital],
    )
    person.refresh_from_db()
    return person, killed, later


def test_a_well_sourced_death_then_a_hospital_admission_is_an_open_conflict(
    killed_then_hospitalised,
):
    person, killed, later = killed_then_hospitalised
    conflict = StatusConflict.objects.get()
    assert (conflict.death_event, conflict.life_event, conflict.state) == (
        killed,
        later,
        ConflictState.OPEN,
    )
    assert person.status == PersonStatus.DEAD  # not silently changed to "wounded"
    assert "Conflicting evidence" in person_status_explain(person).reason()
    assert AuditEntry.objects.filter(action="person.conflict_open").exists()


def test_dying_of_wounds_on_the_same_date_or_a_wound_before_the_death_is_no_conflict(
    alice, strong_source
):
    person = services.person_create(name="Петров Пётр", actor=alice)
    services.event_create(
        type="wounded",
        start=parse_date("10.05.2023"),
        actor=alice,
        persons=[person],
        citations=[strong_source],
    )
    services.event_create(
        type="hospitalised",
        start=parse_date("04.2023"),
        actor=alice,
        persons=[person],
        citations=[strong_source],
    )
    services.event_create(
        type="killed",
        start=parse_date("10.05.2023"),
        actor=alice,
        persons=[person],
        citations=[strong_source],
    )
    assert not StatusConflict.objects.exists()


def test_an_undated_sign_of_life_beside_a_death_cannot_be_placed_and_is_a_conflict(
    alice, strong_source, weak_source
):
    person = services.person_create(name="Петров Пётр", actor=alice)
    services.event_create(
        type="killed",
        start=parse_date("10.05.2023"),
        actor=alice,
        persons=[person],
        citations=[strong_source],
    )
    services.event_create(type="contact", actor=alice, persons=[person], citations=[weak_source])
    assert StatusConflict.objects.get().state == ConflictState.OPEN


def test_a_weakly_sourced_death_raises_no_conflict(alice, weak_source):
    person = services.person_create(name="Петров Пётр", actor=alice)
    services.event_create(
        type="killed",
        start=parse_date("10.05.2023"),
        actor=alice,
        persons=[person],
        citations=[weak_source],
    )
    services.event_create(
        type="wounded",
        start=parse_date("06.2023"),
        actor=alice,
        persons=[person],
        citations=[weak_source],
    )
    person.refresh_from_db()
    assert not StatusConflict.objects.exists() and person.status == PersonStatus.WOUNDED


def test_a_coordinator_decides_the_conflict_and_the_status_follows(
    killed_then_hospitalised, make_staff
):
    person, killed, later = killed_then_hospitalised
    boss = make_staff("coordinator")
    conflict = StatusConflict.objects.get()
    services.conflict_resolve(
        conflict=conflict, state=ConflictState.ALIVE_AFTER, actor=boss, note="Звонил матери в июле"
    )
    person.refresh_from_db()
    assert person.status == PersonStatus.WOUNDED
    assert not person_status_explain(person).conflicts
    assert AuditEntry.objects.filter(
        action="person.conflict_resolve", actor_label=boss.username
    ).exists()
    with pytest.raises(ValidationError):
        services.conflict_resolve(conflict=conflict, state=ConflictState.DEATH_STANDS, actor=boss)


def test_when_the_death_stands_the_later_report_no_longer_counts(killed_then_hospitalised, alice):
    person, killed, later = killed_then_hospitalised
    services.conflict_resolve(
        conflict=StatusConflict.objects.get(), state=ConflictState.DEATH_STANDS, actor=alice
    )
    person.refresh_from_db()
    assert person.status == PersonStatus.DEAD
    assert not person_status_explain(person).conflicts
    # A new event re-derives the status: the decision is remembered.
    services.event_create(type="payment_promised", actor=alice, persons=[person])
    person.refresh_from_db()
    assert person.status == PersonStatus.DEAD
    assert StatusConflict.objects.get().state == ConflictState.DEATH_STANDS


def test_deleting_the_sign_of_life_forgets_the_open_conflict(killed_then_hospitalised, alice):
    person, killed, later = killed_then_hospitalised
    deletion = services.event_delete(event=later, actor=alice)
    assert not StatusConflict.objects.exists()
    services.event_restore(deletion=deletion, actor=alice)
    assert StatusConflict.objects.get().state == ConflictState.OPEN


def test_triage_creating_the_man_from_an_ambiguous_facility_keeps_the_text(
    alice, regions, org_keys
):
    from kintrace.intake.linking import report_create_person
    from tests.intake.helpers import make_report

    for code in ("RU-PER", "RU-SVE"):
        services.facility_create(
            type="ИК", number="6", actor=alice, region=Region.objects.get(code=code)
        )
    report, _receipt = make_report(subject={"name": "Сидоров Василий Иванович", "facility": "ИК-6"})
    person = report_create_person(report=report, actor=alice)
    assert (person.last_facility, person.last_facility_text) == (None, "ИК-6")
    assert Facility.objects.count() == 2  # no third, region-less ИК-6


def test_a_list_entry_with_an_ambiguous_facility_keeps_the_text_on_the_new_man_and_event(
    alice, regions
):
    from kintrace.lists.models import ListEntry
    from kintrace.lists.services import entry_create_person, list_import_start, list_upload

    for code in ("RU-PER", "RU-SVE"):
        services.facility_create(
            type="ИК", number="6", actor=alice, region=Region.objects.get(code=code)
        )
    data = "ФИО;Учреждение\nСидоров Василий Иванович;ИК-6\n".encode()
    pl, _t = list_upload(data=data, kind="hospital", title="ВГ", filename="l.csv", actor=alice)
    pl = list_import_start(person_list=pl, mapping=pl.mapping, actor=alice, background=False)
    person = entry_create_person(entry=ListEntry.objects.get(person_list=pl), actor=alice)
    event = Event.objects.get(participants__person=person)
    assert (person.last_facility, person.last_facility_text) == (None, "ИК-6")
    assert (event.facility, event.facility_text) == (None, "ИК-6")
    assert Facility.objects.count() == 2


def test_the_person_count_estimate_counts_the_registry_and_is_kept_a_while(alice, monkeypatch):
    from kintrace.registry import likely

    monkeypatch.setattr(likely, "_person_count", None)
    for name in ("Иванов Иван", "Петров Пётр", "Сидоров Фёдор"):
        services.person_create(name=name, actor=alice)
    # PostgreSQL's estimate is read only once the table was analysed; before that it counts.
    assert likely.person_count_estimate() == 3
    services.person_create(name="Смирнов Олег", actor=alice)
    assert likely.person_count_estimate() == 3  # kept for PERSON_COUNT_TTL seconds
    monkeypatch.setattr(likely, "PERSON_COUNT_TTL", 0.0)
    assert likely.person_count_estimate() == 4
