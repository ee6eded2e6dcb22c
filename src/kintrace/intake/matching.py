"""Persons the matching engine suggests for a report.

The registry's search (script-, case- and inflection-blind) picks the candidates; the
matching engine scores the report against each of his name variants and explains the score.
Scoring only the candidates keeps opening a report fast however large the registry grows.
"""

from dataclasses import dataclass

from kintrace.linkage.api import link_records
from kintrace.registry.models import Person
from kintrace.registry.selectors import person_search

CANDIDATES = 200
THRESHOLD = 0.01


@dataclass
class Suggestion:
    person: Person
    probability: float
    match_weight: float
    explanation: tuple


def _facility_text(person: Person) -> str:
    f = person.last_facility
    return f"{f.type}-{f.number}" if f else ""


def _birth_text(person: Person) -> str:
    if person.birth_approximate:  # "около 1985" is no known year for the matching
        return ""
    parts = [person.birth_day, person.birth_month, person.birth_year]
    return ".".join(f"{p:02d}" if i < 2 else str(p)
                    for i, p in enumerate(parts) if p is not None)


def report_record(report) -> dict:
    return {"id": "report", "name": report.subject_name,
            "birth_date": report.subject_birth_date, "facility": report.subject_facility,
            "region": report.subject_region_code or report.subject_region}


def person_records(persons) -> list[dict]:
    """One record per name variant: a match on any spelling counts."""
    out = []
    for person in persons:
        region = person.last_facility.region_id if person.last_facility else ""
        for name in person.names.all():
            out.append({"id": f"{person.pk}:{name.pk}", "name": name.full_text,
                        "birth_date": _birth_text(person), "facility": _facility_text(person),
                        "region": region or ""})
    return out


def suggest_persons(report, *, limit: int = 10) -> list[Suggestion]:
    """The registry persons most likely to be the man the report is about, best first."""
    found = [p.pk for p in person_search(report.subject_name, limit=CANDIDATES)]
    persons = Person.objects.select_related("last_facility").prefetch_related("names").in_bulk(
        found)
    if not persons:
        return []
    matches = link_records([report_record(report)], person_records(persons.values()),
                           threshold=THRESHOLD)
    best: dict[int, Suggestion] = {}
    for m in matches:
        pk = int(m.right_id.split(":")[0])
        if pk not in best or m.probability > best[pk].probability:
            best[pk] = Suggestion(persons[pk], m.probability, m.match_weight, m.explanation)
    return sorted(best.values(), key=lambda s: -s.probability)[:limit]
