"""Persons the matching engine suggests for a report.

The registry's search (script-, case- and inflection-blind) picks the candidates; the
matching engine scores the report against each person as a whole (every name variant of
his) and explains the score.
Scoring only the candidates keeps opening a report fast however large the registry grows.
"""

from dataclasses import dataclass

from kintrace.lists.selectors import explain
from kintrace.registry.likely import persons_scored
from kintrace.registry.models import Person

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
        return explain([(e.comparison, e.level, e.match_weight) for e in self.explanation])


def report_record(report) -> dict:
    return {
        "id": "report",
        "name": report.subject_name,
        "birth_date": report.subject_birth_date,
        "facility": report.subject_facility,
        "region": report.subject_region_code or report.subject_region,
    }


# A report is usually about a man the organisation knows of: half of them are expected to
# be registry persons (one report cannot estimate it).
REPORT_SHARE = 0.5


def suggest_persons(report, *, limit: int = 10) -> list[Suggestion]:
    """The registry persons most likely to be the man the report is about, best first.
    Each person is compared as a whole (`kintrace.registry.likely.persons_scored`): a
    patronymic known from any of his name variants is known, a conflict with any of them
    counts against."""
    return [
        Suggestion(x.person, x.probability, x.match_weight, x.explanation)
        for x in persons_scored(
            report_record(report),
            report.subject_name,
            start_share=REPORT_SHARE,
            threshold=THRESHOLD,
            limit=limit,
        )
    ]
