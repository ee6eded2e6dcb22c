"""Writes of facilities: create, update, resolve a typed reference."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record, snapshot
from kintrace.names.facilities import parse_facility

from ..models import (
    Event,
    Facility,
    Person,
    Regime,
    Region,
)
from ._common import KEEP, Keep, _apply, _changes, _person_snapshot, person_check_writable
from .events import _event_snapshot

# --- facilities ------------------------------------------------------------------------


def _facility_check_unique(*, type: str, number: str, region, exclude_pk=None) -> None:
    qs = Facility.objects.filter(type=type, number=number, region=region)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError(
            _("%(type)s-%(number)s in this region is already in the registry.")
            % {"type": type, "number": number},
            code="duplicate",
        )
    if region is None:
        # A region-less twin of a facility the registry knows by region would be counted
        # as another colony: say which regions have it instead.
        regional = Facility.objects.filter(type=type, number=number, region__isnull=False)
        if exclude_pk is not None:
            regional = regional.exclude(pk=exclude_pk)
        regions = sorted(str(f.region) for f in regional.select_related("region"))
        if regions:
            raise ValidationError(
                _("%(type)s-%(number)s is in the registry in %(regions)s; choose its region.")
                % {"type": type, "number": number, "regions": ", ".join(regions)},
                code="ambiguous",
            )


def facility_create(
    *,
    type: str,
    number: str,
    actor,
    regime: str = "",
    region: Region | None = None,
    official_name: str = "",
    other_names: Iterable[str] = (),
) -> Facility:
    """Add a facility; refuses a second one with the same type, number and region."""
    number = str(number).strip()
    with transaction.atomic():
        _facility_check_unique(type=type, number=number, region=region)
        facility = Facility.objects.create(
            type=type,
            number=number,
            regime=regime,
            region=region,
            official_name=official_name,
            other_names=list(other_names),
        )
        audit_record(
            actor=actor, action=Action.FACILITY_CREATE, target=facility, after=snapshot(facility)
        )
    return facility


FACILITY_FIELDS = {"type", "number", "regime", "region", "official_name", "other_names"}


def facility_update(
    *,
    facility: Facility,
    actor,
    type: str | Keep = KEEP,
    number: str | Keep = KEEP,
    regime: str | Keep = KEEP,
    region: Region | None | Keep = KEEP,
    official_name: str | Keep = KEEP,
    other_names: list[str] | Keep = KEEP,
) -> Facility:
    """Change a facility; a keyword left out (KEEP) stays as it is."""
    fields = _changes(
        type=type,
        number=number,
        regime=regime,
        region=region,
        official_name=official_name,
        other_names=other_names,
    )
    with transaction.atomic():
        facility = Facility.objects.select_for_update().get(pk=facility.pk)
        before = snapshot(facility)
        if "number" in fields:
            fields["number"] = str(fields["number"]).strip()
        _apply(facility, fields, FACILITY_FIELDS)
        _facility_check_unique(
            type=facility.type,
            number=facility.number,
            region=facility.region,
            exclude_pk=facility.pk,
        )
        facility.save()
        audit_record(
            actor=actor,
            action=Action.FACILITY_UPDATE,
            target=facility,
            before=before,
            after=snapshot(facility),
        )
    return facility


_REGIMES = {
    "общий": Regime.GENERAL,
    "строгий": Regime.STRICT,
    "особый": Regime.SPECIAL,
    "поселение": Regime.SETTLEMENT,
}


class FacilityAmbiguous(ValidationError):
    """The text fits several registry facilities (ИК-6 in two regions, and no region said):
    someone must choose; `candidates` holds them."""

    def __init__(self, message, *, candidates, text: str):
        super().__init__(message, code="ambiguous")
        self.candidates = list(candidates)
        self.text = text


def facility_get_or_create_from_ref(
    *, ref, actor, region: Region | None = None
) -> tuple[Facility, bool]:
    """The facility a reference names ("ИК-2 Пермский край", a FacilityRef), created if new.

    Returns (facility, created) like Django's get_or_create. `region` overrides the region the
    reference names. With no region at all, the one facility of that type and number is taken
    whatever its region; when there are several, FacilityAmbiguous is raised (nothing is
    created: a region-less twin would be counted as another colony). Raises ValidationError
    when the text names no facility.
    """
    text = ref if isinstance(ref, str) else str(ref)
    if isinstance(ref, str):
        parsed = parse_facility(ref)
        if parsed is None:
            raise ValidationError(
                _("No facility could be read from “%(text)s”.") % {"text": ref}, code="unparsed"
            )
        ref = parsed
    if ref.type is None or ref.number is None:
        raise ValidationError(
            _("The reference does not say which facility: %(ref)s") % {"ref": ref},
            code="incomplete",
        )
    if region is None and ref.region_code:
        region = Region.objects.filter(code=ref.region_code).first()
    number = str(ref.number)
    with transaction.atomic():
        if region is None:
            found = list(
                Facility.objects.select_related("region")
                .filter(type=ref.type, number=number)
                .order_by("region__name_ru")
            )
            if len(found) == 1:
                return found[0], False
            if len(found) > 1:
                raise FacilityAmbiguous(
                    _("“%(text)s” may be any of %(n)s facilities; choose which.")
                    % {"text": text.strip(), "n": len(found)},
                    candidates=found,
                    text=text,
                )
        else:
            existing = Facility.objects.filter(type=ref.type, number=number, region=region).first()
            if existing is not None:
                return existing, False
        regime = _REGIMES.get(getattr(ref, "regime", None) or "", "")
        facility = facility_create(
            type=ref.type, number=number, region=region, regime=regime, actor=actor
        )
        return facility, True


def facility_resolve(
    *, facility: Facility, actor, person: Person | None = None, event: Event | None = None
) -> None:
    """Someone chose which facility an unresolved text meant: on the person (his last known
    facility) or on an event. The text is cleared; the choice is audited."""
    if (person is None) == (event is None):
        raise TypeError("resolve a person's or an event's facility, one of them")
    with transaction.atomic():
        if person is not None:
            person_check_writable(person)
            person = Person.objects.select_for_update().get(pk=person.pk)
            before = _person_snapshot(person)
            person.last_facility, person.last_facility_text = facility, ""
            person.save(update_fields=["last_facility", "last_facility_text", "updated_at"])
            audit_record(
                actor=actor,
                action=Action.PERSON_FACILITY_RESOLVE,
                target=person,
                before=before,
                after=_person_snapshot(person),
            )
            return
        assert event is not None  # one of the two, checked above
        event = Event.objects.select_for_update().get(pk=event.pk)
        before = _event_snapshot(event)
        event.facility, event.facility_text = facility, ""
        event.save(update_fields=["facility", "facility_text", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.EVENT_FACILITY_RESOLVE,
            target=event,
            before=before,
            after=_event_snapshot(event),
        )
