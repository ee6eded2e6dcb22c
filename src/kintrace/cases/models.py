"""A case is one search for one person: its status, who works on it, and encrypted notes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    SEARCHING = "searching", _("Searching")
    FOUND_ALIVE = "found_alive", _("Found alive")
    FOUND_DEAD = "found_dead", _("Found dead")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.SEARCHING)


class CloseReason(models.TextChoices):
    """Why a report or a case was closed. Staff choose one when closing, and whether the
    family may see it; the labels are what the relative's inbox says."""

    ANSWERED = "answered", _("We have written to you: please read our answer")
    FOUND = "found", _("The person was found")
    DUPLICATE = "duplicate", _("It repeats another report we already have")
    NOT_IN_SCOPE = "not_in_scope", _("It is not about a person we search for")
    FAMILY_REQUEST = "family_request", _("You asked us to stop")
    NO_LEADS = "no_leads", _("We could not find anything more for now")
    OTHER = "other", _("Another reason")


class Case(models.Model):
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(
        max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when the case leaves the open statuses; cleared when it is opened again.
    close_reason = models.CharField(max_length=16, choices=CloseReason.choices, blank=True)
    close_reason_shared = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            # One open search per person: a second report about him joins the open case.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=OPEN_STATUSES),
                name="cases_one_open_case_per_person",
            ),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"case #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Sealed to the organisation's public key: any caseworker can add a note, only staff
    # whose session unlocked the organisation key can read it.
    body = models.BinaryField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"note #{self.pk} on case #{self.case_id}"
