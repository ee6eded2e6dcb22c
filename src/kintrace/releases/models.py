"""The release ledger: every anonymised release built, what it showed and what it hid.

`content` is what goes out (the published tables with their data dictionary: no name, no free
text, suppressed cells as null). `ledger` keeps, for the next release's check, every cell's
true count and whether it was hidden: it never leaves the database. `content_hash` is the
SHA-256 of the canonical JSON of `content`, recorded in the audit log when a coordinator
approves the release.

A release is built in the background (kintrace.lists.background), like a list import: the page
records it as "building" and starts the job, which fills `content` and `ledger` and makes it a
draft, or marks it "failed" with `error` (an untranslated message the page translates). A
build whose process died is found stale and marked failed (services.releases_reap_stale).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kintrace.lists.models import JobFields


class ReleaseStatus(models.TextChoices):
    BUILDING = "building", _("being built")
    FAILED = "failed", _("build failed")
    DRAFT = "draft", _("waiting for approval")
    APPROVED = "approved", _("approved")
    DISCARDED = "discarded", _("discarded")


class Release(JobFields):
    status = models.CharField(
        max_length=16, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT
    )
    k = models.PositiveSmallIntegerField()
    as_of = models.DateTimeField()
    content = models.JSONField(default=dict)
    ledger = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64, blank=True)
    # Why the build failed (stored untranslated; the page translates it)
    error = models.CharField(max_length=500, blank=True)
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
