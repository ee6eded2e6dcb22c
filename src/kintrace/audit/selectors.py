from dataclasses import dataclass

from kintrace.security.crypto import constant_time_equal

from . import chain
from .models import AuditEntry, AuditHead


@dataclass(frozen=True)
class ChainReport:
    """The result of audit_verify.

    ok: the chain holds (and contains the expected head, if one was given).
    entries: how many entries verified before the first problem (all of them when ok).
    problem: one line naming the first thing that does not fit ("" when ok).
    head: the head the chain ends at, as verified (None when it does not verify).
    """

    ok: bool
    entries: int
    problem: str = ""
    head: chain.Head | None = None


def _entry_hash(key: bytes, e: AuditEntry) -> str:
    if e.scheme == chain.KEYED:
        return chain.keyed_entry_hash(
            key,
            seq=e.seq,
            at=e.at,
            actor_id=e.actor_id,
            actor_label=e.actor_label,
            action=e.action,
            target_type=e.target_type,
            target_id=e.target_id,
            before=e.before,
            after=e.after,
            prev_hash=e.prev_hash,
        )
    return chain.legacy_entry_hash(
        seq=e.seq,
        at=e.at.isoformat(),
        actor_label=e.actor_label,
        action=e.action,
        target_type=e.target_type,
        target_id=e.target_id,
        before=e.before,
        after=e.after,
        prev_hash=e.prev_hash,
    )


def audit_verify(*, expect: chain.Head | None = None) -> ChainReport:
    """Recompute the chain from the first entry and name the first thing that does not fit.

    Checks, in order: the head row's seal; each entry's sequence number, link to its
    predecessor, scheme (unkeyed only up to the sealed legacy boundary) and hash; that the
    last entry is the head row's; and, when `expect` is given (a head anchored outside the
    server), that the chain contains exactly that entry. Raises crypto.CryptoError only if
    the audit key file is damaged.
    """
    key = chain.audit_key()
    head = AuditHead.objects.filter(pk=1).first()
    legacy_seq = 0
    if head is not None:
        sealed = chain.head_mac(key, seq=head.seq, hash=head.hash, legacy_seq=head.legacy_seq)
        if not constant_time_equal(sealed, head.mac):
            return ChainReport(False, 0, "the head record was altered or rolled back by hand")
        legacy_seq = head.legacy_seq
    prev = chain.GENESIS
    count = 0
    expected_hash = None  # the hash found at expect.seq
    for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        seq = count + 1
        if e.seq != seq:
            return ChainReport(False, count, f"entry #{seq} is missing")
        if e.prev_hash != prev:
            return ChainReport(False, count, f"entry #{e.seq} does not link to its predecessor")
        wanted = chain.LEGACY if e.seq <= legacy_seq else chain.KEYED
        if e.scheme != wanted:
            return ChainReport(False, count, f"entry #{e.seq} was altered (scheme)")
        if not constant_time_equal(_entry_hash(key, e), e.hash):
            return ChainReport(False, count, f"entry #{e.seq} was altered")
        prev = e.hash
        count += 1
        if expect is not None and e.seq == expect.seq:
            expected_hash = e.hash
    if head is None:
        if count:
            return ChainReport(False, count, "the head record is missing")
    elif head.seq != count or head.hash != prev:
        if head.seq > count:
            return ChainReport(
                False,
                count,
                f"the newest entries were removed: the head says {head.seq}, found {count}",
            )
        return ChainReport(False, count, "the head record does not match the last entry")
    if expect is not None:
        if expect.seq > count:
            return ChainReport(
                False,
                count,
                f"the newest entries were removed: expected head #{expect.seq}, "
                f"the log ends at #{count}",
            )
        if expect.seq == 0:
            expected_hash = chain.GENESIS
        if expected_hash != expect.hash:
            return ChainReport(
                False, count, f"entry #{expect.seq} is not the expected head: history rewritten"
            )
    return ChainReport(True, count, head=chain.Head(count, prev))


def audit_head() -> chain.Head:
    """The chain's current head as sealed in the head row (0:000… for an empty log).

    Raises ValueError with a one-line reason when the head row's seal or its last entry does
    not check (run audit_verify for the full picture).
    """
    key = chain.audit_key()
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if AuditEntry.objects.exists():
            raise ValueError("the head record is missing")
        return chain.Head(0, chain.GENESIS)
    sealed = chain.head_mac(key, seq=head.seq, hash=head.hash, legacy_seq=head.legacy_seq)
    if not constant_time_equal(sealed, head.mac):
        raise ValueError("the head record was altered or rolled back by hand")
    if head.seq and not AuditEntry.objects.filter(seq=head.seq, hash=head.hash).exists():
        raise ValueError(f"entry #{head.seq} named by the head record is missing or altered")
    if AuditEntry.objects.filter(seq__gt=head.seq).exists():
        raise ValueError("entries after the head record exist")
    return chain.Head(head.seq, head.hash)


def audit_entries_for(*, target_type: str, target_id: str):
    return AuditEntry.objects.filter(target_type=target_type, target_id=str(target_id)).order_by(
        "-seq"
    )
