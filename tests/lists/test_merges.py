"""Registry duplicates: dedupe runs, merges that keep everything, undo that restores exactly."""

import pytest
from django.apps import apps

from kintrace.audit.models import AuditEntry
from kintrace.lists.models import Decision, DuplicateCandidate, DuplicateRejection
from kintrace.lists.services import (
    MergeError,
    dedupe_run,
    duplicate_decide,
    merge_undo,
    persons_merge,
)
from kintrace.lists.services.merges import row_dump

AFFECTED = [
    "registry.Person",
    "registry.PersonName",
    "registry.Event",
    "registry.EventPerson",
    "registry.Citation",
    "registry.Source",
    "cases.Case",
    "lists.ListEntry",
]


def dump() -> dict:
    """Every row of every table a merge touches, exactly."""
    return {
        label: sorted(
            (row_dump(o) for o in apps.get_model(label).objects.all()), key=lambda r: r["id"]
        )
        for label in AFFECTED
    }


@pytest.fixture
def two_records_of_one_man(person, caseworker):
    from kintrace.names.dates import parse_date
    from kintrace.registry.services import event_create, person_name_add, source_create

    a = person("Иванов Александр Сергеевич", "14.03.1987")
    b = person("ИВАНОВ А.С.", "14.03.1987")
    person_name_add(person=b, text="Aleksandr Ivanov", actor=caseworker)
    src = source_create(
        kind="media_article", title="Медиазона", reliability="B", credibility=2, actor=caseworker
    )
    event_create(
        type="deployed",
        start=parse_date("2023"),
        persons=[b],
        citations=[(src, "ушёл на фронт")],
        actor=caseworker,
    )
    # both men on one event: the merge must not create a duplicate link
    event_create(type="contact", start=parse_date("03.2023"), persons=[a, b], actor=caseworker)
    other = person("Петров Пётр Петрович", "1990")
    return a, b, other


def test_merge_moves_names_events_and_cases_and_undo_restores_the_exact_prior_state(
    two_records_of_one_man, caseworker
):
    from kintrace.cases.services import case_open
    from kintrace.registry.models import EventPerson, PersonName

    a, b, _other = two_records_of_one_man
    case_open(person=b, actor=caseworker)
    before = dump()
    merge = persons_merge(survivor=a, merged=b, actor=caseworker)
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.merged_into == a
    assert sorted(PersonName.objects.filter(person=a).values_list("full_text", flat=True)) == [
        "Aleksandr Ivanov",
        "ИВАНОВ А.С.",
        "Иванов Александр Сергеевич",
    ]
    assert PersonName.objects.filter(person=a, is_primary=True).count() == 1
    assert set(EventPerson.objects.filter(person=a).values_list("event__type", flat=True)) == {
        "deployed",
        "contact",
    }
    assert not EventPerson.objects.filter(person=b).exists()
    assert a.cases.count() == 1
    assert dump() != before
    merge_undo(merge=merge, actor=caseworker)
    assert dump() == before
    with pytest.raises(MergeError):
        merge_undo(merge=merge, actor=caseworker)
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "person.merge" in actions and "person.merge_undo" in actions


def test_two_open_cases_block_a_merge_and_nothing_changes(two_records_of_one_man, caseworker):
    from kintrace.cases.services import case_open

    a, b, _other = two_records_of_one_man
    case_open(person=a, actor=caseworker)
    case_open(person=b, actor=caseworker)
    before = dump()
    with pytest.raises(MergeError):
        persons_merge(survivor=a, merged=b, actor=caseworker)
    assert dump() == before


def test_dedupe_run_proposes_the_pair_and_a_rejected_pair_is_not_proposed_again(
    two_records_of_one_man, caseworker
):
    a, b, other = two_records_of_one_man
    run = dedupe_run(actor=caseworker, threshold=0.5)
    c = DuplicateCandidate.objects.get(run=run)
    assert (c.person_a, c.person_b) == (a, b)
    assert {name for name, _level, _w in c.explanation} >= {"surname", "birth_date"}
    duplicate_decide(candidate=c, decision="reject", actor=caseworker)
    assert DuplicateRejection.objects.filter(person_a=a, person_b=b).exists()
    dedupe_run(actor=caseworker, threshold=0.5)
    assert not DuplicateCandidate.objects.filter(decision=Decision.OPEN).exists()


def test_merging_a_proposed_pair_keeping_b_and_undoing_reopens_it(
    two_records_of_one_man, caseworker
):
    a, b, _other = two_records_of_one_man
    dedupe_run(actor=caseworker, threshold=0.5)
    c = DuplicateCandidate.objects.get(decision=Decision.OPEN)
    merge = duplicate_decide(candidate=c, decision="merge", keep="b", actor=caseworker)
    assert merge.survivor == b and merge.merged == a
    c.refresh_from_db()
    assert c.decision == Decision.MERGED
    merge_undo(merge=merge, actor=caseworker)
    c.refresh_from_db()
    assert c.decision == Decision.OPEN
