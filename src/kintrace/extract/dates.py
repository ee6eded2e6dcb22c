"""Dates: absolute ("10 июля 2023", "15.03.2023", "on July 10"), partial ("в марте 2022",
"in 2022") and relative to the text's own date ("в начале июля", "вчера", "six months
ago", "полгода назад"). Russian also goes through natasha's DatesExtractor; the longer of
two overlapping readings wins.

A date's value: year, month, day (unknown parts null), `precision` ("year" | "month" |
"day"), and for a part of a month or a stretch of time `approximate` True. A month without a
year is the latest such month not after the text's date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from kintrace.extract.facts import Fact
from kintrace.extract.lang import sentence_around
from kintrace.extract.models import models
from kintrace.extract.numbers import parse_number_words
from kintrace.extract.vague import RU_MONTH_FORMS, vague_dates

__all__ = ["dates"]

_EN_MONTHS = ("jan(?:uary)?", "feb(?:ruary)?", "mar(?:ch)?", "apr(?:il)?", "may", "june?",
              "july?", "aug(?:ust)?", "sep(?:t|tember)?", "oct(?:ober)?", "nov(?:ember)?",
              "dec(?:ember)?")  # fmt: skip
_RU_MONTH = "|".join(f"(?P<r{i}>{m})" for i, m in enumerate(RU_MONTH_FORMS))
_EN_MONTH = "|".join(f"(?P<e{i}>{m})" for i, m in enumerate(_EN_MONTHS))
_MONTH = rf"(?:{_RU_MONTH}|{_EN_MONTH})\.?"
_YEAR = r"(?P<y>(?:19|20)\d\d)(?:\s*(?:г\.|года?|году|г\b))?"
_DAY = r"(?P<d>[0-3]?\d)(?:-?(?:го|е|st|nd|rd|th))?"
_PART = (
    r"(?P<part>в\s+начале|в\s+середине|в\s+конце|начал[оа]|середин[аеуы]|конц[ае]|"
    r"early|mid|late|the\s+(?:beginning|middle|end)\s+of|(?:at\s+)?the\s+(?:start|end)\s+of)"
)
_ABSOLUTE = re.compile(
    rf"(?i)(?<![\w.])(?:"
    rf"(?P<num>(?P<nd>[0-3]?\d)[./](?P<nm>[01]?\d)[./](?P<ny>(?:19|20)?\d\d))(?!\d|\.\d)"
    rf"|(?P<iso>(?P<iy>(?:19|20)\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d))"
    rf"|(?:{_PART}[\s-]+)?(?:{_DAY}\s+)?(?:of\s+)?{_MONTH}"
    rf"(?:\s+{_DAY.replace('<d>', '<d2>')}(?!\d))?(?:,?\s+{_YEAR})?"
    rf"|(?:(?:в|in|с|since|до|by|of)\s+)?(?P<yo>(?:19|20)\d\d)(?:\s*(?:г\.|года?|году|г\b))?"
    rf")(?![\w])"
)
_RELATIVE = re.compile(
    r"(?i)(?<![\w])(?:(?P<today>сегодня|today)|(?P<yesterday>вчера|yesterday)"
    r"|(?P<lastweek>на прошлой неделе|last week)|(?P<lastmonth>в прошлом месяце|last month)"
    r"|(?P<lastyear>в прошлом году|last year)|(?P<thisyear>в этом году|this year)"
    r"|(?P<half>полгода(?: назад)?|half a year(?: ago)?)"
    r"|(?P<n>[\wё-]+(?:\s+[\wё-]+)?)\s+(?P<unit>дн(?:я|ей)|день|недел[иьюя]|месяц(?:а|ев)?|"
    r"лет|года?|days?|weeks?|months?|years?)(?:\s+(?P<ago>назад|ago|спустя|later))?"
    r"|(?P<unit1>неделю|месяц|год)\s+(?P<ago1>назад))(?![\w])"
)


# Words before a bare month name that make it a date ("in May", "since May", "last May")
_MONTH_CUE = re.compile(
    r"(?i)(?<![\w])(?:in|since|by|until|till|from|during|through|to|of|before|after|early|late|"
    r"mid|last|this|next|and|or|between)[\s-]+$"
)
_RU_MONTH_CUE = re.compile(r"(?i)(?<![\w])(?:в|с|до|к|по|от|на|и|или|конц[ае]|начал[ае])\s+$")
_ABBREVIATED = re.compile(
    r"(?i)(?<![\w])(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|янв|фев|февр|апр|авг|сент?|"
    r"окт|нояб?|дек|г)\.$"
)
_MODIFIER = re.compile(r"(?i)(?<![\w])(last|this|next)\s+$")


def _month_of(m: re.Match[str]) -> int | None:
    for i in range(12):
        if m.group(f"r{i}") or m.group(f"e{i}"):
            return i + 1
    return None


def _latest(month: int, day: int | None, today: date) -> int:
    year = today.year
    if (month, day or 1) > (today.month, today.day):
        year -= 1
    return year


def _value(year: int | None, month: int | None = None, day: int | None = None,
           approximate: bool = False) -> dict[str, Any]:  # fmt: skip
    precision = "day" if day else "month" if month else "year" if year else None
    return {"year": year, "month": month, "day": day, "precision": precision,
            "approximate": approximate}  # fmt: skip


def _absolute(text: str, offset: int, today: date) -> list[Fact]:
    out = []
    for m in _ABSOLUTE.finditer(text):
        start = m.start()
        try:
            if m["num"]:
                year = int(m["ny"]) + (2000 if len(m["ny"]) == 2 else 0)
                value = _value(year, int(m["nm"]), int(m["nd"]))
                date(year, int(m["nm"]), int(m["nd"]))
            elif m["iso"]:
                value = _value(int(m["iy"]), int(m["im"]), int(m["id"]))
                date(int(m["iy"]), int(m["im"]), int(m["id"]))
            elif m["yo"]:
                value = _value(int(m["yo"]))
            else:
                month = _month_of(m)
                assert month is not None
                day_text = m["d"] or m["d2"]
                day = int(day_text) if day_text else None
                if (
                    _month_of(m)
                    and m[0][:1].isupper()
                    and m[0][:1] in "ЯФМАИСОНД"
                    and not (day or m["y"] or m["part"])
                    and not _RU_MONTH_CUE.search(text, 0, m.start())
                ):
                    continue  # "Марта Ивановна", "Мая": months are written in lower case
                if m["e4"] and not (day or m["y"]) and not m["part"]:
                    # "may" the verb; "in May", "since May", "last May" the month
                    if not (m[0].startswith("May") and _MONTH_CUE.search(text, 0, m.start())):
                        continue
                if m["e7"] or m["e2"] or m["e9"]:  # "Aug", "Mar", "Oct" need a day or year
                    if not (day or m["y"]) and len(m[0]) < 5:
                        continue
                year = int(m["y"]) if m["y"] else _latest(month, day, today)
                modifier = _MODIFIER.search(text, 0, m.start())
                if modifier and not m["y"]:
                    # "last July" is before this month, "this July" is this year's
                    word = modifier[1].lower()
                    if word == "last" and month == today.month:
                        year -= 1
                    elif word == "this":
                        year = today.year
                    elif word == "next":
                        year = today.year + (month <= today.month)
                    start = modifier.start()
                if day:
                    date(year, month, day)
                value = _value(year, month, day, approximate=bool(m["part"]))
        except ValueError:
            continue
        confidence = 0.9 if value["day"] or m["y"] or m["ny"] or m["iy"] else 0.7
        end = m.end()
        if m[0].endswith(".") and not _ABBREVIATED.search(m[0]):
            end -= 1  # the sentence's full stop after "in May.", not an abbreviation's dot
        out.append(Fact("dates", offset + start, offset + end, text[start:end], value,
                        confidence))  # fmt: skip
    return out


def _months_back(today: date, months: int) -> tuple[int, int]:
    total = today.year * 12 + today.month - 1 - months
    return total // 12, total % 12 + 1


def _relative_matches(text: str) -> list[re.Match[str]]:
    """Matches of _RELATIVE; one whose number words do not parse ("a deal last week") is
    tried again a word later, so "last week" is still found."""
    out = []
    pos = 0
    while (m := _RELATIVE.search(text, pos)) is not None:
        if m["n"] and not any(
            parse_number_words(m["n"].split()[k:], "ru" if re.search("[а-яё]", m["n"]) else "en")
            for k in range(len(m["n"].split()))
        ):
            pos = m.start() + 1
            continue
        out.append(m)
        pos = m.end()
    return out


def _relative(text: str, offset: int, lang: str, today: date) -> list[Fact]:
    out = []
    for m in _relative_matches(text):
        value: dict[str, Any]
        if m["today"]:
            value = _value(today.year, today.month, today.day)
        elif m["yesterday"]:
            d = today - timedelta(days=1)
            value = _value(d.year, d.month, d.day)
        elif m["lastweek"]:
            d = today - timedelta(days=7)
            value = _value(d.year, d.month, d.day, approximate=True)
        elif m["lastmonth"]:
            value = _value(*_months_back(today, 1))
        elif m["lastyear"]:
            value = _value(today.year - 1)
        elif m["thisyear"]:
            value = _value(today.year)
        elif m["half"]:
            value = _value(*_months_back(today, 6), approximate=True)
            if "назад" not in m[0] and "ago" not in m[0]:
                continue  # a stretch of time ("контракт на полгода"), not a date
        else:
            unit = (m["unit"] or m["unit1"]).lower()
            if m["n"]:
                words = m["n"].split()
                parsed = None
                for skip in range(len(words)):
                    parsed = parse_number_words(words[skip:], lang)
                    if parsed and parsed[1] == len(words) - skip:
                        break
                    parsed = None
                if parsed is None:
                    continue
                n = parsed[0]
                start = m.start() + len(" ".join(words[:skip])) + (1 if skip else 0)
            else:
                n, start = 1, m.start()
            if n != int(n) or n <= 0 or n > 100:
                continue
            if unit.startswith(("д", "day")):
                days = int(n)
            elif unit.startswith(("нед", "week")):
                days = int(n) * 7
            elif unit.startswith(("мес", "month")):
                days = int(n) * 30
            else:
                days = int(n) * 365
            if (
                unit.startswith(("год", "year", "лет"))
                and unit.startswith("год")
                and re.fullmatch(r"(?:19|20)\d\d", words[-1] if m["n"] else "")
            ):
                continue
            ago = m["ago"] or m["ago1"]
            if ago and ago.lower() in ("назад", "ago"):
                d = today - timedelta(days=days)
                precise = "day" if days < 28 else "month" if days < 365 else "year"
                value = _value(d.year, d.month if precise != "year" else None,
                               d.day if precise == "day" else None, approximate=True)  # fmt: skip
            else:
                continue  # a stretch of time ("two weeks of training"), not a date
            out.append(Fact("dates", offset + start, offset + m.end(), text[start : m.end()],
                            value, 0.6))  # fmt: skip
            continue
        out.append(Fact("dates", offset + m.start(), offset + m.end(), m[0], value, 0.7))
    return out


def _natasha(text: str, offset: int, today: date) -> list[Fact]:
    out = []
    for m in models().dates(text):
        fact = m.fact
        year, month, day = fact.year, fact.month, fact.day
        if year is None and month is None:
            continue
        if year is None and month is not None:
            year = _latest(month, day, today)
        try:
            date(year, month or 1, day or 1)
        except ValueError:
            continue
        out.append(Fact("dates", offset + m.start, offset + m.stop, text[m.start : m.stop],
                        _value(year, month, day), 0.85))  # fmt: skip
    return out


_RU_MONTH_WORD = re.compile(rf"(?i)(?<![\w])(?:{'|'.join(RU_MONTH_FORMS)})")


def dates(text: str, offset: int, lang: str, today: date) -> list[Fact]:
    """Every date in the paragraph; overlapping readings are left to the caller.

    natasha's DatesExtractor (a yargy grammar) reads only the Russian sentences where a
    month's name is left that the rules above did not take: over every sentence it cost
    half the time of a whole extraction (docs/benchmarks.md)."""
    vague = vague_dates(text, offset, today)
    found = vague + [
        f
        for f in _absolute(text, offset, today) + _relative(text, offset, lang, today)
        if not any(v.start <= f.start and f.end <= v.end for v in vague)
    ]
    if lang != "ru":
        return found
    done: set[tuple[int, int]] = set()
    for m in _RU_MONTH_WORD.finditer(text):
        at = offset + m.start()
        if any(f.start <= at < f.end for f in found):
            continue
        a, b = sentence_around(text, m.start())
        if (a, b) not in done:
            done.add((a, b))
            found += _natasha(text[a:b], offset + a, today)
    return found
