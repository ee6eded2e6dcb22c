"""The release ledger: every anonymised release built, what it showed and what it hid.

`content` is what goes out (the published tables with their data dictionary: no name, no free
text, suppressed cells as null). `ledger` keeps, for the next release's check, every cell's
true count and whether it was hidden: it never leaves the database. `content_hash` is the
SHA-256 of the canonical JSON of `content`, recorded in the audit log when a coordinator
approves the release.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReleaseStatus(models.TextChoices):
    DRAFT = "draft", _("waiting for approval")
    APPROVED = "approved", _("approved")
    DISCARDED = "discarded", _("discarded")


class Release(models.Model):
    status = models.CharField(
        max_length=16, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT
    )
    k = models.PositiveSmallIntegerField()
    as_of = models.DateTimeField()
    content = models.JSONField()
    ledger = models.JSONField()
    content_hash = models.CharField(max_length=64)
    # The approved release this draft was checked against (the newest one when it was built):
    # approving it after another release was approved would skip that one, so it is refused.
    checked_through = models.IntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self) -> str:
        return f"release #{self.pk}"
