"""Match runs: a list against the registry (link) and the registry against itself (dedupe).

The engine sees one record per name variant of each person (so a Latin spelling added
to a person helps); `kintrace.linkage.persons` folds the variants into one comparison per
(entry, person) that is true of the person (a patronymic known from any variant is known, a
conflict with any variant counts), and reads the probabilities at the share of the list's
entries expected in the registry, estimated from the list and recorded on the run. An entry
that two persons fit about equally keeps both, marked ambiguous, even below the threshold.
Pairs a person has rejected before are never stored again.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record
from kintrace.linkage.api import explain_rows
from kintrace.linkage.model import Parameters
from kintrace.linkage.persons import dedupe_persons, score_persons
from kintrace.linkage.prepare import records_to_frame
from kintrace.registry.likely import distinct_pairs

from .. import background as jobs
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
from ..prepared import prepare_parallel, registry_prepared
from .imports import ImportRefused
from .jobs import jobs_reap_stale

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


# The share of a list's entries expected to be registry persons before its own data is
# read (the estimate starts here and leans on it for small lists): a casualty or burial list
# mostly holds other men; a court declaration is usually asked for by a searching family.
START_SHARE = {
    "hospital": 0.1,
    "casualty": 0.1,
    "burial": 0.1,
    "pardon": 0.1,
    "court": 0.3,
    "other": 0.2,
}
# An ambiguous candidate (another person fits the entry about as well) is stored down to
# this probability: the two share what one would have had alone.
AMBIGUOUS_FLOOR = 0.2


def _explanations(frame, params) -> list:
    return [
        [[c.comparison, c.level, c.match_weight] for c in e]
        for e in explain_rows(frame.reset_index(drop=True), params)
    ]


def entry_record(e: dict) -> dict:
    return {
        "id": e["id"],
        "name": e["name"],
        # An approximate date ("около 1985") is kept only as written: the linkage reads it
        # as a range of years
        "birth_date": _date_text(e["birth_year"], e["birth_month"], e["birth_day"])
        or e.get("birth_text", ""),
        "facility": e["facility_text"],
        "region": e["region_text"],
    }


def _explanation(match) -> list:
    return [[c.comparison, c.level, c.match_weight] for c in match.explanation]


def _finish_run(run: MatchRun, *, t0: float, count: int, left: int, right: int) -> None:
    """Inside the transaction that stores the candidates: refuses (JobCancelled) if the run
    was cancelled or marked failed meanwhile, so a cancelled run stores nothing."""
    locked = MatchRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != JobStatus.RUNNING or locked.cancel_requested:
        raise jobs.JobCancelled
    run.status = JobStatus.DONE
    run.phase = ""
    run.candidate_count = count
    run.records_left, run.records_right = left, right
    run.seconds = round(time.perf_counter() - t0, 2)
    run.finished_at = timezone.now()
    run.save()


def _new_run(**fields) -> MatchRun:
    run = MatchRun.objects.create(
        status=JobStatus.RUNNING,
        phase="reading",
        heartbeat_at=timezone.now(),
        **jobs.identity(),
        **fields,
    )
    jobs.claim(MatchRun, run.pk)
    return run


@contextlib.contextmanager
def _job(run: MatchRun) -> Iterator[jobs.Running]:
    """The run's life: heartbeat, SIGTERM as SystemExit on the command line, and failed (with
    nothing stored) on any error, a Cancel or a signal."""
    try:
        with jobs.sigterm_exits(), jobs.Running(MatchRun, run.pk) as job:
            yield job
    except jobs.JobCancelled:
        _run_failed(run, gettext_noop("The match run was cancelled."))
    except BaseException as e:
        _run_failed(run, str(e) or e.__class__.__name__)
        raise


def _run_failed(run: MatchRun, error: str) -> None:
    MatchRun.objects.filter(pk=run.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.FAILED, phase="", error=error, finished_at=timezone.now()
    )
    run.refresh_from_db()


def match_running(person_list: PersonList) -> MatchRun | None:
    """The list's live match run, after marking any stale one failed."""
    jobs_reap_stale(person_list=person_list)
    return MatchRun.objects.filter(
        person_list=person_list, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).first()


def match_start(*, person_list: PersonList, actor, threshold: float = 0.5) -> MatchRun:
    """Start a match run of the list in a background thread; refuses while one runs."""
    run = _match_prepare(person_list, actor, threshold)
    pk = run.pk
    jobs.start(
        f"list-match-{person_list.pk}",
        lambda: match_run(
            person_list=PersonList.objects.get(pk=person_list.pk),
            actor=actor,
            threshold=threshold,
            run=MatchRun.objects.get(pk=pk),
        ),
    )
    return run


def _match_prepare(person_list: PersonList, actor, threshold: float) -> MatchRun:
    if not PersonList.objects.filter(pk=person_list.pk, status=JobStatus.DONE).exists():
        raise ImportRefused(_("Only an imported list can be matched."))
    with transaction.atomic():
        # Locking the list row queues two Match presses of the same list: the second sees
        # the first's run and is refused instead of starting a twin.
        PersonList.objects.select_for_update().get(pk=person_list.pk)
        if match_running(person_list):
            raise ImportRefused(_("A match run for this list is already running."))
        return _new_run(
            person_list=person_list,
            threshold=threshold,
            created_by=actor if actor and actor.pk else None,
        )


def match_run(
    *,
    person_list: PersonList,
    actor,
    threshold: float = 0.5,
    progress: Callable[[str], None] | None = None,
    run: MatchRun | None = None,
) -> MatchRun:
    """Link the list's undecided entries against every registry person; store candidates.
    Refuses (ImportRefused) a list not imported or with a match run already running; a run
    that fails, is cancelled or gets SIGTERM is marked failed and stores nothing."""
    run = run or _match_prepare(person_list, actor, threshold)
    with _job(run) as job:
        _match(run, job, person_list, actor, threshold, progress)
    return run


def _match(run: MatchRun, job, person_list: PersonList, actor, threshold: float, progress) -> None:
    t0 = time.perf_counter()
    entries = [
        entry_record(e)
        for e in ListEntry.objects.visible()
        .filter(person_list=person_list, person__isnull=True)
        .order_by()
        .values(
            "id",
            "name",
            "birth_year",
            "birth_month",
            "birth_day",
            "birth_text",
            "facility_text",
            "region_text",
        )
        .iterator(chunk_size=20000)
    ]
    job.beat(phase="normalising")
    right, person_of, _fresh = registry_prepared(progress)
    if progress:
        progress(f"normalising {len(entries)} list entries")
    left = prepare_parallel(records_to_frame(entries)) if entries else None
    job.beat(phase="scoring")
    params = Parameters.load(None)
    start = START_SHARE.get(person_list.kind, 0.2)
    if progress:
        progress("scoring pairs")
    if entries and len(right):
        pairs, prevalence = score_persons(left, right, person_of, start_share=start, params=params)
    else:
        pairs, prevalence = None, None
    rejected = set(
        EntryRejection.objects.filter(entry__person_list=person_list).values_list(
            "entry_id", "person_id"
        )
    )
    candidates = []
    if pairs is not None and len(pairs):
        keep = (pairs["match_probability"] >= threshold) | (
            pairs["ambiguous"] & (pairs["match_probability"] >= AMBIGUOUS_FLOOR)
        )
        pairs = pairs[keep].reset_index(drop=True)
        explanations = _explanations(pairs, params)
        per_entry: dict[int, int] = {}
        for i, row in enumerate(pairs.itertuples(index=False)):  # strongest first
            entry_id, person_id = int(row.unique_id_l), int(row.person_r)
            if (entry_id, person_id) in rejected or per_entry.get(entry_id, 0) >= PER_ENTRY:
                continue
            per_entry[entry_id] = per_entry.get(entry_id, 0) + 1
            candidates.append(
                MatchCandidate(
                    run=run,
                    entry_id=entry_id,
                    person_id=person_id,
                    probability=float(row.match_probability),
                    match_weight=float(row.match_weight),
                    explanation=explanations[i],
                    reason="ambiguous" if row.ambiguous else "",
                )
            )
    if progress:
        progress(f"{len(candidates)} candidates")
    if prevalence is not None:
        run.expected_share, run.share_start = prevalence.share, prevalence.start
        run.namesake_share = prevalence.namesakes
    job.beat(phase="storing")
    with transaction.atomic():
        # An open candidate from an earlier run for the same pair is superseded by this one.
        MatchCandidate.objects.filter(
            entry__person_list=person_list, decision__in=["open", "skipped"]
        ).delete()
        MatchCandidate.objects.bulk_create(candidates, batch_size=BATCH)
        _finish_run(run, t0=t0, count=len(candidates), left=len(entries), right=len(right))
        audit_record(
            actor=actor,
            action=Action.LIST_MATCH,
            target=person_list,
            after={
                "run": run.pk,
                "threshold": threshold,
                "candidates": len(candidates),
                "entries": len(entries),
                "expected_share": run.expected_share,
            },
        )


def dedupe_running() -> MatchRun | None:
    """The registry's live duplicate search, after marking a stale one failed."""
    jobs_reap_stale()
    return MatchRun.objects.filter(
        person_list__isnull=True, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).first()


def _dedupe_prepare(actor, threshold: float) -> MatchRun:
    if dedupe_running():
        raise ImportRefused(_("A duplicate search is already running."))
    try:
        with transaction.atomic():
            # The partial unique index (one live run per list, one for the registry) refuses
            # a twin started by a second press at the same moment.
            run = _new_run(threshold=threshold, created_by=actor if actor and actor.pk else None)
            audit_record(
                actor=actor,
                action=Action.REGISTRY_DEDUPE_START,
                target=run,
                after={"threshold": threshold},
            )
            return run
    except IntegrityError:
        raise ImportRefused(_("A duplicate search is already running.")) from None


def dedupe_start(*, actor, threshold: float = 0.8) -> MatchRun:
    """Start the registry duplicate search in a background thread; refuses while one runs.
    The run's row shows its phase while it runs and its error if it fails."""
    run = _dedupe_prepare(actor, threshold)
    pk = run.pk
    jobs.start(
        "registry-dedupe",
        lambda: dedupe_run(actor=actor, threshold=threshold, run=MatchRun.objects.get(pk=pk)),
    )
    return run


def dedupe_run(
    *,
    actor,
    threshold: float = 0.8,
    progress: Callable[[str], None] | None = None,
    run: MatchRun | None = None,
) -> MatchRun:
    """Find pairs of registry persons that are probably one man; store them for review.
    Refused (ImportRefused) while another search runs; a failure is stored on the run."""
    run = run or _dedupe_prepare(actor, threshold)
    with _job(run) as job:
        _dedupe(run, job, actor, threshold, progress)
    return run


def _dedupe(run: MatchRun, job, actor, threshold: float, progress) -> None:
    t0 = time.perf_counter()
    job.beat(phase="normalising")
    records, person_of, _fresh = registry_prepared(progress)
    job.beat(phase="scoring")
    params = Parameters.load(None)
    if progress:
        progress("scoring pairs")
    pairs = (
        dedupe_persons(records, person_of, threshold=threshold, params=params)
        if len(records) > 1
        else None
    )
    # Pairs a reviewer rejected here, and pairs said to be different men when one was added.
    rejected = set(DuplicateRejection.objects.values_list("person_a_id", "person_b_id"))
    rejected |= distinct_pairs()
    candidates = []
    if pairs is not None and len(pairs):
        explanations = _explanations(pairs, params)
        for i, row in enumerate(pairs.itertuples(index=False)):
            a, b = int(row.person_l), int(row.person_r)
            key = (min(a, b), max(a, b))
            if key in rejected:
                continue
            candidates.append(
                DuplicateCandidate(
                    run=run,
                    person_a_id=key[0],
                    person_b_id=key[1],
                    probability=float(row.match_probability),
                    match_weight=float(row.match_weight),
                    explanation=explanations[i],
                    reason="conflict" if row.conflict else "",
                )
            )
    if progress:
        progress(f"{len(candidates)} candidates")
    job.beat(phase="storing")
    with transaction.atomic():
        DuplicateCandidate.objects.filter(decision__in=["open", "skipped"]).delete()
        DuplicateCandidate.objects.bulk_create(candidates, batch_size=BATCH)
        persons = len(set(person_of.values()))
        _finish_run(run, t0=t0, count=len(candidates), left=persons, right=persons)
        audit_record(
            actor=actor,
            action=Action.REGISTRY_DEDUPE,
            target=run,
            after={"threshold": threshold, "candidates": len(candidates), "records": len(records)},
        )
