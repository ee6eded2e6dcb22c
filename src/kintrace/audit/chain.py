"""How an audit entry and the chain's head are hashed. No database access here.

Two schemes, stored per entry in `AuditEntry.scheme`:

- LEGACY (1): entries written before the keyed chain existed. SHA-256 over a JSON list of
  most columns (not the actor id). Anyone with write access to the database can recompute
  it, so these entries are trusted only up to `AuditHead.legacy_seq`, a boundary sealed
  under the audit key when the database was migrated: rewriting them changes the hash that
  the first keyed entry (or the sealed head) links to.
- KEYED (2): HMAC-SHA256 under the audit key, a file in the data directory that is never in
  the database, over every column of the entry (the surrogate primary key aside: `seq` is
  the order) in a canonical JSON encoding: an object with sorted keys, integers as numbers,
  null as null, the timestamp as UTC ISO 8601 with microseconds.

The head row carries its own HMAC (seq, hash, legacy_seq), so rolling it back by hand, or
moving the legacy boundary to pass rewritten entries off as legacy, is detected. Rolling the
entries *and* the head back to a copy taken earlier is detected only against a head
anchored outside the server (`kintrace audit head`, `kintrace audit verify --expect`).
"""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from kintrace.security import crypto

LEGACY = 1
KEYED = 2
GENESIS = "0" * 64
KEY_FILE = "audit_key"

_HEAD_RE = re.compile(r"[0-9]{1,18}:[0-9a-f]{64}", re.ASCII)


def audit_key() -> bytes:
    """The 32-byte audit HMAC key, KINTRACE_DATA_DIR/audit_key (created 0600 at first use).

    Raises crypto.CryptoError if the file is damaged.
    """
    return crypto.data_dir_secret(KEY_FILE)


def legacy_entry_hash(
    *,
    seq: int,
    at: str,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> str:
    """The unkeyed scheme-1 hash, exactly as entries before the keyed chain were written."""
    body = json.dumps(
        [seq, at, actor_label, action, target_type, target_id, before, after, prev_hash],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def timestamp(at: datetime.datetime) -> str:
    """The canonical text of an entry's time: UTC, ISO 8601, always with microseconds."""
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _canonical_bytes(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def keyed_entry_hash(
    key: bytes,
    *,
    seq: int,
    at: datetime.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> str:
    """The scheme-2 HMAC-SHA256 (64 hex chars) of one entry, every column included."""
    return crypto.keyed_hash(
        key,
        _canonical_bytes(
            {
                "kind": "kintrace.audit.entry",
                "scheme": KEYED,
                "seq": int(seq),
                "at": timestamp(at),
                "actor_id": None if actor_id is None else int(actor_id),
                "actor_label": str(actor_label),
                "action": str(action),
                "target_type": str(target_type),
                "target_id": str(target_id),
                "before": before,
                "after": after,
                "prev_hash": str(prev_hash),
            }
        ),
    )


def head_mac(key: bytes, *, seq: int, hash: str, legacy_seq: int) -> str:
    """The HMAC that seals the head row (its seq, its hash and the legacy boundary)."""
    return crypto.keyed_hash(
        key,
        _canonical_bytes(
            {
                "kind": "kintrace.audit.head",
                "seq": int(seq),
                "hash": str(hash),
                "legacy_seq": int(legacy_seq),
            }
        ),
    )


@dataclass(frozen=True)
class Head:
    """A point of the chain as anchored by an operator: entry `seq` has hash `hash`.

    seq 0 with the genesis hash is the empty chain.
    """

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


class BadHead(ValueError):
    """Text that is not a head as `kintrace audit head` prints it ("SEQ:64 hex")."""


def head_parse(text: str) -> Head:
    """Parse "SEQ:HASH" as printed by `kintrace audit head`; BadHead otherwise."""
    text = (text or "").strip(" \t\r\n").lower()
    if _HEAD_RE.fullmatch(text) is None:
        raise BadHead("expected SEQ:HASH as printed by `kintrace audit head`")
    seq, hash = text.split(":")
    head = Head(int(seq), hash)
    if head.seq == 0 and head.hash != GENESIS:
        raise BadHead("an empty chain's head is 0:" + GENESIS)
    return head
