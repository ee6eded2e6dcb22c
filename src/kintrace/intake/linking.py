"""Turning a report into registry facts: link it to a person (or create him), open or update
his case, and record what the report says as events sourced to the report."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as date_type

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record
from kintrace.cases.services import case_open
from kintrace.names.dates import (
    PartialDate,
    parse_date_or_none,
    parse_date_range,
    parse_day_month,
    relative_date,
)
from kintrace.registry.models import EventType, Person, Region, SourceKind
from kintrace.registry.services import (
    FacilityAmbiguous,
    event_create,
    facility_get_or_create_from_ref,
    person_create,
    source_create,
)

from .models import Report


@dataclass
class Fact:
    """One event the report states, as the caseworker confirms it."""

    type: str
    date: str = ""
    description: str = ""


# "When was he recruited?" dates the recruitment stage the relative ticked, the signing first
_RECRUITMENT_STAGES = ("applied", "offered", "transferred", "quarantined")


def report_facts(private: dict, written: date_type | None = None) -> list[Fact]:
    """The events a report proposes: each "what happened" choice, dated where the reporter
    gave a date (one written relative to the day the report was `written`, "2 недели назад",
    is proposed as the date it names). The recruitment date goes to the recruitment stage the
    relative ticked (signed, else offered, taken out, quarantine); when none is ticked it is
    proposed as "applied" and says that the relative named no stage — the caseworker decides.
    The last contact dates "contact"."""
    codes = list(private.get("what_happened", []))
    recruited = private.get("recruited_when", "")
    stage = next((c for c in _RECRUITMENT_STAGES if c in codes), "")
    dated = {stage or "applied": recruited, "contact": private.get("last_contact_when", "")}
    for code, date in dated.items():
        if date and code not in codes:
            codes.append(code)
    facts = [_dated_fact(code, dated.get(code, ""), written) for code in codes]
    if recruited and not stage:
        for fact in facts:
            if fact.type == "applied":
                note = _("the relative gave this as the date he was recruited, not which step")
                fact.description = f"{fact.description}; {note}" if fact.description else note
    return facts


def _dated_fact(code: str, date: str, written: date_type | None = None) -> Fact:
    """A day and month without a year ("15 января") is no registry date: the event is
    proposed undated, with the day as the relative wrote it in its description, and the
    caseworker adds the year if they learn it. Never a guessed year. A date relative to the
    day the report was `written` ("2 недели назад") is proposed as the date it names, with
    the words as written in the description."""
    if date and written is not None:
        absolute = relative_date(date, written)
        if absolute is not None:
            return Fact(
                type=code,
                date=absolute,
                description=_("“%(text)s”, written %(day)s")
                % {"text": date, "day": date_format(written, "DATE_FORMAT")},
            )
    try:
        yearless = parse_day_month(date) is not None if date else False
    except ValueError:
        yearless = False
    if yearless:
        return Fact(type=code, date="", description=_("%(date)s (year not given)") % {"date": date})
    return Fact(type=code, date=date)


def _check_facts(
    facts: list[Fact],
) -> list[tuple[Fact, PartialDate | None, PartialDate | None]]:
    """(fact, start, end) per fact; a vague date a relative wrote ("весна 2024", "около
    2023") becomes the period or the approximate date it is, never a guessed point."""
    checked = []
    for fact in facts:
        if fact.type not in EventType.values:
            raise ValidationError(_("Unknown event type."), code="type")
        start = end = None
        try:
            if fact.date.strip():
                start, end = parse_date_range(fact.date, approximate=True)
        except ValueError as e:
            raise ValidationError(
                _("“%(date)s”: %(problem)s") % {"date": fact.date, "problem": e}, code="date"
            ) from None
        checked.append((fact, start, None if end == start else end))
    return checked


def _report_source(report: Report, actor):
    if report.source_id:
        return report.source
    created = timezone.localdate(report.created_at)
    return source_create(
        kind=SourceKind.RELATIVE_REPORT,
        title=_("Relative's report #%(n)d") % {"n": report.pk},
        date=PartialDate(created.year, created.month, created.day),
        actor=actor,
    )


def report_link(*, report: Report, person: Person, actor, facts: Sequence[Fact] = ()) -> Report:
    """Link the report to `person`: open or update his case and record `facts` as events
    cited to the report's source."""
    checked = _check_facts(list(facts))
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        before = {"status": report.status, "person": report.person_id, "case": report.case_id}
        source = _report_source(report, actor)
        for fact, start, end in checked:
            event_create(
                type=fact.type,
                start=start,
                end=end,
                description=fact.description.strip(),
                persons=[person],
                citations=[source],
                actor=actor,
            )
        case, _created = case_open(person=person, actor=actor)
        report.person, report.case, report.source = person, case, source
        report.status = Report.Status.LINKED
        report.linked_by, report.linked_at = actor, timezone.now()
        report.save()
        audit_record(
            actor=actor,
            action=Action.REPORT_LINK,
            target=report,
            before=before,
            after={
                "status": report.status,
                "person": person.pk,
                "case": case.pk,
                "events": len(checked),
            },
        )
    return report


def report_create_person(*, report: Report, actor, facts: Sequence[Fact] = ()) -> Person:
    """Create the missing man from the report's subject fields, then link the report to him."""
    _check_facts(list(facts))
    with transaction.atomic():
        source = _report_source(report, actor)
        if not report.source_id:
            Report.objects.filter(pk=report.pk).update(source=source)
            report.source = source
        region = (
            Region.objects.filter(code=report.subject_region_code).first()
            if report.subject_region_code
            else None
        )
        facility, unresolved = None, ""
        if report.subject_facility:
            try:
                facility, _created = facility_get_or_create_from_ref(
                    ref=report.subject_facility, region=region, actor=actor
                )
            except FacilityAmbiguous:
                # "ИК-6" in two regions: kept as written on the person until someone chooses.
                unresolved = report.subject_facility
            except ValidationError:
                facility = None  # not a facility we can read; the text stays on the report
        try:
            birth = parse_date_or_none(report.subject_birth_date, approximate=True)
        except ValueError:
            # "около 40 лет": an age on the day the report came is an approximate birth year
            age = relative_date(
                report.subject_birth_date, timezone.localdate(report.created_at), age=True
            )
            birth = parse_date_or_none(age, approximate=True) if age else None
        person = person_create(
            name=report.subject_name,
            birth=birth,
            last_facility=facility,
            last_facility_text=unresolved,
            name_source=source,
            actor=actor,
        )
        report_link(report=report, person=person, actor=actor, facts=facts)
    return person
