"""Text extraction: facts out of relatives' messages and news articles, Russian and English
(plain Python, no Django). See docs/extract.md.

`extract(text)` returns an :class:`Extraction`: persons, dates, facilities, regions, places,
money, counts of people, phones, organisations and units, events, call signs, token numbers
and messenger handles, each with its span, the text as written, a normalised value and a
confidence. Nothing is stored and nothing is downloaded: natasha's models ship in its package.
"""

from __future__ import annotations

import re
from datetime import date

from kintrace.extract import rules
from kintrace.extract.dates import dates
from kintrace.extract.events import events
from kintrace.extract.facts import CONTRACT_KINDS, KINDS, Extraction, Fact
from kintrace.extract.lang import paragraphs
from kintrace.extract.numbers import lemmas
from kintrace.extract.persons import ner_facts, persons_en
from kintrace.names.regions import find_region

__all__ = ["CONTRACT_KINDS", "KINDS", "Extraction", "Fact", "extract"]

# When two facts overlap, the kind earlier here keeps its span; within a kind, the longer.
_PRIORITY = (
    "phones", "handles", "tokens", "call_signs", "facilities", "money", "dates", "counts",
    "organisations", "regions", "places", "persons",
)  # fmt: skip


# Messengers and networks natasha takes for places or organisations ("в Телеграме")
_NOT_PLACES = re.compile(
    r"(?i)телеграм|telegram|whats\s?app|вотсап|ватсап|вайбер|viber|вконтакте|вк\b|vk\b|signal"
)


def _ner(text: str, parts: list[tuple[int, int, str]]) -> list[Fact]:
    """natasha's NER once over the Russian paragraphs (the others blanked out: one call
    costs much less than one per paragraph), sorted into persons, regions, places and
    organisations."""
    russian = [(a, b) for a, b, lang in parts if lang == "ru"]
    if not russian:
        return []
    masked = [" "] * len(text)
    for a, b in russian:
        masked[a:b] = text[a:b]
    found: list[Fact] = []
    for fact in ner_facts("".join(masked), 0):
        if fact.kind == "persons":
            found.append(fact)
        elif fact.kind == "ner_loc":
            if _NOT_PLACES.search(fact.text):
                continue
            region = find_region(fact.text) or find_region(lemmas(fact.text))
            if region and not rules.is_city(fact.text, region):
                found.append(Fact("regions", fact.start, fact.end, fact.text,
                                  {"code": region.code}, 0.8))  # fmt: skip
            else:
                found.append(Fact("places", fact.start, fact.end, fact.text, {}, 0.7))
        elif fact.kind == "ner_org" and not _NOT_PLACES.search(fact.text):
            found.append(Fact("organisations", fact.start, fact.end, fact.text, {}, 0.6))
    return found


def _paragraph_facts(text: str, offset: int, lang: str, today: date) -> list[Fact]:
    found: list[Fact] = []
    found += rules.phones(text, offset)
    found += rules.handles(text, offset)
    found += rules.tokens(text, offset)
    found += rules.call_signs(text, offset)
    found += rules.facilities(text, offset)
    found += rules.money(text, offset, lang)
    found += dates(text, offset, lang, today)
    taken = [(f.start, f.end) for f in found]
    found += rules.counts(text, offset, lang, taken)
    found += rules.organisations(text, offset)
    found += rules.regions(text, offset)
    found += rules.places(text, offset)
    if lang == "en":
        found += persons_en(text, offset)
    return found


def _resolve(found: list[Fact]) -> list[Fact]:
    """Drop facts that overlap a fact of a stronger kind, or a longer one of the same kind."""
    kept: list[Fact] = []
    order = sorted(found, key=lambda f: (_PRIORITY.index(f.kind), -(f.end - f.start), f.start))
    for fact in order:
        if any(k.start < fact.end and fact.start < k.end for k in kept):
            continue
        kept.append(fact)
    return sorted(kept, key=lambda f: (f.start, f.end))


def extract(text: str, *, lang: str = "auto", today: date | None = None) -> Extraction:
    """The facts of `text`.

    `lang` is "ru", "en" or "auto" (each paragraph by its letters); `today` is the text's
    own date, against which "вчера", "в начале июля" and "six months ago" are read (default:
    the current date). Spans are Python str indices of `text`. Raises ValueError for another
    `lang`. Cost: about a second to load natasha's models once, then tens of milliseconds
    per paragraph of news.
    """
    if lang not in ("auto", "ru", "en"):
        raise ValueError(f"lang must be auto, ru or en, not {lang!r}")
    today = today or date.today()  # noqa: DTZ011 - the caller's calendar day is meant
    parts = paragraphs(text, lang)
    found: list[Fact] = []
    for start, end, language in parts:
        found += _paragraph_facts(text[start:end], start, language, today)
    found += _ner(text, parts)
    kept = _resolve(found)
    kept += events(text, kept)
    return Extraction(text=text, facts=tuple(sorted(kept, key=lambda f: (f.start, f.end))),
                      paragraphs=tuple(parts))  # fmt: skip
