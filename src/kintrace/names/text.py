"""Low-level text clean-up for names: Unicode, whitespace, punctuation, scripts, look-alikes.

Plain Python, no Django. Everything here is deterministic and cheap; the token-level
helpers are cached because a million records hold few distinct tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["clean", "detect_script", "fix_lookalikes", "fold", "is_cyrillic_char", "is_latin_char"]

# Quotes, apostrophes and dashes people type or paste. Apostrophes stay (they can be a
# transliterated soft sign: Il'ich); dashes become a plain hyphen (hyphenated surnames).
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {
    ord("\u2018"): "'", ord("\u2019"): "'", ord("`"): "'", ord("\u02bc"): "'", ord("\u00b4"): "'",
    ord("\u201c"): '"', ord("\u201d"): '"', ord("\u00ab"): '"', ord("\u00bb"): '"',
    ord("\u201e"): '"',
}
_TABLE = {
    **_DASHES, **_QUOTES,
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None),  # zero-width, soft hyphen
    # Tie marks joining two letters (ALA-LC writes ц as t͡s): they would split the word.
    **dict.fromkeys(map(ord, "\u0360\u0361\ufe20\ufe21\ufe22\ufe23"), None),
}
_SPECIAL_RE = re.compile("[" + "".join(map(chr, _TABLE)) + "]")


def clean(text: str) -> str:
    """NFC-normalise, unify dashes and quotes, collapse whitespace and trim.

    Letters are left as they are (case, ё, look-alikes are the caller's business:
    see :func:`fold` and :func:`fix_lookalikes`). Non-breaking and other Unicode spaces
    become one ASCII space; zero-width characters, soft hyphens and letter-tie marks
    (ALA-LC's t͡s) are dropped; typographic apostrophes and the backtick (GOST 7.79's
    soft sign) become "'".
    """
    if not text:
        return ""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _SPECIAL_RE.search(text):  # str.translate is slow on non-ASCII text: only when needed
        text = text.translate(_TABLE)
    return " ".join(text.split())


def fold(text: str) -> str:
    """Case- and ё-insensitive form of a string: casefold and ё→е (for comparisons only)."""
    return text.casefold().replace("ё", "е")


def is_cyrillic_char(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff" or "\u0500" <= ch <= "\u052f"


def is_latin_char(ch: str) -> bool:
    if ("a" <= ch <= "z") or ("A" <= ch <= "Z"):
        return True
    return "\u00c0" <= ch <= "\u024f" and ch not in "\u00d7\u00f7"


def detect_script(text: str) -> str:
    """"cyrillic", "latin", "mixed" (letters of both), or "" when there are no letters."""
    cyr = lat = False
    for ch in text:
        if is_cyrillic_char(ch):
            cyr = True
        elif is_latin_char(ch):
            lat = True
        if cyr and lat:
            return "mixed"
    return "cyrillic" if cyr else "latin" if lat else ""


# Latin letters that look like Cyrillic ones (and back). Lower-case "y" is taken as у
# (they are drawn alike); upper-case Y is not (it looks like У only in some fonts, but a
# Latin word with Y is far more often a real Y).
_LAT_TO_CYR = {
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О",
    "P": "Р", "T": "Т", "X": "Х", "Y": "У",
    "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "k": "к",
    "\u00eb": "ё", "\u00cb": "Ё",
}
_CYR_TO_LAT = {
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Т": "T", "Х": "X", "У": "Y",
    "а": "a", "с": "c", "е": "e", "о": "o", "р": "p", "х": "x", "у": "y", "к": "k",
    "і": "i", "І": "I", "ј": "j", "Ј": "J",
}
# Digits typed for letters inside a Cyrillic word ("Иван0в", "3айцев").
_DIGIT_TO_CYR = {"0": "о", "3": "з"}
_LATIN_ONLY_ASCII_RE = re.compile(
    "[" + "".join(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  if c not in _LAT_TO_CYR) + "]"
)
_LATIN_LETTER_RE = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_CYRILLIC_ONLY_RE = re.compile(
    "(?![" + "".join(c for c in _CYR_TO_LAT if is_cyrillic_char(c)) + "])[\u0400-\u052f]"
)


@lru_cache(maxsize=262144)
def fix_lookalikes(word: str, prefer: str = "") -> str:
    """Replace look-alike letters of the other script inside one word.

    A word whose letters that exist in only one script are all Cyrillic ("Иванoв" with a
    Latin o) gets its Latin look-alikes turned into Cyrillic, and the other way round
    ("Ivаnov" with a Cyrillic а). A word made only of letters that exist in both scripts
    ("ОРЕХ", "PETROV" is not one: R, V are Latin-only) follows ``prefer`` ("cyrillic" or
    "latin", the script of the surrounding text); without it, it is left alone. A word with
    letters unique to both scripts is converted toward the side that has more of them.
    """
    if not word:
        return word
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
        target = "cyrillic"
    elif lat_only and lat_only > cyr_only:
        target = "latin"
    else:
        target = prefer
    if target == "cyrillic":
        out = "".join(_LAT_TO_CYR.get(ch, ch) for ch in word)
        if any(d in out for d in _DIGIT_TO_CYR) and any(is_cyrillic_char(c) for c in out):
            out = "".join(_DIGIT_TO_CYR.get(ch, ch) for ch in out)
        return out
    if target == "latin":
        return "".join(_CYR_TO_LAT.get(ch, ch) for ch in word)
    return word
