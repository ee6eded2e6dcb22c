"""Writes of events, their participants and citations; delete and restore."""

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record, snapshot
from kintrace.names.dates import PartialDate

from ..models import (
    Citation,
    Event,
    EventDeletion,
    EventPerson,
    EventRole,
    Facility,
    Person,
    Region,
    Source,
    sort_key,
)
from ..rows import pointing_at, row_dump, row_restore, row_values
from ..selectors import person_survivor
from ._common import (
    KEEP,
    Keep,
    _apply,
    _changes,
    _date_fields,
    person_check_writable,
)
from .status import person_status_refresh

# --- events ----------------------------------------------------------------------------


def _event_snapshot(event: Event) -> dict[str, Any]:
    data = snapshot(event)
    data["persons"] = sorted([ep.person_id, ep.role] for ep in event.participants.all())
    data["citations"] = sorted([c.source_id, c.quote] for c in event.citations.all())
    return data


def _subjects(event: Event) -> list[Person]:
    return list(
        Person.objects.filter(event_links__event=event, event_links__role=EventRole.SUBJECT)
    )


def _check_range(event: Event) -> None:
    if event.end_year and not event.start_year:
        raise ValidationError(_("A date range needs its start."), code="range")
    # A partial end reaches to the end of its span: "05.2023 – 2023" is a valid range.
    if (
        event.end_year
        and sort_key(event.end_year, event.end_month or 12, event.end_day or 31) < event.start_sort
    ):
        raise ValidationError(_("The end of the range is before its start."), code="range")


def event_create(
    *,
    type: str,
    actor,
    start=None,
    end=None,
    facility: Facility | None = None,
    region: Region | None = None,
    place_text: str = "",
    description: str = "",
    persons: Iterable = (),
    citations: Iterable = (),
    facility_text: str = "",
) -> Event:
    """Record a dated event. `persons`: Person or (Person, role); `citations`: Source or
    (Source, quote); `facility_text`: a facility named ambiguously, kept until resolved. The
    status of each subject person is derived again. Refused for a merged-away person."""
    persons = [item if isinstance(item, tuple) else (item, EventRole.SUBJECT) for item in persons]
    event = Event(
        type=type,
        facility=facility,
        region=region,
        place_text=place_text,
        facility_text=facility_text.strip()[:300] if facility is None else "",
        description=description,
        created_by=actor if actor and actor.pk else None,
        start_sort=sort_key(start.year, start.month, start.day) if start else 0,
        **_date_fields("start", start),
        **_date_fields("end", end),
    )
    _check_range(event)
    with transaction.atomic():
        for person, _role in persons:
            person_check_writable(person)
        event.save()
        for person, role in persons:
            EventPerson.objects.create(event=event, person=person, role=role)
        for item in citations:
            source, quote = item if isinstance(item, tuple) else (item, "")
            Citation.objects.create(event=event, source=source, quote=quote)
        audit_record(
            actor=actor, action=Action.EVENT_CREATE, target=event, after=_event_snapshot(event)
        )
        for person in _subjects(event):
            person_status_refresh(person=person, actor=actor)
    return event


EVENT_FIELDS = {"type", "facility", "region", "place_text", "description"}


def _event_changed(event: Event, *, actor, action: Action, before) -> None:
    """Audit a change to an event and derive its subjects' status again."""
    audit_record(
        actor=actor, action=action, target=event, before=before, after=_event_snapshot(event)
    )
    for person in _subjects(event):
        person_status_refresh(person=person, actor=actor)


def event_update(
    *,
    event: Event,
    actor,
    type: str | Keep = KEEP,
    start: PartialDate | None | Keep = KEEP,
    end: PartialDate | None | Keep = KEEP,
    facility: Facility | None | Keep = KEEP,
    region: Region | None | Keep = KEEP,
    place_text: str | Keep = KEEP,
    description: str | Keep = KEEP,
) -> Event:
    """Change an event; a keyword left out (KEEP) stays as it is. The status of its
    subjects is derived again."""
    fields = _changes(
        type=type,
        start=start,
        end=end,
        facility=facility,
        region=region,
        place_text=place_text,
        description=description,
    )
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        before = _event_snapshot(event)
        _apply(event, fields, EVENT_FIELDS, dates=("start", "end"))
        event.start_sort = sort_key(event.start_year, event.start_month, event.start_day)
        _check_range(event)
        event.save()
        _event_changed(event, actor=actor, action=Action.EVENT_UPDATE, before=before)
    return event


def _pointing_rows(event: Event) -> tuple[list, list]:
    """Rows that point at the event: those deleted with it (CASCADE: its persons, citations,
    conflicts) as whole rows, and those that only lose the pointer (SET_NULL: a list entry)
    as (label, column, pk)."""
    cascade, set_null = [], []
    for fk in pointing_at(Event):
        model = fk.model
        label = model._meta.label_lower
        rows = model._default_manager.filter(**{fk.attname: event.pk})
        if fk.remote_field.on_delete is models.CASCADE:
            cascade += [[label, row_dump(r)] for r in rows]
        elif fk.remote_field.on_delete is models.SET_NULL and label != "registry.person":
            # A person's status_event is derived again after the change, not restored.
            set_null += [[label, fk.attname, pk] for pk in rows.values_list("pk", flat=True)]
    return cascade, set_null


def event_delete(*, event: Event, actor, reason: str = "") -> EventDeletion:
    """Delete an event, keeping it whole (with its citations and links) for event_restore;
    the deletion shows in its persons' history and their status is derived again."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        before = _event_snapshot(event)
        subjects = _subjects(event)
        everyone = list(Person.objects.filter(event_links__event=event).distinct())
        cascade, set_null = _pointing_rows(event)
        deletion = EventDeletion.objects.create(
            event_id=event.pk,
            event_type=event.type,
            date_display=event.date_display[:100],
            snapshot={"event": row_dump(event), "cascade": cascade, "set_null": set_null},
            reason=reason.strip(),
            deleted_by=actor if actor and actor.pk else None,
        )
        deletion.persons.set(everyone)
        pk = event.pk
        event.delete()
        audit_record(
            actor=actor,
            action=Action.EVENT_DELETE,
            target_type="registry.event",
            target_id=str(pk),
            before=before,
            after={"deletion": deletion.pk, "reason": deletion.reason},
        )
        for person in subjects:
            person_status_refresh(person=person, actor=actor)
    return deletion


def event_restore(*, deletion: EventDeletion, actor) -> Event:
    """Put a deleted event back with its citations and links. A person merged meanwhile is
    linked through the one he was merged into; a source or event gone meanwhile is left out."""
    with transaction.atomic():
        deletion = EventDeletion.objects.select_for_update().get(pk=deletion.pk)
        if deletion.restored_at:
            raise ValidationError(_("This event was already restored."), code="restored")
        snap = deletion.snapshot
        if Event.objects.filter(pk=deletion.event_id).exists():
            raise ValidationError(_("This event is in the registry."), code="restored")
        row_restore(Event, snap["event"])
        event = Event.objects.get(pk=deletion.event_id)
        for label, row in snap["cascade"]:
            model = apps.get_model(label)
            if row_values(model, row).get("person_id") is not None:
                row = {**row, "person_id": person_survivor(row["person_id"])}
            if not _restorable(model, row):
                continue
            try:
                with transaction.atomic():
                    row_restore(model, row)
            except IntegrityError:
                continue  # two men of the event were merged into one meanwhile
        for label, column, pk in snap["set_null"]:
            apps.get_model(label).objects.filter(pk=pk, **{column: None}).update(
                **{column: event.pk}
            )
        deletion.restored_at = timezone.now()
        deletion.restored_by = actor if actor and actor.pk else None
        deletion.save(update_fields=["restored_at", "restored_by"])
        _event_changed(event, actor=actor, action=Action.EVENT_RESTORE, before=None)
    return event


def _restorable(model, row: dict) -> bool:
    """Whether every row a kept row points at still exists (a source deleted, the other
    event of a conflict deleted meanwhile: that row is left out)."""
    for f in model._meta.concrete_fields:
        if f.is_relation and row.get(f.attname) is not None:
            if not f.related_model._default_manager.filter(pk=row[f.attname]).exists():
                return False
    return True


def event_person_add(
    *, event: Event, person: Person, actor, role: str = EventRole.SUBJECT
) -> EventPerson:
    """Link one more person to an event (not a merged-away one)."""
    with transaction.atomic():
        person_check_writable(person)
        before = _event_snapshot(event)
        link, _created = EventPerson.objects.update_or_create(
            event=event, person=person, defaults={"role": role}
        )
        audit_record(
            actor=actor,
            action=Action.EVENT_PERSON_ADD,
            target=event,
            before=before,
            after=_event_snapshot(event),
        )
        person_status_refresh(person=person, actor=actor)
    return link


def event_citation_add(*, event: Event, source: Source, actor, quote: str = "") -> Citation:
    """Back an event with one more source (and the quote that says so)."""
    with transaction.atomic():
        before = _event_snapshot(event)
        citation = Citation.objects.create(event=event, source=source, quote=quote)
        _event_changed(event, actor=actor, action=Action.EVENT_CITATION_ADD, before=before)
    return citation


def citation_remove(*, citation: Citation, actor) -> None:
    """Take a source off an event."""
    with transaction.atomic():
        event = citation.event
        before = _event_snapshot(event)
        citation.delete()
        _event_changed(event, actor=actor, action=Action.EVENT_CITATION_REMOVE, before=before)
