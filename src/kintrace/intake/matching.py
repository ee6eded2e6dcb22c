"""Persons the matching engine suggests for a report.

The registry's search (script-, case- and inflection-blind) picks the candidates; the
matching engine scores the report against each person as a whole (every name variant of
his) and explains the score.
Scoring only the candidates keeps opening a report fast however large the registry grows.
"""

from dataclasses import dataclass

from kintrace.linkage.api import explain_rows
from kintrace.linkage.model import Parameters
from kintrace.linkage.persons import score_persons
from kintrace.linkage.prepare import prepare, records_to_frame
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

    @property
    def reasons(self):
        """The engine's comparison and level codes in the reader's language (lists' words)."""
        from kintrace.lists.selectors import explain

        return explain([(e.comparison, e.level, e.match_weight) for e in self.explanation])


def _facility_text(person: Person) -> str:
    f = person.last_facility
    return f"{f.type}-{f.number}" if f else ""


def _birth_text(person: Person) -> str:
    parts = [person.birth_day, person.birth_month, person.birth_year]
    text = ".".join(f"{p:02d}" if i < 2 else str(p)
                    for i, p in enumerate(parts) if p is not None)
    # "около 1985": the linkage reads it as a range of years, never as the year itself
    return f"около {text}" if text and person.birth_approximate else text


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


# A report is usually about a man the organisation knows of: half of them are expected to
# be registry persons (one report cannot estimate it).
REPORT_SHARE = 0.5


def suggest_persons(report, *, limit: int = 10) -> list[Suggestion]:
    """The registry persons most likely to be the man the report is about, best first.
    Each person is compared as a whole (`kintrace.linkage.persons`): a patronymic known from
    any of his name variants is known, a conflict with any of them counts against."""
    found = [p.pk for p in person_search(report.subject_name, limit=CANDIDATES)]
    persons = Person.objects.select_related("last_facility").prefetch_related("names").in_bulk(
        found)
    if not persons:
        return []
    variants = person_records(persons.values())
    if not variants:
        return []
    params = Parameters.load(None)
    left = prepare(records_to_frame([report_record(report)]))
    right = prepare(records_to_frame(variants))
    person_of = {v["id"]: int(v["id"].split(":")[0]) for v in variants}
    pairs, _prev = score_persons(left, right, person_of, start_share=REPORT_SHARE,
                                 estimate=False, params=params,
                                 n_persons=max(Person.objects.count(), len(persons)))
    pairs = pairs[pairs["match_probability"] >= THRESHOLD].reset_index(drop=True)
    explanations = explain_rows(pairs, params) if len(pairs) else []
    best = [Suggestion(persons[int(row.person_r)], float(row.match_probability),
                       float(row.match_weight), explanations[i])
            for i, row in enumerate(pairs.itertuples(index=False))]
    return sorted(best, key=lambda s: -s.probability)[:limit]
