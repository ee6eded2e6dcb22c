"""Paragraphs and their language: Russian or English by the letters they are written in."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

__all__ = ["detect_language", "paragraphs", "sentence_around", "sentences"]

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*")
_CYR = re.compile(r"[а-яёА-ЯЁіїєґІЇЄҐ]")
_LAT = re.compile(r"[a-zA-Z]")


def detect_language(text: str, default: str = "ru") -> str:
    """ "ru" when Cyrillic letters are at least a third of the letters, "en" when Latin
    letters are the rest; `default` for a text without letters. Ukrainian counts as Russian
    (the same rules and models read it best)."""
    cyr = len(_CYR.findall(text))
    lat = len(_LAT.findall(text))
    if cyr == lat == 0:
        return default
    return "ru" if cyr * 2 >= lat else "en"


def paragraphs(text: str, lang: str = "auto") -> list[tuple[int, int, str]]:
    """(start, end, language) for each paragraph (text between blank lines), in order.
    `lang` "ru" or "en" sets every paragraph's language; "auto" detects each one, a
    paragraph without letters taking the whole text's language."""
    whole = detect_language(text) if lang == "auto" else lang
    out = []
    for m in _PARAGRAPH.finditer(text):
        if not m[0].strip():
            continue
        out.append((m.start(), m.end(), detect_language(m[0], whole) if lang == "auto" else lang))
    return out


_SENTENCE = re.compile(
    r"[^.!?\n]+(?:\.(?=[\d\s]*\d)[^.!?\n]*|\.(?=\s*[a-zа-яё(])[^.!?\n]*)*[.!?…]*"
)


@lru_cache(maxsize=64)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence: text up to . ! ? or a line break; a dot inside a
    number ("100.000"), before a number ("No. 5") or before a lower-case word ("г. Москва")
    does not end one."""
    return tuple((m.start(), m.end()) for m in _SENTENCE.finditer(text) if m[0].strip())


@lru_cache(maxsize=64)
def _starts(text: str) -> list[int]:
    return [a for a, _ in sentences(text)]


def sentence_around(text: str, at: int) -> tuple[int, int]:
    """(start, end) of the sentence holding position `at`, else the whole text."""
    found = sentences(text)
    i = bisect_right(_starts(text), at) - 1
    if i >= 0 and found[i][0] <= at < found[i][1]:
        return found[i]
    return 0, len(text)
