"""Initials are letters of a script, not the first letter of an ASCII key.

The comparison keys spell Cyrillic in Latin, so the first letter of a key puts Ю (iu), Я (ia)
and Й next to И; Х (kh) next to К; Ш, Щ next to С; Ж next to З; Ц (ts) next to Т. An initial
compared that way agrees with names it can never stand for: "ЗАХАРОВ И.И." met "Захаров Ильдар
Юрьевич" with "the patronymic's initial agrees". Here each record's initial becomes the set of
Cyrillic letters it can be the first letter of:

- written in Cyrillic, or the first letter of a full name read in either script: exactly that
  letter (Ю is Ю; ё is written е so often that the two are one letter here);
- a bare initial written in Latin ("Yu.", "J.", "S."): every Cyrillic letter one of whose
  usual Latin spellings — the Russian standards (GOST 7.79, BGN/PCGN, ICAO, the passport
  scheme), the European press (German J/Sch/Tsch, French Ch/J/Ou, Polish Sz/Cz/W, Spanish J)
  and chat — starts with a Latin letter that some spelling of the parsed letter starts with.
  Д may begin with J (English writes Дж in Jamal), so a "Ju." the parser read as Д still
  stands for Ю. The parser has already turned the Latin letters into one Cyrillic guess
  and the letter typed is not kept, so the set is wide on purpose: "J." (read Ю) may be Ю,
  Я, Й, Е, Ж, Х, И, У or Ы. A Latin initial was never better than this; a Cyrillic one now is exact.

Two initials agree when their sets share a letter (`agree`; the model's SQL does the same with
the "|"-joined strings of `letters`). Plain Python: no Django.
"""

from __future__ import annotations

from functools import lru_cache

# First Latin letters of the usual spellings of each Cyrillic letter (lower case).
LATIN_FIRST_LETTERS: dict[str, frozenset[str]] = {
    c: frozenset(v)
    for c, v in {
        "а": "a", "б": "b", "в": "vw", "г": "gh", "д": "dj", "е": "eyji", "ж": "zjgs",
        "з": "zs", "и": "iy", "й": "iyj", "к": "kcq", "л": "l", "м": "m", "н": "n",
        "о": "o", "п": "p", "р": "r", "с": "sc", "т": "t", "у": "uo", "ф": "fp",
        "х": "khcjx", "ц": "ctz", "ч": "ct", "ш": "sc", "щ": "sc", "ы": "yi", "э": "e",
        "ю": "yjiu", "я": "yjia",
    }.items()
}  # fmt: skip


def _fold(letter: str) -> str:
    return letter.lower().replace("ё", "е")


@lru_cache(maxsize=256)
def letters(initial: str | None, written_in_latin: bool) -> str | None:
    """The "|"-joined Cyrillic letters an initial can stand for, sorted; None when there is
    no initial or it is no Cyrillic letter (a name of another script: compared as before).

    `initial` is the parser's Cyrillic initial ("Ю"); `written_in_latin` says the record gave
    only a bare initial in Latin letters, whose reading is a guess.
    """
    if not initial:
        return None
    letter = _fold(initial[:1])
    if letter not in LATIN_FIRST_LETTERS:
        return None
    if not written_in_latin:
        return letter
    latin = LATIN_FIRST_LETTERS[letter]
    return "|".join(sorted(c for c, first in LATIN_FIRST_LETTERS.items() if first & latin))


def agree(left: str | None, right: str | None) -> bool | None:
    """Whether two `letters` values share a letter; None when either is unknown."""
    if left is None or right is None:
        return None
    return bool(set(left.split("|")) & set(right.split("|")))
