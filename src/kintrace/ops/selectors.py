"""Reads of the operations app."""

from .models import BackupRun


def last_backup() -> BackupRun | None:
    """The newest backup written, or None."""
    return BackupRun.objects.filter(kind=BackupRun.Kind.BACKUP).order_by("-at").first()


def last_verified_restore() -> BackupRun | None:
    """The newest restore check that passed, or None."""
    return BackupRun.objects.filter(kind=BackupRun.Kind.VERIFY, ok=True).order_by("-at").first()
