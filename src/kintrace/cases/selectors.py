"""Reads of cases."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from kintrace.security.audit import audit_decrypt
from kintrace.security.crypto import unseal
from kintrace.security.keys import org_private_key_for

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
