"""Which column holds what: guesses from header words (Russian and English) and from content.

A mapping is a dict field → column index. The reviewer sees the guess as a preview and can
change it before anything is imported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

FIELDS = {
    "name": _("Full name"),
    "surname": _("Surname"),
    "given_name": _("Given name"),
    "patronymic": _("Patronymic"),
    "birth_date": _("Birth date"),
    "facility": _("Facility"),
    "region": _("Region"),
    "event_date": _("Event date"),
    "place": _("Place"),
}

# Header words per field, most specific first. Matched against the header lower-cased, with
# ё → е and punctuation turned into spaces ("Д.р." → "д р").
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "name": (
        "фио",
        "ф и о",
        "фамилия имя отчество",
        "фамилия имя",
        "full name",
        "name",
        "person",
        "имя и фамилия",
        "полное имя",
        "pib",
    ),
    "surname": ("фамилия", "surname", "last name", "family name", "lastname"),
    "given_name": ("имя", "first name", "given name", "forename", "firstname", "given"),
    "patronymic": ("отчество", "patronymic", "middle name", "father s name", "otchestvo"),
    "birth_date": (
        "дата рождения",
        "д р",
        "др",
        "г р",
        "год рождения",
        "родился",
        "рождения",
        "date of birth",
        "birth date",
        "birthdate",
        "dob",
        "born",
        "birth",
        "year of birth",
        "yob",
    ),
    "facility": (
        "учреждение",
        "ик",
        "колония",
        "исправительн",
        "место отбывания",
        "откуда",
        "facility",
        "colony",
        "prison",
        "penal",
        "institution",
    ),
    "region": ("регион", "область", "край", "республика", "субъект", "region", "oblast"),
    "event_date": (
        "дата поступления",
        "дата гибели",
        "дата смерти",
        "дата захоронения",
        "дата помилования",
        "дата решения",
        "дата",
        "поступил",
        "погиб",
        "умер",
        "date of admission",
        "admission date",
        "date of death",
        "admitted",
        "died",
        "date",
    ),
    "place": (
        "место захоронения",
        "место гибели",
        "место",
        "госпиталь",
        "больница",
        "кладбище",
        "отделение",
        "суд",
        "hospital",
        "place",
        "cemetery",
        "location",
        "court",
        "ward",
    ),
    # Columns a person would take for one of the fields above but which are not it: where a
    # man was born or lived, where he was called up. They win their column over "место",
    # "дата", "рождения" (their words are longer) and are then left out of the mapping
    # (UNMAPPED), so a birthplace never becomes the place of the event nor a birth date.
    "birthplace": (
        "место рождения",
        "уроженец",
        "уроженка",
        "родился в",
        "родилась в",
        "родом из",
        "place of birth",
        "birth place",
        "birthplace",
        "born in",
        "м р",
        "мр",
    ),
    "other_place": (
        "место жительства",
        "место проживания",
        "место регистрации",
        "место призыва",
        "призван",
        "военкомат",
        "адрес",
        "проживал",
        "place of residence",
        "residence",
        "address",
        "enlisted",
        "conscripted",
        "draft office",
    ),
}
# Header classes recognised (a column title, never data) but mapped to no field.
UNMAPPED = frozenset(HEADER_WORDS) - frozenset(FIELDS)

_PUNCT = re.compile(r"[^\w]+")
_DATE = re.compile(r"^\s*(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{4}|\d{5})\b")
_YEAR = re.compile(r"(19|20)\d\d")
_FACILITY = re.compile(r"(?i)\b(ИК|ЛИУ|КП|СИЗО|ВК|ЛПУ|ИЦ|IK|колони|colony)\b|\b(ИК|IK)-?\d")
_NAME = re.compile(
    r"^[A-ZА-ЯЁ][a-zа-яё'-]+\.?( [A-ZА-ЯЁ][a-zа-яё'-]*\.?){1,3}$|^[А-ЯЁA-Z-]{2,}( "
    r"[А-ЯЁA-Z][А-ЯЁA-Zа-яё.]*){1,3}$"
)


def _norm(header: str) -> str:
    return " ".join(_PUNCT.sub(" ", header.lower().replace("ё", "е")).split())


def header_score(header: str, words: Sequence[str]) -> int:
    """How well a column's header matches a field's header `words` (most specific first): 0
    when none matches; higher for an earlier word and an exact whole-header match. The remains
    list import scores its own fields with it."""
    h = _norm(header)
    if not h:
        return 0
    padded = f" {h} "
    for rank, w in enumerate(words):
        if h == w:
            return 200 - rank
        if f" {w} " in padded or (len(w) > 4 and w in h):
            return 100 - rank
    return 0


def _header_score(header: str, fieldname: str) -> int:
    return header_score(header, HEADER_WORDS[fieldname])


def looks_like_header(cells: list[str]) -> bool:
    """True when some cell of the row is a known header word."""
    return any(_header_score(c, f) for c in cells for f in HEADER_WORDS)


def _content_field(values: list[str]) -> str | None:
    values = [v for v in values if v.strip()]
    if not values:
        return None
    n = len(values)
    dates = [v for v in values if _DATE.match(v)]
    if len(dates) >= 0.8 * n:
        years = [int(m.group(0)) for v in dates if (m := _YEAR.search(v))]
        if years and sum(years) / len(years) >= 2014:
            return "event_date"
        return "birth_date"
    if sum(1 for v in values if _FACILITY.search(v)) >= 0.6 * n:
        return "facility"
    if sum(1 for v in values if _NAME.match(v.strip())) >= 0.6 * n:
        return "name"
    return None


def guess_mapping(header: list[str], rows: list[list[str]]) -> dict[str, int]:
    """Best guess of field → column index, each field at most once and each column once."""
    scored = []
    for col, h in enumerate(header):
        for f in HEADER_WORDS:
            s = _header_score(h, f)
            if s:
                scored.append((s, col, f))
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for _s, col, f in sorted(scored, key=lambda t: (-t[0], t[1])):
        if col in used:
            continue
        if f in UNMAPPED:  # no field: the column is left out, and not guessed from content
            used.add(col)
        elif f not in mapping:
            mapping[f] = col
            used.add(col)
    # Columns whose header said nothing: look at what they hold.
    sample = rows[:200]
    for col in range(len(header)):
        if col in used:
            continue
        found = _content_field([r[col] for r in sample if col < len(r)])
        if found and found not in mapping:
            mapping[found] = col
            used.add(col)
    # A full name beats separate parts only when there is no surname column.
    if (
        "surname" in mapping
        and "name" in mapping
        and _header_score(header[mapping["name"]], "name") < 150
    ):
        del mapping["name"]
    return mapping


def mapping_errors(mapping: dict[str, int], width: int) -> list[str]:
    """What is wrong with a mapping chosen by a person (empty when it can be used)."""
    errors = []
    if "name" not in mapping and "surname" not in mapping:
        errors.append(str(_("Choose the column with the name (or the surname).")))
    for f, col in mapping.items():
        if f not in FIELDS or not 0 <= col < width:
            errors.append(str(_("Unknown field or column: %(f)s → %(c)s") % {"f": f, "c": col}))
    cols = list(mapping.values())
    if len(cols) != len(set(cols)):
        errors.append(str(_("A column can be used for one field only.")))
    return errors
