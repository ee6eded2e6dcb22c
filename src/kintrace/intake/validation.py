"""The one validation of a report, shared by the web form and the API.

Input is a plain dict shaped like the API body (`subject`, `reporter`, `message`, plus the
form's extra fields under `details`); errors are keyed by dotted field paths
("subject.birth_date") so the API can name the field and the form can put the message next
to its input.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kintrace.names.dates import parse_date_range, parse_day_month, relative_date
from kintrace.names.regions import normalise_region
from kintrace.names.text import strip_bidi

# What a relative can tell us happened, keyed by the registry's event vocabulary.
WHAT_HAPPENED = [
    ("offered", gettext_lazy("Recruiters offered him a contract")),
    ("applied", gettext_lazy("He signed a contract or applied")),
    ("quarantined", gettext_lazy("He was moved to quarantine")),
    ("transferred", gettext_lazy("He was taken out of the colony")),
    ("training", gettext_lazy("He is or was at a training camp")),
    ("deployed", gettext_lazy("He was sent to the front")),
    ("contact", gettext_lazy("He called or wrote")),
    ("documents_requested", gettext_lazy("Someone asked the family for documents")),
    ("payment_promised", gettext_lazy("Money was promised")),
    ("payment_received", gettext_lazy("Money was paid")),
    ("payment_missing", gettext_lazy("Promised money was not paid")),
    ("wounded", gettext_lazy("We were told he was wounded")),
    ("hospitalised", gettext_lazy("He is or was in a hospital")),
    ("captured", gettext_lazy("We were told he was captured")),
    ("missing", gettext_lazy("He is missing, no contact")),
    ("killed", gettext_lazy("We were told he was killed")),
    ("buried", gettext_lazy("We know of a burial")),
    ("pardoned", gettext_lazy("He was pardoned")),
    ("returned_home", gettext_lazy("He came home")),
]
WHAT_HAPPENED_CODES = frozenset(code for code, _label in WHAT_HAPPENED)

# Longest accepted text per field (characters): generous for people, bounded for the server.
LIMITS = {
    "subject.name": 300,
    "subject.birth_date": 64,
    "subject.facility": 200,
    "subject.region": 200,
    "reporter.name": 300,
    "reporter.relationship": 100,
    "reporter.contact": 300,
    "message": 20000,
    "details.recruited_when": 64,
    "details.last_contact_when": 64,
    "details.last_contact_how": 1000,
    "details.money_promised": 1000,
    "details.money_paid": 1000,
}
# "Приметы": what the relative knows of his body and things (ante-mortem, optional). Kept in
# the encrypted part of the report; a caseworker may copy it into his description.
DESCRIPTION_LIMITS = {
    "description.height": 64,
    "description.build": 200,
    "description.hair": 200,
    "description.eyes": 100,
    "description.tattoos": 2000,
    "description.scars": 2000,
    "description.teeth": 1000,
    "description.clothing": 2000,
    "description.belongings": 2000,
}
DESCRIPTION_FIELDS = tuple(path.partition(".")[2] for path in DESCRIPTION_LIMITS)
HEIGHT_CM = (100, 230)
_APPROXIMATE = ("около", "примерно", "приблизительно", "~", "about", "approx")
DATE_FIELDS = ("subject.birth_date", "details.recruited_when", "details.last_contact_when")


class ReportInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class CleanReport:
    """A validated report: subject fields (stored in clear) and the private part (encrypted)."""

    subject: dict[str, str]
    region_code: str
    private: dict[str, Any] = field(default_factory=dict)


def _text(raw: dict, path: str) -> str:
    section, _dot, name = path.rpartition(".")
    container = raw.get(section) if section else raw
    if container is None:
        return ""
    if not isinstance(container, dict):
        raise ReportInvalid({section: _("This must be an object.")})
    value = container.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ReportInvalid({path: _("This must be text.")})
    # Normalise line ends and strip NULs, which PostgreSQL refuses in text.
    # Bidi controls (U+202E…) would show the next reader another text than was written.
    return strip_bidi(value.replace("\x00", "").replace("\r\n", "\n")).strip()


def date_is_valid(text: str, *, birth: bool = False) -> bool:
    """A date as a relative may write it: exact, partial, approximate ("около 1985"), a
    period ("весна 2024", "1980-е"), a day and month without the year ("15 января"), relative
    to today ("вчера", "2 недели назад", "летом прошлого года") or, for a birth date, an age
    ("около 40 лет") — kept as typed; the registry reads it as what it is (relative ones from
    the day the report came: `names.dates.relative_date`) and never guesses a year."""
    try:
        return parse_date_range(text, approximate=True) is not None
    except ValueError:
        pass
    if relative_date(text, timezone.localdate(), age=birth) is not None:
        return True
    try:
        return parse_day_month(text) is not None
    except ValueError:
        return False


def height_range(text: str) -> tuple[int, int] | None:
    """A height as a relative writes it ("178", "175-180", "около 180 см") as a range in
    centimetres; an approximate single number widens by 3 cm. None if no height is readable."""
    # In metres as well as centimetres: "1,78 м", "1.80" are 178 and 180
    text = re.sub(r"(?<![\d.,])([12])[.,](\d{2})(?!\d)", lambda m: m[1] + m[2], text or "")
    # A weight beside it is no height: "рост 180, вес 100"
    text = re.sub(r"(?i)(?:вес|weight|kg|кг)\D{0,3}\d+|\d+\s*(?:кг|kg)", " ", text)
    numbers = [int(n) for n in re.findall(r"(?<!\d)\d{3}(?!\d)", text)]
    numbers = [n for n in numbers if HEIGHT_CM[0] <= n <= HEIGHT_CM[1]]
    if not numbers or len(numbers) > 2:
        return None
    if len(numbers) == 2:
        low, high = sorted(numbers)
        return low, high
    slack = 3 if any(word in text.lower() for word in _APPROXIMATE) else 0
    return numbers[0] - slack, numbers[0] + slack


def _texts(raw: dict, limits: dict[str, int]) -> tuple[dict[str, str], dict[str, str]]:
    """(values, errors) of the text fields `limits` names (path → most characters): each
    value cleaned by `_text`; a field too long or of the wrong type is an error, not a value."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for path, limit in limits.items():
        try:
            value = _text(raw, path)
        except ReportInvalid as e:
            errors.update(e.errors)
            continue
        if len(value) > limit:
            errors[path] = _("Please shorten this to %(limit)d characters.") % {"limit": limit}
            continue
        values[path] = value
    return values, errors


def clean_description(raw: dict) -> dict[str, str]:
    """Validate the optional "Приметы" section (`raw["description"]`); the non-empty values
    by field name. Raises ReportInvalid keyed by "description.<field>"."""
    texts, errors = _texts(raw, DESCRIPTION_LIMITS)
    values = {path.partition(".")[2]: v for path, v in texts.items() if v}
    if values.get("height") and height_range(values["height"]) is None:
        errors["description.height"] = _(
            "Write his height in centimetres, like 178, 175–180 or about 180."
        )
    if errors:
        raise ReportInvalid(errors)
    return values


def clean_report(raw: dict) -> CleanReport:
    """Validate a report; raise ReportInvalid with every problem found, keyed by field path."""
    if not isinstance(raw, dict):
        raise ReportInvalid({"": _("The report must be an object.")})
    values, errors = _texts(raw, LIMITS)

    # A name is something a person can read: at least one letter or digit, not only
    # invisible characters (zero-width spaces, a BOM, control characters).
    name = values.get("subject.name", "")
    if not any(ch.isalnum() for ch in name) and "subject.name" not in errors:
        errors["subject.name"] = _("Please write his name, even if only in part.")
    for path in DATE_FIELDS:
        birth = path == "subject.birth_date"
        if values.get(path) and path not in errors and not date_is_valid(values[path], birth=birth):
            errors[path] = _(
                "We could not read this date. Write it like 14.03.1987, 03.1987, 1987, "
                "about 1987, spring 2024 or 15 January."
            )

    description: dict[str, str] = {}
    try:
        description = clean_description(raw)
    except ReportInvalid as e:
        errors.update(e.errors)

    details = raw.get("details") or {}
    events = details.get("what_happened", []) if isinstance(details, dict) else []
    if not isinstance(events, list) or any(e not in WHAT_HAPPENED_CODES for e in events):
        errors["details.what_happened"] = _("Please choose from the list.")
        events = []
    if errors:
        raise ReportInvalid(errors)

    region_text = values["subject.region"]
    region_code = normalise_region(region_text) or "" if region_text else ""
    return CleanReport(
        subject={
            "name": values["subject.name"],
            "birth_date": values["subject.birth_date"],
            "facility": values["subject.facility"],
            "region": region_text,
        },
        region_code=region_code,
        private={
            "reporter": {
                "name": values["reporter.name"],
                "relationship": values["reporter.relationship"],
                "contact": values["reporter.contact"],
            },
            "message": values["message"],
            "what_happened": sorted(set(events)),
            "recruited_when": values["details.recruited_when"],
            "last_contact_when": values["details.last_contact_when"],
            "last_contact_how": values["details.last_contact_how"],
            "money_promised": values["details.money_promised"],
            "money_paid": values["details.money_paid"],
            **({"description": description} if description else {}),
        },
    )


def clean_message(text: Any) -> str:
    """Validate a follow-up message from the reporter or an answer from staff."""
    if not isinstance(text, str):
        raise ReportInvalid({"message": _("This must be text.")})
    text = strip_bidi(text.replace("\x00", "").replace("\r\n", "\n")).strip()
    if len(text) > LIMITS["message"]:
        limit = LIMITS["message"]
        raise ReportInvalid(
            {"message": _("Please shorten this to %(limit)d characters.") % {"limit": limit}}
        )
    return text
