"""Persons a new person may already be: the matching engine's warning before a second record.

The same path as a report in triage and the registry duplicate search: the registry's search
(script-, case- and inflection-blind) picks candidates, the matching engine (kintrace.linkage,
the packaged model) scores the new record against each of their name variants, and pairs
someone already called different men are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Facility, Person, PersonDistinct

CANDIDATES = 200
# The registry duplicate search's default (lists.services.matching.dedupe_run): the warning
# proposes what that search would, no namesakes it would not.
THRESHOLD = 0.8


@dataclass
class Likely:
    person: Person
    probability: float
    explanation: tuple


def _birth_text(year, month, day, approximate=False) -> str:
    if not year or approximate:  # "около 1985" is no known year for the matching
        return ""
    if month and day:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}" if month else f"{year:04d}"


def _facility_text(f: Facility | None) -> str:
    return f"{f.type}-{f.number}" if f else ""


def _region(f: Facility | None) -> str:
    return (f.region.name_ru if f.region_id else "") if f else ""


def likely_duplicates(*, name: str, birth=None, facility: Facility | None = None,
                      limit: int = 5, threshold: float = THRESHOLD) -> list[Likely]:
    """Registry persons (not merged away) that the engine thinks are the man described, best
    first. `birth` is a PartialDate or None."""
    from kintrace.linkage.api import link_records

    from .search import person_search

    found = [p.pk for p in person_search(name, limit=CANDIDATES)]
    if not found:
        return []
    persons = (Person.objects.filter(merged_into__isnull=True)
               .select_related("last_facility__region").prefetch_related("names")
               .in_bulk(found))
    b = birth
    record = {"id": "new", "name": name,
              "birth_date": _birth_text(b.year, b.month, b.day, b.approximate) if b else "",
              "facility": _facility_text(facility), "region": _region(facility)}
    others = []
    for p in persons.values():
        for n in p.names.all():
            others.append({"id": f"{p.pk}:{n.pk}", "name": n.full_text,
                           "birth_date": _birth_text(p.birth_year, p.birth_month, p.birth_day,
                                                     p.birth_approximate),
                           "facility": _facility_text(p.last_facility),
                           "region": _region(p.last_facility)})
    best: dict[int, Likely] = {}
    for m in link_records([record], others, threshold=threshold):
        pk = int(m.right_id.split(":")[0])
        if pk not in best or m.probability > best[pk].probability:
            best[pk] = Likely(persons[pk], m.probability, m.explanation)
    return sorted(best.values(), key=lambda x: (-x.probability, x.person.pk))[:limit]


def distinct_pairs() -> set[tuple[int, int]]:
    """(lower id, higher id) of every pair someone said are different men."""
    return set(PersonDistinct.objects.values_list("person_a_id", "person_b_id"))
