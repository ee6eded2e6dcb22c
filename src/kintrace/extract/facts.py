"""The result of an extraction: facts with spans, and the JSON shape of the command line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KINDS", "Extraction", "Fact"]

# Every kind of fact, in the order the command line prints them. The last three are kept by
# the Python API and printed only with `kintrace extract --all` (the contract has no key for them).
KINDS = (
    "persons",
    "dates",
    "facilities",
    "regions",
    "places",
    "money",
    "counts",
    "phones",
    "organisations",
    "events",
    "call_signs",
    "tokens",
    "handles",
)
CONTRACT_KINDS = KINDS[:10]
# The command line's keys per kind (docs/extract.md); the Python value may hold more.
CONTRACT_FIELDS = {
    "persons": ("surname", "given", "patronymic"),
    "dates": ("year", "month", "day"),
    "facilities": ("type", "number", "region"),
    "regions": ("code",),
    "places": (),
    "money": ("amount", "currency"),
    "counts": ("value", "what"),
    "phones": ("e164",),
    "organisations": (),
    "events": ("persons", "date", "place"),
}


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact: `kind` (one of KINDS), the span `start:end` in Python str indices of the
    text given to `extract`, the text as written, a normalised `value` (keys by kind, see
    docs/extract.md) and a confidence in [0, 1]."""

    kind: str
    start: int
    end: int
    text: str
    value: dict[str, Any] = field(default_factory=dict)
    confidence: float = 0.5

    def as_json(self, full: bool = False) -> dict[str, Any]:
        """The contract's object: text, start, end, then the kind's contract keys (unknown
        ones null); with `full`, every key of the value and the confidence."""
        head: dict[str, Any] = {"text": self.text, "start": self.start, "end": self.end}
        if full or self.kind not in CONTRACT_FIELDS:
            return {**head, **self.value, "confidence": self.confidence}
        return {**head, **{k: self.value.get(k) for k in CONTRACT_FIELDS[self.kind]}}


@dataclass(frozen=True, slots=True)
class Extraction:
    """Facts of one text ordered by start, and the language found for each paragraph as
    (start, end, "ru" | "en")."""

    text: str
    facts: tuple[Fact, ...]
    paragraphs: tuple[tuple[int, int, str], ...]

    def of(self, kind: str) -> list[Fact]:
        """The facts of one kind, in order."""
        return [f for f in self.facts if f.kind == kind]

    def as_json(
        self, kinds: Iterable[str] = CONTRACT_KINDS, full: bool = False
    ) -> dict[str, list[dict[str, Any]]]:
        """The command line's object: a list per kind (events put `type` first); `full` as
        in `Fact.as_json`."""
        out: dict[str, list[dict[str, Any]]] = {}
        for kind in kinds:
            items = []
            for f in self.of(kind):
                item = f.as_json(full)
                if kind == "events":
                    item = {"type": f.value["type"], **item}
                items.append(item)
            out[kind] = items
        return out
