"""The tamperings of issue 9 (finding 6), done as someone with write access to the database
but not to the data directory would: through SQL, around audit_record.

Each function changes the log written by `write_log` and returns nothing; `write_log` returns
the head an operator anchored (printed by `kintrace audit head`) after the log was written.
"""

from django.db import connection

from kintrace.accounts.models import User
from kintrace.audit import chain
from kintrace.audit.models import AuditEntry, AuditHead
from kintrace.audit.selectors import audit_head
from kintrace.audit.services import audit_record

ENTRIES = 6


def write_log():
    alice = User.objects.create_user("alice", password="correct horse battery")
    bob = User.objects.create_user("bob", password="correct horse battery")
    audit_record(
        actor=alice,
        action="person.create",
        target_type="person",
        target_id="1",
        after={"name": "Иванов", "born": 1990},
    )
    audit_record(actor=None, action="report.submit", target_type="report", target_id="7")
    audit_record(
        actor=bob,
        action="person.update",
        target_type="person",
        target_id="1",
        before={"name": "Иванов"},
        after={"name": "Петров"},
    )
    audit_record(
        actor=alice,
        action="reporter_data.read",
        target_type="report",
        target_id="7",
        after={"purpose": "triage"},
    )
    audit_record(actor=bob, action="case.open", target_type="case", target_id="3")
    audit_record(
        actor=alice,
        action="case.set_status",
        target_type="case",
        target_id="3",
        before={"status": "open"},
        after={"status": "closed"},
    )
    return audit_head()


def _set_head(seq: int, hash: str) -> None:
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=hash)


def delete_newest_and_roll_head_back():
    AuditEntry.objects.filter(seq__gt=ENTRIES - 2).delete()
    last = AuditEntry.objects.get(seq=ENTRIES - 2)
    _set_head(last.seq, last.hash)


def delete_newest_and_replay_an_earlier_head_row():
    """The strongest rollback: the head row restored, seal and all, from an older copy."""
    AuditEntry.objects.filter(seq__gt=ENTRIES - 2).delete()
    # The copy of the head row as it was when entry ENTRIES-2 was the newest.
    last = AuditEntry.objects.get(seq=ENTRIES - 2)
    head = AuditHead.objects.get(pk=1)
    AuditHead.objects.filter(pk=1).update(
        seq=last.seq,
        hash=last.hash,
        mac=chain.head_mac(
            chain.audit_key(), seq=last.seq, hash=last.hash, legacy_seq=head.legacy_seq
        ),
    )


def delete_every_entry():
    AuditEntry.objects.all().delete()


def delete_every_entry_and_the_head():
    AuditEntry.objects.all().delete()
    AuditHead.objects.all().delete()


def change_actor_id():
    bob = User.objects.get(username="bob")
    AuditEntry.objects.filter(seq=1).update(actor_id=bob.pk)


def change_actor_id_to_nobody():
    AuditEntry.objects.filter(seq=3).update(actor_id=None)


def rewrite_an_entry_and_recompute_the_chain_with_the_old_formula():
    """Change entry #3 and make every hash fit again with the unkeyed rule."""
    AuditEntry.objects.filter(seq=3).update(after={"name": "Сидоров"})
    prev = chain.GENESIS
    for e in AuditEntry.objects.order_by("seq"):
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
        AuditEntry.objects.filter(pk=e.pk).update(prev_hash=prev, hash=h, scheme=chain.LEGACY)
        prev = h
    AuditHead.objects.filter(pk=1).update(seq=ENTRIES, hash=prev, legacy_seq=ENTRIES)


def rewrite_an_entry_and_recompute_with_the_old_formula_keeping_the_scheme():
    AuditEntry.objects.filter(seq=2).update(target_id="8")
    prev = chain.GENESIS
    for e in AuditEntry.objects.order_by("seq"):
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
    _set_head(ENTRIES, prev)


def reorder_two_entries():
    """Swap entries #2 and #3: each keeps its content, they trade places."""
    two, three = AuditEntry.objects.get(seq=2), AuditEntry.objects.get(seq=3)
    AuditEntry.objects.filter(pk=two.pk).update(seq=-2)
    AuditEntry.objects.filter(pk=three.pk).update(seq=2)
    AuditEntry.objects.filter(pk=two.pk).update(seq=3)


def delete_a_middle_entry_and_renumber():
    AuditEntry.objects.filter(seq=3).delete()
    for seq in range(4, ENTRIES + 1):
        AuditEntry.objects.filter(seq=seq).update(seq=seq - 1)
    last = AuditEntry.objects.get(seq=ENTRIES - 1)
    _set_head(last.seq, last.hash)


def _column(column: str, value):
    def tamper():
        with connection.cursor() as cur:
            table = connection.ops.quote_name(AuditEntry._meta.db_table)
            cur.execute(
                f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE seq = 4",
                [value],
            )

    tamper.__name__ = f"change_{column}"
    return tamper


# Every stored column of an entry, each changed alone, by raw SQL.
COLUMN_TAMPERINGS = [
    _column("at", "2026-01-01 00:00:00"),
    _column("actor_label", "bob"),
    _column("action", "case.open"),
    _column("target_type", "person"),
    _column("target_id", "8"),
    _column("before", '{"purpose": "triage"}'),
    _column("after", '{"purpose": "export"}'),
    _column("prev_hash", "1" * 64),
    _column("hash", "2" * 64),
    _column("scheme", 1),
    _column("seq", 99),
]

TAMPERINGS = [
    delete_newest_and_roll_head_back,
    delete_newest_and_replay_an_earlier_head_row,
    delete_every_entry,
    delete_every_entry_and_the_head,
    change_actor_id,
    change_actor_id_to_nobody,
    rewrite_an_entry_and_recompute_the_chain_with_the_old_formula,
    rewrite_an_entry_and_recompute_with_the_old_formula_keeping_the_scheme,
    reorder_two_entries,
    delete_a_middle_entry_and_renumber,
    *COLUMN_TAMPERINGS,
]

# Rollbacks that leave a consistent, sealed log behind: only a head anchored outside the
# server (verify --expect) can tell that entries are missing.
NEED_ANCHOR = {
    delete_newest_and_replay_an_earlier_head_row.__name__,
    delete_every_entry_and_the_head.__name__,
}
