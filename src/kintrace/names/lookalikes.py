"""Look-alike letters of the other script inside a name word ("Иванoв", "IBAHOB").

Where the letters alone do not decide, the name tables do (surname counts, the given-name
spellings, the dictionary), so this sits above :mod:`kintrace.names.known`,
:mod:`kintrace.names.morph` and :mod:`kintrace.names.spelling`, and below the given-name table.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kintrace.names.known import is_exact_given_form, surname_count
from kintrace.names.morph import is_known_name_word
from kintrace.names.spelling import to_cyrillic_candidates
from kintrace.names.text import Preference, detect_script, is_cyrillic_char, is_latin_char

__all__ = ["fix_lookalikes"]

# Latin letters that look like Cyrillic ones (and back). Lower-case "y" is taken as у
# (they are drawn alike); upper-case Y is not (it looks like У only in some fonts, but a
# Latin word with Y is far more often a real Y).
_LAT_TO_CYR = {
    "A": "А",
    "B": "В",
    "C": "С",
    "E": "Е",
    "H": "Н",
    "K": "К",
    "M": "М",
    "O": "О",
    "P": "Р",
    "T": "Т",
    "X": "Х",
    "Y": "У",
    "a": "а",
    "c": "с",
    "e": "е",
    "o": "о",
    "p": "р",
    "x": "х",
    "y": "у",
    "k": "к",
    "\u00eb": "ё",
    "\u00cb": "Ё",
}
_CYR_TO_LAT = {
    "А": "A",
    "В": "B",
    "С": "C",
    "Е": "E",
    "Н": "H",
    "К": "K",
    "М": "M",
    "О": "O",
    "Р": "P",
    "Т": "T",
    "Х": "X",
    "У": "Y",
    "а": "a",
    "с": "c",
    "е": "e",
    "о": "o",
    "р": "p",
    "х": "x",
    "у": "y",
    "к": "k",
    "і": "i",
    "І": "I",
    "ј": "j",
    "Ј": "J",
}
# Digits typed for letters inside a Cyrillic word ("Иван0в", "3айцев").
_DIGIT_TO_CYR = {"0": "о", "3": "з"}
_LATIN_ONLY_ASCII_RE = re.compile(
    "["
    + "".join(
        c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in _LAT_TO_CYR
    )
    + "]"
)
# Weaker look-alikes, used only when the dictionary says the Cyrillic reading is a name and
# the Latin one is not: Latin I for И (the Ukrainian І key; "IBAHOB"), and the lower-case
# forms of the capitals above (b h m t: "Пetpob" typed by the capitals' shapes).
_WEAK_TO_CYR = {"I": "И", "i": "и", "b": "в", "h": "н", "m": "м", "t": "т"}
_ANY_TO_CYR = {**_LAT_TO_CYR, **_WEAK_TO_CYR}
_NOT_LOOKALIKE_ASCII_RE = re.compile(
    "["
    + "".join(
        c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in _ANY_TO_CYR
    )
    + "]"
)
_LATIN_LETTER_RE = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_CYRILLIC_ONLY_RE = re.compile(
    "(?![" + "".join(c for c in _CYR_TO_LAT if is_cyrillic_char(c)) + "])[\u0400-\u052f]"
)


@lru_cache(maxsize=262144)
def fix_lookalikes(word: str, prefer: Preference = "") -> str:
    """Replace look-alike letters of the other script inside one word.

    A word whose letters that exist in only one script are all Cyrillic ("Иванoв" with a
    Latin o) gets its Latin look-alikes turned into Cyrillic, and the other way round
    ("Ivаnov" with a Cyrillic а). A word made only of letters that exist in both scripts
    ("ОРЕХ", "PETROV" is not one: R, V are Latin-only) follows ``prefer`` ("cyrl" or
    "latn", the script of the surrounding text); without it, the dictionary decides (below),
    else it is left alone. A word with letters unique to both scripts is converted toward
    the side that has more of them.

    The dictionary decides a word typed in Latin look-alikes, weak ones included (Latin I
    for И, lower-case b h m t for в н м т): "IBAHOB" is ИВАНОВ and "Пetpob" is Петров when
    the Cyrillic reading is a known name (pymorphy3, surname counts, given-name table) and
    the Latin reading is not ("NIKITA", "TOM", "MAX" stay Latin). A Cyrillic word of
    shared letters with ``prefer`` "latn" keeps following it.
    """
    if not word:
        return word
    fixed = _fix_by_letters(word, prefer)
    if fixed.isascii() and _NOT_LOOKALIKE_ASCII_RE.search(fixed):
        return fixed  # a Latin-only letter with no look-alike: a Latin word (most words)
    script = detect_script(fixed)
    if script == "cyrl" or (prefer == "latn" and detect_script(word) == "cyrl"):
        return fixed  # a Cyrillic word of shared letters in Latin text follows the text
    # A word with a Cyrillic letter may have any look-alike; a Latin one is read as
    # look-alikes only in capitals (how such text is typed), weak I included.
    table = _ANY_TO_CYR if script == "mixed" else _CAPITALS_TO_CYR
    if script == "latn" and not fixed.isupper():
        return fixed
    if any(is_latin_char(ch) and ch not in table for ch in fixed):
        return fixed  # a Latin letter with no Cyrillic look-alike (é, R, V, N)
    cyrillic = "".join(table.get(ch, ch) for ch in fixed)
    if _is_name(cyrillic.lower()) and not _is_latin_name(fixed):
        if "0" in cyrillic or "3" in cyrillic:
            cyrillic = "".join(_DIGIT_TO_CYR.get(ch, ch) for ch in cyrillic)
        return cyrillic
    return fixed


_CAPITALS_TO_CYR = {k: v for k, v in _ANY_TO_CYR.items() if k.isupper()}


def _is_name(cyrillic_lower: str) -> bool:
    word = cyrillic_lower.replace("і", "и")
    return bool(surname_count(word) or is_exact_given_form(word) or is_known_name_word(word))


def _is_latin_name(latin: str) -> bool:
    return any(_is_name(c) for c in to_cyrillic_candidates(latin.lower())[:4])


def _fix_by_letters(word: str, prefer: Preference) -> str:
    # Fast answers for the usual words (same result as the count below): plain ASCII with a
    # Latin-only letter is Latin already; a word with no Latin letter and a Cyrillic-only one
    # only needs its digits read.
    if word.isascii():
        if _LATIN_ONLY_ASCII_RE.search(word):
            return word
    elif _LATIN_LETTER_RE.search(word) is None and _CYRILLIC_ONLY_RE.search(word):
        if "0" in word or "3" in word:
            return "".join(_DIGIT_TO_CYR.get(ch, ch) for ch in word)
        return word
    cyr_only = lat_only = 0
    for ch in word:
        if is_cyrillic_char(ch):
            if ch not in _CYR_TO_LAT:
                cyr_only += 1
        elif is_latin_char(ch):
            if ch not in _LAT_TO_CYR:
                lat_only += 1
    if cyr_only and cyr_only >= lat_only:
        target = "cyrl"
    elif lat_only and lat_only > cyr_only:
        target = "latn"
    else:
        target = prefer
    if target == "cyrl":
        out = "".join(_LAT_TO_CYR.get(ch, ch) for ch in word)
        if any(d in out for d in _DIGIT_TO_CYR) and any(is_cyrillic_char(c) for c in out):
            out = "".join(_DIGIT_TO_CYR.get(ch, ch) for ch in out)
        return out
    if target == "latn":
        return "".join(_CYR_TO_LAT.get(ch, ch) for ch in word)
    return word
