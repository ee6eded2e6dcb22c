"""The pymorphy3 dictionary: the shared analyser, its readings of a word and what a tag says.

One module owns the analyser so that the name modules (transliteration, given names, the
parser) read the dictionary without importing one another. Everything here is cached: a
pymorphy3 parse is the costly step of reading a name (~40 µs a word).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = [
    "from_dictionary",
    "grammemes",
    "in_dictionary",
    "is_known_name_word",
    "morph",
    "parses",
    "tag_facts",
]

_DICTIONARY_UNIT: list[type] = []


# The analyser's units that only ever read words of another shape: numbers, punctuation,
# Roman numerals, Latin, and the three that need a hyphen. A lower-case Cyrillic word
# without a hyphen gets nothing from them (each returns no parse, so none of them ends the
# chain either): :func:`parses` skips them for such words, which are nearly all the words
# of names, and gets the same readings 10 % sooner.
_SHAPE_UNITS = (
    "NumberAnalyzer",
    "PunctuationAnalyzer",
    "RomanNumberAnalyzer",
    "LatinAnalyzer",
    "HyphenSeparatedParticleAnalyzer",
    "HyphenAdverbAnalyzer",
    "HyphenatedWordsAnalyzer",
)
_PLAIN_UNITS: list[tuple[Any, bool]] = []
_PLAIN_WORD_RE = re.compile("[а-яё]+")


@lru_cache(maxsize=1)
def morph() -> Any:
    """The shared pymorphy3 analyser (loaded once, ~0.1 s)."""
    import pymorphy3
    from pymorphy3.units.by_lookup import DictionaryAnalyzer

    _DICTIONARY_UNIT.append(DictionaryAnalyzer)
    analyzer = pymorphy3.MorphAnalyzer(lang="ru")
    _PLAIN_UNITS[:] = [
        (unit, terminal)
        for unit, terminal in analyzer._units
        if type(unit).__name__ not in _SHAPE_UNITS
    ]
    return analyzer


_NAME_TAGS = ("Surn", "Name", "Patr")
_TAG_FACTS: dict[str, tuple[frozenset[str], str | None, str | None, str | None]] = {}


def tag_facts(tag: Any) -> tuple[frozenset[str], str | None, str | None, str | None]:
    """(which of Surn/Name/Patr, case, gender, number) of a pymorphy3 tag. Cached per tag:
    pymorphy3's grammeme tests are Python code, and each word has several readings.
    The grammemes come back as plain strings: pymorphy3's own are a str subclass whose
    ``==`` and hash are Python functions (a check against typos), which made every later
    comparison and dict lookup on them a Python call."""
    key = tag._str  # str(tag), without the call
    facts = _TAG_FACTS.get(key)
    if facts is None:
        names = frozenset(t for t in _NAME_TAGS if t in tag)
        case, gender, number = (
            None if g is None else str.__str__(g) for g in (tag.case, tag.gender, tag.number)
        )
        facts = _TAG_FACTS[key] = (names, case, gender, number)
    return facts


_GRAMMEMES: dict[str, frozenset[str]] = {}


def grammemes(tag: Any) -> frozenset[str]:
    """All grammemes of a pymorphy3 tag as plain strings ("NOUN", "anim", "Fixd" …), cached
    per tag: ``"ADJF" in tag`` on the tag itself is a Python-level check each time."""
    key = tag._str
    found = _GRAMMEMES.get(key)
    if found is None:
        found = _GRAMMEMES[key] = frozenset(str.__str__(g) for g in tag.grammemes)
    return found


@lru_cache(maxsize=262144)
def parses(word: str) -> tuple[Any, ...]:
    """pymorphy3 readings of a lower-case Cyrillic word, cached (the costly step)."""
    analyzer = morph()
    if not _PLAIN_WORD_RE.fullmatch(word):
        return tuple(analyzer.parse(word))
    # MorphAnalyzer.parse over the units that can read such a word (see _SHAPE_UNITS)
    found: list[Any] = []
    seen: set[Any] = set()
    for unit, terminal in _PLAIN_UNITS:
        found.extend(unit.parse(word, word, seen))
        if terminal and found:
            break
    if analyzer.prob_estimator is not None:
        found = analyzer.prob_estimator.apply_to_parses(word, word, found)
    return tuple(analyzer._result_type(*p) for p in found)


def from_dictionary(parse: Any) -> bool:
    """True for a pymorphy3 reading taken from the dictionary, not guessed from the ending
    (the guessing unit subclasses the dictionary one, hence the exact type check)."""
    if not _DICTIONARY_UNIT:
        morph()
    stack = parse.methods_stack
    return len(stack) == 1 and type(stack[0][0]) is _DICTIONARY_UNIT[0]


def in_dictionary(word: str) -> bool:
    """Whether the dictionary itself (not the guesser) has readings of this lower-case word:
    a lookup in its word list, microseconds where a full parse of an unknown word costs
    tens of them. It asks exactly what pymorphy3's dictionary unit asks (the same list,
    the same е/ё substitutes), so no word it rejects has a :func:`from_dictionary` reading."""
    return bool(morph().word_is_known(word))


@lru_cache(maxsize=262144)
def is_known_name_word(word: str) -> bool:
    """True when the dictionary knows this Cyrillic word as the nominative singular of a
    surname, given name or patronymic (Latin spellings are never declined)."""
    if not in_dictionary(word):  # most Latin readings tried by to_cyrillic: skip the parse
        return False
    for p in parses(word):
        names, case, _gender, number = tag_facts(p.tag)
        if names and case == "nomn" and number != "plur" and from_dictionary(p):
            return True
    return False
