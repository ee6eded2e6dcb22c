"""Accepting an extracted fact: each a caseworker's explicit choice, in one transaction,
audited (`extraction.*` actions) beside the registry's or the case's own entry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record
from kintrace.cases.models import Case, CaseNote
from kintrace.cases.services import case_note_add
from kintrace.names.dates import PartialDate
from kintrace.names.facilities import FacilityRef
from kintrace.registry.models import Event, Facility, Person, PersonName, Region, Source
from kintrace.registry.services import (
    event_create,
    facility_get_or_create_from_ref,
    person_name_add,
    person_update,
    source_create,
)

from .models import SourceText

__all__ = [
    "article_source_create",
    "event_accept",
    "facility_accept",
    "person_name_accept",
    "phone_accept",
]


def person_name_accept(
    *, person: Person, text: str, actor, source: Source | None = None
) -> PersonName:
    """Add an extracted name (as the caseworker corrected it) to the chosen person.
    Raises ValidationError (empty name, merged person) with nothing written."""
    with transaction.atomic():
        name = person_name_add(person=person, text=text, source=source, actor=actor)
        audit_record(
            actor=actor,
            action=Action.EXTRACTION_PERSON_NAME_ACCEPT,
            target=person,
            after={"name": name.pk, "source": source.pk if source else None},
        )
    return name


def event_accept(
    *,
    person: Person,
    source: Source,
    type: str,
    quote: str,
    actor,
    start: PartialDate | None = None,
    place_text: str = "",
) -> Event:
    """Record an extracted event on the chosen person, cited to the chosen source with the
    sentence as the quote. Raises ValidationError (merged person, bad dates) with nothing
    written."""
    with transaction.atomic():
        event = event_create(
            type=type,
            start=start,
            place_text=place_text[:300],
            persons=[person],
            citations=[(source, quote.strip())],
            actor=actor,
        )
        audit_record(
            actor=actor,
            action=Action.EXTRACTION_EVENT_ACCEPT,
            target=event,
            after={"person": person.pk, "source": source.pk},
        )
    return event


def facility_accept(
    *,
    type: str,
    number: int,
    actor,
    region: Region | None = None,
    person: Person | None = None,
    case: Case | None = None,
) -> Facility:
    """Link an extracted facility ("ИК-17", region as the text or the caseworker gives it) to
    a person, or to the person a case is about, as his last known facility: the registry's
    facility of that type, number and region, created when the registry has none.

    Raises ValidationError with nothing written: the facility is ambiguous (ИК-6 without a
    region, several in the registry: `FacilityAmbiguous`, its candidates to choose from), the
    person is merged away, neither or both of person and case are given."""
    if (person is None) == (case is None):
        raise ValidationError(_("Choose a person or a case, one of them."), code="target")
    target = person if person is not None else case.person  # type: ignore[union-attr]
    ref = FacilityRef(type, number, None, None)
    with transaction.atomic():
        facility, created = facility_get_or_create_from_ref(ref=ref, region=region, actor=actor)
        person_update(person=target, last_facility=facility, actor=actor)
        audit_record(
            actor=actor,
            action=Action.EXTRACTION_FACILITY_ACCEPT,
            target=target,
            after={"facility": facility.pk, "created": created,
                   "case": case.pk if case is not None else None},
        )  # fmt: skip
    return facility


def phone_accept(*, case: Case, phone: str, context: str, actor) -> CaseNote:
    """Keep an extracted phone number on a case as a note (sealed like every case note: the
    number is neither in the audit entry nor anywhere in clear)."""
    text = f"{phone}\n{context.strip()}".strip()
    with transaction.atomic():
        note = case_note_add(case=case, text=text, actor=actor)
        audit_record(
            actor=actor, action=Action.EXTRACTION_PHONE_ACCEPT, target=case, after={"note": note.pk}
        )
    return note


def article_source_create(
    *,
    text: str,
    actor,
    lang: str = "auto",
    **source_fields,
) -> Source:
    """A source made from a published article (title, publisher, URL, date, grade as in
    `registry.services.source_create`) with the article's text kept for extraction."""
    with transaction.atomic():
        source = source_create(actor=actor, **source_fields)
        kept = SourceText.objects.create(source=source, text=text, lang=lang)
        audit_record(
            actor=actor,
            action=Action.EXTRACTION_ARTICLE_ADD,
            target=source,
            after={"text": kept.pk, "chars": len(text)},
        )
    return source
