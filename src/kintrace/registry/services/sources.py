"""Writes of sources."""

from django.db import transaction

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record, snapshot
from kintrace.names.dates import PartialDate

from ..models import (
    EventRole,
    Person,
    Source,
)
from ._common import KEEP, Keep, _apply, _changes, _date_fields
from .status import person_status_refresh

# --- sources ---------------------------------------------------------------------------


def source_create(
    *,
    kind: str,
    title: str,
    actor,
    publisher: str = "",
    url: str = "",
    date=None,
    reliability: str = "F",
    credibility: int = 6,
) -> Source:
    """Add a source with its Admiralty grade (reliability A–F, credibility 1–6)."""
    with transaction.atomic():
        source = Source.objects.create(
            kind=kind,
            title=title,
            publisher=publisher,
            url=url,
            reliability=reliability,
            credibility=int(credibility),
            created_by=actor if actor and actor.pk else None,
            **_date_fields("date", date),
        )
        audit_record(
            actor=actor, action=Action.SOURCE_CREATE, target=source, after=snapshot(source)
        )
    return source


SOURCE_FIELDS = {"kind", "title", "publisher", "url", "reliability", "credibility"}


def source_update(
    *,
    source: Source,
    actor,
    kind: str | Keep = KEEP,
    title: str | Keep = KEEP,
    publisher: str | Keep = KEEP,
    url: str | Keep = KEEP,
    date: PartialDate | None | Keep = KEEP,
    reliability: str | Keep = KEEP,
    credibility: int | Keep = KEEP,
) -> Source:
    """Change a source; a keyword left out (KEEP) stays as it is. A new grade re-derives
    the status of every person whose events cite it."""
    fields = _changes(
        kind=kind,
        title=title,
        publisher=publisher,
        url=url,
        date=date,
        reliability=reliability,
        credibility=credibility,
    )
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        before = snapshot(source)
        _apply(source, fields, SOURCE_FIELDS, dates=("date",))
        source.save()
        audit_record(
            actor=actor,
            action=Action.SOURCE_UPDATE,
            target=source,
            before=before,
            after=snapshot(source),
        )
        if (before["reliability"], before["credibility"]) != (
            source.reliability,
            source.credibility,
        ):
            persons = Person.objects.filter(
                event_links__event__citations__source=source,
                event_links__role=EventRole.SUBJECT,
            ).distinct()
            for person in persons:
                person_status_refresh(person=person, actor=actor)
    return source
