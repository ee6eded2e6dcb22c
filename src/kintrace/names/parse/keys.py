"""Comparison keys: :func:`name_key` of one token, and the part keys (female surname and
patronymic forms folded to the male ones).
"""

from __future__ import annotations

import re
from functools import lru_cache

from kintrace.names.text import clean, detect_script, fix_lookalikes, fold
from kintrace.names.translit import cyrillic_key, to_cyrillic

_FEMALE_SURNAME = [
    (re.compile(r"(ск|цк)ая$"), r"\1ий"),
    # An adjectival surname the dictionary does not know stays in the case the text used
    # ("Давидовского Валерия"): the key folds every case of -ский/-цкий to it
    (re.compile(r"(ск|цк)(?:ого|ому|им|ым|ом|ой|ую)$"), r"\1ий"),
    # and an unknown -ович surname ("Рабиновича Михаила")
    (re.compile(r"(ович|евич|ёвич)(?:а|у|ем|е)$"), r"\1"),
    (re.compile(r"([оеё]в|[иы]н)а$"), r"\1"),
    (re.compile(r"ая$"), "ой"),
]
_FEMALE_PATRONYMIC = [
    (re.compile(r"иничн?а$"), "ич"),
    (re.compile(r"(ов|ев|ёв)на$"), r"\1ич"),
    (re.compile(r"ична$"), "ич"),
]


def _fold_surname(cyr: str) -> str:
    parts = []
    for part in cyr.split("-"):
        for rx, rep in _FEMALE_SURNAME:
            new = rx.sub(rep, part)
            if new != part:
                part = new
                break
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
    if detect_script(fixed) == "cyrillic":
        return cyrillic_key(fixed)
    keys = (cyrillic_key(to_cyrillic(part)) for part in fixed.lower().split("-"))
    return "-".join(k for k in keys if k)


@lru_cache(maxsize=524288)
def _surname_key(cyr: str) -> str:
    return cyrillic_key(_fold_surname(fold(cyr)))


@lru_cache(maxsize=524288)
def _patronymic_key(cyr: str) -> str:
    return cyrillic_key(_male_patronymic(fold(cyr)))


@lru_cache(maxsize=262144)
def _title(cyr: str) -> str:
    return "-".join(p[:1].upper() + p[1:] for p in cyr.split("-"))
