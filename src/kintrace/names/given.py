"""Given names: diminutives, colloquial, English and Ukrainian forms → canonical full name.

The table is data (``data/given_names.tsv``): one canonical Cyrillic full name per line with
its sex and the forms that stand for it. Forms are matched by comparison key
(:func:`kintrace.names.spelling.cyrillic_key`), so "Саша", "Sasha", "Sascha" and "SASHA"
are one entry, and spellings the key already merges need no line of their own.

An ambiguous form (Саша: Александр or Александра; Слава: Вячеслав, Владислав, Ярослав…)
resolves by sex when it is known. When it is not, the male reading wins: the people this
system searches for are men, and the other readings are returned as alternatives.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kintrace.names.known import is_exact_given_form
from kintrace.names.lookalikes import fix_lookalikes
from kintrace.names.morph import from_dictionary, parses, tag_facts
from kintrace.names.spelling import cyrillic_key, to_cyrillic_candidates
from kintrace.names.text import clean, detect_script, fold

__all__ = ["canonical_given", "given_sex", "is_given_form"]


@dataclass(frozen=True, slots=True)
class _Entry:
    canonical: str
    sex: str
    primary: bool
    order: int


def _variant_keys(variant: str) -> set[str]:
    if detect_script(variant) == "latn":
        return {cyrillic_key(c) for c in to_cyrillic_candidates(variant)} - {""}
    return {cyrillic_key(variant)}


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[_Entry, ...]]:
    by_key: dict[str, list[_Entry]] = {}
    text = resources.files("kintrace.names").joinpath("data/given_names.tsv").read_text("utf-8")
    order = 0
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, sex, variants = (line.split("\t") + ["", ""])[:3]
        order += 1
        forms = [(canonical, True)]
        for v in variants.split(","):
            v = v.strip()
            if v:
                forms.append((v.rstrip("?"), not v.endswith("?")))
        for form, primary in forms:
            entry = _Entry(canonical, sex, primary, order)
            for key in _variant_keys(form):
                bucket = by_key.setdefault(key, [])
                if not any(e.canonical == canonical for e in bucket):
                    bucket.append(entry)
    return {k: tuple(sorted(v, key=lambda e: (not e.primary, e.order))) for k, v in by_key.items()}


@lru_cache(maxsize=1)
def _canonical_sex() -> dict[str, str]:
    return {e.canonical: e.sex for entries in _table().values() for e in entries}


def given_sex(canonical: str) -> str | None:
    """Sex of a canonical given name from the table ("m"/"f"), None when not in the table."""
    return _canonical_sex().get(canonical)


def is_given_form(cyrillic_word: str, exact: bool = False) -> bool:
    """True when the (lower-case Cyrillic) word is a form of a given name in the table:
    spelled exactly so (``exact``), or with the same comparison key."""
    if exact:
        return is_exact_given_form(cyrillic_word)
    return cyrillic_key(cyrillic_word) in _table()


def _choose(entries: tuple[_Entry, ...], sex: str | None) -> tuple[str, tuple[str, ...]] | None:
    if sex in ("m", "f"):
        same = [e for e in entries if e.sex == sex]
        if not same:
            return None
        return same[0].canonical, tuple(e.canonical for e in same[1:])
    best = sorted(entries, key=lambda e: (not e.primary, e.sex != "m", e.order))
    return best[0].canonical, tuple(e.canonical for e in best[1:])


_GENDER = {"m": "masc", "f": "femn"}


def _dictionary_lemma(word: str, sex: str | None) -> str | None:
    """Nominative of a Cyrillic given name in any case, from the dictionary, in the sex."""
    best = None
    for p in parses(word):
        names, _case, gender, number = tag_facts(p.tag)  # gender None: common (Саша: ms-f)
        if "Name" not in names or number == "plur" or not from_dictionary(p):
            continue
        if sex and gender is not None and gender != _GENDER[sex]:
            continue
        if best is None or p.score > best.score:
            best = p
    return best.normal_form if best else None


@lru_cache(maxsize=262144)
def canonical_given(token: str, sex: str | None = None) -> tuple[str, tuple[str, ...]] | None:
    """(canonical Cyrillic full name, alternatives) for a given-name form in any script and,
    for Cyrillic, any grammatical case; None when the form is not known as a given name."""
    token = clean(token).strip(".,;:")
    if not token:
        return None
    script = detect_script(token)
    table = _table()
    if script == "mixed" and detect_script(fix_lookalikes(token)) == "cyrl":
        script = "cyrl"
    if script == "cyrl":
        word = fold(fix_lookalikes(token)).replace("і", "и")
        entries = table.get(cyrillic_key(word))
        if entries and (found := _choose(entries, sex)):
            return found
        lemma = _dictionary_lemma(word, sex)
        if lemma:
            entries = table.get(cyrillic_key(lemma))
            if entries and (found := _choose(entries, sex)):
                return found
            return lemma.title(), ()
        if entries:
            return _choose(entries, None)
        return None
    if script in ("latn", "mixed"):
        candidates = to_cyrillic_candidates(fix_lookalikes(token, "latn"))
        other_sex = None
        for cand in candidates:
            entries = table.get(cyrillic_key(cand))
            if entries:
                found = _choose(entries, sex)
                if found:
                    return found
                other_sex = other_sex or _choose(entries, None)
        for cand in candidates[:4]:
            lemma = _dictionary_lemma(cand, sex)
            if lemma and cyrillic_key(lemma) == cyrillic_key(cand):
                return lemma.title(), ()
        return other_sex
    return None
