"""Match runs and the review decisions: confirm, reject, skip, new person."""

import pytest

from kintrace.audit.models import AuditEntry
from kintrace.lists.models import Decision, EntryRejection, ListEntry, MatchCandidate
from kintrace.lists.services import (
    ReviewError,
    candidate_confirm,
    candidate_reject,
    candidate_skip,
    entry_create_person,
    match_run,
)
from kintrace.registry.models import Citation, EventPerson, Person


@pytest.fixture
def matched(import_list, person, caseworker):
    """Three registry persons, a hospital list naming two of them, and a match run."""
    ivanov = person("Иванов Александр Сергеевич", "14.03.1987")
    petrov = person("Петров Пётр Петрович", "1990")
    person("Кузнецов Олег Николаевич", "1975")
    pl = import_list()
    run = match_run(person_list=pl, actor=caseworker)
    return pl, run, ivanov, petrov


def _candidate(pl, person):
    return MatchCandidate.objects.get(entry__person_list=pl, person=person)


def test_match_run_proposes_the_named_persons_with_readable_explanations(matched):
    pl, run, ivanov, petrov = matched
    assert run.candidate_count >= 2
    c = _candidate(pl, ivanov)
    assert c.entry.line == 2
    assert c.probability > 0.9
    comparisons = {name: level for name, level, _w in c.explanation}
    assert comparisons["surname"] == "exact"
    assert comparisons["birth_date"] == "same day"
    assert _candidate(pl, petrov).entry.line == 3


def test_confirm_puts_a_sourced_event_on_the_person_and_refreshes_his_status(matched, caseworker):
    pl, _run, ivanov, _petrov = matched
    c = _candidate(pl, ivanov)
    event = candidate_confirm(candidate=c, actor=caseworker)
    assert event.type == "hospitalised"
    assert (event.start_year, event.start_month, event.start_day) == (2023, 5, 2)
    assert event.place_text == "ВГ Ростов-на-Дону"
    assert EventPerson.objects.filter(event=event, person=ivanov).exists()
    citation = Citation.objects.get(event=event)
    assert citation.source == pl.source
    assert "ФИО: Иванов Александр Сергеевич" in citation.quote
    assert "Дата поступления: 02.05.2023" in citation.quote
    ivanov.refresh_from_db()
    assert ivanov.status_event_id == event.pk
    c.refresh_from_db()
    assert c.decision == Decision.CONFIRMED
    assert ListEntry.objects.get(pk=c.entry_id).person == ivanov
    assert AuditEntry.objects.filter(action="list.match_confirm", target_id=str(c.pk)).exists()
    with pytest.raises(ReviewError):
        candidate_confirm(candidate=c, actor=caseworker)


def test_a_rejected_pair_is_never_proposed_again(matched, caseworker):
    pl, _run, ivanov, _petrov = matched
    c = _candidate(pl, ivanov)
    candidate_reject(candidate=c, actor=caseworker)
    assert EntryRejection.objects.filter(entry=c.entry, person=ivanov).exists()
    match_run(person_list=pl, actor=caseworker)
    assert not MatchCandidate.objects.filter(
        entry=c.entry, person=ivanov, decision=Decision.OPEN
    ).exists()
    assert MatchCandidate.objects.filter(entry__person_list=pl, decision=Decision.OPEN).exists()


def test_skip_leaves_the_queue_without_deciding(matched, caseworker):
    pl, _run, ivanov, _petrov = matched
    c = candidate_skip(candidate=_candidate(pl, ivanov), actor=caseworker)
    assert c.decision == Decision.SKIPPED
    assert not EntryRejection.objects.exists()
    assert ListEntry.objects.get(pk=c.entry_id).person is None
    # a skipped candidate can still be confirmed later
    candidate_confirm(candidate=c, actor=caseworker)


def test_an_unmatched_entry_becomes_a_new_person_with_the_list_event(matched, caseworker):
    pl, _run, _ivanov, _petrov = matched
    entry = ListEntry.objects.get(person_list=pl, line=4)  # Сидоров, not in the registry
    assert not MatchCandidate.objects.filter(entry=entry).exists()
    new = entry_create_person(entry=entry, actor=caseworker)
    assert str(new) == "Сидоров Василий Иванович"
    assert (new.birth_year, new.birth_month) == (1979, 5)
    assert new.last_facility is not None and new.last_facility.number == "6"
    assert new.names.get().source == pl.source
    assert EventPerson.objects.filter(person=new, event__type="hospitalised").exists()
    with pytest.raises(ReviewError):
        entry_create_person(entry=entry, actor=caseworker)
    assert Person.objects.count() == 4


def test_confirm_tells_the_persons_open_case(matched, caseworker):
    from kintrace.cases.models import CaseNote, CaseStatus
    from kintrace.cases.services import case_open
    from kintrace.security.testing import org_keys_for_tests

    org_keys_for_tests()
    pl, _run, ivanov, _petrov = matched
    case, _created = case_open(person=ivanov, actor=caseworker)
    assert case.status == CaseStatus.NEW
    candidate_confirm(candidate=_candidate(pl, ivanov), actor=caseworker)
    case.refresh_from_db()
    assert case.status == CaseStatus.SEARCHING
    assert CaseNote.objects.filter(case=case, author=caseworker).count() == 1


def test_every_level_the_engine_can_explain_has_a_sentence_in_russian_and_english():
    from django.utils import translation

    from kintrace.linkage.model import comparisons
    from kintrace.lists.selectors import LEVELS

    labels = {lv.label for levels in comparisons("duckdb").values() for lv in levels}
    assert labels - set(LEVELS) == set()
    with translation.override("ru"):
        russian = {label: str(LEVELS[label]) for label in labels}
    with translation.override("en"):
        english = {label: str(LEVELS[label]) for label in labels}
    untranslated = [label for label in labels if russian[label] == english[label]]
    assert untranslated == []


def test_a_list_entry_born_about_a_year_is_matched_by_the_range_of_that_year(
    import_list, person, caseworker
):
    """The entry keeps "около 1986" only as written; the match run hands that text to the
    linkage, which compares it as 1984–1988, never as no year and never as 1986 itself."""
    petrov = person("Петров Иван Сергеевич", "14.03.1985")
    other = person("Петров Иван Сергеевич", "02.11.1995")
    pl = import_list("ФИО;Дата рождения\nПетров Иван Сергеевич;около 1986\n")
    match_run(person_list=pl, actor=caseworker)
    near = _candidate(pl, petrov)
    assert {n: lv for n, lv, _w in near.explanation}["birth_date"] == "within the stated range"
    far = MatchCandidate.objects.filter(entry__person_list=pl, person=other).first()
    assert far is None or far.probability < near.probability
