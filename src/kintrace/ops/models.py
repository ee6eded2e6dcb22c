from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BackupRun(models.Model):
    """One backup written, or one restore that was verified (`kintrace backup --verify`,
    `kintrace restore`). The admin page shows the newest of each; `kintrace doctor` warns when
    the newest backup is old. Nothing here opens a backup: the file name, its size and SHA-256,
    and what the manifest or the check said."""

    class Kind(models.TextChoices):
        BACKUP = "backup", _("backup")
        VERIFY = "verify", _("verified restore")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ok = models.BooleanField(default=True)
    file_name = models.CharField(max_length=255)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    audit_head = models.CharField(max_length=100, blank=True)
    # backup: counts per table; verify: the checks made and skipped, the first failure.
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} {self.at:%Y-%m-%d %H:%M}"


class KeyRotation(models.Model):  # noqa: DJ008 - key material, never shown
    """An organisation key rotation under way or done (`ops.rotation.org_key_rotate`).

    While it runs, the new private key is kept encrypted under a key derived from the old
    private key (so whoever resumes must hold the old key, as whoever started did); report
    keys and case notes are re-sealed in batches, `last_report_id`/`last_note_id` say how far.
    The switch of the organisation key, the staff grants and the new recovery key happen in
    one transaction at the end (`finished_at`)."""

    new_public = models.BinaryField()
    new_private_wrapped = models.BinaryField()
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_report_id = models.BigIntegerField(default=0)
    last_note_id = models.BigIntegerField(default=0)
    resealed = models.BigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
