"""Upgrading a database whose log was written with the old unkeyed hash (migration 0002):
the old entries still verify by the old rule, new entries continue the chain keyed, and
rewriting the old entries afterwards is detected."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kintrace.audit import chain
from kintrace.audit.models import AuditEntry, AuditHead
from kintrace.audit.selectors import audit_head, audit_verify
from kintrace.audit.services import audit_record

pytestmark = pytest.mark.django_db(transaction=True)

LATEST = [("audit", "0002_keyed_chain")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def _write_old_log(n: int) -> None:
    """Entries and head exactly as the code before 0002 wrote them, in 0001's tables."""
    prev = chain.GENESIS
    entry_table = connection.ops.quote_name(AuditEntry._meta.db_table)
    head_table = connection.ops.quote_name(AuditHead._meta.db_table)
    with connection.cursor() as cur:
        for seq in range(1, n + 1):
            at = datetime.datetime(2026, 11, 1, 12, seq, 0, 123456, tzinfo=datetime.UTC)
            after = f'{{"n": {seq}}}'
            h = chain.legacy_entry_hash(
                seq=seq,
                at=at.isoformat(),
                actor_label="anna",
                action="person.update",
                target_type="person",
                target_id=str(seq),
                before=None,
                after={"n": seq},
                prev_hash=prev,
            )
            cur.execute(
                f"INSERT INTO {entry_table} (seq, at, actor_label, action, target_type, "
                "target_id, before, after, prev_hash, hash, actor_id) "
                "VALUES (%s, %s, 'anna', 'person.update', 'person', %s, NULL, %s, %s, %s, NULL)",
                [seq, at, str(seq), after, prev, h],
            )
            prev = h
        cur.execute(f"INSERT INTO {head_table} (id, seq, hash) VALUES (1, %s, %s)", [n, prev])


@pytest.fixture
def upgraded_log():
    """Three entries written before the upgrade, then the upgrade."""
    _migrate([("audit", "0001_initial")])
    try:
        _write_old_log(3)
    finally:
        _migrate(LATEST)


def test_old_entries_still_verify_after_the_upgrade(upgraded_log):
    assert list(AuditEntry.objects.values_list("scheme", flat=True)) == [chain.LEGACY] * 3
    assert AuditHead.objects.get(pk=1).legacy_seq == 3
    report = audit_verify()
    assert report.ok and report.entries == 3, report.problem


def test_new_entries_continue_the_old_chain_keyed(upgraded_log):
    last_old = AuditEntry.objects.get(seq=3)
    entry = audit_record(actor=None, action="report.submit", target_type="report", target_id="1")
    assert entry.seq == 4 and entry.scheme == chain.KEYED and entry.prev_hash == last_old.hash
    assert audit_verify(expect=audit_head()).ok


def test_rewriting_an_old_entry_after_the_upgrade_is_detected(upgraded_log):
    audit_record(actor=None, action="report.submit", target_type="report", target_id="1")
    anchor = audit_head()
    AuditEntry.objects.filter(seq=2).update(after={"n": 99})
    prev = chain.GENESIS
    for e in AuditEntry.objects.filter(scheme=chain.LEGACY).order_by("seq"):
        h = chain.legacy_entry_hash(
            seq=e.seq,
            at=e.at.isoformat(),
            actor_label=e.actor_label,
            action=e.action,
            target_type=e.target_type,
            target_id=e.target_id,
            before=e.before,
            after=e.after,
            prev_hash=prev,
        )
        AuditEntry.objects.filter(pk=e.pk).update(prev_hash=prev, hash=h)
        prev = h
    report = audit_verify()
    assert not report.ok and report.problem == "entry #4 does not link to its predecessor"
    assert not audit_verify(expect=anchor).ok


def test_rewriting_old_entries_before_any_new_one_is_detected_by_the_sealed_head(upgraded_log):
    AuditEntry.objects.filter(seq=3).update(action="person.delete")
    e = AuditEntry.objects.get(seq=3)
    h = chain.legacy_entry_hash(
        seq=3,
        at=e.at.isoformat(),
        actor_label=e.actor_label,
        action=e.action,
        target_type=e.target_type,
        target_id=e.target_id,
        before=e.before,
        after=e.after,
        prev_hash=e.prev_hash,
    )
    AuditEntry.objects.filter(seq=3).update(hash=h)
    AuditHead.objects.filter(pk=1).update(hash=h)
    report = audit_verify()
    assert not report.ok
    assert report.problem == "the head record was altered or rolled back by hand"


def test_new_entries_cannot_pass_as_old_ones(upgraded_log):
    """Moving the legacy boundary (to recompute new entries unkeyed) breaks the head's seal."""
    audit_record(actor=None, action="report.submit", target_type="report", target_id="1")
    AuditHead.objects.filter(pk=1).update(legacy_seq=4)
    AuditEntry.objects.filter(seq=4).update(scheme=chain.LEGACY)
    assert not audit_verify().ok
