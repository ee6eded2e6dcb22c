"""Vague dates, read as ranges: parts of a year ("в конце 2023 года", "mid-2024", "the
first half of 2023", "в начале прошлого года"), seasons ("last spring", "прошлой весной",
"летом 2023 года"), weeks and months relative to the text's date ("this week", "на этой
неделе", "earlier this month"), and ranges of months or years ("с мая по июль 2023 года",
"May–July 2023", "в 2022–2023 годах").

Each value has the contract's year / month / day (the range's first year and, when the
range lies inside one month, its month), a `precision` ("year", "half", "season", "month",
"week"), `approximate` True for parts and seasons, and `earliest` / `latest`: the range's
first and last day (ISO).
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta
from typing import Any

from kintrace.extract.facts import Fact

__all__ = ["RU_MONTH_FORMS", "vague_dates"]

_RU_MONTHS = ("январ", "феврал", "март", "апрел", "ма[йяюе]", "июн", "июл", "август",
              "сентябр", "октябр", "ноябр", "декабр")  # fmt: skip
# A month's own forms only, so that "Майор", "Мартыненко", "Июньский" are no months
_RU_ENDINGS = ("(?:ь|я|е|ю|ём|ем)", "(?:ь|я|е|ю|ём|ем)", "(?:а|е|у|ом)?", "(?:ь|я|е|ю|ем)",
               "(?:м)?", "(?:ь|я|е|ю|ем)", "(?:ь|я|е|ю|ем)", "(?:а|е|у|ом)?", "(?:ь|я|е|ю|ём|ем)",
               "(?:ь|я|е|ю|ём|ем)", "(?:ь|я|е|ю|ём|ем)", "(?:ь|я|е|ю|ём|ем)")  # fmt: skip
_RU_ABBREVIATIONS = ("янв", "февр?", "мар", "апр", "ма[йя]", "июн", "июл", "авг", "сент?", "окт",
                     "нояб?", "дек")  # fmt: skip
RU_MONTH_FORMS = tuple(
    f"(?:{m}{e}(?![а-яё])|{a}(?=\\.))"
    for m, e, a in zip(_RU_MONTHS, _RU_ENDINGS, _RU_ABBREVIATIONS, strict=True)
)

_YEAR = r"(?:19|20)\d\d"
_YEAR_WORD = r"(?:\s*(?:-?го\b|г\.|года?\b|году\b|г\b))?"

# Parts of a year: (first month, last month)
_PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12), "h1": (1, 6), "h2": (7, 12)}
_RU_PART = (
    r"(?P<early>начал[еоа]|перв[а-я]*\s+месяц[а-я]*)|(?P<mid>середин[аеуы])|"
    r"(?P<late>конц[ае]|конец|последн[а-я]*\s+месяц[а-я]*)|"
    r"(?P<h1>перв[а-я]*\s+половин[а-я]*|перв[а-я]*\s+полугоди[а-я]*)|"
    r"(?P<h2>втор[а-я]*\s+половин[а-я]*|втор[а-я]*\s+полугоди[а-я]*)"
)
_EN_PART = (
    r"(?P<early>early|the\s+(?:beginning|start)\s+of|beginning\s+of|start\s+of)|"
    r"(?P<mid>mid|the\s+middle\s+of|middle\s+of)|(?P<late>late|the\s+end\s+of|end\s+of)|"
    r"(?P<h1>the\s+first\s+half\s+of|first\s+half\s+of|h1)|"
    r"(?P<h2>the\s+second\s+half\s+of|second\s+half\s+of|h2)"
)
_PART_OF_YEAR = re.compile(
    rf"(?i)(?<![\w-])(?:"
    rf"(?:в\s+|к\s+|с\s+|до\s+)?(?:{_RU_PART})\s+(?:(?P<ry>{_YEAR}){_YEAR_WORD}"
    rf"|(?P<rrel>прошлого|этого|текущего|нынешнего|позапрошлого|следующего)\s+года|(?P<rbare>года))"
    rf"|(?:(?:in|by|until|since|at|from|during)\s+)?(?:{_EN_PART.replace('?P<', '?P<e_')})"
    rf"[\s-]+(?:(?P<ey>{_YEAR})|(?P<erel>last|this|next)\s+year|(?P<ebare>the\s+year))"
    rf")(?![\w])"
)

# Seasons: (first month, number of months); winter starts in December of its year.
_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}
_RU_SEASONS = (
    r"(?P<spring>весн(?:ой|а|у|ы|е))|(?P<summer>летом|лето|лета)|"
    r"(?P<autumn>осенью|осень|осени)|(?P<winter>зимой|зима|зиму|зимы|зиме)"
)
_EN_SEASONS = (
    r"(?P<e_spring>spring)|(?P<e_summer>summer)|(?P<e_autumn>autumn|fall)|(?P<e_winter>winter)"
)
_SEASON = re.compile(
    rf"(?i)(?<![\w-])(?:"
    rf"(?:(?P<rmod>прошл[а-я]*|эт[аиоу][а-я]*|нынешн[а-я]*|позапрошл[а-я]*|следующ[а-я]*)\s+"
    rf"|(?:в\s+|к\s+|с\s+|до\s+)?(?P<rpart>начал[еоа]|середин[аеуы]|конц[ае])\s+)?"
    rf"(?:{_RU_SEASONS})(?:\s+(?:(?P<ry>{_YEAR}){_YEAR_WORD}"
    rf"|(?P<rrel>прошлого|этого|текущего|позапрошлого)\s+года))?"
    rf"|(?:(?P<emod>last|this|next|past)\s+|(?P<eprep>(?:in|during|over|by|since|until)\s+"
    rf"(?:the\s+)?)|(?P<epart>(?:(?:in|by|at)\s+)?(?:early|late|mid)[\s-]|(?:(?:in|by|at)\s+)?"
    rf"the\s+(?:beginning|start|middle|end)\s+of\s+(?:the\s+)?))?"
    rf"(?:{_EN_SEASONS})(?:,?\s+(?:of\s+)?(?:(?P<ey>{_YEAR})|(?P<erel>last|this)\s+year))?"
    rf")(?![\w])"
)

_RELATIVE = re.compile(
    r"(?i)(?<![\w-])(?:"
    r"(?P<thisweek>(?:(?:earlier|later)\s+)?this\s+week|на\s+этой\s+неделе|в\s+начале\s+(?:этой\s+)?недели|"
    r"на\s+текущей\s+неделе)"
    r"|(?P<lastweek>(?:earlier\s+)?(?:last|past)\s+week|на\s+прошлой\s+неделе|(?:в\s+)?прошлую\s+неделю)"
    r"|(?P<nextweek>next\s+week|на\s+следующей\s+неделе|на\s+будущей\s+неделе)"
    r"|(?P<days>на\s+днях|in\s+recent\s+days|(?:in|over)\s+the\s+past\s+few\s+days|в\s+последние\s+дни)"
    r"|(?P<thismonth>(?:earlier|later)\s+this\s+month|this\s+month|в\s+этом\s+месяце|"
    r"в\s+(?:начале|середине|конце)\s+(?:этого\s+)?месяца|в\s+текущем\s+месяце)"
    r"|(?P<lastmonth>last\s+month|в\s+прошлом\s+месяце|(?:в\s+)?(?:начале|середине|конце)\s+прошлого\s+месяца|"
    r"(?:early|late)\s+last\s+month|(?:at\s+)?the\s+(?:beginning|start|end)\s+of\s+last\s+month)"
    r")(?![\w])"
)

_EN_MONTH_WORDS = ("january", "february", "march", "april", "may", "june", "july", "august",
                   "september", "october", "november", "december")  # fmt: skip
_MONTH_WORD = (
    rf"(?:{'|'.join(RU_MONTH_FORMS)}"
    r"|january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?"
)
_DASH = r"\s*[-–—]\s*"
_MONTH_RANGE = re.compile(
    rf"(?i)(?<![\w-])(?:"
    rf"(?:(?:с|from|between)\s+)(?P<a>{_MONTH_WORD})\s+(?:по|до|to|until|till|through|and)\s+"
    rf"(?P<b>{_MONTH_WORD})|(?:(?:в|in|from)\s+)?(?P<a2>{_MONTH_WORD}){_DASH}(?P<b2>{_MONTH_WORD})"
    rf")(?:,?\s+(?P<y>{_YEAR}){_YEAR_WORD})?(?![\w])"
)
_YEAR_RANGE = re.compile(
    rf"(?i)(?<![\w.,/-])(?:(?:в|in|from|between|с)\s+)?(?P<a>{_YEAR})"
    rf"(?:{_DASH}|\s+(?:по|до|to|and|until|through)\s+)(?P<b>(?:19|20)?\d\d)"
    r"(?:\s*(?:гг\.?|годах|годы|годов|годам|годами|год|years))?(?![\w.,/-]|-\d)"
)


def _month_number(word: str) -> int:
    w = word.lower().rstrip(".")
    for i, stem in enumerate(_RU_MONTHS):
        if re.match(stem, w):
            return i + 1
    for i, name in enumerate(_EN_MONTH_WORDS):
        if name.startswith(w[:3]):
            return i + 1
    raise ValueError(word)


def _last_day(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def _range_value(first: date, last: date, precision: str, approximate: bool) -> dict[str, Any]:
    same_month = (first.year, first.month) == (last.year, last.month)
    return {
        "year": first.year,
        "month": first.month if same_month or precision == "month" else None,
        "day": None,
        "precision": precision,
        "approximate": approximate,
        "earliest": first.isoformat(),
        "latest": last.isoformat(),
    }


def _year_from(rel: str | None, today: date) -> int:
    rel = (rel or "").lower()
    if rel.startswith(("прошл", "last")):
        return today.year - 1
    if rel.startswith("позапрошл"):
        return today.year - 2
    if rel.startswith(("следующ", "next")):
        return today.year + 1
    return today.year


def _part_of_year(text: str, offset: int, today: date) -> list[Fact]:
    out = []
    for m in _PART_OF_YEAR.finditer(text):
        part = next(p for p in _PARTS if m[p] or m[f"e_{p}"])
        if m["ry"] or m["ey"]:
            year = int(m["ry"] or m["ey"])
        else:
            year = _year_from(m["rrel"] or m["erel"], today)
        first_month, last_month = _PARTS[part]
        half = part in ("h1", "h2")
        value = _range_value(date(year, first_month, 1), _last_day(year, last_month),
                             "half" if half else "year", not half)  # fmt: skip
        out.append(Fact("dates", offset + m.start(), offset + m.end(), m[0], value, 0.75))
    return out


_OF = re.compile(r"(?i),?\s+of\b")


def _season_year(season: str, mod: str | None, today: date) -> int:
    """The year a season starts in: its latest start not after `today`, or the one before
    for "last"/"прошлой", the one after for "next"."""
    start = _SEASON_START[season]
    year = today.year if (today.month, 1) >= (start, 1) else today.year - 1
    if season == "winter" and today.month <= 2:
        year = today.year - 1
    mod = (mod or "").lower()
    current = date(year, start, 1) <= today < _season_end(year, season) + timedelta(days=1)
    if mod.startswith(("прошл", "last", "past")):
        return year - 1 if current else year
    if mod.startswith("позапрошл"):
        return year - 2 if current else year - 1
    if mod.startswith(("следующ", "next")):
        return year + 1
    if mod.startswith(("эт", "нынешн", "this")):
        return year if current or season != "winter" else year + 1
    return year


def _season_end(year: int, season: str) -> date:
    start = _SEASON_START[season]
    end_month = start + 2
    return _last_day(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1)


def _seasons(text: str, offset: int, today: date) -> list[Fact]:
    out = []
    for m in _SEASON.finditer(text):
        season = next(s for s in _SEASON_START if m[s] or m[f"e_{s}"])
        word = (m[season] or m[f"e_{season}"]).lower()
        explicit = m["ry"] or m["ey"]
        mod = m["rmod"] or m["emod"]
        if m[f"e_{season}"]:
            # "fall", "spring" and the rest are common words: a date needs a year, "last",
            # "this", "in (the)", or a part ("late summer")
            if not (explicit or m["erel"] or mod or m["eprep"] or m["epart"]):
                continue
            if word == "fall" and not (explicit or m["erel"] or mod or m["eprep"]):
                continue
            if not explicit and _OF.match(text, m.end()):
                continue  # "the fall of the city", "the spring of hope"
        elif not (explicit or m["rrel"] or mod or m["rpart"] or word.endswith(("ой", "ом", "ью"))):
            continue  # "всю зиму", "лето было жарким": the instrumental is the date's form
        if explicit:
            year = int(explicit)
        elif m["rrel"] or m["erel"]:
            year = _year_from(m["rrel"] or m["erel"], today)
        else:
            year = _season_year(season, mod, today)
        first = date(year, _SEASON_START[season], 1)
        value = _range_value(first, _season_end(year, season), "season", True)
        out.append(Fact("dates", offset + m.start(), offset + m.end(), m[0], value, 0.7))
    return out


def _relative(text: str, offset: int, today: date) -> list[Fact]:
    out = []
    monday = today - timedelta(days=today.weekday())
    for m in _RELATIVE.finditer(text):
        if m["thisweek"]:
            first, last, precision = monday, monday + timedelta(days=6), "week"
        elif m["lastweek"]:
            first, last, precision = monday - timedelta(days=7), monday - timedelta(days=1), "week"
        elif m["nextweek"]:
            first, last, precision = monday + timedelta(days=7), monday + timedelta(days=13), "week"
        elif m["days"]:
            first, last, precision = today - timedelta(days=7), today, "week"
        elif m["thismonth"]:
            first, precision = today.replace(day=1), "month"
            last = _last_day(today.year, today.month)
        else:
            last = today.replace(day=1) - timedelta(days=1)
            first, precision = last.replace(day=1), "month"
        value = _range_value(first, last, precision, True)
        if precision == "week":  # the day a week before, of, or after the text's date
            anchor = today + timedelta(days=7 * ((first > today) - (last < today)))
            value.update(year=anchor.year, month=anchor.month, day=anchor.day)
        out.append(Fact("dates", offset + m.start(), offset + m.end(), m[0], value, 0.65))
    return out


def _latest_year(month: int, today: date) -> int:
    return today.year if month <= today.month else today.year - 1


def _ranges(text: str, offset: int, today: date) -> list[Fact]:
    out = []
    for m in _MONTH_RANGE.finditer(text):
        a, b = m["a"] or m["a2"], m["b"] or m["b2"]
        if any(w.lower() == "may" and not w.startswith("M") for w in (a, b)):
            continue  # "may" the verb
        first_month, last_month = _month_number(a), _month_number(b)
        last_year = int(m["y"]) if m["y"] else _latest_year(last_month, today)
        first_year = last_year - 1 if first_month > last_month else last_year
        value = _range_value(date(first_year, first_month, 1), _last_day(last_year, last_month),
                             "month", False)  # fmt: skip
        out.append(Fact("dates", offset + m.start(), offset + m.end(), m[0], value, 0.75))
    for m in _YEAR_RANGE.finditer(text):
        first_year = int(m["a"])
        b = m["b"]
        last_year = int(b) if len(b) == 4 else first_year // 100 * 100 + int(b)
        if not 0 < last_year - first_year <= 10:
            continue
        value = _range_value(date(first_year, 1, 1), date(last_year, 12, 31), "year", False)
        out.append(Fact("dates", offset + m.start(), offset + m.end(), m[0], value, 0.75))
    return out


_CUES = re.compile(
    r"(?i)начал|середин|конц|конец|половин|полугод|весн|лет[оа]|осен|зим|недел|месяц|"
    r"early|mid|late|beginning|start|middle|end|half|spring|summer|autumn|fall|winter|week|"
    r"month|днях|days|[-–—]|\d\d\s+(?:по|до|to|and|until|through)\s|\s(?:по|до|to|and|through|until|till)\s"
)


def vague_dates(text: str, offset: int, today: date) -> list[Fact]:
    """The vague dates of a paragraph (overlaps with other date readings are left to the
    caller, where the longer reading wins)."""
    if not _CUES.search(text):
        return []
    return (
        _part_of_year(text, offset, today)
        + _seasons(text, offset, today)
        + _relative(text, offset, today)
        + _ranges(text, offset, today)
    )
