"""Review decisions on list matches: confirm (an event on the person, sourced to the list),
reject (never proposed again), skip; and a new person from an unmatched entry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record
from kintrace.cases.models import Case, CaseStatus
from kintrace.cases.services import case_note_add, case_set_status
from kintrace.names.dates import PartialDate
from kintrace.names.regions import normalise_region
from kintrace.registry.models import Region
from kintrace.registry.services import (
    FacilityAmbiguous,
    event_create,
    facility_get_or_create_from_ref,
    person_create,
    person_status_refresh,
)

from ..models import Decision, EntryRejection, ListEntry, MatchCandidate, PersonList


class ReviewError(Exception):
    """The decision cannot be made (already decided, person merged away, …)."""


def entry_quote(entry: ListEntry) -> str:
    """The original row, as the citation's quote: "Header: value; …"."""
    return "; ".join(f"{k}: {v}" for k, v in entry.raw.items() if str(v).strip())


def _partial(year, month, day):
    return PartialDate(year, month, day) if year else None


def _region(text: str):
    code = normalise_region(text) if text else None
    return Region.objects.filter(code=code).first() if code else None


def _entry_event(*, entry: ListEntry, person, actor, facility_text: str = ""):
    pl: PersonList = entry.person_list
    parts = [
        _("%(kind)s “%(title)s”, line %(line)s")
        % {"kind": pl.get_kind_display(), "title": pl.title, "line": entry.line}
    ]
    if entry.facility_text:
        parts.append(_("facility in the list: %s") % entry.facility_text)
    if entry.event_text and not entry.event_year:
        parts.append(_("date in the list: %s") % entry.event_text)
    return event_create(
        type=pl.event_type,
        actor=actor,
        start=_partial(entry.event_year, entry.event_month, entry.event_day),
        region=_region(entry.region_text),
        place_text=entry.place_text[:300],
        description="; ".join(parts),
        persons=[person],
        facility_text=facility_text,
        citations=[(pl.source, entry_quote(entry))],
    )


def _case_update(*, person, entry: ListEntry, actor) -> None:
    """Tell the person's open case: a note when notes can be sealed, and a new case moves to
    "searching" — a list has something on him now."""
    for case in Case.objects.filter(
        person=person, status__in=[CaseStatus.NEW, CaseStatus.SEARCHING]
    ):
        text = _("Found in list #%(id)s “%(title)s” (%(kind)s), line %(line)s: %(quote)s") % {
            "id": entry.person_list_id,
            "title": entry.person_list.title,
            "kind": entry.person_list.get_kind_display(),
            "line": entry.line,
            "quote": entry_quote(entry),
        }
        try:
            case_note_add(case=case, text=text, actor=actor)
        except Exception as e:
            if e.__class__.__name__ != "OrgKeysMissing":
                raise
        if case.status == CaseStatus.NEW:
            case_set_status(case=case, status=CaseStatus.SEARCHING, actor=actor)


def _locked_candidate(candidate: MatchCandidate) -> MatchCandidate:
    # The row lock makes two reviewers deciding the same candidate at once queue up, so the
    # second sees the first's decision instead of creating a second event.
    c = (
        MatchCandidate.objects.select_for_update(of=("self",))
        .select_related("entry__person_list__source", "person")
        .get(pk=candidate.pk)
    )
    if c.decision not in (Decision.OPEN, Decision.SKIPPED):
        raise ReviewError(_("This candidate was already decided (%s).") % c.get_decision_display())
    return c


def _decide(c: MatchCandidate, decision: Decision, actor) -> None:
    c.decision = decision
    c.decided_by = actor if actor and actor.pk else None
    c.decided_at = timezone.now()
    c.save(update_fields=["decision", "decided_by", "decided_at"])


def _supersede_others(entry: ListEntry) -> None:
    """The entry is decided: its other undecided candidates leave the queues."""
    MatchCandidate.objects.filter(
        entry=entry, decision__in=[Decision.OPEN, Decision.SKIPPED]
    ).update(decision=Decision.SUPERSEDED)


def candidate_confirm(*, candidate: MatchCandidate, actor):
    """The entry is this person: an event of the list's kind on him, cited to the list with
    the original row; his status is derived again and his open case told."""
    with transaction.atomic():
        c = _locked_candidate(candidate)
        entry = (
            ListEntry.objects.select_for_update(of=("self",))
            .select_related("person_list__source")
            .get(pk=c.entry_id)
        )
        if entry.person_id:
            raise ReviewError(_("This entry is already linked to person #%s.") % entry.person_id)
        person = c.person
        if person.merged_into_id:
            raise ReviewError(
                _("Person #%(p)s was merged into #%(s)s; run the match again.")
                % {"p": person.pk, "s": person.merged_into_id}
            )
        event = _entry_event(entry=entry, person=person, actor=actor)
        entry.person, entry.event = person, event
        entry.save(update_fields=["person", "event"])
        _decide(c, Decision.CONFIRMED, actor)
        _supersede_others(entry)
        person_status_refresh(person=person, actor=actor)
        _case_update(person=person, entry=entry, actor=actor)
        audit_record(
            actor=actor,
            action=Action.LIST_MATCH_CONFIRM,
            target=c,
            after={
                "entry": entry.pk,
                "person": person.pk,
                "event": event.pk,
                "probability": c.probability,
            },
        )
    return event


def candidate_reject(*, candidate: MatchCandidate, actor) -> MatchCandidate:
    """The entry is not this person; the pair is remembered and never proposed again."""
    with transaction.atomic():
        c = _locked_candidate(candidate)
        EntryRejection.objects.get_or_create(
            entry_id=c.entry_id,
            person_id=c.person_id,
            defaults={"created_by": actor if actor and actor.pk else None},
        )
        _decide(c, Decision.REJECTED, actor)
        audit_record(
            actor=actor,
            action=Action.LIST_MATCH_REJECT,
            target=c,
            after={"entry": c.entry_id, "person": c.person_id},
        )
    return c


def candidate_skip(*, candidate: MatchCandidate, actor) -> MatchCandidate:
    """Not now: the candidate leaves the queue until the skipped ones are reviewed."""
    with transaction.atomic():
        c = _locked_candidate(candidate)
        _decide(c, Decision.SKIPPED, actor)
        audit_record(
            actor=actor,
            action=Action.LIST_MATCH_SKIP,
            target=c,
            after={"entry": c.entry_id, "person": c.person_id},
        )
    return c


def entry_create_person(*, entry: ListEntry, actor):
    """A new registry person from an entry nobody matched: his name as the list wrote it
    (sourced to the list), birth date, facility, and the list's event."""
    with transaction.atomic():
        entry = (
            ListEntry.objects.visible()
            .select_for_update(of=("self",))
            .select_related("person_list__source")
            .filter(pk=entry.pk)
            .first()
        )
        if entry is None:  # a row of a list still importing, or of a failed import
            raise ReviewError(_("This entry is not part of an imported list."))
        if entry.person_id:
            raise ReviewError(_("This entry is already linked to person #%s.") % entry.person_id)
        facility, unresolved = None, ""
        if entry.facility_text:
            try:
                facility, _created = facility_get_or_create_from_ref(
                    ref=entry.facility_text, actor=actor, region=_region(entry.region_text)
                )
            except FacilityAmbiguous:
                unresolved = entry.facility_text  # kept as written until someone chooses
            except ValidationError:
                facility = None  # the text stays in the event's description
        person = person_create(
            name=entry.name,
            actor=actor,
            last_facility=facility,
            birth=_partial(entry.birth_year, entry.birth_month, entry.birth_day),
            name_source=entry.person_list.source,
            last_facility_text=unresolved,
        )
        event = _entry_event(entry=entry, person=person, actor=actor, facility_text=unresolved)
        entry.person, entry.event = person, event
        entry.save(update_fields=["person", "event"])
        _supersede_others(entry)
        audit_record(
            actor=actor,
            action=Action.LIST_ENTRY_NEW_PERSON,
            target=entry,
            after={"person": person.pk, "event": event.pk},
        )
    return person
