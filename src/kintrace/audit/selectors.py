from dataclasses import dataclass

from .models import AuditEntry, AuditHead
from .services import entry_hash


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    problem: str = ""


def audit_verify() -> ChainReport:
    """Recompute the chain from the first entry; name the first entry that does not fit."""
    prev = "0" * 64
    count = 0
    expected_seq = 1
    for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if e.seq != expected_seq:
            return ChainReport(False, count, f"entry #{expected_seq} is missing")
        if e.prev_hash != prev:
            return ChainReport(False, count, f"entry #{e.seq} does not link to its predecessor")
        h = entry_hash(
            seq=e.seq, at=e.at.isoformat(), actor_label=e.actor_label, action=e.action,
            target_type=e.target_type, target_id=e.target_id, before=e.before, after=e.after,
            prev_hash=e.prev_hash,
        )
        if h != e.hash:
            return ChainReport(False, count, f"entry #{e.seq} was altered")
        prev = e.hash
        count += 1
        expected_seq += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != count or head.hash != prev):
        return ChainReport(False, count, "the newest entries were removed")
    return ChainReport(True, count)


def audit_entries_for(*, target_type: str, target_id: str):
    return AuditEntry.objects.filter(target_type=target_type, target_id=str(target_id)).order_by(
        "-seq"
    )
