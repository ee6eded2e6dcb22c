"""Short-lived reporter tokens and drafts: what lets every public POST answer with a redirect
(post/redirect/get) without putting the receipt in a URL, a session, or the database.

A token is 32 random bytes the browser holds (a cookie, or a hidden form field for a draft).
The server keeps only an HMAC of it (to find the row) and data encrypted with a second HMAC
of it as the key. A copy of the database and data directory therefore opens nothing: the
key is in the browser. Rows expire on their own (`expires_at`, purged whenever tokens are
issued) and are deleted when used up.

These rows are not audited: they hold nothing that outlives a visit, and an audit entry per
visit would itself record when a family looked at their report.
"""

import base64
import binascii
import json
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kintrace.security.crypto import CryptoError, decrypt, encrypt, keyed_hash

from . import storage
from .models import DraftFile, ReporterToken
from .uploads import CheckedFile

RECEIPT_SECONDS = 10 * 60  # the receipt page can be reloaded this long, then it is gone
INBOX_SECONDS = 15 * 60  # an opened inbox stays open this long after the last page
DRAFT_SECONDS = 60 * 60  # files kept with a form sent back for a correction


def _raw(token: str) -> bytes | None:
    if not isinstance(token, str) or len(token) != 43:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=")
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


def _lookup(raw: bytes) -> str:
    return keyed_hash(raw, b"kintrace reporter token lookup v1")


def _key(raw: bytes) -> bytes:
    return bytes.fromhex(keyed_hash(raw, b"kintrace reporter token key v1"))


def _new() -> tuple[str, bytes]:
    raw = secrets.token_bytes(32)
    return base64.urlsafe_b64encode(raw).decode().rstrip("="), raw


def purge_expired() -> None:
    """Delete expired tokens and drafts (and the drafts' files)."""
    now = timezone.now()
    ReporterToken.objects.filter(expires_at__lt=now).delete()
    stale = list(DraftFile.objects.filter(created_at__lt=now - timedelta(seconds=DRAFT_SECONDS)))
    for f in stale:
        _remove_draft_file(f)
    DraftFile.objects.filter(pk__in=[f.pk for f in stale]).delete()


def token_issue(*, kind: str, data: dict, seconds: int) -> str:
    """Store `data` encrypted for the holder of the returned token, for `seconds`."""
    token, raw = _new()
    purge_expired()
    ReporterToken.objects.create(
        kind=kind,
        lookup=_lookup(raw),
        expires_at=timezone.now() + timedelta(seconds=seconds),
        blob=encrypt(_key(raw), json.dumps(data).encode()),
    )
    return token


def token_read(*, kind: str, token: str, extend: int = 0) -> dict | None:
    """The data of a live token of this kind, or None. `extend`: seconds from now the token
    stays alive after this use (an inbox kept open while it is being read)."""
    raw = _raw(token)
    if raw is None:
        return None
    now = timezone.now()
    row = ReporterToken.objects.filter(lookup=_lookup(raw), kind=kind, expires_at__gte=now).first()
    if row is None:
        return None
    try:
        data = json.loads(decrypt(_key(raw), bytes(row.blob)))
    except CryptoError:
        return None
    if extend:
        ReporterToken.objects.filter(pk=row.pk).update(expires_at=now + timedelta(seconds=extend))
    return data


def token_write(*, kind: str, token: str, data: dict) -> None:
    """Replace what a live token holds (the inbox's unsent text, once it is back in the form)."""
    raw = _raw(token)
    if raw is not None:
        ReporterToken.objects.filter(lookup=_lookup(raw), kind=kind).update(
            blob=encrypt(_key(raw), json.dumps(data).encode())
        )


def token_end(*, token: str) -> None:
    """Forget a token now (the receipt written down, the inbox left, the quick exit)."""
    raw = _raw(token)
    if raw is not None:
        ReporterToken.objects.filter(lookup=_lookup(raw)).delete()


# --- drafts: accepted files kept while the form is corrected ------------------------------


@dataclass
class DraftView:
    pk: int
    filename: str
    size: int


def draft_new() -> str:
    return _new()[0]


def draft_add(*, draft: str, files: list[CheckedFile]) -> None:
    """Keep accepted files with the draft, encrypted with the draft token's key."""
    raw = _raw(draft)
    if raw is None or not files:
        return
    purge_expired()
    key, lookup = _key(raw), _lookup(raw)
    for f in files:
        original = storage.store_encrypted(key, f.data)
        clean = storage.store_encrypted(key, f.clean_data) if f.clean_data else ""
        try:
            DraftFile.objects.create(
                draft=lookup,
                original_file=original,
                clean_file=clean,
                meta=encrypt(key, json.dumps(f.meta()).encode()),
            )
        except BaseException:
            storage.remove_stored(original)
            if clean:
                storage.remove_stored(clean)
            raise


def _draft_rows(draft: str):
    raw = _raw(draft)
    if raw is None:
        return None, []
    return _key(raw), list(DraftFile.objects.filter(draft=_lookup(raw)))


def draft_list(*, draft: str) -> list[DraftView]:
    """Name and size of each file kept with the draft (for the form to show)."""
    key, rows = _draft_rows(draft)
    out = []
    for row in rows:
        try:
            meta = json.loads(decrypt(key, bytes(row.meta)))
        except CryptoError:
            continue
        out.append(DraftView(pk=row.pk, filename=meta["filename"], size=meta["size"]))
    return out


def draft_files(*, draft: str, drop: Collection[int] = frozenset()) -> list[CheckedFile]:
    """The kept files as checked files, ready to store with the report; `drop`: the ids the
    relative unticked (those are deleted at once)."""
    key, rows = _draft_rows(draft)
    out = []
    for row in rows:
        if row.pk in drop:
            _remove_draft_file(row)
            row.delete()
            continue
        try:
            meta = json.loads(decrypt(key, bytes(row.meta)))
            data = storage.read_encrypted(key, row.original_file)
            clean = storage.read_encrypted(key, row.clean_file) if row.clean_file else b""
        except (CryptoError, FileNotFoundError):
            continue
        out.append(
            CheckedFile(
                meta["filename"],
                meta["content_type"],
                data,
                meta["sha256"],
                clean,
                meta.get("clean_content_type", ""),
            )
        )
    return out


def draft_discard(*, draft: str) -> None:
    """Delete the draft's files (after the report or the addition was stored)."""
    _key_unused, rows = _draft_rows(draft)
    with transaction.atomic():
        for row in rows:
            _remove_draft_file(row)
        DraftFile.objects.filter(pk__in=[r.pk for r in rows]).delete()


def _remove_draft_file(row: DraftFile) -> None:
    storage.remove_stored(row.original_file)
    if row.clean_file:
        storage.remove_stored(row.clean_file)
