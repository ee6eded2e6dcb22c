"""Reads of the intake that reveal nothing encrypted (decrypting reads are audited services)."""

from django.db.models import Count, QuerySet

from .models import Attachment, Report


def report_queue(*, status: str = Report.Status.NEW) -> QuerySet:
    """Reports of a status, oldest first, so the longest-waiting family is answered first."""
    qs = Report.objects.annotate(n_messages=Count("messages"), n_files=Count("attachments",
                                                                              distinct=True))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "pk")


def report_get(pk: int) -> Report:
    return Report.objects.select_related("person", "case").get(pk=pk)


def attachment_get(pk: int) -> Attachment:
    return Attachment.objects.select_related("report").get(pk=pk)
