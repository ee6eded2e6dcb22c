"""Writes of persons and their names."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record
from kintrace.names.dates import PartialDate

from ..models import (
    Facility,
    Person,
    PersonDistinct,
    PersonName,
    SexValue,
    Source,
)
from ._common import (
    KEEP,
    Keep,
    _apply,
    _changes,
    _date_fields,
    _person_snapshot,
    name_fields,
    person_check_writable,
)

# --- persons ---------------------------------------------------------------------------


def person_create(
    *,
    name: str,
    actor,
    birth=None,
    sex: SexValue | None = None,
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
            actor=actor, action=Action.PERSON_CREATE, target=person, after=_person_snapshot(person)
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
                actor=actor, action=Action.PERSON_DISTINCT, target=row, after={"a": low, "b": high}
            )
    return row


PERSON_FIELDS = {"sex", "call_sign", "token_number", "last_facility", "notes"}


def person_update(
    *,
    person: Person,
    actor,
    birth: PartialDate | None | Keep = KEEP,
    sex: SexValue | Keep = KEEP,
    call_sign: str | Keep = KEEP,
    token_number: str | Keep = KEEP,
    last_facility: Facility | None | Keep = KEEP,
    notes: str | Keep = KEEP,
) -> Person:
    """Change a person's facts; a keyword left out (KEEP) stays as it is. The status is
    derived, not set here."""
    fields = _changes(
        birth=birth,
        sex=sex,
        call_sign=call_sign,
        token_number=token_number,
        last_facility=last_facility,
        notes=notes,
    )
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        person_check_writable(person)
        before = _person_snapshot(person)
        _apply(person, fields, PERSON_FIELDS, dates=("birth",))
        person.set_search_keys()
        person.save()
        audit_record(
            actor=actor,
            action=Action.PERSON_UPDATE,
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
            action=Action.PERSON_NAME_ADD,
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
                action=Action.PERSON_NAMES_REKEY,
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
