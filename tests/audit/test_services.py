import pytest

from kintrace.accounts.models import User
from kintrace.audit.models import AuditEntry
from kintrace.audit.selectors import audit_verify
from kintrace.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return User.objects.create_user("alice", password="correct horse battery")


def test_entries_form_a_chain_that_verifies(alice):
    first = audit_record(
        actor=alice,
        action="person.create",
        target_type="person",
        target_id="1",
        after={"name": "Иванов"},
    )
    second = audit_record(
        actor=alice,
        action="person.update",
        target_type="person",
        target_id="1",
        before={"name": "Иванов"},
        after={"name": "Петров"},
    )
    assert second.prev_hash == first.hash
    report = audit_verify()
    assert report.ok and report.entries == 2


def test_an_altered_entry_is_detected(alice):
    audit_record(actor=alice, action="person.create", after={"x": 1})
    audit_record(actor=alice, action="person.update", after={"x": 2})
    AuditEntry.objects.filter(seq=1).update(after={"x": 99})
    report = audit_verify()
    assert not report.ok
    assert "#1" in report.problem


def test_a_removed_newest_entry_is_detected(alice):
    audit_record(actor=alice, action="person.create")
    audit_record(actor=alice, action="person.update")
    AuditEntry.objects.filter(seq=2).delete()
    assert not audit_verify().ok


def test_a_removed_middle_entry_is_detected(alice):
    for action in ("person.create", "person.update", "person.status"):
        audit_record(actor=alice, action=action)
    AuditEntry.objects.filter(seq=2).delete()
    report = audit_verify()
    assert not report.ok and "#2" in report.problem


def test_an_action_nobody_listed_is_refused_and_nothing_is_written(alice):
    with pytest.raises(ValueError):
        audit_record(actor=alice, action="person.rename")
    assert not AuditEntry.objects.exists()


def test_an_entry_without_actor_is_allowed_for_anonymous_intake():
    entry = audit_record(actor=None, action="report.submit", target_type="report", target_id="7")
    assert entry.actor is None and entry.actor_label == ""
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_keyed_chain():
    """The head-row lock serialises writers: 8 threads x 10 entries give one chain 1..80."""
    import threading

    from django.db import connection

    errors = []

    def write(n):
        try:
            for i in range(10):
                audit_record(
                    actor=None, action="report.submit", target_type="report", target_id=f"{n}-{i}"
                )
        except Exception as e:  # reported below; a thread's exception is otherwise lost
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert list(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, 81))
    report = audit_verify()
    assert report.ok and report.entries == 80, report.problem
