"""Comparison keys: :func:`name_key` of one token, and the part keys (female surname and
patronymic forms folded to the male ones).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kintrace.names.lookalikes import fix_lookalikes
from kintrace.names.text import clean, detect_script, fold
from kintrace.names.translit import cyrillic_key, to_cyrillic

_FEMALE_SURNAME = [
    # An adjectival surname the dictionary does not know stays in the case the text used
    # ("Давидовского Валерия"): the key folds every case of -ский/-цкий to it
    (re.compile(r"(ск|цк)(?:ого|ому|им|ым|ом|ой|ую)$"), r"\1ий"),
    # and an unknown -ович surname ("Рабиновича Михаила")
    (re.compile(r"(ович|евич|ёвич)(?:а|у|ем|е)$"), r"\1"),
    # Adjectival surnames, either sex: -ый, -ий, -ой, -ая, -яя are one ending (Белый = Белая,
    # Лановой = Лановая, Задорожний = Задорожняя; so Трубецкой = Трубецкий, as the woman's
    # Трубецкая cannot tell them apart). Three letters of stem at least: Цой is no adjective.
    (re.compile(r"(?<=[а-яё]{3})(?:ый|ой|ая|яя)$"), "ий"),
]
# A woman's -ова/-ева/-ина/-ына is the man's -ов/-ин; a man's -ова is his own (Голова)
_FEMALE_POSSESSIVE = re.compile(r"([оеё]в|[иы]н)а$")
_FEMALE_PATRONYMIC = [
    (re.compile(r"иничн?а$"), "ич"),
    (re.compile(r"(ов|ев|ёв)на$"), r"\1ич"),
    (re.compile(r"ична$"), "ич"),
]


def _fold_surname(cyr: str, sex: str | None = None) -> str:
    parts = []
    for part in cyr.split("-"):
        for rx, rep in _FEMALE_SURNAME:
            new = rx.sub(rep, part)
            if new != part:
                part = new
                break
        else:
            if sex != "m":
                part = _FEMALE_POSSESSIVE.sub(r"\1", part)
        parts.append(part)
    return "-".join(parts)


def _male_patronymic(cyr: str) -> str:
    for rx, rep in _FEMALE_PATRONYMIC:
        new = rx.sub(rep, cyr)
        if new != cyr:
            return new
    return cyr


@lru_cache(maxsize=524288)
def name_key(token: str) -> str:
    """ASCII comparison key of one name token in any script (no gender or case folding)."""
    token = clean(token)
    if not token:
        return ""
    fixed = fix_lookalikes(token)
    if detect_script(fixed) == "cyrl":
        return cyrillic_key(fixed)
    keys = (cyrillic_key(to_cyrillic(part)) for part in fixed.lower().split("-"))
    return "-".join(k for k in keys if k)


@lru_cache(maxsize=524288)
def _surname_key(cyr: str, sex: str | None = None) -> str:
    """Key of a surname in the nominative: a woman's form folded to the man's (when the sex
    is "m", an -ова/-ина surname is his own: Голова)."""
    return cyrillic_key(_fold_surname(fold(cyr), sex))


def surname_key(surname: str) -> str:
    """Key of a surname in the nominative, in any script, as :class:`ParsedName` gives it
    (the man's and the woman's forms alike; Latin read as Cyrillic first)."""
    token = clean(surname)
    if not token:
        return ""
    fixed = fix_lookalikes(token)
    if detect_script(fixed) != "cyrl":
        fixed = "-".join(to_cyrillic(part) for part in fixed.lower().split("-"))
    return _surname_key(fixed)


@lru_cache(maxsize=524288)
def _patronymic_key(cyr: str) -> str:
    return cyrillic_key(_male_patronymic(fold(cyr)))


@lru_cache(maxsize=262144)
def _title(cyr: str) -> str:
    return "-".join(p[:1].upper() + p[1:] for p in cyr.split("-"))
