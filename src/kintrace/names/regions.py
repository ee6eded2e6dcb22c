"""Gazetteer of Russian federal subjects and occupied Ukrainian regions, and finding them in text.

The data lives in `data/regions.csv` (the source of truth; its Russian case forms were
generated once with pymorphy3 and are edited by hand since). It holds the 83 subjects Russia
counted before 2014 under their ISO 3166-2:RU codes, and Crimea, Sevastopol, Donetsk,
Luhansk, Zaporizhzhia and Kherson under their ISO 3166-2:UA codes, with kind "ua_occupied".

Matching is on word tokens, so "Тула" never matches inside "Тулаев", and the longest
phrase wins: "Moscow Oblast" is RU-MOS, "Moscow" alone RU-MOW, "Ямало-Ненецкий" RU-YAN
rather than "Ненецкий" RU-NEN.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from kintrace.names.lookalikes import fix_lookalikes
from kintrace.names.text import fold

__all__ = [
    "REGIONS",
    "Region",
    "find_region",
    "find_regions",
    "fold_text",
    "normalise_region",
    "region_by_code",
    "tokens",
]


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # ISO 3166-2, e.g. "RU-MO", "UA-14"
    kind: str  # "ru_subject" or "ua_occupied"
    name_ru: str
    short_ru: str
    name_en: str
    federal_district: str  # empty for the occupied Ukrainian regions
    lat: float  # the administrative centre, a point for maps
    lon: float
    forms: tuple[str, ...]  # how the region is written in Russian and English text
    centre_ru: str = ""  # the administrative centre
    # The centre as written in text; a city is not its region, so only facilities use these
    # ("ИК-2 г. Екатеринбург"). Names that are also first names or surnames ("Владимир",
    # "Иванова") appear only after "г."/"город".
    centre_forms: tuple[str, ...] = ()


# --- text folding for matching ---------------------------------------------------------

_HAS_CYR = re.compile(r"[а-я]")
_HAS_LAT = re.compile(r"[a-z]")
_MIXED_WORD = re.compile(r"[a-zа-я]*(?:[a-z][а-я]|[а-я][a-z])[a-zа-я]*")


def _unmix(match: re.Match[str]) -> str:
    return fix_lookalikes(match[0])


def fold_text(text: str) -> str:
    """`text.fold` (case, ё) plus one kind of dash, and look-alike letters of the other
    script inside a word put right ("ИK-17" with a Latin K, "Mоrdovia" with a Cyrillic о)."""
    # str.replace chains: str.translate with a dict is ten times slower on Cyrillic text.
    text = (
        fold(text)
        .replace("–", "-")
        .replace("—", "-")
        .replace("‒", "-")
        .replace("−", "-")
        .replace("\u00a0", " ")
    )
    if _HAS_CYR.search(text) and _HAS_LAT.search(text):
        text = _MIXED_WORD.sub(_unmix, text)
    return text


_TOKEN = re.compile(r"[0-9a-zа-я]+")


def tokens(text: str) -> list[str]:
    """Word tokens of folded text; hyphens, dots and apostrophes separate words."""
    return _TOKEN.findall(fold_text(text))


# --- loading ---------------------------------------------------------------------------


def _load() -> tuple[Region, ...]:
    path = files("kintrace.names").joinpath("data/regions.csv")
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as f:
        return tuple(
            Region(
                code=row["code"],
                kind=row["kind"],
                name_ru=row["name_ru"],
                short_ru=row["short_ru"],
                name_en=row["name_en"],
                federal_district=row["federal_district"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                forms=tuple(
                    f for column in ("forms_ru", "forms_en") for f in row[column].split("|") if f
                ),
                centre_ru=row["centre_ru"],
                centre_forms=tuple(f for f in row["centre_forms"].split("|") if f),
            )
            for row in csv.DictReader(f)
        )


REGIONS: tuple[Region, ...] = _load()
_BY_CODE = {r.code: r for r in REGIONS}


_Index = tuple[dict[tuple[str, ...], Region], dict[str, int]]


def _index(centres: bool) -> _Index:
    phrases: dict[tuple[str, ...], Region] = {}
    for region in REGIONS:
        names = (
            region.centre_forms
            if centres
            else (region.name_ru, region.short_ru, region.name_en, *region.forms)
        )
        for form in names:
            key = tuple(tokens(form))
            other = phrases.setdefault(key, region)
            if other is not region:
                raise ValueError(f"{form!r} names both {other.code} and {region.code}")
    longest: dict[str, int] = {}
    for key in phrases:
        longest[key[0]] = max(longest.get(key[0], 0), len(key))
    return phrases, longest


_REGION_INDEX = _index(centres=False)
_CENTRE_INDEX = _index(centres=True)


def region_by_code(code: str) -> Region | None:
    return _BY_CODE.get(code.strip().upper())


def _matches(words: list[str], index: _Index) -> list[tuple[int, int, Region]]:
    """Leftmost-longest, non-overlapping matches as (start, length, region)."""
    phrases, longest_from = index
    found = []
    i, n = 0, len(words)
    while i < n:
        longest = longest_from.get(words[i], 0)
        for length in range(min(longest, n - i), 0, -1):
            region = phrases.get(tuple(words[i : i + length]))
            if region is not None:
                found.append((i, length, region))
                i += length
                break
        else:
            i += 1
    return found


@lru_cache(maxsize=1 << 16)
def find_region(text: str, *, centres: bool = False) -> Region | None:
    """The region named anywhere in the text; the longest mention wins, then the first.

    With `centres`, a text that names no region may still name its administrative centre
    ("СИЗО-1 г. Екатеринбурга" → RU-SVE).
    """
    words = tokens(text)
    found = _matches(words, _REGION_INDEX)
    if not found and centres:
        found = _matches(words, _CENTRE_INDEX)
    if not found:
        return None
    return max(found, key=lambda m: (m[1], -m[0]))[2]


def find_regions(text: str, *, centres: bool = False) -> list[tuple[int, int, Region]]:
    """Every region named in the text as (start, end, region), str indices of `text`,
    leftmost-longest and in order; with `centres`, administrative centres too (a city is
    not its region: the caller decides what such a mention means)."""
    folded = fold_text(text)
    if len(folded) != len(text):  # a letter that folds to two ("ß"): no spans
        return []
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(folded)]
    words = [folded[a:b] for a, b in spans]
    found = _matches(words, _CENTRE_INDEX if centres else _REGION_INDEX)
    return [(spans[i][0], spans[i + n - 1][1], region) for i, n, region in found]


_CODE = re.compile(r"(?:ru|ua)-[a-z0-9]{2,3}")


def normalise_region(text: str) -> str | None:
    """The ISO code for a free-text region field ("Респ. Мордовия", "RU-MO"), else None."""
    cleaned = text.strip().lower()
    if _CODE.fullmatch(cleaned):
        region = region_by_code(cleaned)
        return region.code if region else None
    region = find_region(text)
    return region.code if region else None
