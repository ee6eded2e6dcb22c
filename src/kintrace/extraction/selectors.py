"""Reads for the extraction pages: the kept text of a source, and a text's facts laid out
for highlighting (nothing extracted is stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kintrace.extract import Extraction, Fact, extract
from kintrace.extract.lang import sentences
from kintrace.registry.models import EventType
from kintrace.registry.search import person_search

from .models import SourceText


def people_found(query: str, limit: int = 10) -> list:
    """Persons a name typed on the page may mean (the registry's search), best first; the
    accept forms offer them instead of asking for a number."""
    return list(person_search(query, limit=limit)) if query.strip() else []


# extract's event names that the registry spells otherwise (registry.EventType)
EVENT_TYPE = {"recruited": EventType.SELECTED.value, "contacted": EventType.CONTACT.value}
ACCEPTABLE = ("persons", "events", "phones", "facilities")


@dataclass(frozen=True, slots=True)
class Shown:
    """One fact as the page shows it: its number (its place in the extraction from 1, what a
    dismissal names), the fact, and what its accept form starts with."""

    number: int
    fact: Fact
    initial: dict


def source_day(source) -> date | None:
    """The source's date as the day its text's "yesterday" is read against (the first day
    of its month or year when only those are known); None when it has no date."""
    if not source.date_year:
        return None
    return date(source.date_year, source.date_month or 1, source.date_day or 1)


def source_text_or_none(source_id: int) -> SourceText | None:
    return SourceText.objects.filter(source_id=source_id).first()


def _sentence(text: str, fact: Fact) -> str:
    for a, b in sentences(text):
        if a <= fact.start < b:
            return text[a:b].strip()
    return fact.text


def _initial(text: str, fact: Fact) -> dict:
    v = fact.value
    if fact.kind == "persons":
        parts = [v.get("surname"), v.get("given"), v.get("patronymic")]
        return {"name": " ".join(p for p in parts if p) or fact.text}
    if fact.kind == "events":
        when = v.get("date") or ""
        return {
            "type": EVENT_TYPE.get(v["type"], v["type"]),
            "date": ".".join(reversed(when.split("-"))) if when else "",
            "quote": _sentence(text, fact),
            "place_text": v.get("place") or "",
        }
    if fact.kind == "facilities":
        return {"type": v.get("type"), "number": v.get("number"), "region": v.get("region")}
    if fact.kind == "phones":
        return {"phone": v.get("e164") or fact.text, "context": _sentence(text, fact)}
    return {}


def text_facts(
    text: str, *, lang: str = "auto", today: date | None = None, dismissed=frozenset()
) -> tuple[Extraction, list[tuple[str, Shown | None]], list[Shown]]:
    """Extract `text` and lay it out: (the extraction, the text cut into (piece, fact or
    None) for `<mark>`, the facts not dismissed in order). Overlapping facts: the one that
    starts first is highlighted, every one is listed."""
    found = extract(text, lang=lang, today=today)
    shown = [
        Shown(i, f, _initial(text, f)) for i, f in enumerate(found.facts, 1) if i not in dismissed
    ]
    pieces: list[tuple[str, Shown | None]] = []
    at = 0
    for item in sorted(shown, key=lambda s: (s.fact.start, -s.fact.end)):
        if item.fact.start < at:
            continue
        if item.fact.start > at:
            pieces.append((text[at : item.fact.start], None))
        pieces.append((text[item.fact.start : item.fact.end], item))
        at = item.fact.end
    if at < len(text):
        pieces.append((text[at:], None))
    return found, pieces, shown
