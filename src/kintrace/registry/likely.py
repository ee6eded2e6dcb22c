"""Persons a new person may already be: the matching engine's warning before a second record.

The same path as a report in triage and the registry duplicate search: the registry's search
(script-, case- and inflection-blind) picks candidates, the matching engine (kintrace.linkage,
the packaged model) scores the new record against each of their name variants, and pairs
someone already called different men are left out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection

from kintrace.linkage.api import explain_rows
from kintrace.linkage.model import Parameters
from kintrace.linkage.persons import score_persons
from kintrace.linkage.prepare import prepare, records_to_frame

from .models import Facility, Person, PersonDistinct
from .search import person_search

CANDIDATES = 200
# The registry duplicate search's default (lists.services.matching.dedupe_run): the warning
# proposes what that search would, no namesakes it would not.
THRESHOLD = 0.8


# How long a process trusts its count of the registry's persons (seconds).
PERSON_COUNT_TTL = 300.0
_person_count: tuple[float, int] | None = None


def person_count_estimate() -> int:
    """About how many persons the registry holds: the engine's scale for how common a name is
    (`score_persons(n_persons=...)`), where a few percent off change nothing.

    Counting a million rows on every triage page and every new-person warning costs a scan
    each time, so the count is kept for PERSON_COUNT_TTL seconds per process, and PostgreSQL's
    own estimate (`pg_class.reltuples`, kept by autovacuum and ANALYZE) is read when it has
    one. Returns an int >= 0."""
    global _person_count
    now = time.monotonic()
    if _person_count is not None and now - _person_count[0] < PERSON_COUNT_TTL:
        return _person_count[1]
    n = -1
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)",
                [Person._meta.db_table],
            )
            row = cur.fetchone()
            # -1 (never analysed) or 0 (maybe not analysed yet): count instead.
            n = int(row[0]) if row and row[0] and row[0] > 0 else -1
    if n < 0:
        n = Person.objects.count()
    _person_count = (now, n)
    return n


@dataclass
class Likely:
    person: Person
    probability: float
    match_weight: float
    explanation: tuple


def _date_text(day, month, year, approximate: bool) -> str:
    """A date as the linkage reads a typed one: "14.03.1987", "03.1987", "около 1985"; "" when
    no year is known."""
    if not year:
        return ""
    text = ".".join(
        f"{p:02d}" if i < 2 else str(p) for i, p in enumerate((day, month, year)) if p is not None
    )
    # "около 1985": the linkage reads it as a range of years, never as the year itself
    return f"около {text}" if approximate else text


def birth_text(birth) -> str:
    """A PartialDate (or None) as the linkage reads a typed date."""
    return _date_text(birth.day, birth.month, birth.year, birth.approximate) if birth else ""


def facility_text(f: Facility | None) -> str:
    return f"{f.type}-{f.number}" if f else ""


def person_records(persons) -> list[dict]:
    """One linkage record per name variant of each person (a match on any spelling counts)."""
    out = []
    for person in persons:
        region = person.last_facility.region_id if person.last_facility else ""
        for name in person.names.all():
            out.append(
                {
                    "id": f"{person.pk}:{name.pk}",
                    "name": name.full_text,
                    "birth_date": _date_text(
                        person.birth_day,
                        person.birth_month,
                        person.birth_year,
                        person.birth_approximate,
                    ),
                    "facility": facility_text(person.last_facility),
                    "region": region or "",
                }
            )
    return out


def persons_scored(
    record: dict, query: str, *, start_share: float, threshold: float, limit: int
) -> list[Likely]:
    """The registry persons (not merged away) the matching engine thinks `record` (a linkage
    record: id, name, birth_date, facility, region) describes, best first, at most `limit`.

    The registry's search for `query` picks up to CANDIDATES persons; each is compared as a
    whole (`kintrace.linkage.persons.score_persons`: every name variant, a part known from any
    variant is known, a conflict with any counts against), at `start_share`, the share of such
    records expected to be registry persons. Shared by triage's suggestions and the warning
    before a new person is saved."""
    found = [p.pk for p in person_search(query, limit=CANDIDATES)]
    persons = (
        Person.objects.filter(merged_into__isnull=True)
        .select_related("last_facility")
        .prefetch_related("names")
        .in_bulk(found)
    )
    variants = person_records(persons.values())
    if not variants:
        return []
    params = Parameters.load(None)
    left = prepare(records_to_frame([record]))
    right = prepare(records_to_frame(variants))
    person_of = {v["id"]: int(v["id"].split(":")[0]) for v in variants}
    pairs, _prev = score_persons(
        left,
        right,
        person_of,
        start_share=start_share,
        estimate=False,
        params=params,
        n_persons=max(person_count_estimate(), len(persons)),
    )
    pairs = pairs[pairs["match_probability"] >= threshold].reset_index(drop=True)
    explanations = explain_rows(pairs, params) if len(pairs) else []
    best = [
        Likely(
            persons[int(row.person_r)],
            float(row.match_probability),
            float(row.match_weight),
            explanations[i],
        )
        for i, row in enumerate(pairs.itertuples(index=False))
    ]
    return sorted(best, key=lambda x: (-x.probability, x.person.pk))[:limit]


# A person staff are about to add is often someone the registry already holds (that is why
# they searched first): half of them, as for a report.
NEW_PERSON_SHARE = 0.5


def likely_duplicates(
    *,
    name: str,
    birth=None,
    facility: Facility | None = None,
    limit: int = 5,
    threshold: float = THRESHOLD,
) -> list[Likely]:
    """Registry persons (not merged away) that the engine thinks are the man described, best
    first. `birth` is a PartialDate or None."""
    record = {
        "id": "new",
        "name": name,
        "birth_date": birth_text(birth),
        "facility": facility_text(facility),
        "region": (facility.region_id or "") if facility else "",
    }
    return persons_scored(
        record, name, start_share=NEW_PERSON_SHARE, threshold=threshold, limit=limit
    )


def distinct_pairs() -> set[tuple[int, int]]:
    """(lower id, higher id) of every pair someone said are different men."""
    return set(PersonDistinct.objects.values_list("person_a_id", "person_b_id"))
