"""Reads of cases."""

from django.db.models import Q, QuerySet, Sum

from kintrace.accounts.models import User
from kintrace.accounts.roles import NAME_ROLES

from .models import Case


def case_list(*, status: str = "", assignee=None, unread: bool = False) -> QuerySet:
    """Cases, each with `unread`: the follow-ups from relatives on its reports nobody has
    read yet; with `unread=True` only those that have some."""
    qs = (
        Case.objects.select_related("person", "assignee")
        .prefetch_related("person__names")
        .annotate(unread=Sum("reports__unread_count"))
    )
    if status:
        qs = qs.filter(status=status)
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    if unread:
        qs = qs.filter(Q(unread__gt=0))
    return qs


def case_get(pk: int) -> Case:
    return Case.objects.select_related("person", "assignee").get(pk=pk)


def assignable_staff() -> QuerySet[User]:
    """Active staff who may hold a case (they see names), by username."""
    return User.objects.filter(is_active=True, role__in=NAME_ROLES).order_by("username")


def active_staff_named(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()
