"""The one write path of the audit log.

Every service that changes data calls `audit_record` inside its own transaction, so the
change and its audit entry commit or roll back together.
"""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from . import chain
from .actions import Action
from .models import AuditEntry, AuditHead


def _canonical(value: Any) -> Any:
    """JSON-safe, key-sorted form, so the hash of an entry read back equals the hash written."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audit view of a model instance: its concrete field values, foreign keys as ids."""
    out = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        out[f.attname] = getattr(instance, f.attname)
    return _canonical(out)


def audit_record(
    *,
    actor,
    action: Action,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry to the hash chain. Must run inside the caller's transaction.

    `action` is typed `Action` so mypy refuses a bare string; at run time a string that is no
    member's value still raises ValueError (tests and scripts are not type-checked).
    """
    name = Action(action).value
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    before, after = _canonical(before), _canonical(after)
    key = chain.audit_key()
    with transaction.atomic():
        # The lock on the head row serialises writers: two entries can never both link to the
        # same predecessor, so the chain never forks.
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        at = timezone.now()
        seq = head.seq + 1
        actor_id = actor.pk if actor is not None and actor.pk else None
        actor_label = "" if actor is None else actor.get_username()
        h = chain.keyed_entry_hash(
            key,
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=name,
            target_type=target_type,
            target_id=str(target_id),
            before=before,
            after=after,
            prev_hash=head.hash,
        )
        entry = AuditEntry.objects.create(
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=name,
            target_type=target_type,
            target_id=str(target_id),
            before=before,
            after=after,
            prev_hash=head.hash,
            hash=h,
            scheme=chain.KEYED,
        )
        head.seq, head.hash = seq, h
        head.mac = chain.head_mac(key, seq=seq, hash=h, legacy_seq=head.legacy_seq)
        head.save(update_fields=["seq", "hash", "mac"])
    return entry
