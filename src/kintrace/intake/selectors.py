"""Reads of the intake that reveal nothing encrypted (decrypting reads are audited services)."""

from django.db.models import Count, QuerySet

from .models import Attachment, Report


def report_queue(*, status: str = Report.Status.NEW, unread: bool = False) -> QuerySet:
    """Reports of a status, oldest first, so the longest-waiting family is answered first;
    with `unread`, every report with follow-ups nobody has read, longest-waiting first."""
    qs = Report.objects.annotate(
        n_messages=Count("messages", distinct=True), n_files=Count("attachments", distinct=True)
    )
    if status:
        qs = qs.filter(status=status)
    if unread:
        return qs.filter(unread_count__gt=0).order_by("unread_since", "pk")
    return qs.order_by("created_at", "pk")


def unread_report_count() -> int:
    """How many reports have follow-ups from relatives that nobody has read (staff menu)."""
    return Report.objects.filter(unread_count__gt=0).count()


def unread_for_person(person_id: int) -> int:
    """Unread follow-ups on the reports about one person."""
    return sum(Report.objects.filter(person_id=person_id).values_list("unread_count", flat=True))


def report_get(pk: int) -> Report:
    return Report.objects.select_related("person", "case").get(pk=pk)


def attachment_get(pk: int) -> Attachment:
    return Attachment.objects.select_related("report").get(pk=pk)
