"""Accepting an extracted fact: each a caseworker's explicit choice, in one transaction,
audited (`extraction.*` actions) beside the registry's or the case's own entry."""

from __future__ import annotations

from django.db import transaction

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record
from kintrace.cases.models import Case, CaseNote
from kintrace.cases.services import case_note_add
from kintrace.names.dates import PartialDate
from kintrace.registry.models import Event, Person, PersonName, Source
from kintrace.registry.services import event_create, person_name_add, source_create

from .models import SourceText

__all__ = [
    "article_source_create",
    "event_accept",
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
