"""Reads of the operations app."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .models import BackupRun


def last_backup() -> BackupRun | None:
    """The newest backup written, or None."""
    return BackupRun.objects.filter(kind=BackupRun.Kind.BACKUP).order_by("-at").first()


def last_verified_restore() -> BackupRun | None:
    """The newest restore check that passed, or None."""
    return BackupRun.objects.filter(kind=BackupRun.Kind.VERIFY, ok=True).order_by("-at").first()


@dataclass(frozen=True)
class BackupStatus:
    """What the staff page shows: the newest backup and verified restore, and whether the
    backup is older than KINTRACE_BACKUP_MAX_AGE_HOURS (`late`)."""

    backup: BackupRun | None
    verified: BackupRun | None
    late: bool


def backup_status() -> BackupStatus:
    backup = last_backup()
    limit = datetime.timedelta(hours=settings.KINTRACE_BACKUP_MAX_AGE_HOURS)
    late = backup is None or timezone.now() - backup.at > limit
    return BackupStatus(backup, last_verified_restore(), late)


def database_answers() -> bool:
    """True when the database answers a trivial query (for /healthz)."""
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            return cur.fetchone() == (1,)
    except DatabaseError:
        return False
