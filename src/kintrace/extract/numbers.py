"""Numbers written in words or digits: "двести тысяч", "пятьдесят", "полтора миллиона",
"fifty", "two hundred thousand", "100.000", "1 600", "5,5 млн", "1,600".

PyPI's `number-parser` (0.3.2, 2023) was considered: it is not in the lock, and its Russian
reads only nominative forms, while messages write "двухсот", "пятидесяти заключённых".
So Russian words are reduced to their lemma with pymorphy3 (the analyser `kintrace.names`
already loads) and summed the usual way; English words come from a table.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kintrace.names.morph import morph

__all__ = ["NUMBER", "lemmas", "parse_digits", "parse_number_words"]

_RU_UNITS = {
    "ноль": 0, "один": 1, "два": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7,
    "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11, "двенадцать": 12,
    "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15, "шестнадцать": 16,
    "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19, "двадцать": 20, "тридцать": 30,
    "сорок": 40, "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70, "восемьдесят": 80,
    "девяносто": 90, "сто": 100, "двести": 200, "триста": 300, "четыреста": 400,
    "пятьсот": 500, "шестьсот": 600, "семьсот": 700, "восемьсот": 800, "девятьсот": 900,
    "полтора": 1.5, "полторы": 1.5, "пара": 2, "десяток": 10, "сотня": 100,
    "двое": 2, "трое": 3, "четверо": 4, "пятеро": 5, "шестеро": 6, "семеро": 7,
}  # fmt: skip
_RU_SCALES = {"тысяча": 1000, "тыс": 1000, "миллион": 10**6, "млн": 10**6,
              "миллиард": 10**9, "млрд": 10**9}  # fmt: skip
_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "a": 1,
}  # fmt: skip
_EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9,
              "k": 1000, "m": 10**6, "mln": 10**6, "bn": 10**9}  # fmt: skip

# Digits with thousands separators (space, dot, comma, thin space) or a decimal part.
NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?![\d])|\d+(?:[.,]\d+)?"


def parse_digits(text: str) -> float:
    """ "100.000" → 100000, "1,600" → 1600, "1 600" → 1600, "5,5" → 5.5, "2.5" → 2.5.
    A dot or comma followed by exactly three digits is a thousands separator.
    Raises ValueError for text that is not such a number."""
    t = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    if re.fullmatch(r"\d{1,3}(?:[ .,]\d{3})+", t):
        return float(re.sub(r"[ .,]", "", t))
    return float(t.replace(",", ".").replace(" ", ""))


@lru_cache(maxsize=4096)
def _ru_lemma(word: str) -> str:
    w = word.lower().replace("ё", "е").rstrip(".")
    if w in _RU_UNITS or w in _RU_SCALES:
        return w
    for p in morph().parse(w):
        if p.normal_form in _RU_UNITS or p.normal_form in _RU_SCALES:
            return str(p.normal_form)
    return w


def _value(word: str, lang: str) -> tuple[str, float] | None:
    """("unit" | "scale", value) for one word, or None."""
    if lang == "ru":
        lemma = _ru_lemma(word)
        if lemma in _RU_UNITS:
            return "unit", _RU_UNITS[lemma]
        if lemma in _RU_SCALES:
            return "scale", _RU_SCALES[lemma]
        return None
    w = word.lower().rstrip(".")
    if w in _EN_UNITS:
        return "unit", _EN_UNITS[w]
    if w in _EN_SCALES:
        return "scale", _EN_SCALES[w]
    return None


def parse_number_words(words: list[str], lang: str) -> tuple[float, int] | None:
    """The number the leading words say and how many words it took, or None.
    Digits may start the phrase ("5 млн", "200 thousand"); "and" joins English parts."""
    total = 0.0
    current = 0.0
    used = 0
    seen = False
    for i, word in enumerate(words):
        if re.fullmatch(NUMBER, word) and not seen:
            current = parse_digits(word)
            seen = True
            used = i + 1
            continue
        if lang == "en" and word.lower() == "and" and seen:
            continue
        kind_value = _value(word, lang)
        if kind_value is None:
            break
        kind, value = kind_value
        if lang == "en" and word.lower() == "a" and i + 1 < len(words):
            nxt = _value(words[i + 1], lang)
            if nxt is None or nxt[0] != "scale":
                break
        if kind == "unit":
            current += value
        elif value == 100:
            current = (current or 1) * 100
        else:
            total += (current or 1) * value
            current = 0
        seen = True
        used = i + 1
    if not seen:
        return None
    return total + current, used


def lemmas(text: str) -> str:
    """The text's Russian words in their dictionary form ("Ростовскую область" →
    "ростовский область"), for gazetteers that list the nominative and a few cases."""
    return " ".join(str(morph().parse(w)[0].normal_form) for w in re.findall(r"[\w-]+", text))
