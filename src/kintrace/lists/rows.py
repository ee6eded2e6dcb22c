"""Turning a mapped row into the fields of a list entry, or saying exactly why it cannot be.

Dates go through `kintrace.names.dates.parse_date`; a bare number in a date column that is too
large to be a year is an Excel serial date (days since 30 December 1899, the 1900 system).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from kintrace.names.dates import DateError, excel_serial_date, parse_date_or_none
from kintrace.names.parse.placeholders import is_placeholder
from kintrace.web.date_errors import date_reason

from .limits import is_running_text, quote

_SERIAL = re.compile(r"^\d{4,5}(\.\d+)?$")


class RowError(ValueError):
    pass


def excel_serial(text: str) -> str | None:
    """ "31850" → "1987-03-14" when the cell is an Excel serial day number (a date column
    saved as "General"; `kintrace.names.dates.excel_serial_date`); else None."""
    if not _SERIAL.match(text):
        return None
    d = excel_serial_date(int(float(text)))
    return d.isoformat() if d is not None else None


def read_date(text: str, *, what: str, max_year: int):
    """A PartialDate from a cell, None for an empty or "unknown" cell; RowError otherwise.

    An approximate date ("около 1985", "1985?") is None too: the entry keeps the text as
    written, and the matching must not hold a guessed year against a real one."""
    text = text.strip()
    if not text:
        return None
    try:
        date = parse_date_or_none(excel_serial(text) or text, max_year=max_year, approximate=True)
        return None if date is not None and date.approximate else date
    except DateError as e:
        # kintrace.names speaks English for logs; a person reads the reason in her language
        raise RowError(
            _("%(what)s «%(text)s» is not a date (%(why)s)")
            % {"what": what, "text": quote(text), "why": _date_reason(e)}
        ) from None


def _date_reason(error) -> str:

    return date_reason(error)


def _cell(row: list[str], mapping: dict[str, int], field: str) -> str:
    col = mapping.get(field)
    return row[col].strip() if col is not None and col < len(row) else ""


def map_row(row: list[str], mapping: dict[str, int], *, today: dt.date) -> dict:
    """The entry fields of one row; raises RowError with the reason the row is refused."""
    surname, given, patronymic = (
        _cell(row, mapping, f) for f in ("surname", "given_name", "patronymic")
    )
    name = _cell(row, mapping, "name") or " ".join(p for p in (surname, given, patronymic) if p)
    if not name:
        raise RowError(_("no name"))
    if len(name) > 300:
        raise RowError(_("the name is longer than 300 characters"))
    if is_running_text(name):
        raise RowError(
            _("«%(name)s» is running text, not a name (%(n)s words)")
            % {"name": quote(name), "n": len(name.split())}
        )
    if is_placeholder(name):
        raise RowError(
            _(
                "«%(name)s» stands in for a name withheld (as courts write ФИО1), "
                "not a person's name"
            )
            % {"name": quote(name)}
        )
    birth_text, event_text = _cell(row, mapping, "birth_date"), _cell(row, mapping, "event_date")
    birth = read_date(birth_text, what=_("birth date"), max_year=today.year)
    event = read_date(event_text, what=_("date"), max_year=today.year)
    if birth and birth.first_day() > today:
        raise RowError(_("birth date %(d)s is in the future") % {"d": quote(birth_text)})
    if event and event.first_day() > today:
        raise RowError(_("date %(d)s is in the future") % {"d": quote(event_text)})
    if birth and event and birth.first_day() > event.last_day():
        raise RowError(
            _("born (%(b)s) after the date of the event (%(e)s)")
            % {"b": quote(birth_text), "e": quote(event_text)}
        )
    out: dict[str, object] = {
        "name": name,
        "surname": surname[:100],
        "given_name": given[:100],
        "patronymic": patronymic[:100],
        "birth_text": birth_text[:100],
        "facility_text": _cell(row, mapping, "facility")[:300],
        "region_text": _cell(row, mapping, "region")[:200],
        "event_text": event_text[:100],
        "place_text": _cell(row, mapping, "place")[:300],
    }
    for prefix, d in (("birth", birth), ("event", event)):
        out[f"{prefix}_year"] = d.year if d else None
        out[f"{prefix}_month"] = d.month if d else None
        out[f"{prefix}_day"] = d.day if d else None
        out[f"{prefix}_precision"] = str(d.precision) if d else ""
    return out


def row_width_error(row: list[str], width: int) -> str | None:
    extra = [c for c in row[width:] if c.strip()]
    if extra:
        return _("the row has %(n)s cells but the header has %(w)s") % {"n": len(row), "w": width}
    return None
