"""Reports from relatives, their conversation with the organisation, and attachments.

What is stored in clear and what is not (docs/intake.md has the reasoning):
- in clear: the missing man's name, birth date, facility and region as typed, because
  triage and matching work on them and they describe him, not the person who reported;
- encrypted with the report's data key: everything else the reporter wrote (who they are,
  how to reach them, the story, money, dates of contact), every message and every file.
The data key itself is stored twice: sealed to the organisation's public key, and encrypted
with a key derived from the reporter's receipt. The receipt itself is never stored.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kintrace.cases.models import CloseReason


class Report(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        LINKED = "linked", _("Linked to a person")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        API = "api", _("API")
        TELEGRAM = "telegram", _("Telegram bot")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)

    # Argon2id-derived value of the receipt: finds the report, cannot be turned back.
    receipt_lookup = models.CharField(max_length=128, unique=True)
    receipt_salt = models.BinaryField()
    key_for_org = models.BinaryField()
    key_for_receipt = models.BinaryField()
    payload = models.BinaryField()
    # Opt-in from the Telegram bot ("notify me"): the chat to tell that there is an answer,
    # encrypted with the report's data key only (empty: no notice). Only a staff member
    # answering (who holds the key then) or the relative with the receipt can read it.
    notify = models.BinaryField(blank=True, default=b"")

    subject_name = models.CharField(max_length=300)
    subject_birth_date = models.CharField(max_length=64, blank=True)
    subject_facility = models.CharField(max_length=200, blank=True)
    subject_region = models.CharField(max_length=200, blank=True)
    subject_region_code = models.CharField(max_length=16, blank=True)

    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    source = models.ForeignKey(
        "registry.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(null=True, blank=True)

    # Closing asks why; the reason is shown in the relative's inbox only when shared.
    close_reason = models.CharField(max_length=16, choices=CloseReason.choices, blank=True)
    close_reason_shared = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Follow-ups from the reporter that no staff member has marked read yet.
    unread_count = models.PositiveIntegerField(default=0, db_index=True)
    unread_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"report #{self.pk}"


class Sender(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    ORGANISATION = "organisation", _("Organisation")


class ReportMessage(models.Model):
    """One message in the conversation, encrypted with the report's data key."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    created_at = models.DateTimeField(auto_now_add=True)
    sender = models.CharField(max_length=16, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.BinaryField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"message #{self.pk} on report #{self.report_id}"


class Attachment(models.Model):
    """A file from the reporter. Both files on disk are encrypted with the report's data key.

    `meta` (encrypted too) holds the original name, type, size and the SHA-256 of the original
    taken on arrival; the hash is not kept in clear because it would let anyone holding the
    photo confirm that this family reported it.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    created_at = models.DateTimeField(auto_now_add=True)
    sender = models.CharField(max_length=16, choices=Sender.choices, default=Sender.REPORTER)
    original_file = models.CharField(max_length=80)
    clean_file = models.CharField(max_length=80, blank=True)
    meta = models.BinaryField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"attachment #{self.pk} on report #{self.report_id}"


class ReceiptThrottle(models.Model):
    """One leaky bucket shared by every receipt lookup (no per-client state, so no IPs).

    Each failed lookup pours one unit in; the bucket drains at a fixed rate; while it is
    over capacity every lookup, right or wrong, is refused for a while.
    """

    level = models.FloatField(default=0.0)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"receipt throttle at {self.level:.1f}"


class ReporterToken(models.Model):
    """A short-lived handle a reporter's browser holds in a cookie, so that a page after a
    redirect can show what the POST produced without a receipt in any URL.

    kind "receipt": the new receipt, shown after the report form redirects; "inbox": the
    report opened with a receipt, held open between the inbox's pages. `blob` is encrypted
    with a key derived from the token, which only the browser holds: the row alone (a
    seized server) opens nothing. Rows expire (`expires_at`) and are deleted when used up.
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", "receipt"
        INBOX = "inbox", "inbox"
        STAFF_SECRET = "secret", "secret"  # a staff account's one-time password, see accounts

    kind = models.CharField(max_length=8, choices=Kind.choices)
    lookup = models.CharField(max_length=64, unique=True)
    blob = models.BinaryField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.kind} token #{self.pk}"


class DraftFile(models.Model):
    """A file already accepted on a form that was sent back for a correction, kept so the
    relative need not choose it again. Encrypted (files and metadata) with a key derived
    from the draft token, which is only in the form the browser holds."""

    draft = models.CharField(max_length=64, db_index=True)  # lookup value of the draft token
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    original_file = models.CharField(max_length=80)
    clean_file = models.CharField(max_length=80, blank=True)
    meta = models.BinaryField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"draft file #{self.pk}"
