from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditHead(models.Model):  # noqa: DJ008 - one technical row, never shown
    """The single row that holds the end of the hash chain.

    Writers lock it (select_for_update) so two concurrent audit entries cannot both link to
    the same predecessor and fork the chain. `mac` seals seq, hash and legacy_seq under the
    audit key (kintrace.audit.chain), so the row cannot be rolled back or edited by hand.
    """

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    # Entries 1..legacy_seq were written with the unkeyed scheme, before the keyed chain.
    legacy_seq = models.BigIntegerField(default=0)
    mac = models.CharField(max_length=64, default="")


class AuditEntry(models.Model):
    """One change or one read of reporter data; each entry hashes its predecessor."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept even if the account is renamed: the log must read the same forever.
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # 1: unkeyed SHA-256 (entries from before the keyed chain); 2: HMAC-SHA256 of every column
    # under the audit key. See kintrace.audit.chain.
    scheme = models.PositiveSmallIntegerField(default=2)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"
