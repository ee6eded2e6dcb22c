"""Helpers the registry services share: date and name fields, snapshots, the merged-person
guard."""

from enum import Enum
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kintrace.audit.services import snapshot
from kintrace.names.parse import parse_name

from ..models import (
    DatePrecision,
    Person,
    Script,
)

# --- helpers ---------------------------------------------------------------------------


class Keep(Enum):
    """The default of an update's keyword argument: leave that field as it is."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP


def _changes(**values: object) -> dict[str, Any]:
    """The keyword arguments an update was given (those not left at KEEP)."""
    return {name: value for name, value in values.items() if value is not KEEP}


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


# kintrace.names gives the codes the registry stores (ScriptCode)
_SCRIPTS = {"cyrl": Script.CYRILLIC, "latn": Script.LATIN, "mixed": Script.MIXED}


def name_fields(text: str) -> dict[str, Any]:
    """A name as written, parsed into the PersonName columns (parts and comparison keys)."""
    p = parse_name(text)
    return {
        "full_text": text.strip(),
        "script": _SCRIPTS.get(p.script, Script.OTHER),
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
