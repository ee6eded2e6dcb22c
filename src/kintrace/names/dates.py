"""Dates as people write them, with the precision they actually gave.

"1987", "03.1987", "14.03.1987 г.р.", "14 марта 1987 года", "March 14, 1987" all become a
`PartialDate` that remembers whether the day and month were known. An impossible date
(31.02.1987, month 13, year 3000) is a `DateError`, never a guess: a wrong birth date
splits one man into two, or merges two namesakes.

Two-digit years ("14.03.87") pivot on `max_year` (by default the current year): a year
that would lie after `max_year` in the 2000s goes to the 1900s, so in 2026 "26" is 2026
and "27" is 1927.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache

from kintrace.names.regions import fold_text

__all__ = [
    "DateError",
    "PartialDate",
    "Precision",
    "parse_date",
    "parse_date_or_none",
    "parse_date_range",
    "parse_day_month",
]


class DateError(ValueError):
    """A date that cannot be read or cannot exist. `code` is short and stable."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date of which only the year, or the year and month, may be known."""

    year: int
    month: int | None = None
    day: int | None = None
    precision: Precision | None = None  # derived from month/day when not given
    # "около 1985", "1985?", "в начале 1980-х": the writer was not sure; never a guessed point.
    approximate: bool = False

    def __post_init__(self) -> None:
        month, day, precision = self.month, self.day, self.precision
        derived = _PRECISIONS[(month is not None) + (day is not None)]
        if precision is None:
            object.__setattr__(self, "precision", derived)
        elif precision is not derived:
            if Precision(precision) is not derived:
                raise DateError(
                    f"precision {precision} does not fit the parts given", code="precision"
                )
            object.__setattr__(self, "precision", derived)
        if month is None and day is not None:
            raise DateError("a day without a month", code="precision")
        _check_parts(self.year, month, day)

    def iso(self) -> str:
        """ "1987", "1987-03" or "1987-03-14" (an approximate date reads the same: see
        `approximate`)."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.iso()

    def compatible(self, other: PartialDate) -> bool:
        """True when the two dates agree on every part both of them know."""
        if self.year != other.year:
            return False
        if self.month is not None and other.month is not None and self.month != other.month:
            return False
        return self.day is None or other.day is None or self.day == other.day

    def swapped(self) -> PartialDate | None:
        """The date with day and month exchanged, when that is a different valid date."""
        if self.day is None or self.month is None or self.day == self.month or self.day > 12:
            return None
        return PartialDate(self.year, self.day, self.month)

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        month = self.month or 12
        day = self.day or _days_in_month(self.year, month)
        return dt.date(self.year, month, day)


_PRECISIONS = (Precision.YEAR, Precision.MONTH, Precision.DAY)  # by number of parts known
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month]


def _check_parts(year: int, month: int | None, day: int | None) -> None:
    if not 1 <= year <= 9999:
        raise DateError(f"year {year} is out of range", code="year")
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"month {month} does not exist", code="month")
    if day is not None:
        last = _days_in_month(year, month or 1)
        if not 1 <= day <= last:
            raise DateError(
                f"day {day} does not exist in {year:04d}-{month:02d} (it has {last} days)",
                code="day",
            )


# --- month names -----------------------------------------------------------------------

_RU_MONTH_STEMS = (
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("ма", 5), ("июн", 6),
    ("июл", 7), ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
)  # fmt: skip
_RU_SOFT_ENDINGS = ("ь", "я", "е", "ю", "ем", "ём")
_RU_HARD_ENDINGS = ("", "а", "е", "у", "ом")


def _month_words() -> dict[str, int]:
    words: dict[str, int] = {}
    for stem, number in _RU_MONTH_STEMS:
        if number == 5:
            endings: tuple[str, ...] = ("й", "я", "е", "ю", "ем", "ём")
        elif stem.endswith("т"):
            endings = _RU_HARD_ENDINGS
        else:
            endings = _RU_SOFT_ENDINGS
        for ending in endings:
            words[(stem + ending).replace("ё", "е")] = number
    ru_short = {
        "янв": 1, "фев": 2, "февр": 2, "мар": 3, "апр": 4, "июн": 6, "июл": 7, "авг": 8,
        "сен": 9, "сент": 9, "окт": 10, "ноя": 11, "нояб": 11, "дек": 12,
    }  # fmt: skip
    en = (
        "january february march april may june july august september october november december"
    ).split()
    words.update(ru_short)
    for number, name in enumerate(en, start=1):
        words[name] = number
        words[name[:3]] = number
    words["sept"] = 9
    roman = "i ii iii iv v vi vii viii ix x xi xii".split()
    for number, numeral in enumerate(roman, start=1):
        words.setdefault(numeral, number)
    return words


_MONTH_WORDS = _month_words()
# Roman numerals stand for months only between dots ("14.III.1987"), never as words.
_ROMAN = frozenset("i ii iii iv v vi vii viii ix x xi xii".split())
_WORD_MONTHS = {w: n for w, n in _MONTH_WORDS.items() if w not in _ROMAN}

# --- normalisation ----------------------------------------------------------------------

_UNKNOWN = frozenset(
    {"-", "--", "?", "??", "н/д", "нд", "н.д.", "нет", "неизв", "неизв.", "неизвестно",
     "не известно", "нет данных", "n/a", "na", "unknown", "none", "null", "nan"}
)  # fmt: skip

# Trailing words that only say "this is a (birth) year": "г.", "года", "г.р.", "р.", "гг.".
_SUFFIX = re.compile(
    r"(?:\s*(?:г\.?\s*р\.?|гг?\.?|год(?:а|у|ов)?|гр\.?|р\.|рожд(?:ения)?\.?|y\.?o\.?b\.?|yr\.?"
    r"|year|born))+\s*$"
)
_PREFIX = re.compile(r"^(?:(?:род\.?|родился|родилась|рожд\.?|born|b\.|д\.\s*р\.?|др)\s*)+")
# Spreadsheet exports append a midnight time: "1987-03-14 00:00:00", "14.03.1987 0:00".
_TIME = re.compile(r"[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?z?$")


# Spreadsheets mark a cell as text with a leading apostrophe ('14.03.1987) or a formula
# (="14.03.1987"); people put dates in quotes.
_TEXT_CELL = re.compile(r'^(?:=\s*"(.*)"|\'(.*)|"(.*)"|«(.*)»|“(.*)”)$')


def _clean(text: str) -> str:
    text = " ".join(fold_text(text).split())
    if text[:1] in "='\"«“" and (m := _TEXT_CELL.match(text)):
        text = next(g for g in m.groups() if g is not None).strip()
    # The regexes below cost microseconds each; most cells need none of them.
    if text[:1].isalpha():
        text = _PREFIX.sub("", text)
    if ":" in text:
        text = _TIME.sub("", text)
    if not text[-1:].isdigit():
        text = _SUFFIX.sub("", text)
    text = text.strip(" ,;")
    if text.endswith(".") and text[-2:-1].isdigit():  # "14.03.1987."
        text = text[:-1]
    return text


# --- patterns ---------------------------------------------------------------------------

_YEAR = re.compile(r"(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_YMD = re.compile(r"(\d{4})[./](\d{1,2})[./](\d{1,2})")
_MY = re.compile(r"(\d{1,2})\s?[./-]\s?(\d{4})")
_DMY = re.compile(
    r"(\d{1,2})\s?([./-])\s?(\d{1,2}|[ivx]{1,4}|[a-zа-я]{3,9})\.?\s?\2\s?(\d{4}|\d{2})"
)
# "14 03 1987", "14 III 1987", "1987 03 14": digits a form or a scan split with spaces.
_DMY_SPACED = re.compile(r"(\d{1,2}) (\d{1,2}|[ivx]{1,4}) (\d{4})")
_YMD_SPACED = re.compile(r"(\d{4}) (\d{1,2}) (\d{1,2})")
# An Excel serial date-time (days since 1899-12-30, the 1900 date system, and the time of day
# as a fraction), as a spreadsheet saved as CSV writes a date cell formatted "General"; a
# Russian-locale export uses a decimal comma: "45061,6041666667". The fraction is what says
# "date": a bare five-digit number is refused here (lists/rows.py reads it as a serial in a
# date column, where nothing else can be meant).
_SERIAL = re.compile(r"(\d{5})[.,]\d+")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (10_000, 80_000)  # 1927-05-18 … 2119-01-10
_WORD = r"([a-zа-я]+)\.?"
_D_WORD_Y = re.compile(
    r"(\d{1,2})(?:-?(?:е|го|ое|st|nd|rd|th))?\s?(?:of\s)?" + _WORD + r",?\s?(\d{4})"
)
_WORD_D_Y = re.compile(_WORD + r"\s?(\d{1,2})(?:st|nd|rd|th)?,?\s(\d{4})")
_WORD_Y = re.compile(_WORD + r",?\s?(\d{4})")


def _month(word: str, text: str) -> int:
    number = _WORD_MONTHS.get(word)
    if number is None:
        raise DateError(f"{word!r} is not a month name in {text!r}", code="month_name")
    return number


def excel_serial_date(days: int) -> dt.date | None:
    """The date of an Excel serial day number (1900 date system, days since 1899-12-30) in
    10,000..80,000 (1927-05-18 … 2119-01-10); None outside, where a number is a year or
    nonsense rather than a serial."""
    if not _SERIAL_RANGE[0] <= days <= _SERIAL_RANGE[1]:
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=days)


def _month_part(part: str, text: str) -> int:
    """A month written between separators: digits, a Roman numeral or a (short) name."""
    month = int(part) if part.isdecimal() else _MONTH_WORDS.get(part)
    if month is None:
        raise DateError(f"{part!r} is not a month in {text!r}", code="month_name")
    return month


def _two_digit_year(yy: int, max_year: int) -> int:
    return 2000 + yy if 2000 + yy <= max_year else 1900 + yy


def _build(
    text: str, year: int, month: int | None, day: int | None, min_year: int, max_year: int
) -> PartialDate:
    date = PartialDate(year, month, day)  # first: "00.00.0000" is wrong before it is old
    if not min_year <= year <= max_year:
        raise DateError(
            f"year {year} in {text!r} is outside {min_year}–{max_year}", code="year_range"
        )
    return date


def _parse(text: str, min_year: int, max_year: int) -> PartialDate:
    s = _clean(text)
    if not s or s in _UNKNOWN:
        raise DateError("no date given", code="empty")
    if m := _YEAR.fullmatch(s):
        return _build(text, int(m[1]), None, None, min_year, max_year)
    if m := _ISO.fullmatch(s) or _YMD.fullmatch(s):
        day = int(m[3]) if m[3] else None
        return _build(text, int(m[1]), int(m[2]), day, min_year, max_year)
    if m := _MY.fullmatch(s):
        return _build(text, int(m[2]), int(m[1]), None, min_year, max_year)
    if m := _DMY_SPACED.fullmatch(s):
        return _build(text, int(m[3]), _month_part(m[2], text), int(m[1]), min_year, max_year)
    if m := _YMD_SPACED.fullmatch(s):
        return _build(text, int(m[1]), int(m[2]), int(m[3]), min_year, max_year)
    if (m := _SERIAL.fullmatch(s)) and (d := excel_serial_date(int(m[1]))) is not None:
        return _build(text, d.year, d.month, d.day, min_year, max_year)
    if m := _DMY.fullmatch(s):
        month_part = m[3]
        month = _month_part(month_part, text)
        year = int(m[4]) if len(m[4]) == 4 else _two_digit_year(int(m[4]), max_year)
        return _build(text, year, month, int(m[1]), min_year, max_year)
    if m := _D_WORD_Y.fullmatch(s):
        return _build(text, int(m[3]), _month(m[2], text), int(m[1]), min_year, max_year)
    if m := _WORD_D_Y.fullmatch(s):
        return _build(text, int(m[3]), _month(m[1], text), int(m[2]), min_year, max_year)
    if m := _WORD_Y.fullmatch(s):
        return _build(text, int(m[2]), _month(m[1], text), None, min_year, max_year)
    if (short := _short_year(s, text, max_year)) is not None:
        return _build(text, short, None, None, min_year, max_year)
    if s.isdigit():
        raise DateError(f"{text!r} is a number, not a date", code="number")
    raise DateError(f"{text!r} is not a date in any format we read", code="format")


# A year written with two digits, as people write it when the century goes without saying:
# "'85", "’85", "85 г.р.", "85 года", "85-го", "85-го года" (Russian ordinal "of '85"). A bare
# "85" stays a number: only a mark that says "year" makes it one. "15-го" alone is the 15th
# of some month, so the ordinal form counts as a year only above 31.
_APOSTROPHE_YEAR = re.compile(r"['’‘`](\d{2})")
_ORDINAL_YEAR = re.compile(r"(\d{2})\s?-?\s?(?:го|ый|й|м|ом)")


def _short_year(s: str, text: str, max_year: int) -> int | None:
    """The year of a marked two-digit year (see above), in the century that puts it at or
    before `max_year`; None when `s` is no such year."""
    if m := _APOSTROPHE_YEAR.fullmatch(s):
        return _two_digit_year(int(m[1]), max_year)
    if (m := _ORDINAL_YEAR.fullmatch(s)) and (
        int(m[1]) > 31 or _YEAR_WORD.search(" ".join(fold_text(text).split()))
    ):  # "85-го"; "25-го года", "в 25-м году" (a day is never "года")
        return _two_digit_year(int(m[1]), max_year)
    if len(s) == 2 and s.isdigit() and _YEAR_MARK.search(" ".join(fold_text(text).split())):
        # `_clean` took the year word off ("85 г.р." → "85", "около 85 г." → "85")
        return _two_digit_year(int(s), max_year)
    return None


_YEAR_WORD = re.compile(r"\d{2}\s?-?\s?(?:го|м|ом|ый|й)\s+(?:г\.|год)")
_YEAR_MARK = re.compile(
    r"(?:^|[^\d])\d{2}\s?(?:г\.?\s?р|гг?(?:\.|\s|$)|год|гр(?:\.|\s|$)|р\.|-?го(?:\s|$))"
    r"|(?:^|\s)['’‘`]\d{2}(?:\s|$)"
)


# --- approximate dates and vague periods -----------------------------------------------
# What people write when they are not sure: "около 1985", "1985?", "1980-е", "весна 1985",
# "в начале июля 2024", "mid-1990s". Each is read as what it is — a date marked approximate,
# or a period (start, end) — never as a guessed point.

_APPROX_PREFIX = re.compile(
    r"^(?:около|ок\.|примерно|приблизительно|прибл\.|где-?\s?то|порядка|предположительно"
    r"|circa|ca\.|c\.|about|around|approx\.?|approximately|~|≈)\s*"
)
_APPROX_SUFFIX = re.compile(r"\s*(?:\?+|\(\?\)|\(прибл\.?\)|\(примерно\)|примерно)$")
_IN = re.compile(r"^(?:(?:в|во|in)\s+)?(?:the\s+)?")
_YEARS_WORD = r"(?:\s*(?:гг?\.?|годы|годов|годах|года))?"
# "1980-е", "1980-х годов", "80-е", "1980е", "1980s", "'80s".
_DECADE = re.compile(r"'?(\d{2}|\d{4})\s?-?\s?(?:е|х|ые|ых|s|'s)" + _YEARS_WORD)
# start, middle, end of a period: the share of it each covers, as (first, last) tenths.
_PART_WORDS = (
    (("начал", "early", "beginning of"), (0, 3)),
    (("середин", "mid", "middle of"), (3, 6)),
    (("конц", "конец", "late", "end of"), (6, 9)),
    (("перв", "first half of"), (0, 4)),  # "первая половина" (with _HALF below)
    (("втор", "second half of"), (5, 9)),
)
_PART = re.compile(
    r"^(начал\w*|середин\w*|конц\w*|конец|early|mid|middle of|late|end of|beginning of"
    r"|перв\w* половин\w*|втор\w* половин\w*|first half of|second half of)\s*-?\s*(?:of\s+)?"
)
_SEASONS = (
    (("весн", "spring"), (3, 5)),
    (("лет", "summer"), (6, 8)),
    (("осен", "autumn", "fall"), (9, 11)),
    # Winter straddles two years and people mean either end: the whole year, honestly wide.
    (("зим", "winter"), (1, 12)),
)
_SEASON = re.compile(
    r"^(весн\w*|лет\w*|осен\w*|зим\w*|spring|summer|autumn|fall|winter)"
    r"(?:\s+of)?\s+(\d{4}|['’‘`]?\d{2}(?:\s?-?\s?го)?)$"
)


def _part_of(word: str) -> tuple[int, int]:
    for stems, tenths in _PART_WORDS:
        if any(word.startswith(stem) for stem in stems):
            return tenths
    raise AssertionError(word)  # _PART only matches the words above


def _vague(
    s: str, text: str, min_year: int, max_year: int
) -> tuple[PartialDate, PartialDate] | None:
    """(start, end) of a period written in words; None when s is no such period, DateError
    when it is one that cannot be (a year out of range)."""
    part = None
    if m := _PART.match(s):
        part, s = _part_of(m[1]), s[m.end() :]
    if m := _DECADE.fullmatch(s):
        decade = int(m[1]) if len(m[1]) == 4 else _two_digit_year(int(m[1]), max_year)
        if decade % 10:
            return None
        first, last = part or (0, 9)
        start = _build(text, decade + first, None, None, min_year, max_year)
        end = _build(text, decade + last, None, None, min_year, max_year)
        vague = part is not None
        return replace(start, approximate=vague), replace(end, approximate=vague)
    if m := _SEASON.fullmatch(s):
        (first, last) = next(
            months for stems, months in _SEASONS if any(m[1].startswith(stem) for stem in stems)
        )
        digits = "".join(c for c in m[2] if c.isdigit())
        # "весной 85-го", "summer '85": after a season two digits can only be a year
        year = int(digits) if len(digits) == 4 else _two_digit_year(int(digits), max_year)
        start = _build(text, year, first, None, min_year, max_year)
        return start, PartialDate(year, last)
    if part is None:
        return None
    # A part of a year ("в начале 1985", "late 1985") or of a month ("в конце июля 2024").
    inner = _parse(s, min_year, max_year)
    if inner.day is not None:
        return None
    first, last = part
    if inner.month is None:
        months = (1 + first * 12 // 10, max(1 + first * 12 // 10, (last + 1) * 12 // 10))
        return (
            PartialDate(inner.year, months[0], approximate=True),
            PartialDate(inner.year, months[1], approximate=True),
        )
    days = _days_in_month(inner.year, inner.month)
    return (
        PartialDate(inner.year, inner.month, 1 + first * days // 10, approximate=True),
        PartialDate(
            inner.year,
            inner.month,
            max(1 + first * days // 10, (last + 1) * days // 10),
            approximate=True,
        ),
    )


def _parse_span(text: str, min_year: int, max_year: int) -> tuple[PartialDate, PartialDate]:
    """(start, end) of what a cell says: one date twice, or a period; approximate marked."""
    try:  # most cells are plain dates: no approximate marks or periods to look for
        date = _parse(text, min_year, max_year)
        return date, date
    except DateError as error:
        if error.code not in ("format", "month_name", "number"):
            raise
    s = _clean(text)
    approximate = False
    if (m := _APPROX_PREFIX.match(s)) and m.end():
        s, approximate = _clean(s[m.end() :]), True
    if (m := _APPROX_SUFFIX.search(s)) and s[: m.start()]:
        s, approximate = _clean(s[: m.start()]), True
    s = _IN.sub("", s)  # "в январе 2025", "in 1985"
    try:
        date = _parse(s, min_year, max_year)
        start = end = date
    except DateError as error:
        year = _short_year(s, text, max_year) if error.code in ("number", "format") else None
        if year is not None:  # "около 85 г.р."
            start = end = _build(text, year, None, None, min_year, max_year)
        else:
            if error.code not in ("format", "month_name"):
                raise DateError(str(error).replace(repr(s), repr(text)), code=error.code) from None
            vague = _vague(s, text, min_year, max_year)
            if vague is None:
                raise DateError(str(error).replace(repr(s), repr(text)), code=error.code) from None
            start, end = vague
    if approximate:
        start, end = replace(start, approximate=True), replace(end, approximate=True)
    return start, end


@lru_cache(maxsize=1 << 17)
def _parse_cached(
    text: str, min_year: int, max_year: int
) -> tuple[PartialDate, PartialDate] | DateError:
    # Errors are cached too: a million-row list repeats the same bad cell many times.
    try:
        return _parse_span(text, min_year, max_year)
    except DateError as error:
        return error


def _containing(start: PartialDate, end: PartialDate, text: str) -> PartialDate:
    """The most precise PartialDate that holds the whole period (approximate if either end
    is); DateError "range" when the period spans years."""
    approximate = start.approximate or end.approximate
    if start == end:
        return start
    if start.year != end.year:
        raise DateError(f"{text!r} is a period of years, not one date", code="range")
    if start.month is not None and start.month == end.month:
        return PartialDate(start.year, start.month, approximate=approximate)
    return PartialDate(start.year, approximate=approximate)


_this_year: list[int | float] = [0, 0.0]  # [year, epoch seconds when to look again]


def _default_max_year() -> int:
    # date.today() costs a microsecond; on a million cached calls that is a second.
    now = time.time()
    if now >= _this_year[1]:
        _this_year[0] = dt.date.today().year  # noqa: DTZ011 - a calendar year is enough
        _this_year[1] = now + 3600
    return int(_this_year[0])


def parse_date(
    text: str, *, min_year: int = 1900, max_year: int | None = None, approximate: bool = False
) -> PartialDate:
    """Read a date written by a person; raise `DateError` if it is unreadable or impossible.

    A period within one year gives the most precise date that holds all of it ("весна 1985"
    → 1985). With `approximate=True`, "около 1985", "1985?", "в начале июля 2024" give a date
    marked `approximate` (1985~, 2024-07~); without it — for callers that cannot store the
    mark — they are a `DateError` with code "approximate". A period of years ("1980-е") is
    code "range": read it with `parse_date_range`.
    """
    start, end = _span(text, min_year, max_year)
    date = _containing(start, end, text)
    if date.approximate and not approximate:
        raise DateError(f"{text!r} is approximate, not a date", code="approximate")
    return date


def _span(text: str, min_year: int, max_year: int | None) -> tuple[PartialDate, PartialDate]:
    result = _parse_cached(text, min_year, max_year or _default_max_year())
    if isinstance(result, DateError):
        # A fresh exception each time, so tracebacks don't pile up on a cached instance.
        raise DateError(str(result), code=result.code)
    return result


def parse_date_or_none(
    text: str | None,
    *,
    min_year: int = 1900,
    max_year: int | None = None,
    approximate: bool = False,
) -> PartialDate | None:
    """Like `parse_date`, but None for an empty cell or an "unknown" marker ("н/д", "-")."""
    if text is None:
        return None
    try:
        return parse_date(text, min_year=min_year, max_year=max_year, approximate=approximate)
    except DateError as error:
        if error.code == "empty":
            return None
        raise


# --- ranges -----------------------------------------------------------------------------

_RANGE_PREFIX = re.compile(r"^(?:с|со|от|from|between|в период с)\s+")
_RANGE_SEP = re.compile(r"\s*(?:-|\bпо\b|\bдо\b|\bto\b|\band\b|\buntil\b|\btill\b)\s*")
_DAY_MONTH = re.compile(r"\d{1,2}[./]\d{1,2}")


def parse_date_range(
    text: str, *, min_year: int = 1900, max_year: int | None = None, approximate: bool = False
) -> tuple[PartialDate, PartialDate]:
    """Read "2023–2024", "с марта по май 2023", "between March and May 2023".

    A single date gives (date, date). The start may borrow the year (and month) of the end:
    "14–20.03.2023", "с 14 по 20 марта 2023". Periods in words: a decade ("1980-е", "1980s":
    1980…1989), a season ("весна 1985": 1985-03…1985-05; winter is the whole year, since
    people mean either end of it). With `approximate=True` vague periods ("в начале
    1980-х" → 1980…1983, "в конце июля 2024", "late 1985") and approximate dates come back
    marked `approximate`; without it they are a `DateError` with code "approximate".
    """
    try:
        start, end = _span(text, min_year, max_year)
    except DateError as error:
        if error.code == "empty":
            raise
        first_error = error
    else:
        if (start.approximate or end.approximate) and not approximate:
            raise DateError(f"{text!r} is approximate, not a date", code="approximate")
        return start, end
    s = _RANGE_PREFIX.sub("", _clean(text))
    for sep in _RANGE_SEP.finditer(s):
        left, right = s[: sep.start()].strip(" ,"), s[sep.end() :].strip(" ,")
        if not left or not right:
            continue
        try:
            end = parse_date(right, min_year=min_year, max_year=max_year)
        except DateError:
            continue
        begin = _range_start(left, end, min_year=min_year, max_year=max_year)
        if begin is None:
            continue
        if begin.first_day() > end.last_day():
            raise DateError(f"the range {text!r} ends before it starts", code="range_order")
        return begin, end
    raise first_error


def _range_start(
    left: str, end: PartialDate, *, min_year: int, max_year: int | None
) -> PartialDate | None:
    candidates = [left, f"{left} {end.year}"]
    if _DAY_MONTH.fullmatch(left):
        candidates.append(f"{left}.{end.year}")
    if left.isdigit() and len(left) <= 2 and end.day is not None:
        candidates.append(f"{left}.{end.month}.{end.year}")
    for candidate in candidates:
        try:
            return parse_date(candidate, min_year=min_year, max_year=max_year)
        except DateError:
            continue
    return None


# --- a day and a month without a year ----------------------------------------------------
# "15 января", "15-го января", "January 15", "15.01": a relative often knows the day of the
# last call but not — or not yet — which year to write. It is a day and a month, never a
# guessed year: callers keep the text as typed.

_DAY_WORD = re.compile(r"(\d{1,2})(?:-?(?:е|го|ое|st|nd|rd|th))?\s?(?:of\s)?" + _WORD)
_WORD_DAY = re.compile(_WORD + r"\s?(\d{1,2})(?:st|nd|rd|th)?")
_DAY_DOT_MONTH = re.compile(r"(\d{1,2})\.(\d{1,2})")


def parse_day_month(text: str) -> tuple[int, int] | None:
    """(day, month) for a date written without a year, or None if `text` is not one.
    Raises `DateError` for a day the month never has ("31 апреля"); 29 February is a day."""
    s = _IN.sub("", _clean(text or ""))
    if m := _DAY_WORD.fullmatch(s):
        day, month = int(m[1]), _WORD_MONTHS.get(m[2])
    elif m := _WORD_DAY.fullmatch(s):
        day, month = int(m[2]), _WORD_MONTHS.get(m[1])
    elif m := _DAY_DOT_MONTH.fullmatch(s):
        day, month = int(m[1]), int(m[2])
    else:
        return None
    if month is None or not 1 <= month <= 12:
        return None
    if not 1 <= day <= (29 if month == 2 else _DAYS_IN_MONTH[month]):
        raise DateError(f"day {day} does not exist in month {month}", code="day_range")
    return day, month


# --- dates relative to the day they were written -----------------------------------------
# What a relative writes in a form: "вчера", "2 недели назад", "в прошлом месяце", "летом
# прошлого года", "last week"; and for a birth date an age, "около 40 лет", "40 years old".
# `relative_date` turns them into the absolute text `parse_date_range` reads, given the day
# the text was written, so the form can accept them and the registry can date them; the text
# as written is kept beside (nothing is guessed finer than the words say: "2 недели назад" is
# an approximate day, "месяц назад" an approximate month, "год назад" an approximate year).

_NUMBER_WORDS = {
    "один": 1, "одну": 1, "одна": 1, "одного": 1, "два": 2, "две": 2, "двух": 2, "три": 3,
    "трёх": 3, "трех": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8,
    "девять": 9, "десять": 10, "пару": 2, "полгода": 6,
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2,
}  # fmt: skip
_N = r"(\d{1,2}|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + r")"
_AGO = re.compile(
    rf"^(?:{_N}\s+)?(дн[еяь]й|дня|день|недел[юиь]|месяц(?:а|ев)?|год(?:а)?|лет"
    r"|days?|weeks?|months?|years?)\s+(?:назад|тому\s+назад|ago)$"
)
_AGE = re.compile(
    r"^(?:(около|примерно|приблизительно|где-?\s?то|~|about|around|approx\.?|approximately)\s*)?"
    r"(\d{1,2})\s*(?:лет|года|год|years?(?:\s+old)?|y\.?\s?o\.?)?$"
)
# A unit that says "one" without a number: "неделю назад", "a month ago" is "month ago"
_ONE_UNIT = frozenset({"день", "неделю", "месяц", "год", "day", "week", "month", "year"})
_DAYS_BACK = {"сегодня": 0, "today": 0, "вчера": 1, "yesterday": 1, "позавчера": 2}
_WEEK = {"прошлой неделе": 7, "прошлую неделю": 7, "last week": 7, "этой неделе": 0,
         "this week": 0}  # fmt: skip
_MONTHS_BACK = {"прошлом месяце": 1, "last month": 1, "этом месяце": 0, "this month": 0}
_YEARS_BACK = {"прошлом году": 1, "last year": 1, "позапрошлом году": 2, "этом году": 0,
               "this year": 0, "прошлого года": 1}  # fmt: skip
# The words beside a season: of which year ("летом прошлого года"), or the last one that has
# begun ("прошлым летом", "last summer"), or this year's ("этой весной", "this spring").
_SEASON_YEAR = {"прошлого года": "previous", "of last year": "previous",
                "этого года": "this", "this year": "this", "this": "this", "этой": "this",
                "этим": "this", "прошлым": "last", "прошлой": "last", "last": "last"}  # fmt: skip
_SEASON_NAMES = {3: "весна", 6: "лето", 9: "осень"}  # what _SEASON reads back


def _season_months(word: str) -> tuple[int, int] | None:
    """The months of a season named by `word` (from _SEASONS; winter, which straddles two
    years, is not a relative season); None for another word ("лет" in "40 лет" is years)."""
    if word in ("лет", "лета"):
        return None
    for stems, months in _SEASONS[:3]:
        if any(word.startswith(stem) for stem in stems):
            return months
    return None


def _months_back(today: dt.date, count: int) -> str:
    months = today.year * 12 + today.month - 1 - count
    return f"{months % 12 + 1:02d}.{months // 12}"


def _day(day: dt.date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def relative_date(text: str, today: dt.date, *, age: bool = False) -> str | None:
    """The absolute date text (as `parse_date_range` reads it: "28.11.2026", "около
    14.11.2026", "около 10.2026", "лето 2025", "около 1986") of a date written relative to
    `today`; None when `text` is no such expression. With `age=True` a bare age ("около 40
    лет", "40", "40 years old") is read as a birth year, approximate. Pure; no errors raised."""
    s = " ".join(fold_text(text or "").split()).strip(" .,;")
    if age and (m := _AGE.match(s)):
        years = int(m[2])
        return f"около {today.year - years}" if 14 <= years <= 90 else None
    s = re.sub(r"^(?:в|во|на|in|on)\s+", "", s)
    s = re.sub(r"^полгода\b", "6 месяцев", s)
    if s in _DAYS_BACK:
        return _day(today - dt.timedelta(days=_DAYS_BACK[s]))
    if s in _WEEK:
        return "около " + _day(today - dt.timedelta(days=_WEEK[s]))
    if s in _MONTHS_BACK:
        return _months_back(today, _MONTHS_BACK[s])
    if s in _YEARS_BACK:
        return str(today.year - _YEARS_BACK[s])
    if m := _AGO.match(s):
        unit = m[2]
        if m[1] is None and unit not in _ONE_UNIT:
            return None  # "лет назад", "days ago": how many is not said
        count = int(m[1]) if m[1] and m[1].isdigit() else _NUMBER_WORDS.get(m[1] or "", 1)
        if count == 0:
            return None
        if unit.startswith(("дн", "ден", "day")):
            return "около " + _day(today - dt.timedelta(days=count))
        if unit.startswith(("недел", "week")):
            return "около " + _day(today - dt.timedelta(weeks=count))
        if unit.startswith(("месяц", "month")):
            return "около " + _months_back(today, count)
        return f"около {today.year - count}"
    words = s.split()
    seasons = [months for w in words if (months := _season_months(w))]
    rest = " ".join(w for w in words if not _season_months(w))
    if len(seasons) != 1 or rest not in _SEASON_YEAR:
        return None
    first, last = seasons[0]
    which = _SEASON_YEAR[rest]
    if which == "previous":
        year = today.year - 1
    elif which == "this":
        year = today.year
    else:  # "прошлым летом" in July is last year's summer: the last one that has ended
        year = today.year if today.month > last else today.year - 1
    return f"{_SEASON_NAMES[first]} {year}"
