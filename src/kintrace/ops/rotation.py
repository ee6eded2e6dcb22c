"""Rotate the organisation key: a new key pair; every report's data key and every case note
re-sealed to it; every key holder's grant re-sealed; a new recovery key. Resumable.

Why: after an incident (a key holder's copy of the key may have left), docs/security.md. What
it does not do: re-encrypt the reports themselves (their data keys stay; whoever copied a data
key keeps that report), or reach sessions (every unlocked session ends: the key in it no
longer matches the organisation public key, `security.unlock`).

Resuming: the first run stores the new private key encrypted under a key derived from the old
private key and re-seals in batches, each its own transaction recording how far it got. A run
that dies leaves that row; the next run with the old key (the recovery key, or a key holder's
session) finds it and goes on. A row is re-sealed only when the new key cannot already open
it, so a batch done twice does no harm. New reports keep being sealed to the old public key
until the switch; the switch transaction re-seals those too, under a lock on the key row.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record
from kintrace.cases.models import CaseNote
from kintrace.intake.models import Report
from kintrace.security import crypto
from kintrace.security.models import OrgKey, UserKey

from .messages import OpsError, gettext_noop
from .models import KeyRotation

_CONTEXT = b"kintrace organisation key rotation v1"


class RotationError(OpsError):
    """The rotation cannot go on (one line): the key given is not the organisation key."""


@dataclass(frozen=True)
class RotationResult:
    finished: bool
    resealed: int
    recovery_key: str = ""  # the new recovery key, printed once; "" until finished


def _b(v) -> bytes:
    return bytes(v) if v is not None else b""


def _wrapping_key(old_private: bytes) -> bytes:
    return bytes.fromhex(crypto.keyed_hash(old_private, _CONTEXT))


def _reseal(blob: bytes, old: bytes, new: bytes, new_public: bytes) -> bytes | None:
    """The blob sealed to the new key, or None when it already is."""
    try:
        crypto.unseal(new, blob)
        return None
    except crypto.CryptoError:
        pass
    return crypto.seal(new_public, crypto.unseal(old, blob))


def _batch(model, field: str, after: int, size: int, old, new, new_public) -> tuple[int, int]:
    """Re-seal up to `size` rows with pk > after; (last pk seen, rows changed)."""
    rows = list(model.objects.filter(pk__gt=after).order_by("pk").only("pk", field)[:size])
    changed = 0
    for row in rows:
        blob = _reseal(_b(getattr(row, field)), old, new, new_public)
        if blob is not None:
            model.objects.filter(pk=row.pk).update(**{field: blob})
            changed += 1
    return (rows[-1].pk if rows else after), changed


def org_key_rotate(
    *, actor, org_private: bytes, batch: int = 500, max_batches: int | None = None
) -> RotationResult:
    """Rotate (or resume rotating) the organisation key; `org_private` is the current one.

    Raises RotationError when `org_private` is not the organisation key (or not the key a
    rotation under way started with). `max_batches` stops after that many batches (the
    operator's Ctrl-C does the same): the result says finished=False and a later call goes on.
    Audited: ops.org_key_rotate at the start ("start") and at the switch ("finish")."""
    current = OrgKey.objects.get(pk=1)
    if crypto.public_from_private(org_private) != _b(current.public_key):
        raise RotationError(gettext_noop("the key given is not the organisation key"))
    rotation = KeyRotation.objects.filter(finished_at__isnull=True).first()
    if rotation is None:
        new_public, new_private = crypto.keypair()
        with transaction.atomic():
            rotation = KeyRotation.objects.create(
                new_public=new_public,
                new_private_wrapped=crypto.encrypt(_wrapping_key(org_private), new_private),
                started_at=timezone.now(),
                started_by=actor if actor is not None and actor.pk else None,
            )
            audit_record(
                actor=actor,
                action=Action.OPS_ORG_KEY_ROTATE,
                target=rotation,
                after={"phase": "start", "new_public_key": new_public.hex()},
            )
    else:
        try:
            new_private = crypto.decrypt(
                _wrapping_key(org_private), _b(rotation.new_private_wrapped)
            )
        except crypto.CryptoError:
            raise RotationError(
                gettext_noop("the rotation under way was started with another key")
            ) from None
    new_public = _b(rotation.new_public)
    done = 0
    for model, field, mark in ((Report, "key_for_org", "last_report_id"),
                               (CaseNote, "body", "last_note_id")):  # fmt: skip
        while max_batches is None or done < max_batches:
            with transaction.atomic():
                after = getattr(rotation, mark)
                last, changed = _batch(model, field, after, batch, org_private, new_private,
                                       new_public)  # fmt: skip
                if last == after:
                    break
                setattr(rotation, mark, last)
                rotation.resealed += changed
                rotation.save(update_fields=[mark, "resealed"])
            done += 1
        else:
            return RotationResult(False, rotation.resealed)
    recovery = crypto.new_recovery_key()
    with transaction.atomic():
        OrgKey.objects.select_for_update().get(pk=1)
        # Reports and notes written since their pass (still sealed to the old public key).
        for model, field, mark in ((Report, "key_for_org", "last_report_id"),
                                   (CaseNote, "body", "last_note_id")):  # fmt: skip
            after = getattr(rotation, mark)
            while True:
                last, changed = _batch(model, field, after, batch, org_private, new_private,
                                       new_public)  # fmt: skip
                rotation.resealed += changed
                if last == after:
                    break
                after = last
        grants = 0
        for uk in UserKey.objects.select_for_update().filter(sealed_org_key__isnull=False):
            uk.sealed_org_key = crypto.seal(_b(uk.public_key), new_private)
            uk.save(update_fields=["sealed_org_key", "updated_at"])
            grants += 1
        OrgKey.objects.filter(pk=1).update(
            public_key=new_public, recovery_wrapped_private=crypto.encrypt(recovery, new_private)
        )
        rotation.finished_at = timezone.now()
        rotation.new_private_wrapped = b""
        rotation.save(update_fields=["finished_at", "new_private_wrapped", "resealed"])
        audit_record(
            actor=actor,
            action=Action.OPS_ORG_KEY_ROTATE,
            target=rotation,
            after={
                "phase": "finish",
                "new_public_key": new_public.hex(),
                "resealed": rotation.resealed,
                "grants": grants,
            },
        )
    return RotationResult(True, rotation.resealed, crypto.recovery_key_format(recovery))
