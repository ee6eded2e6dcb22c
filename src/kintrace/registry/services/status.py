"""A person's status and its conflicts, recomputed from his events."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record, snapshot

from ..models import (
    ConflictState,
    Person,
    StatusConflict,
)
from ..selectors import person_conflicts, status_candidates
from ..status import Candidate, derive_status, find_conflicts
from ._common import person_check_writable

# --- status ----------------------------------------------------------------------------


def _conflicts_sync(person: Person, candidates: list[Candidate], actor) -> None:
    """Record each newly found conflict as open; forget open ones whose evidence changed (an
    event deleted or re-dated, a source downgraded). Decided ones are kept."""
    found = {(d.event_id, life.event_id) for d, life in find_conflicts(candidates)}
    rows = {
        (r.death_event_id, r.life_event_id): r for r in StatusConflict.objects.filter(person=person)
    }
    for pair in sorted(found - set(rows)):
        row = StatusConflict.objects.create(
            person=person, death_event_id=pair[0], life_event_id=pair[1]
        )
        audit_record(
            actor=actor,
            action=Action.PERSON_CONFLICT_OPEN,
            target=row,
            after={"person": person.pk, "death_event": pair[0], "life_event": pair[1]},
        )
    for pair, row in rows.items():
        if pair not in found and row.state == ConflictState.OPEN:
            audit_record(
                actor=actor, action=Action.PERSON_CONFLICT_GONE, target=row, before=snapshot(row)
            )
            row.delete()


def conflict_resolve(
    *, conflict: StatusConflict, state: str, actor, note: str = ""
) -> StatusConflict:
    """A coordinator decides a conflict: "death_stands" or "alive_after"; the status is derived
    again from the decision."""
    if state not in (ConflictState.DEATH_STANDS, ConflictState.ALIVE_AFTER):
        raise ValidationError(_("Choose which of the two reports stands."), code="state")
    with transaction.atomic():
        conflict = StatusConflict.objects.select_for_update().get(pk=conflict.pk)
        person_check_writable(conflict.person)
        if conflict.state != ConflictState.OPEN:
            raise ValidationError(_("This conflict was already decided."), code="decided")
        before = snapshot(conflict)
        conflict.state, conflict.note = state, note.strip()
        conflict.resolved_by = actor if actor and actor.pk else None
        conflict.resolved_at = timezone.now()
        conflict.save()
        audit_record(
            actor=actor,
            action=Action.PERSON_CONFLICT_RESOLVE,
            target=conflict,
            before=before,
            after=snapshot(conflict),
        )
        person_status_refresh(person=conflict.person, actor=actor)
    return conflict


def person_status_refresh(*, person: Person, actor=None) -> Person:
    """Derive the person's status from his events and recorded conflicts (rule:
    registry/status.py), recording new conflicts, and store it with its reason; writes audit
    entries only when something changed."""
    candidates = status_candidates([person.pk])[person.pk]
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        _conflicts_sync(person, candidates, actor)
        decision = derive_status(candidates, person_conflicts(person.pk))
        # The stored reason is in the site's language; pages re-derive it in the reader's.
        with translation.override(settings.LANGUAGE_CODE):
            reason = decision.reason()
        event_id = decision.winner.event_id if decision.winner else None
        if (person.status, person.status_reason, person.status_event_id) == (
            decision.status,
            reason,
            event_id,
        ):
            return person
        before = snapshot(person, ["status", "status_reason", "status_event"])
        person.status, person.status_reason, person.status_event_id = (
            decision.status,
            reason,
            event_id,
        )
        person.save(update_fields=["status", "status_reason", "status_event", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.PERSON_STATUS,
            target=person,
            before=before,
            after=snapshot(person, ["status", "status_reason", "status_event"]),
        )
    return person
