"""Reads of cases."""

from django.db.models import QuerySet

from .models import Case


def case_list(*, status: str = "", assignee=None) -> QuerySet:
    qs = Case.objects.select_related("person", "assignee").prefetch_related("person__names")
    if status:
        qs = qs.filter(status=status)
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    return qs


def case_get(pk: int) -> Case:
    return Case.objects.select_related("person", "assignee").get(pk=pk)
