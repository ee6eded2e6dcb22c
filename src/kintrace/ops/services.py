"""Writes of the operations app: a backup or a verified restore recorded, audited."""

from django.db import transaction
from django.utils import timezone

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record

from .models import BackupRun


def backup_run_record(
    *,
    actor,
    kind: str,
    file_name: str,
    size: int,
    sha256: str,
    audit_head: str,
    ok: bool = True,
    detail: dict | None = None,
) -> BackupRun:
    """Record a backup written (kind "backup") or a restore checked (kind "verify"), with an
    audit entry ops.backup / ops.restore_verify. `file_name` is the base name only."""
    kind = BackupRun.Kind(kind)
    with transaction.atomic():
        run = BackupRun.objects.create(
            kind=kind,
            at=timezone.now(),
            actor=actor if actor is not None and actor.pk else None,
            ok=ok,
            file_name=file_name,
            size=size,
            sha256=sha256,
            audit_head=audit_head,
            detail=detail or {},
        )
        audit_record(
            actor=actor,
            action=Action.OPS_BACKUP
            if kind == BackupRun.Kind.BACKUP
            else Action.OPS_RESTORE_VERIFY,
            target=run,
            after={"file": file_name, "sha256": sha256, "ok": ok, "audit_head": audit_head},
        )
    return run
