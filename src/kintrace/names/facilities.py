"""Penal facility references: "ИК-17 Мордовия", "ФКУ ИК-17 УФСИН России по Республике
Мордовия", "колония 17", "IK17 prison in Mordovia", "Penal Colony No. 17 (Mordovia)".

A reference is (type, number, region). The region comes from `find_region` on the same
text, so "УФСИН по Республике Мордовия" and "Mordovia" both give RU-MO; failing a region,
a regional centre counts too ("ИК-2 г. Екатеринбург" → RU-SVE).

Abbreviations that are also common words elsewhere ("ВК" is VKontakte, "КП" a newspaper,
"ЛПУ" any clinic, "Liu" a surname) count only when a number follows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kintrace.names.regions import find_region, fold_text, region_by_code

__all__ = [
    "FACILITY_TYPES",
    "FacilityRef",
    "find_facilities",
    "parse_facilities",
    "parse_facility",
]

# ИК penal colony, ЛИУ medical correctional institution, КП colony-settlement, СИЗО pre-trial
# detention centre, ВК juvenile colony, ЛПУ medical-prophylactic institution, ИЦ correctional
# centre.
FACILITY_TYPES = ("ИК", "ЛИУ", "КП", "СИЗО", "ВК", "ЛПУ", "ИЦ")
_LATIN = {"ИК": "IK", "ЛИУ": "LIU", "КП": "KP", "СИЗО": "SIZO", "ВК": "VK", "ЛПУ": "LPU",
          "ИЦ": "ITS", None: "?"}  # fmt: skip
REGIMES = ("общий", "строгий", "особый", "поселение")


@dataclass(frozen=True, slots=True)
class FacilityRef:
    type: str | None  # one of FACILITY_TYPES, None for "prison No. 2" and the like
    number: int | None
    region_code: str | None
    regime: str | None = None  # one of REGIMES when the text says so

    def key(self) -> str:
        """Canonical comparison key: "IK-17@RU-MO", "IK-17@?" when the region is unknown."""
        number = "?" if self.number is None else str(self.number)
        return f"{_LATIN[self.type]}-{number}@{self.region_code or '?'}"

    def label_ru(self) -> str:
        """ "ИК-17 (Республика Мордовия)"."""
        name = self.type or "учреждение"
        if self.number is not None:
            name = f"{name}-{self.number}" if self.type else f"{name} № {self.number}"
        region = region_by_code(self.region_code) if self.region_code else None
        return f"{name} ({region.name_ru})" if region else name


# Each entry: type, pattern on folded text, whether a number must follow. Order matters:
# the more specific phrase comes first ("колония-поселение" before "колония").
_W = r"[a-zа-я]*"
_SEP = r"[\s-]+"
_TYPE_PATTERNS: tuple[tuple[str | None, str, bool], ...] = (
    ("КП", rf"(?:исправительн{_W}\s+)?колони{_W}{_SEP}поселени{_W}", False),
    ("КП", rf"(?:(?:penal|prison)\s+)?colony{_SEP}settlement|settlement\s+colony", False),
    ("ВК", rf"воспитательн{_W}\s+колони{_W}", False),
    ("ВК", r"(?:juvenile|educational)\s+(?:(?:correctional|penal|educational)\s+)?colony", False),
    ("ЛИУ", rf"лечебн{_W}{_SEP}исправительн{_W}\s+учреждени{_W}", False),
    (
        "ЛИУ",
        r"(?:medical|treatment)(?:[\s-]+and)?[\s-]+correctional\s+(?:institution|facility)",
        False,
    ),
    ("ЛПУ", rf"лечебно{_SEP}профилактическ{_W}\s+учреждени{_W}", False),
    (
        "ЛПУ",
        r"medical(?:[\s-]+and)?[\s-]+(?:prophylactic|preventive)\s+(?:institution|facility)",
        False,
    ),
    ("ИЦ", rf"исправительн{_W}\s+центр{_W}", False),
    ("ИЦ", r"correctional\s+cent(?:re|er)", False),
    ("СИЗО", rf"следственн{_W}\s+изолятор{_W}", False),
    (
        "СИЗО",
        r"pre-?\s?trial\s+detention(?:\s+(?:centre|center|facility))?"
        r"|remand\s+(?:prison|centre|center)|detention\s+(?:centre|center)",
        False,
    ),
    ("ИК", rf"исправительн{_W}(?:{_SEP}трудов{_W})?\s+колони{_W}", False),
    (
        "ИК",
        r"(?:penal|prison|correctional|corrective|penitentiary|labou?r)"
        r"(?:\s+labou?r)?\s+colony",
        False,
    ),
    ("ИК", rf"колони{_W}", False),
    ("ИК", r"colony", True),
    ("ИК", r"ик|итк", False),
    ("ИК", r"ik", True),
    ("ЛИУ", r"лиу", False),
    ("ЛИУ", r"liu", True),
    ("СИЗО", r"сизо|sizo", False),
    ("КП", r"кп|kp", True),
    ("ВК", r"вк|vk", True),
    ("ЛПУ", r"лпу|lpu", True),
    ("ИЦ", r"иц", True),
    ("ИЦ", r"(?:its|ic)(?=-?\d)", True),  # "ITs-1", not "its 17 buildings"
    (None, r"тюрьм[а-я]*|prison", True),
)
_REGIME_WORDS = r"(?:общ|строг|особ|усилен)[а-я]*\s+режим[а-я]*"
_NUMBER = (
    rf"(?:\s+{_REGIME_WORDS})?"  # "колония строгого режима № 17"
    r"\s*(?:-|№|n|no\.?|nr\.?|#|номер)?\s*(?:№\s*)?"
    # not a date or time ("ИК-17.07", "17:30"); a dot that ends the sentence ("ИК-17.") is fine
    r"(?P<n{i}>\d{{1,3}})(?![\d:/]|\.\d)"
)
# The first letters of every pattern above: a cheap test that spares the alternation at
# most positions of the text (five times faster on a typical official reply).
_FIRST_LETTERS = r"(?=[иквлст]|[pcjemtrdlsikv])"
_BOUNDARY_BEFORE = r"(?<![a-zа-я0-9])"
_BOUNDARY_AFTER = r"(?![a-zа-я])"
_ALTERNATIVES = "|".join(
    rf"(?P<t{i}>{pattern}){_BOUNDARY_AFTER}(?:{_NUMBER.format(i=i)})?"
    for i, (_, pattern, _) in enumerate(_TYPE_PATTERNS)
)
_FINDER = re.compile(f"{_FIRST_LETTERS}{_BOUNDARY_BEFORE}(?:{_ALTERNATIVES})")

# "17-я колония", "в 17-й колонии": the number said before the type.
_ORDINAL_BEFORE = re.compile(r"(?<![\d.:/])(\d{1,3})(?:-?(?:я|й|ая|ой|ую|ю|ий|го|ого|м|ом))?\s+$")
_REGIME = re.compile(
    r"(общ|строг|особ)[а-я]*\s+режим|(general|strict|special|high[\s-]security)\s+regime"
)
_REGIME_NAMES = {"общ": "общий", "строг": "строгий", "особ": "особый", "general": "общий",
                 "strict": "строгий", "special": "особый", "high security": "строгий",
                 "high-security": "строгий"}  # fmt: skip


def _type_and_number(text: str) -> list[tuple[str | None, int | None]]:
    return [(kind, number) for _, _, kind, number in _mentions(text)]


def _mentions(text: str) -> list[tuple[int, int, str | None, int | None]]:
    found = []
    for m in _FINDER.finditer(text):
        i = next(i for i, v in enumerate(m.groups()) if v is not None) // 2
        kind, _, needs_number = _TYPE_PATTERNS[i]
        digits = m[f"n{i}"]
        number = int(digits) if digits else None
        start = m.start()
        if number is None and not needs_number:
            before = _ORDINAL_BEFORE.search(text, 0, m.start())
            if before:
                number = int(before[1])
                start = before.start()
        if number == 0:
            number = None
        if number is None and needs_number:
            continue
        found.append((start, m.end(), kind, number))
    return found


def find_facilities(text: str) -> list[tuple[int, int, FacilityRef]]:
    """Every facility mention as (start, end, reference), str indices of `text`, in order.
    The reference has no region: the caller looks for one around the mention."""
    folded = fold_text(text)
    if len(folded) != len(text):  # a letter that folds to two ("ß"): no spans
        return []
    return [
        (start, end, FacilityRef(kind, number, None, _regime(folded[start:end], kind)))
        for start, end, kind, number in _mentions(folded)
    ]


def _regime(text: str, kind: str | None) -> str | None:
    if kind == "КП":
        return "поселение"
    m = _REGIME.search(text)
    if not m:
        return None
    return _REGIME_NAMES[m[1] or m[2]]


@lru_cache(maxsize=1 << 16)
def parse_facilities(text: str) -> tuple[FacilityRef, ...]:
    """Every facility mentioned in the text, in order; all share the text's region."""
    folded = fold_text(text)
    refs = _type_and_number(folded)
    if not refs:
        return ()
    region = find_region(text, centres=True)
    code = region.code if region else None
    return tuple(FacilityRef(kind, number, code, _regime(folded, kind)) for kind, number in refs)


def parse_facility(text: str) -> FacilityRef | None:
    """The first facility mentioned in the text, or None when none is recognised."""
    refs = parse_facilities(text)
    return refs[0] if refs else None
