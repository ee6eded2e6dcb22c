"""Match runs: a list against the registry (link) and the registry against itself (dedupe).

The engine sees one record per name variant of each person (so a Latin spelling added
to a person helps), and the best pair per (entry, person) is kept. Pairs a person has
rejected before are never stored again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from django.db import transaction
from django.utils import timezone

from kintrace.audit.services import audit_record

from ..models import (
    DuplicateCandidate,
    DuplicateRejection,
    EntryRejection,
    JobStatus,
    ListEntry,
    MatchCandidate,
    MatchRun,
    PersonList,
)

# At most this many candidates per list entry: beyond that a reviewer learns nothing.
PER_ENTRY = 5
BATCH = 5000


def _date_text(year, month, day) -> str:
    if not year:
        return ""
    if month and day:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if month:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}"


def person_records() -> Iterator[dict]:
    """One engine record per name variant of every person not merged into another.
    The record id is the PersonName id; `person_of` maps it back."""
    from kintrace.registry.models import PersonName

    rows = (
        PersonName.objects.filter(person__merged_into__isnull=True)
        .order_by()
        .values_list(
            "id", "person_id", "full_text", "person__birth_year", "person__birth_month",
            "person__birth_day", "person__last_facility__type", "person__last_facility__number",
            "person__last_facility__region__name_ru",
        )
        .iterator(chunk_size=20000)
    )
    for nid, pid, text, by, bm, bd, ftype, fnum, region in rows:
        yield {
            "id": nid,
            "person": pid,
            "name": text,
            "birth_date": _date_text(by, bm, bd),
            "facility": f"{ftype}-{fnum} {region or ''}".strip() if ftype else "",
            "region": region or "",
        }


def entry_record(e: dict) -> dict:
    return {
        "id": e["id"],
        "name": e["name"],
        "birth_date": _date_text(e["birth_year"], e["birth_month"], e["birth_day"]),
        "facility": e["facility_text"],
        "region": e["region_text"],
    }


def _explanation(match) -> list:
    return [[c.comparison, c.level, c.match_weight] for c in match.explanation]


def _finish_run(run: MatchRun, *, t0: float, count: int, left: int, right: int) -> None:
    run.status = JobStatus.DONE
    run.candidate_count = count
    run.records_left, run.records_right = left, right
    run.seconds = round(time.perf_counter() - t0, 2)
    run.finished_at = timezone.now()
    run.save()


def match_run(
    *, person_list: PersonList, actor, threshold: float = 0.5,
    progress: Callable[[str], None] | None = None,
) -> MatchRun:
    """Link the list's undecided entries against every registry person; store candidates."""
    from kintrace.linkage.api import link_records

    t0 = time.perf_counter()
    run = MatchRun.objects.create(person_list=person_list, threshold=threshold,
                                  status=JobStatus.RUNNING,
                                  created_by=actor if actor and actor.pk else None)
    entries = list(
        ListEntry.objects.filter(person_list=person_list, person__isnull=True).order_by()
        .values("id", "name", "birth_year", "birth_month", "birth_day", "facility_text",
                "region_text"))
    left = [entry_record(e) for e in entries]
    person_of: dict[str, int] = {}
    right = []
    for r in person_records():
        person_of[str(r["id"])] = r.pop("person")
        right.append(r)
    if progress:
        progress(f"matching {len(left)} entries against {len(right)} name records")
    matches = link_records(left, right, threshold=threshold, progress=progress) if left and \
        right else []
    rejected = set(EntryRejection.objects.filter(entry__person_list=person_list)
                   .values_list("entry_id", "person_id"))
    best: dict[tuple[int, int], object] = {}
    for m in matches:  # strongest first
        key = (int(m.left_id), person_of[m.right_id])
        if key not in rejected and key not in best:
            best[key] = m
    per_entry: dict[int, int] = {}
    candidates = []
    for (entry_id, person_id), m in best.items():
        if per_entry.get(entry_id, 0) >= PER_ENTRY:
            continue
        per_entry[entry_id] = per_entry.get(entry_id, 0) + 1
        candidates.append(MatchCandidate(
            run=run, entry_id=entry_id, person_id=person_id, probability=m.probability,
            match_weight=m.match_weight, explanation=_explanation(m)))
    with transaction.atomic():
        # An open candidate from an earlier run for the same pair is superseded by this one.
        MatchCandidate.objects.filter(entry__person_list=person_list,
                                      decision__in=["open", "skipped"]).delete()
        MatchCandidate.objects.bulk_create(candidates, batch_size=BATCH)
        _finish_run(run, t0=t0, count=len(candidates), left=len(left), right=len(right))
        audit_record(actor=actor, action="list.match", target=person_list,
                     after={"run": run.pk, "threshold": threshold,
                            "candidates": len(candidates), "entries": len(left)})
    return run


def dedupe_run(
    *, actor, threshold: float = 0.8, progress: Callable[[str], None] | None = None,
) -> MatchRun:
    """Find pairs of registry persons that are probably one man; store them for review."""
    from kintrace.linkage.api import dedupe_records

    t0 = time.perf_counter()
    run = MatchRun.objects.create(threshold=threshold, status=JobStatus.RUNNING,
                                  created_by=actor if actor and actor.pk else None)
    person_of: dict[str, int] = {}
    records = []
    for r in person_records():
        person_of[str(r["id"])] = r.pop("person")
        records.append(r)
    result = dedupe_records(records, threshold=threshold, progress=progress) if len(
        records) > 1 else None
    rejected = set(DuplicateRejection.objects.values_list("person_a_id", "person_b_id"))
    seen: set[tuple[int, int]] = set()
    candidates = []
    pairs = sorted([*result.pairs, *result.review], key=lambda m: -m.probability) \
        if result else []
    for m in pairs:
        a, b = person_of[m.left_id], person_of[m.right_id]
        if a == b:
            continue
        key = (min(a, b), max(a, b))
        if key in seen or key in rejected:
            continue
        seen.add(key)
        candidates.append(DuplicateCandidate(
            run=run, person_a_id=key[0], person_b_id=key[1], probability=m.probability,
            match_weight=m.match_weight, explanation=_explanation(m)))
    with transaction.atomic():
        DuplicateCandidate.objects.filter(decision__in=["open", "skipped"]).delete()
        DuplicateCandidate.objects.bulk_create(candidates, batch_size=BATCH)
        _finish_run(run, t0=t0, count=len(candidates), left=len(records), right=len(records))
        audit_record(actor=actor, action="registry.dedupe", target=run,
                     after={"threshold": threshold, "candidates": len(candidates),
                            "records": len(records)})
    return run
