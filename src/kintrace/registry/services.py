"""Every write to the registry. Keyword-only, each takes the acting user and writes its audit
entry (before/after snapshots) in the same transaction as the change."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kintrace.audit.services import audit_record, snapshot
from kintrace.names.facilities import parse_facility
from kintrace.names.parse import parse_name
from kintrace.names.regions import REGIONS

from .models import (
    Citation,
    DatePrecision,
    Event,
    EventPerson,
    EventRole,
    Facility,
    Person,
    PersonName,
    Regime,
    Region,
    Script,
    Source,
    sort_key,
)
from .selectors import status_candidates
from .status import derive_status

# --- helpers ---------------------------------------------------------------------------


def _date_fields(prefix: str, date) -> dict[str, Any]:
    """Model field values for a kintrace.names PartialDate (or None) under a field prefix."""
    if date is None:
        return {f"{prefix}_year": None, f"{prefix}_month": None, f"{prefix}_day": None,
                f"{prefix}_precision": DatePrecision.UNKNOWN, f"{prefix}_approximate": False}
    return {f"{prefix}_year": date.year, f"{prefix}_month": date.month,
            f"{prefix}_day": date.day, f"{prefix}_precision": str(date.precision),
            f"{prefix}_approximate": date.approximate}


def _apply(instance, fields: dict[str, Any], allowed: set[str], dates: tuple[str, ...] = ()
           ) -> None:
    """Set the given fields on instance; a date prefix in `dates` (e.g. "birth") takes a
    PartialDate or None and sets its year/month/day/precision columns."""
    unknown = set(fields) - allowed - set(dates)
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))} here")
    for name, value in fields.items():
        if name in dates:
            for column, v in _date_fields(name, value).items():
                setattr(instance, column, v)
        else:
            setattr(instance, name, value)


_SCRIPTS = {"cyrillic": Script.CYRILLIC, "cyrl": Script.CYRILLIC, "latin": Script.LATIN,
            "latn": Script.LATIN, "mixed": Script.MIXED}


def name_fields(text: str) -> dict[str, Any]:
    """A name as written, parsed into the PersonName columns (parts and comparison keys)."""
    p = parse_name(text)
    return {
        "full_text": text.strip(),
        "script": _SCRIPTS.get(str(p.script or "").lower(), Script.OTHER),
        "surname": (p.surname or "")[:100],
        "given": (p.given or "")[:100],
        "patronymic": (p.patronymic or "")[:100],
        "given_initial": (p.given_initial or "")[:4],
        "patronymic_initial": (p.patronymic_initial or "")[:4],
        "surname_key": (p.surname_key or "")[:100],
        "given_key": (p.given_key or "")[:100],
        "patronymic_key": (p.patronymic_key or "")[:100],
        "_sex": p.sex,
    }


def _person_snapshot(person: Person) -> dict[str, Any]:
    data = snapshot(person)
    data["names"] = [n.full_text for n in person.names.all()]
    return data


# --- regions ---------------------------------------------------------------------------


def regions_ensure_loaded() -> int:
    """Load the gazetteer of regions into the database; returns how many rows changed."""
    existing = {r.code: r for r in Region.objects.all()}
    fields = ["kind", "name_ru", "short_ru", "name_en", "federal_district", "lat", "lon"]
    create, update = [], []
    for g in REGIONS:
        values = {
            "kind": str(g.kind or ""), "name_ru": g.name_ru, "short_ru": g.short_ru or "",
            "name_en": g.name_en, "federal_district": g.federal_district or "",
            "lat": g.lat, "lon": g.lon,
        }
        row = existing.get(g.code)
        if row is None:
            create.append(Region(code=g.code, **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            update.append(row)
    if not create and not update:
        return 0
    with transaction.atomic():
        Region.objects.bulk_create(create)
        Region.objects.bulk_update(update, fields)
        audit_record(actor=None, action="region.load", target_type="registry.region",
                     after={"created": [r.code for r in create],
                            "updated": [r.code for r in update]})
    return len(create) + len(update)


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


def facility_create(
    *, type: str, number: str, actor, regime: str = "", region: Region | None = None,
    official_name: str = "", other_names: Iterable[str] = (),
) -> Facility:
    """Add a facility; refuses a second one with the same type, number and region."""
    number = str(number).strip()
    with transaction.atomic():
        _facility_check_unique(type=type, number=number, region=region)
        facility = Facility.objects.create(
            type=type, number=number, regime=regime, region=region,
            official_name=official_name, other_names=list(other_names),
        )
        audit_record(actor=actor, action="facility.create", target=facility,
                     after=snapshot(facility))
    return facility


FACILITY_FIELDS = {"type", "number", "regime", "region", "official_name", "other_names"}


def facility_update(*, facility: Facility, actor, **fields) -> Facility:
    """Change a facility's fields (type, number, regime, region, official_name, other_names)."""
    with transaction.atomic():
        facility = Facility.objects.select_for_update().get(pk=facility.pk)
        before = snapshot(facility)
        if "number" in fields:
            fields["number"] = str(fields["number"]).strip()
        _apply(facility, fields, FACILITY_FIELDS)
        _facility_check_unique(type=facility.type, number=facility.number,
                               region=facility.region, exclude_pk=facility.pk)
        facility.save()
        audit_record(actor=actor, action="facility.update", target=facility, before=before,
                     after=snapshot(facility))
    return facility


_REGIMES = {"общий": Regime.GENERAL, "строгий": Regime.STRICT, "особый": Regime.SPECIAL,
            "поселение": Regime.SETTLEMENT}


def facility_get_or_create_from_ref(
    *, ref, actor, region: Region | None = None
) -> tuple[Facility, bool]:
    """The facility a reference names ("ИК-2 Пермский край", a FacilityRef), created if new.

    Returns (facility, created) like Django's get_or_create. `region` overrides the region the
    reference names. Raises ValidationError when the text names no facility.
    """
    if isinstance(ref, str):
        parsed = parse_facility(ref)
        if parsed is None:
            raise ValidationError(_("No facility could be read from “%(text)s”.") % {"text": ref},
                                  code="unparsed")
        ref = parsed
    if ref.type is None or ref.number is None:
        raise ValidationError(_("The reference does not say which facility: %(ref)s")
                              % {"ref": ref}, code="incomplete")
    if region is None and ref.region_code:
        region = Region.objects.filter(code=ref.region_code).first()
    number = str(ref.number)
    with transaction.atomic():
        existing = Facility.objects.filter(type=ref.type, number=number, region=region).first()
        if existing is not None:
            return existing, False
        regime = _REGIMES.get(getattr(ref, "regime", None) or "", "")
        facility = facility_create(type=ref.type, number=number, region=region, regime=regime,
                                   actor=actor)
        return facility, True


# --- sources ---------------------------------------------------------------------------


def source_create(
    *, kind: str, title: str, actor, publisher: str = "", url: str = "", date=None,
    reliability: str = "F", credibility: int = 6,
) -> Source:
    """Add a source with its Admiralty grade (reliability A–F, credibility 1–6)."""
    with transaction.atomic():
        source = Source.objects.create(
            kind=kind, title=title, publisher=publisher, url=url, reliability=reliability,
            credibility=int(credibility), created_by=actor if actor and actor.pk else None,
            **_date_fields("date", date),
        )
        audit_record(actor=actor, action="source.create", target=source,
                     after=snapshot(source))
    return source


SOURCE_FIELDS = {"kind", "title", "publisher", "url", "reliability", "credibility"}


def source_update(*, source: Source, actor, **fields) -> Source:
    """Change a source; `date=` takes a PartialDate or None. A new grade re-derives the
    status of every person whose events cite it."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        before = snapshot(source)
        _apply(source, fields, SOURCE_FIELDS, dates=("date",))
        source.save()
        audit_record(actor=actor, action="source.update", target=source, before=before,
                     after=snapshot(source))
        if (before["reliability"], before["credibility"]) != (source.reliability,
                                                              source.credibility):
            persons = Person.objects.filter(
                event_links__event__citations__source=source,
                event_links__role=EventRole.SUBJECT,
            ).distinct()
            for person in persons:
                person_status_refresh(person=person, actor=actor)
    return source


# --- persons ---------------------------------------------------------------------------


def person_create(
    *, name: str, actor, birth=None, sex: str | None = None, call_sign: str = "",
    token_number: str = "", last_facility: Facility | None = None, notes: str = "",
    name_source: Source | None = None,
) -> Person:
    """Add a person with his primary name as written. `birth` is a PartialDate or None;
    `sex` defaults to what the name's form says."""
    if not name.strip():
        raise ValidationError(_("A person needs at least one name."), code="required")
    parts = name_fields(name)
    parsed_sex = parts.pop("_sex")
    if sex is None:
        sex = parsed_sex if parsed_sex in ("m", "f") else ""
    with transaction.atomic():
        person = Person.objects.create(
            sex=sex, call_sign=call_sign, token_number=token_number,
            last_facility=last_facility, notes=notes,
            created_by=actor if actor and actor.pk else None, **_date_fields("birth", birth),
        )
        PersonName.objects.create(person=person, source=name_source, is_primary=True, **parts)
        audit_record(actor=actor, action="person.create", target=person,
                     after=_person_snapshot(person))
    return person


PERSON_FIELDS = {"sex", "call_sign", "token_number", "last_facility", "notes"}


def person_update(*, person: Person, actor, **fields) -> Person:
    """Change a person's facts (birth=PartialDate|None, sex, call_sign, token_number,
    last_facility, notes). The status is derived, not set here."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = _person_snapshot(person)
        _apply(person, fields, PERSON_FIELDS, dates=("birth",))
        person.save()
        audit_record(actor=actor, action="person.update", target=person, before=before,
                     after=_person_snapshot(person))
    return person


def person_name_add(
    *, person: Person, text: str, actor, source: Source | None = None, is_primary: bool = False
) -> PersonName:
    """Record one more way the person's name was written (with parts and comparison keys)."""
    if not text.strip():
        raise ValidationError(_("The name is empty."), code="required")
    parts = name_fields(text)
    parts.pop("_sex")
    with transaction.atomic():
        before = _person_snapshot(person)
        if is_primary:
            person.names.filter(is_primary=True).update(is_primary=False)
        name = PersonName.objects.create(person=person, source=source, is_primary=is_primary,
                                         **parts)
        audit_record(actor=actor, action="person.name_add", target=person, before=before,
                     after=_person_snapshot(person))
    return name


KEY_FIELDS = ("script", "surname", "given", "patronymic", "given_initial",
              "patronymic_initial", "surname_key", "given_key", "patronymic_key")


def person_names_rekey(*, actor, batch_size: int = 2000) -> int:
    """Parse every stored name again and save the parts and keys that changed, e.g. after
    kintrace.names learned a better transliteration. Returns how many names changed."""
    changed = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(PersonName.objects.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
            if not batch:
                break
            dirty = []
            for name in batch:
                parts = name_fields(name.full_text)
                if any(getattr(name, f) != parts[f] for f in KEY_FIELDS):
                    for f in KEY_FIELDS:
                        setattr(name, f, parts[f])
                    dirty.append(name)
            PersonName.objects.bulk_update(dirty, KEY_FIELDS)
            changed += len(dirty)
            last_pk = batch[-1].pk
    if changed:
        with transaction.atomic():
            audit_record(actor=actor, action="person.names_rekey",
                         target_type="registry.personname", after={"changed": changed})
    return changed


# --- events ----------------------------------------------------------------------------


def _event_snapshot(event: Event) -> dict[str, Any]:
    data = snapshot(event)
    data["persons"] = sorted(
        [ep.person_id, ep.role] for ep in event.participants.all()
    )
    data["citations"] = sorted(
        [c.source_id, c.quote] for c in event.citations.all()
    )
    return data


def _subjects(event: Event) -> list[Person]:
    return list(Person.objects.filter(event_links__event=event,
                                      event_links__role=EventRole.SUBJECT))


def _check_range(event: Event) -> None:
    if event.end_year and not event.start_year:
        raise ValidationError(_("A date range needs its start."), code="range")
    # A partial end reaches to the end of its span: "05.2023 – 2023" is a valid range.
    if event.end_year and sort_key(event.end_year, event.end_month or 12,
                                   event.end_day or 31) < event.start_sort:
        raise ValidationError(_("The end of the range is before its start."), code="range")


def event_create(
    *, type: str, actor, start=None, end=None, facility: Facility | None = None,
    region: Region | None = None, place_text: str = "", description: str = "",
    persons: Iterable = (), citations: Iterable = (),
) -> Event:
    """Record a dated event. `persons`: Person or (Person, role); `citations`: Source or
    (Source, quote). The status of each subject person is derived again."""
    event = Event(
        type=type, facility=facility, region=region, place_text=place_text,
        description=description, created_by=actor if actor and actor.pk else None,
        start_sort=sort_key(start.year, start.month, start.day) if start else 0,
        **_date_fields("start", start), **_date_fields("end", end),
    )
    _check_range(event)
    with transaction.atomic():
        event.save()
        for item in persons:
            person, role = item if isinstance(item, tuple) else (item, EventRole.SUBJECT)
            EventPerson.objects.create(event=event, person=person, role=role)
        for item in citations:
            source, quote = item if isinstance(item, tuple) else (item, "")
            Citation.objects.create(event=event, source=source, quote=quote)
        audit_record(actor=actor, action="event.create", target=event,
                     after=_event_snapshot(event))
        for person in _subjects(event):
            person_status_refresh(person=person, actor=actor)
    return event


EVENT_FIELDS = {"type", "facility", "region", "place_text", "description"}


def _event_changed(event: Event, *, actor, action: str, before) -> None:
    """Audit a change to an event and derive its subjects' status again."""
    audit_record(actor=actor, action=action, target=event, before=before,
                 after=_event_snapshot(event))
    for person in _subjects(event):
        person_status_refresh(person=person, actor=actor)


def event_update(*, event: Event, actor, **fields) -> Event:
    """Change an event (type, start=/end= PartialDate|None, facility, region, place_text,
    description); the status of its subjects is derived again."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        before = _event_snapshot(event)
        _apply(event, fields, EVENT_FIELDS, dates=("start", "end"))
        event.start_sort = sort_key(event.start_year, event.start_month, event.start_day)
        _check_range(event)
        event.save()
        _event_changed(event, actor=actor, action="event.update", before=before)
    return event


def event_delete(*, event: Event, actor) -> None:
    """Remove an event with its citations and links; its subjects' status is derived again."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        before = _event_snapshot(event)
        subjects = _subjects(event)
        pk = event.pk
        event.delete()
        audit_record(actor=actor, action="event.delete", target_type="registry.event",
                     target_id=str(pk), before=before)
        for person in subjects:
            person_status_refresh(person=person, actor=actor)


def event_person_add(*, event: Event, person: Person, actor,
                     role: str = EventRole.SUBJECT) -> EventPerson:
    """Link one more person to an event."""
    with transaction.atomic():
        before = _event_snapshot(event)
        link, _created = EventPerson.objects.update_or_create(
            event=event, person=person, defaults={"role": role}
        )
        audit_record(actor=actor, action="event.person_add", target=event, before=before,
                     after=_event_snapshot(event))
        person_status_refresh(person=person, actor=actor)
    return link


def event_citation_add(*, event: Event, source: Source, actor, quote: str = "") -> Citation:
    """Back an event with one more source (and the quote that says so)."""
    with transaction.atomic():
        before = _event_snapshot(event)
        citation = Citation.objects.create(event=event, source=source, quote=quote)
        _event_changed(event, actor=actor, action="event.citation_add", before=before)
    return citation


def citation_remove(*, citation: Citation, actor) -> None:
    """Take a source off an event."""
    with transaction.atomic():
        event = citation.event
        before = _event_snapshot(event)
        citation.delete()
        _event_changed(event, actor=actor, action="event.citation_remove", before=before)


# --- status ----------------------------------------------------------------------------


def person_status_refresh(*, person: Person, actor=None) -> Person:
    """Derive the person's status from his events (rule: registry/status.py) and store it
    with its reason; writes an audit entry only when something changed."""
    decision = derive_status(status_candidates([person.pk])[person.pk])
    # The stored reason is in the site's language; pages re-derive it in the reader's.
    with translation.override(settings.LANGUAGE_CODE):
        reason = decision.reason()
    event_id = decision.winner.event_id if decision.winner else None
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if (person.status, person.status_reason, person.status_event_id) == (
            decision.status, reason, event_id
        ):
            return person
        before = snapshot(person, ["status", "status_reason", "status_event"])
        person.status, person.status_reason, person.status_event_id = (
            decision.status, reason, event_id
        )
        person.save(update_fields=["status", "status_reason", "status_event", "updated_at"])
        audit_record(actor=actor, action="person.status", target=person, before=before,
                     after=snapshot(person, ["status", "status_reason", "status_event"]))
    return person
