"""Every write to the registry. Keyword-only, each takes the acting user and writes its audit
entry (before/after snapshots) in the same transaction as the change."""

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kintrace.audit.services import audit_record, snapshot
from kintrace.names.facilities import parse_facility
from kintrace.names.parse import parse_name
from kintrace.names.regions import REGIONS

from .models import (
    Citation,
    ConflictState,
    DatePrecision,
    Event,
    EventDeletion,
    EventPerson,
    EventRole,
    Facility,
    Person,
    PersonDistinct,
    PersonName,
    Regime,
    Region,
    Script,
    Source,
    StatusConflict,
    sort_key,
)
from .rows import pointing_at, row_dump, row_restore, row_values
from .selectors import person_conflicts, status_candidates
from .status import Candidate, derive_status, find_conflicts

# --- helpers ---------------------------------------------------------------------------


def _date_fields(prefix: str, date) -> dict[str, Any]:
    """Model field values for a kintrace.names PartialDate (or None) under a field prefix."""
    if date is None:
        return {
            f"{prefix}_year": None,
            f"{prefix}_month": None,
            f"{prefix}_day": None,
            f"{prefix}_precision": DatePrecision.UNKNOWN,
            f"{prefix}_approximate": False,
        }
    return {
        f"{prefix}_year": date.year,
        f"{prefix}_month": date.month,
        f"{prefix}_day": date.day,
        f"{prefix}_precision": str(date.precision),
        f"{prefix}_approximate": date.approximate,
    }


def _apply(
    instance, fields: dict[str, Any], allowed: set[str], dates: tuple[str, ...] = ()
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


_SCRIPTS = {
    "cyrillic": Script.CYRILLIC,
    "cyrl": Script.CYRILLIC,
    "latin": Script.LATIN,
    "latn": Script.LATIN,
    "mixed": Script.MIXED,
}


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


class PersonMerged(ValidationError):
    """The person was merged into another: his record is read-only, facts go to the survivor."""


def person_check_writable(person: Person) -> None:
    """Refuse a write to a person merged into another (read from the database, not from a
    possibly stale object: the merge may have happened after the form was opened)."""
    into = Person.objects.filter(pk=person.pk).values_list("merged_into_id", flat=True).first()
    if into:
        raise PersonMerged(
            _("Person #%(id)s was merged into #%(into)s and is read-only; add this to #%(into)s.")
            % {"id": person.pk, "into": into},
            code="merged",
            params={"id": person.pk, "into": into},
        )


def person_survivor(person_id: int) -> int:
    """The person a (possibly merged-away) person id stands for now: merges followed."""
    seen = set()
    while person_id not in seen:
        seen.add(person_id)
        into = Person.objects.filter(pk=person_id).values_list("merged_into_id", flat=True).first()
        if not into:
            return person_id
        person_id = into
    return person_id


# --- regions ---------------------------------------------------------------------------


def regions_ensure_loaded() -> int:
    """Load the gazetteer of regions into the database; returns how many rows changed."""
    existing = {r.code: r for r in Region.objects.all()}
    fields = ["kind", "name_ru", "short_ru", "name_en", "federal_district", "lat", "lon"]
    create, update = [], []
    for g in REGIONS:
        values = {
            "kind": str(g.kind or ""),
            "name_ru": g.name_ru,
            "short_ru": g.short_ru or "",
            "name_en": g.name_en,
            "federal_district": g.federal_district or "",
            "lat": g.lat,
            "lon": g.lon,
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
        audit_record(
            actor=None,
            action="region.load",
            target_type="registry.region",
            after={"created": [r.code for r in create], "updated": [r.code for r in update]},
        )
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
            actor=actor, action="facility.create", target=facility, after=snapshot(facility)
        )
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
        _facility_check_unique(
            type=facility.type,
            number=facility.number,
            region=facility.region,
            exclude_pk=facility.pk,
        )
        facility.save()
        audit_record(
            actor=actor,
            action="facility.update",
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
                action="person.facility_resolve",
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
            action="event.facility_resolve",
            target=event,
            before=before,
            after=_event_snapshot(event),
        )


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
        audit_record(actor=actor, action="source.create", target=source, after=snapshot(source))
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
        audit_record(
            actor=actor,
            action="source.update",
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


# --- persons ---------------------------------------------------------------------------


def person_create(
    *,
    name: str,
    actor,
    birth=None,
    sex: str | None = None,
    call_sign: str = "",
    token_number: str = "",
    last_facility: Facility | None = None,
    notes: str = "",
    name_source: Source | None = None,
    last_facility_text: str = "",
    distinct_from: Iterable[Person] = (),
) -> Person:
    """Add a person with his primary name as written. `birth` is a PartialDate or None;
    `sex` defaults to what the name's form says. `distinct_from`: persons the likely-duplicate
    warning showed and the caseworker said are other men (recorded, never proposed again);
    `last_facility_text`: a facility named ambiguously, kept until someone resolves it."""
    if not name.strip():
        raise ValidationError(_("A person needs at least one name."), code="required")
    parts = name_fields(name)
    parsed_sex = parts.pop("_sex")
    if sex is None:
        sex = parsed_sex if parsed_sex in ("m", "f") else ""
    with transaction.atomic():
        person = Person(
            sex=sex,
            call_sign=call_sign,
            token_number=token_number,
            last_facility=last_facility,
            notes=notes,
            last_facility_text=last_facility_text.strip()[:300] if last_facility is None else "",
            created_by=actor if actor and actor.pk else None,
            **_date_fields("birth", birth),
        )
        person.set_search_keys()
        person.save()
        PersonName.objects.create(person=person, source=name_source, is_primary=True, **parts)
        audit_record(
            actor=actor, action="person.create", target=person, after=_person_snapshot(person)
        )
        for other in distinct_from:
            persons_mark_distinct(a=person, b=other, actor=actor)
    return person


def persons_mark_distinct(*, a: Person, b: Person, actor) -> PersonDistinct | None:
    """Record that two persons are different men: the likely-duplicate warning and the
    registry duplicate search never propose the pair again. None for a person and himself."""
    if a.pk == b.pk:
        return None
    low, high = sorted((a.pk, b.pk))
    with transaction.atomic():
        row, created = PersonDistinct.objects.get_or_create(
            person_a_id=low,
            person_b_id=high,
            defaults={"created_by": actor if actor and actor.pk else None},
        )
        if created:
            audit_record(
                actor=actor, action="person.distinct", target=row, after={"a": low, "b": high}
            )
    return row


PERSON_FIELDS = {"sex", "call_sign", "token_number", "last_facility", "notes"}


def person_update(*, person: Person, actor, **fields) -> Person:
    """Change a person's facts (birth=PartialDate|None, sex, call_sign, token_number,
    last_facility, notes). The status is derived, not set here."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        person_check_writable(person)
        before = _person_snapshot(person)
        _apply(person, fields, PERSON_FIELDS, dates=("birth",))
        person.set_search_keys()
        person.save()
        audit_record(
            actor=actor,
            action="person.update",
            target=person,
            before=before,
            after=_person_snapshot(person),
        )
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
        person = Person.objects.select_for_update().get(pk=person.pk)
        person_check_writable(person)
        before = _person_snapshot(person)
        if is_primary:
            person.names.filter(is_primary=True).update(is_primary=False)
        name = PersonName.objects.create(
            person=person, source=source, is_primary=is_primary, **parts
        )
        audit_record(
            actor=actor,
            action="person.name_add",
            target=person,
            before=before,
            after=_person_snapshot(person),
        )
    return name


KEY_FIELDS = (
    "script",
    "surname",
    "given",
    "patronymic",
    "given_initial",
    "patronymic_initial",
    "surname_key",
    "given_key",
    "patronymic_key",
)


def person_names_rekey(*, actor, batch_size: int = 2000) -> int:
    """Parse every stored name again and save the parts and keys that changed, e.g. after
    kintrace.names learned a better transliteration; the persons' call-sign and token search
    keys are recomputed too. Returns how many names and persons changed."""
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
    changed += _persons_rekey(batch_size=batch_size)
    if changed:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="person.names_rekey",
                target_type="registry.personname",
                after={"changed": changed},
            )
    return changed


def _persons_rekey(*, batch_size: int) -> int:
    """Recompute the persons' call-sign and token search keys; how many changed."""
    changed, last_pk = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                Person.objects.filter(pk__gt=last_pk)
                .order_by("pk")
                .only("pk", "call_sign", "token_number", "call_sign_key", "token_key")[:batch_size]
            )
            if not batch:
                return changed
            dirty = []
            for person in batch:
                before = (person.call_sign_key, person.token_key)
                person.set_search_keys()
                if (person.call_sign_key, person.token_key) != before:
                    dirty.append(person)
            Person.objects.bulk_update(dirty, ["call_sign_key", "token_key"])
            changed += len(dirty)
            last_pk = batch[-1].pk


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
        audit_record(actor=actor, action="event.create", target=event, after=_event_snapshot(event))
        for person in _subjects(event):
            person_status_refresh(person=person, actor=actor)
    return event


EVENT_FIELDS = {"type", "facility", "region", "place_text", "description"}


def _event_changed(event: Event, *, actor, action: str, before) -> None:
    """Audit a change to an event and derive its subjects' status again."""
    audit_record(
        actor=actor, action=action, target=event, before=before, after=_event_snapshot(event)
    )
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
            action="event.delete",
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
        _event_changed(event, actor=actor, action="event.restore", before=None)
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
            action="event.person_add",
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
            action="person.conflict_open",
            target=row,
            after={"person": person.pk, "death_event": pair[0], "life_event": pair[1]},
        )
    for pair, row in rows.items():
        if pair not in found and row.state == ConflictState.OPEN:
            audit_record(
                actor=actor, action="person.conflict_gone", target=row, before=snapshot(row)
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
            action="person.conflict_resolve",
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
            action="person.status",
            target=person,
            before=before,
            after=snapshot(person, ["status", "status_reason", "status_event"]),
        )
    return person
