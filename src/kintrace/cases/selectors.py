"""Reads of cases."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum

from kintrace.intake.services import report_conversation_read
from kintrace.security.audit import audit_decrypt
from kintrace.security.crypto import unseal
from kintrace.security.keys import org_private_key_for

from .models import Case


def case_list(*, status: str = "", assignee=None, unread: bool = False) -> QuerySet:
    """Cases, each with `unread`: the follow-ups from relatives on its reports nobody has
    read yet; with `unread=True` only those that have some."""
    qs = Case.objects.select_related("person", "assignee").prefetch_related(
        "person__names").annotate(unread=Sum("reports__unread_count"))
    if status:
        qs = qs.filter(status=status)
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    if unread:
        qs = qs.filter(Q(unread__gt=0))
    return qs


def case_get(pk: int) -> Case:
    return Case.objects.select_related("person", "assignee").get(pk=pk)


@dataclass
class NoteView:
    author: str
    created_at: Any
    text: str


def case_notes_read(*, case: Case, request, actor) -> list[NoteView]:
    """Decrypt a case's notes for a staff member whose session holds the organisation key.
    Audited: notes often repeat what a family said."""
    notes = list(case.notes.select_related("author"))
    if not notes:
        return []
    private = org_private_key_for(request)
    out = [NoteView(author=n.author.get_username(), created_at=n.created_at,
                    text=unseal(private, bytes(n.body)).decode()) for n in notes]
    audit_decrypt(actor, case, "case notes")
    return out


@dataclass
class Conversation:
    """One linked report's conversation with the relative, for the case page."""

    report: Any
    messages: list


def case_conversations(*, case: Case, request, actor) -> list[Conversation]:
    """The conversation of every report linked to the case, decrypted (audited per report)."""
    return [Conversation(report=r, messages=report_conversation_read(
                report=r, request=request, actor=actor))
            for r in case.reports.order_by("created_at", "pk")]
