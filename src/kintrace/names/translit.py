"""Cross-script name handling: Latin spellings back to Cyrillic, and the comparison key.

The letter rules live in :mod:`kintrace.names.spelling` (re-exported here); this module
chooses among their readings with the name tables, the dictionary and the foreign spellings.

The comparison key
------------------
Every name token, in any script, is first brought to Cyrillic (Latin tokens through
:func:`to_cyrillic`, which knows the letters and digraphs of all iuliia schemes and of
informal phone typing, and asks the morphological dictionary where a letter is truly
ambiguous: ``j`` = й or ж, ``x`` = кс or х, ``ch`` = ч or ш, ``c`` = ц or к; when no such
reading is a known name, other languages' spellings are tried: :mod:`kintrace.names.foreign`).
The Cyrillic form is then written in a deliberately *coarse* ASCII alphabet (:func:`cyrillic_key`)
that merges exactly the distinctions transliteration schemes and people do not keep:

* ё, э → e; й, ы, и → i (so -ий/-ый/-ой endings and y/i/j spellings meet); ь, ъ dropped;
* я → ia, ю → iu, е after a vowel or ь/ъ stays e (Yevgeny = Evgeny = Евгений);
* щ → sh (same as ш: shch/sch/shh/ŝ/sc all meet), х → h (kh/h/x), ц → ts
  (ts/tc/cz/c), ж → zh, ч → ch;
* "ie" → "e" (Vasilievna = Vasilyevna = Васильевна), "ii" → "i" (Iurii = Yuri);
* doubled letters → one (Filipp = Filip, Alla = Ala); final consonant+"er" → consonant+"r"
  (Alexander = Aleksandr, Peter = Пётр).

Distinctions that are kept: all consonants that no scheme confuses, so Иванов (ivanov)
and Ивашов (ivashov) stay apart.
"""

from __future__ import annotations

from functools import lru_cache

from kintrace.names.foreign import foreign_readings
from kintrace.names.given import is_given_form
from kintrace.names.known import surname_count, surname_count_by_key
from kintrace.names.morph import (  # re-exported: callers imported them from here
    from_dictionary,
    is_known_name_word,
    morph,
    parses,
    tag_facts,
)
from kintrace.names.spelling import cyrillic_key, to_cyrillic_candidates  # re-exported

__all__ = [
    "cyrillic_key",
    "from_dictionary",
    "is_known_name_word",
    "morph",
    "parses",
    "surname_count",
    "tag_facts",
    "to_cyrillic",
    "to_cyrillic_candidates",
]


def _known_reading(candidates: tuple[str, ...], strict: bool) -> str | None:
    """The reading a name table or the dictionary knows: a given name spelled so, the
    commonest counted surname, a dictionary name; unless ``strict``, also a counted surname
    but for ь, ъ, й/и, ы/и, ё/е, a woman's adjectival surname whose man's form is a
    dictionary name (Навальная: Навальный), a given name by key. None when none is."""
    if not candidates:
        return None
    if strict:
        for cand in candidates:
            if is_given_form(cand, exact=True):
                return cand
        counts = [surname_count(c) for c in candidates]
        top = max(counts)
        if top:
            return candidates[counts.index(top)]
        for cand in candidates:
            if is_known_name_word(cand):
                return cand
        return None
    # A counted surname spelled with or without ь, й, ё: Jelzin is read елцин by the
    # German table, and Ельцин is what the counts hold.
    counts = [surname_count_by_key(c) for c in candidates]
    top = max(counts)
    if top:
        return candidates[counts.index(top)]
    for cand in candidates:
        if cand.endswith("ая") and any(
            is_known_name_word(cand[:-2] + end) for end in ("ый", "ий", "ой")
        ):
            return cand
    for cand in candidates:
        if is_given_form(cand):
            return cand
    return None


@lru_cache(maxsize=262144)
def to_cyrillic(word: str) -> str:
    """Best Cyrillic reading of a Latin word, lower case.

    The first reading the morphological dictionary (or the given-name table) knows as a
    name wins; when none is known, the default reading is used.
    """
    candidates = to_cyrillic_candidates(word)
    if not candidates:
        return ""
    # A given name spelled exactly so; else the commoner counted surname between two
    # readings (Jukov: Жуков, not Юков); else a word the dictionary knows as a name.
    known = _known_reading(candidates, strict=True)
    if known is not None:
        return known
    for cand in candidates:  # a spelling whose key is a known given-name form
        if is_given_form(cand):
            return cand
    if "ch" in word.lower():  # French "ch" = ш in a word without other French marks (Erchov)
        french = [c for c in to_cyrillic_candidates(word, french=True) if surname_count(c)]
        if french:
            return max(french, key=surname_count)
    # A scheme reading that is a counted surname but for ь, ъ, й/и, ы/и, ё/е (Chernishova:
    # Чернышова, Elcin: Ельцин); then another language's spelling (Gorbatschow): a reading
    # the tables or the dictionary know as written, in the likeliest group that has one,
    # before one known only so.
    counts = [surname_count_by_key(c) for c in candidates]
    top = max(counts)
    if top:
        return candidates[counts.index(top)]
    tiers = foreign_readings(word)
    for tier in tiers:
        found = _known_reading(tier, strict=True)
        if found:
            return found
    for tier in tiers:
        found = _known_reading(tier, strict=False)
        if found:
            return found
    return candidates[0]
