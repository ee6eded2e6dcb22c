"""Match runs: a list against the registry (link) and the registry against itself (dedupe).

The engine sees one record per name variant of each person (so a Latin spelling added
to a person helps), and the best pair per (entry, person) is kept. Pairs a person has
rejected before are never stored again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

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


def _scored(frames, *, threshold: float, progress) -> list:
    """The engine's pairs for prepared frames, strongest first, each explained."""
    from kintrace.linkage.api import to_matches
    from kintrace.linkage.engine import score
    from kintrace.linkage.model import Parameters

    params = Parameters.load(None)
    if progress:
        progress("scoring pairs")
    pairs = score(frames, params, threshold=threshold, backend="duckdb")
    pairs = pairs.sort_values("match_probability", ascending=False, kind="stable")
    if progress:
        progress(f"{len(pairs)} pairs at or above {threshold}")
    return to_matches(pairs, params)


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
    from kintrace.linkage.prepare import records_to_frame

    from ..prepared import prepare_parallel, registry_prepared

    t0 = time.perf_counter()
    run = MatchRun.objects.create(person_list=person_list, threshold=threshold,
                                  status=JobStatus.RUNNING,
                                  created_by=actor if actor and actor.pk else None)
    entries = [entry_record(e) for e in
               ListEntry.objects.filter(person_list=person_list, person__isnull=True)
               .order_by().values("id", "name", "birth_year", "birth_month", "birth_day",
                                  "facility_text", "region_text").iterator(chunk_size=20000)]
    right, person_of, _fresh = registry_prepared(progress)
    if progress:
        progress(f"normalising {len(entries)} list entries")
    left = prepare_parallel(records_to_frame(entries)) if entries else None
    matches = _scored([left, right], threshold=threshold, progress=progress) if entries and \
        len(right) else []
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
        _finish_run(run, t0=t0, count=len(candidates), left=len(entries), right=len(right))
        audit_record(actor=actor, action="list.match", target=person_list,
                     after={"run": run.pk, "threshold": threshold,
                            "candidates": len(candidates), "entries": len(entries)})
    return run


def dedupe_run(
    *, actor, threshold: float = 0.8, progress: Callable[[str], None] | None = None,
) -> MatchRun:
    """Find pairs of registry persons that are probably one man; store them for review."""
    from ..prepared import registry_prepared

    t0 = time.perf_counter()
    run = MatchRun.objects.create(threshold=threshold, status=JobStatus.RUNNING,
                                  created_by=actor if actor and actor.pk else None)
    records, person_of, _fresh = registry_prepared(progress)
    pairs = _scored([records], threshold=threshold, progress=progress) if len(records) > 1 \
        else []
    rejected = set(DuplicateRejection.objects.values_list("person_a_id", "person_b_id"))
    seen: set[tuple[int, int]] = set()
    candidates = []
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
        persons = len(set(person_of.values()))
        _finish_run(run, t0=t0, count=len(candidates), left=persons, right=persons)
        audit_record(actor=actor, action="registry.dedupe", target=run,
                     after={"threshold": threshold, "candidates": len(candidates),
                            "records": len(records)})
    return run
