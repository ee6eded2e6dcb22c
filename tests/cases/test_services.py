import pytest
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from kintrace.audit.models import AuditEntry
from kintrace.cases.models import Case, CaseStatus
from kintrace.cases.services import (
    case_assign,
    case_note_add,
    case_notes_read,
    case_open,
    case_set_status,
)
from kintrace.registry.services import person_create
from kintrace.security.keys import KeyLocked
from kintrace.security.unlock import org_private_key_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return person_create(name="Кузнецов Иван Петрович", actor=None)


def test_case_open_returns_the_open_case_instead_of_a_second_one(person, make_staff, org_keys):
    alice = make_staff("caseworker")
    first, created = case_open(person=person, actor=alice)
    again, created_again = case_open(person=person, actor=alice)
    assert created and not created_again and first == again
    assert AuditEntry.objects.filter(action="case.open").count() == 1


def test_a_closed_search_lets_a_new_case_open(person, make_staff, org_keys):
    alice = make_staff("caseworker")
    case, _ = case_open(person=person, actor=alice)
    case_set_status(case=case, status=CaseStatus.FOUND_ALIVE, actor=alice, reason="found")
    new, created = case_open(person=person, actor=alice)
    assert created and new != case


def test_reopening_refuses_a_second_open_case(person, make_staff, org_keys):
    alice = make_staff("caseworker")
    old, _ = case_open(person=person, actor=alice)
    case_set_status(case=old, status=CaseStatus.CLOSED, actor=alice, reason="no_leads")
    case_open(person=person, actor=alice)
    with pytest.raises(ValidationError):
        case_set_status(case=old, status=CaseStatus.SEARCHING, actor=alice)


def test_status_changes_are_audited_with_before_and_after(person, make_staff, org_keys):
    alice = make_staff("caseworker")
    case, _ = case_open(person=person, actor=alice)
    case_set_status(case=case, status=CaseStatus.SEARCHING, actor=alice)
    entry = AuditEntry.objects.get(action="case.set_status")
    assert entry.before["status"] == "new" and entry.after["status"] == "searching"
    with pytest.raises(ValidationError):
        case_set_status(case=case, status="lost", actor=alice)


def test_a_case_is_never_assigned_to_an_analyst(person, make_staff, org_keys):
    alice, bob = make_staff("coordinator"), make_staff("analyst")
    case, _ = case_open(person=person, actor=alice)
    with pytest.raises(ValidationError):
        case_assign(case=case, assignee=bob, actor=alice)
    carol = make_staff("caseworker")
    assert case_assign(case=case, assignee=carol, actor=alice).assignee == carol
    assert AuditEntry.objects.filter(action="case.assign").count() == 1


def test_notes_are_encrypted_and_need_the_unlocked_key(person, make_staff, org_keys):
    alice = make_staff("caseworker")
    case, _ = case_open(person=person, actor=alice)
    case_note_add(case=case, text="Мать просит перезвонить вечером", actor=alice)
    stored = bytes(case.notes.get().body)
    assert "перезвонить".encode() not in stored
    request = HttpRequest()
    request.user = alice
    request.session = {}
    with pytest.raises(KeyLocked):
        case_notes_read(case=case, org_private=org_private_key_for(request), actor=alice)
    notes = case_notes_read(case=case, org_private=org_keys, actor=alice)
    assert [n.text for n in notes] == ["Мать просит перезвонить вечером"]
    read = AuditEntry.objects.filter(action="reporter_data.read", target_id=str(case.pk))
    assert read.count() == 1


def test_one_open_case_per_person_holds_in_the_database(person, make_staff, org_keys):
    from django.db import IntegrityError, transaction

    alice = make_staff("caseworker")
    case_open(person=person, actor=alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(person=person, status=CaseStatus.SEARCHING)
