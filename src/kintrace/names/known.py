"""What the name tables know as written: surname counts and the given-name spellings.

Plain look-ups with no comparison key, so the lowest layers (look-alike letters in
:mod:`kintrace.names.lookalikes`, the given-name table, Latin readings) can ask them without
importing one another.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from kintrace.names.text import detect_script, fold

__all__ = ["is_exact_given_form", "surname_count", "surname_count_by_key"]


@lru_cache(maxsize=1)
def _surname_counts() -> dict[str, int]:
    text = resources.files("kintrace.names").joinpath("data/surname_counts.tsv").read_text("utf-8")
    counts: dict[str, int] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            surname, count = line.split("\t")
            surname = surname.replace("ё", "е")
            counts[surname] = max(counts.get(surname, 0), int(count))
    return counts


_FEMALE_ENDING_RE = re.compile(r"(?:(?<=[оеё]в)|(?<=[иы]н))а$")


# The letters Latin spellings leave out or confuse most: ь and ъ unwritten, й and ы as i.
_LIGHT = str.maketrans({"ь": "", "ъ": "", "й": "и", "ы": "и", "ё": "е"})


@lru_cache(maxsize=1)
def _surname_counts_by_key() -> dict[str, int]:
    by_key: dict[str, int] = {}
    for surname, count in _surname_counts().items():
        key = surname.translate(_LIGHT)
        by_key[key] = max(by_key.get(key, 0), count)
    return by_key


def surname_count_by_key(cyrillic_word: str) -> int:
    """surname_count, blind to ь, ъ, й/и, ы/и, ё/е (no other merge of the key)."""
    word = cyrillic_word.replace("ё", "е")
    if word.endswith(("ская", "цкая")):
        word = word[:-2] + "ий"
    else:
        word = _FEMALE_ENDING_RE.sub("", word)
    return _surname_counts_by_key().get(word.translate(_LIGHT), 0)


@lru_cache(maxsize=262144)
def surname_count(cyrillic_word: str) -> int:
    """How common a (lower-case) Russian surname is, in either sex; 0 when not in the top 20,000."""
    counts = _surname_counts()
    word = cyrillic_word.replace("ё", "е")
    if word.endswith(("ская", "цкая")):
        word = word[:-2] + "ий"
    else:
        word = _FEMALE_ENDING_RE.sub("", word)
    return counts.get(word, 0)


@lru_cache(maxsize=1)
def _exact_given_forms() -> frozenset[str]:
    forms = set()
    text = resources.files("kintrace.names").joinpath("data/given_names.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            canonical, _sex, variants = (line.split("\t") + ["", ""])[:3]
            for v in [canonical, *variants.split(",")]:
                v = fold(v.strip().rstrip("?"))
                if v and detect_script(v) == "cyrl":
                    forms.add(v)
    return frozenset(forms)


def is_exact_given_form(cyrillic_word: str) -> bool:
    """True when the (Cyrillic) word is spelled exactly as a form in the given-name table."""
    return fold(cyrillic_word) in _exact_given_forms()
