"""A burial or body-return list (CSV/XLSX) read into remains records, all or nothing.

The file is read by the list import's own reader (`kintrace.lists.parsing.read_list`: bounded
by `lists.limits`, encoding and separator found, the header row found, XLSX by its bytes);
what differs from a list of names is what a row means: a grave or a body with its plot, its
cemetery, the token written on the marker, the date, sex, an estimated age, perhaps a name,
and what was noted. A row that cannot be read refuses the whole file, named by its line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kintrace.lists.limits import quote
from kintrace.lists.mapping import _norm, header_score
from kintrace.lists.parsing import Table
from kintrace.lists.rows import RowError, excel_serial
from kintrace.names.dates import DateError, PartialDate, parse_date_or_none
from kintrace.names.text import strip_bidi
from kintrace.web.date_errors import date_reason

from .matching import body_location

FIELDS = {
    "plot": gettext_lazy("Plot or grave number"),
    "cemetery": gettext_lazy("Cemetery or morgue"),
    "token_text": gettext_lazy("Token or number"),
    "found": gettext_lazy("Date of burial or finding"),
    "sex": gettext_lazy("Sex"),
    "age": gettext_lazy("Approximate age"),
    "name_on_grave": gettext_lazy("Name"),
    "place_text": gettext_lazy("Place"),
    "tattoos": gettext_lazy("Tattoos"),
    "belongings": gettext_lazy("Belongings"),
    "notes": gettext_lazy("Notes"),
}

# Header words per field, most specific first, matched as `lists.mapping` matches them
# (lower case, ё → е, punctuation as spaces).
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "token_text": ("жетон", "номер жетона", "личный номер", "token", "tag", "dog tag", "метка"),
    "plot": (
        "номер могилы",
        "могила",
        "участок",
        "захоронение",
        "grave",
        "plot",
    ),
    "cemetery": ("кладбище", "морг", "cemetery", "morgue"),
    "found": (
        "дата захоронения",
        "дата погребения",
        "дата поступления",
        "дата обнаружения",
        "дата передачи",
        "дата",
        "date of burial",
        "burial date",
        "date",
    ),
    "sex": ("пол", "sex", "gender"),
    "age": ("примерный возраст", "возраст", "age", "approximate age", "estimated age"),
    "name_on_grave": ("фио", "ф и о", "имя", "фамилия", "name", "надпись"),
    "place_text": ("место обнаружения", "место", "place", "location", "found at"),
    "tattoos": ("татуировки", "татуировка", "тату", "tattoos", "tattoo"),
    "belongings": ("личные вещи", "вещи", "предметы", "belongings", "items", "effects"),
    "notes": ("приметы", "примечание", "примечания", "описание", "особые", "notes", "remarks"),
}


def guess_columns(header: list[str]) -> dict[str, int]:
    """field → column index from the header words, each field and each column at most once."""
    scored = sorted(
        (
            (header_score(h, HEADER_WORDS[f]), f, i)
            for i, h in enumerate(header)
            for f in HEADER_WORDS
        ),
        key=lambda t: -t[0],
    )
    out: dict[str, int] = {}
    used: set[int] = set()
    for score, field, i in scored:
        if score and field not in out and i not in used:
            out[field] = i
            used.add(i)
    return out


_SEX = {
    "м": "m",
    "муж": "m",
    "мужской": "m",
    "мужчина": "m",
    "m": "m",
    "male": "m",
    "ж": "f",
    "жен": "f",
    "женский": "f",
    "женщина": "f",
    "f": "f",
    "female": "f",
}
_UNKNOWN = {"", "-", "—", "?", "неизв", "неизвестно", "не установлен", "не установлено", "unknown"}
_AGE = re.compile(r"^(?:около|примерно|прибл|~|≈|ca|about)?\s*(\d{1,3})\s*(?:[-–—]\s*(\d{1,3}))?")
# A single age written on a list is an estimate: read as this many years either side.
AGE_SPREAD = 5
_ITEMS = re.compile(r"\s*[;\n]\s*")
_BELONGINGS = re.compile(r"\s*[;,\n]\s*")
_QUOTED = re.compile(r"[«\"“](.+?)[»\"”]")


def _sex(text: str) -> str:
    key = _norm(text)
    if key in _UNKNOWN:
        return ""
    if key in _SEX:
        return _SEX[key]
    raise RowError(_("sex «%(text)s» is neither male nor female") % {"text": quote(text)})


def _age(text: str) -> tuple[int | None, int | None]:
    key = _norm(text).replace(" лет", "").replace(" years", "")
    if key in _UNKNOWN:
        return None, None
    m = _AGE.match(text.strip().lower())
    if not m:
        raise RowError(_("age «%(text)s» is not an age or a range of ages") % {"text": quote(text)})
    low = int(m.group(1))
    high = int(m.group(2)) if m.group(2) else None
    if high is None:
        low, high = max(0, low - AGE_SPREAD), low + AGE_SPREAD
    if low > high or high > 120:
        raise RowError(_("age «%(text)s» is not an age or a range of ages") % {"text": quote(text)})
    return low, high


def _found(text: str, today: dt.date) -> PartialDate | None:
    if _norm(text) in _UNKNOWN:
        return None
    try:
        date = parse_date_or_none(excel_serial(text) or text, max_year=today.year, approximate=True)
    except DateError as e:
        raise RowError(
            _("date «%(text)s» is not a date (%(why)s)")
            % {"text": quote(text), "why": date_reason(e)}
        ) from None
    if date is not None and date.first_day() > today:
        raise RowError(_("date %(d)s is in the future") % {"d": quote(text)})
    return date


def _tattoos(text: str) -> list[dict]:
    """ "«ВДВ» на левом плече; роза" → the words in quotes, the rest as the picture, and the
    body location when the words name one."""
    out = []
    for item in _ITEMS.split(text):
        if not item.strip():
            continue
        quoted = _QUOTED.search(item)
        words = quoted.group(1).strip() if quoted else ""
        rest = _QUOTED.sub(" ", item).strip(" ,.") if quoted else item.strip()
        out.append(
            {
                "text": words[:300],
                "image": rest[:300],
                "location": rest[:300] if body_location(rest)[1] else "",
            }
        )
    return out


@dataclass
class Refused(ValueError):
    """A row that cannot be read: its spreadsheet line and the reason, in words."""

    line: int
    reason: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(reason)s. Nothing was imported.") % {
            "line": self.line,
            "reason": self.reason,
        }


def read_remains(table: Table, columns: dict[str, int], *, today: dt.date) -> list[dict]:
    """The remains fields of every row (the keywords `services.remains_create` takes, less
    kind and source), or Refused naming the first row that cannot be read. Empty rows are
    skipped; a row with nothing to tell one grave from another is refused."""

    def cell(row: list[str], field: str, limit: int) -> str:
        i = columns.get(field)
        text = strip_bidi(row[i]).strip() if i is not None and i < len(row) else ""
        if len(text) > limit:
            raise RowError(
                _("%(what)s is longer than %(n)s characters") % {"what": FIELDS[field], "n": limit}
            )
        return text

    out = []
    for line, row in zip(table.lines, table.rows, strict=True):
        if not any(c.strip() for c in row):
            continue
        try:
            values: dict[str, Any] = {
                "plot": cell(row, "plot", 300),
                "cemetery": cell(row, "cemetery", 300),
                "token_text": cell(row, "token_text", 100),
                "name_on_grave": cell(row, "name_on_grave", 300),
                "place_text": cell(row, "place_text", 300),
                "notes": cell(row, "notes", 4000),
            }
            if not any(values[f] for f in ("plot", "token_text", "name_on_grave", "notes")):
                raise RowError(_("no grave number, token, name or notes"))
            values["found"] = _found(cell(row, "found", 100), today)
            values["sex"] = _sex(cell(row, "sex", 40))
            values["age_min"], values["age_max"] = _age(cell(row, "age", 40))
            values["tattoos"] = _tattoos(cell(row, "tattoos", 4000))
            values["belongings"] = [
                b[:300] for b in _BELONGINGS.split(cell(row, "belongings", 4000)) if b.strip()
            ]
        except RowError as e:
            raise Refused(line, str(e)) from None
        out.append(values)
    return out
