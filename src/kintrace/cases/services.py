"""Every write to cases. Keyword-only, each takes the acting user and audits in the same
transaction."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record, snapshot
from kintrace.intake.services import MessageView, report_conversation_read
from kintrace.registry.models import Person
from kintrace.registry.services import person_check_writable
from kintrace.security.audit import audit_decrypt
from kintrace.security.crypto import seal, unseal
from kintrace.security.keys import org_public_key

from .models import OPEN_STATUSES, Case, CaseNote, CaseStatus, CloseReason

CASE_FIELDS = [
    "id",
    "person",
    "status",
    "assignee",
    "created_by",
    "close_reason",
    "close_reason_shared",
]


def case_open(*, person: Person, actor) -> tuple[Case, bool]:
    """The person's open case, or a new one. Returns (case, created). Refused for a person
    merged into another (his case belongs to the survivor)."""

    with transaction.atomic():
        person_check_writable(person)
        # Lock the person: two caseworkers linking reports about him at the same moment must
        # not both see "no open case" and both create one (the constraint would fail one).
        Person.objects.select_for_update().get(pk=person.pk)
        case = Case.objects.filter(person=person, status__in=OPEN_STATUSES).first()
        if case is not None:
            return case, False
        case = Case.objects.create(person=person, created_by=actor)
        audit_record(
            actor=actor, action=Action.CASE_OPEN, target=case, after=snapshot(case, CASE_FIELDS)
        )
    return case, True


def case_set_status(
    *, case: Case, status: str, actor, reason: str = "", shared: bool = False
) -> Case:
    """Change the status. Leaving the open statuses (found, closed) needs a reason; with
    `shared` the families' inboxes name it. Opening again clears it."""
    if status not in CaseStatus.values:
        raise ValidationError(_("Unknown case status."), code="status")
    closing = status not in OPEN_STATUSES
    if closing and reason not in CloseReason.values:
        raise ValidationError(_("Choose why the case is closed."), code="reason")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        before = snapshot(case, CASE_FIELDS)
        if (
            status in OPEN_STATUSES
            and not case.is_open
            and Case.objects.filter(person_id=case.person_id, status__in=OPEN_STATUSES).exists()
        ):
            raise ValidationError(_("This person already has an open case."), code="open")
        case.status = status
        if closing:
            if before["status"] in OPEN_STATUSES or not case.closed_at:
                case.closed_at = timezone.now()
            case.close_reason, case.close_reason_shared = reason, bool(shared)
        else:
            case.close_reason, case.close_reason_shared, case.closed_at = "", False, None
        case.save(
            update_fields=[
                "status",
                "close_reason",
                "close_reason_shared",
                "closed_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action=Action.CASE_SET_STATUS,
            target=case,
            before=before,
            after=snapshot(case, CASE_FIELDS),
        )
    return case


def case_assign(*, case: Case, assignee, actor) -> Case:
    """Give the case to a staff member who may see names (or to nobody, with None)."""
    if assignee is not None and not assignee.sees_names:
        raise ValidationError(
            _("Cases can only be assigned to staff who may see names."), code="assignee"
        )
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        before = snapshot(case, CASE_FIELDS)
        case.assignee = assignee
        case.save(update_fields=["assignee", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.CASE_ASSIGN,
            target=case,
            before=before,
            after=snapshot(case, CASE_FIELDS),
        )
    return case


def case_note_add(*, case: Case, text: str, actor) -> CaseNote:
    """Add a note, sealed to the organisation key (readable only by unlocked staff)."""
    text = text.strip()
    if not text:
        raise ValidationError(_("The note is empty."), code="required")
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case, author=actor, body=seal(org_public_key(), text.encode())
        )
        case.save(update_fields=["updated_at"])
        audit_record(actor=actor, action=Action.CASE_NOTE_ADD, target=case, after={"note": note.pk})
    return note


@dataclass
class NoteView:
    author: str
    created_at: Any
    text: str


def case_notes_read(*, case: Case, org_private: bytes, actor) -> list[NoteView]:
    """Decrypt a case's notes with the organisation key the staff member's session unlocked.
    Audited: notes often repeat what a family said."""
    notes = list(case.notes.select_related("author"))
    if not notes:
        return []
    out = [
        NoteView(
            author=n.author.get_username(),
            created_at=n.created_at,
            text=unseal(org_private, bytes(n.body)).decode(),
        )
        for n in notes
    ]
    audit_decrypt(actor, case, "case notes")
    return out


@dataclass
class Conversation:
    """One linked report's conversation with the relative, for the case page."""

    report: Any
    messages: list[MessageView]


def case_conversations(*, case: Case, org_private: bytes, actor) -> list[Conversation]:
    """The conversation of every report linked to the case, decrypted with the organisation key
    the staff member's session unlocked (audited per report)."""
    return [
        Conversation(
            report=r,
            messages=report_conversation_read(report=r, org_private=org_private, actor=actor),
        )
        for r in case.reports.order_by("created_at", "pk")
    ]
