"""What the rest of kintrace calls: link two sets of records, or find duplicates in one.

Records are dicts with the CSV contract's keys (id, name or surname/given_name/patronymic,
birth_date, facility, region). Models are never trained on the caller's records: a saved
model (the packaged default unless `model_path` is given) scores them, so one intake report
against the registry takes milliseconds, not a training run.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kintrace.linkage.cluster import cluster, expected_namesakes, name_only_common
from kintrace.linkage.engine import name_frequencies, score, surname_tf
from kintrace.linkage.model import Parameters
from kintrace.linkage.persons import levels
from kintrace.linkage.prepare import prepare, records_to_frame

Progress = Callable[[str], None] | None


@dataclass(frozen=True)
class ComparisonExplanation:
    comparison: str
    level: str
    match_weight: float


@dataclass(frozen=True)
class Match:
    left_id: str
    right_id: str
    probability: float
    match_weight: float
    explanation: tuple[ComparisonExplanation, ...]


@dataclass
class DedupeResult:
    clusters: dict[str, str]  # record id -> cluster id
    pairs: list[Match]  # pairs at or above the threshold, strongest first
    review: list[Match] = field(default_factory=list)  # pairs a person must decide
    refused: list[Match] = field(default_factory=list)  # pairs that would join conflicting records
    timings: dict[str, float] = field(default_factory=dict)


def _say(progress: Progress, message: str) -> None:
    if progress is not None:
        progress(message)


def explain_rows(
    pairs: pd.DataFrame, params: Parameters
) -> list[tuple[ComparisonExplanation, ...]]:
    """Per pair, each comparison's level label and match weight (TF adjustment included).

    Splink returns each comparison's match weight; the level is the one with that weight
    (weight 0 with no level of weight 0 is a missing value on one side).
    """

    cols = levels(pairs, params)
    out = []
    for i in range(len(pairs)):
        out.append(
            tuple(
                ComparisonExplanation(comp, names[level[i]], round(float(total[i]), 3))
                for comp, (names, level, total) in cols.items()
            )
        )
    return out


def to_matches(pairs: pd.DataFrame, params: Parameters, *, explain: bool = True) -> list[Match]:
    explanations = explain_rows(pairs, params) if explain else [()] * len(pairs)
    return [
        Match(str(l_id), str(r_id), float(p), float(w), e)
        for l_id, r_id, p, w, e in zip(
            pairs["unique_id_l"],
            pairs["unique_id_r"],
            pairs["match_probability"],
            pairs["match_weight"],
            explanations,
            strict=True,
        )
    ]


ONE_TO_ONE_MODES = ("auto", "on", "off")
# Pairs scored at least this high are candidates for the one-to-one reading, which can lift
# a lone candidate far above its pairwise probability
CANDIDATE_FLOOR = 0.001
# "auto" reads a link as one-to-one when, among pairs at STRONG or above, at most this share
# of the records on either side has two or more partners (measured 2026-11-25: FEBRL4 0.1 %;
# the generator's first vs second record of each man 2-4 %, its namesakes; the generator's
# records split in halves, a man several times on each side, 44 %)
STRONG = 0.9
MAX_MULTI_SHARE = 0.10
# However many records have a partner, "none of them" stays possible for a lone candidate
MAX_PARTNER_SHARE = 0.99
# "auto" reads nothing into fewer strong pairs than this, or smaller files: three rows with
# one strong pair each say nothing about whether 99 % of a list has a partner (issue 11)
MIN_STRONG_PAIRS = 30
MIN_RECORDS = 100


def looks_one_to_one(
    pairs: pd.DataFrame, n_left: int | None = None, n_right: int | None = None
) -> bool:
    """Do the strong pairs pair each record with at most one on the other side? Never for
    small inputs (fewer than MIN_RECORDS records on a side, or MIN_STRONG_PAIRS strong
    pairs): they cannot show it."""
    if min(n_left or MIN_RECORDS, n_right or MIN_RECORDS) < MIN_RECORDS:
        return False
    strong = pairs[pairs["match_probability"] >= STRONG]
    if len(strong) < MIN_STRONG_PAIRS:
        return False
    for column in ("unique_id_l", "unique_id_r"):
        partners = strong[column].value_counts()
        if (partners > 1).sum() > MAX_MULTI_SHARE * len(partners):
            return False
    return True


def one_to_one_probability(
    pairs: pd.DataFrame, n_left: int, n_right: int, prior: float
) -> tuple[np.ndarray, float, float]:
    """Probability that each pair is one man when each file lists a man at most once.

    A left record has a partner on the right with probability pi_l (and then any right
    record equally likely a priori); its candidates compete: P(i~j) = a L_ij / ((1 - pi_l) +
    a sum_k L_ik) with a = pi_l / n_right and L the pair's Bayes factor (Splink's match
    weight without the prior); the same from the right side, and the pair keeps the smaller.
    pi_l and pi_r are estimated from the pairs themselves (a fixed point: the share of records
    expected to have a partner). A lone strong candidate rises, a namesake beside a better
    candidate falls."""
    weight = pairs["match_weight"].to_numpy(dtype=float)
    bayes = np.exp2(weight - math.log2(prior / (1 - prior)))
    li = pd.factorize(pairs["unique_id_l"])[0]
    ri = pd.factorize(pairs["unique_id_r"])[0]
    row, col = np.bincount(li, bayes), np.bincount(ri, bayes)
    pi_l = pi_r = 0.5
    for _ in range(100):
        a, b = pi_l / n_right, pi_r / n_left
        new_l = min(float((a * row / ((1 - pi_l) + a * row)).sum()) / n_left, MAX_PARTNER_SHARE)
        new_r = min(float((b * col / ((1 - pi_r) + b * col)).sum()) / n_right, MAX_PARTNER_SHARE)
        done = abs(new_l - pi_l) < 1e-6 and abs(new_r - pi_r) < 1e-6
        pi_l, pi_r = max(new_l, 1e-9), max(new_r, 1e-9)
        if done:
            break
    a, b = pi_l / n_right, pi_r / n_left
    from_left = a * bayes / ((1 - pi_l) + a * row[li])
    from_right = b * bayes / ((1 - pi_r) + b * col[ri])
    return np.minimum(from_left, from_right), pi_l, pi_r


def link_frames(
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    threshold: float,
    backend: str,
    model_path: Path | None,
    progress: Progress = None,
    timings: dict[str, float] | None = None,
    workers: int | None = 1,
    one_to_one: str = "off",
) -> pd.DataFrame:
    """Scored pairs (left id in unique_id_l) between two contract-shaped frames.

    `workers` > 1 (or None: every core) parses on forked processes: batch commands only.
    `one_to_one`: "on" reads every pair's probability as if each file listed a man at most
    once (`one_to_one_probability`; the pairwise one is kept in `pairwise_probability`),
    "auto" does so when the strong pairs say so (`looks_one_to_one`), "off" never. The
    registry holds a man under several names, so the application's own links stay "off"."""
    if one_to_one not in ONE_TO_ONE_MODES:
        raise ValueError(f"one_to_one must be one of {', '.join(ONE_TO_ONE_MODES)}")
    timings = timings if timings is not None else {}
    t0 = time.perf_counter()
    _say(progress, f"normalising {len(left)} + {len(right)} records")
    # One pass over both: a name on both sides is parsed once, and the workers start once
    both = prepare(pd.concat([left, right], ignore_index=True, sort=False), workers=workers)
    pl = both.iloc[: len(left)].reset_index(drop=True)
    pr = both.iloc[len(left) :].reset_index(drop=True)
    t1 = time.perf_counter()
    timings["normalise"] = t1 - t0
    _say(progress, "scoring pairs")
    params = Parameters.load(model_path)
    floor = threshold if one_to_one == "off" else min(threshold, CANDIDATE_FLOOR)
    pairs = score([pl, pr], params, threshold=floor, backend=backend, progress=progress)
    timings["predict"] = time.perf_counter() - t1
    # In the records' order, not the backend threads': one-to-one sums and ties come out the
    # same on every run of the same input.
    pairs = _in_input_order(pairs)
    if one_to_one == "on" or (
        one_to_one == "auto" and looks_one_to_one(pairs, len(left), len(right))
    ):
        q, pi_l, pi_r = one_to_one_probability(
            pairs, len(left), len(right), params.prior_for(len(left), len(right))
        )
        pairs = pairs.assign(pairwise_probability=pairs["match_probability"], match_probability=q)
        _say(
            progress,
            f"one-to-one reading: {pi_l:.0%} of the left records and "
            f"{pi_r:.0%} of the right have a partner",
        )
    elif one_to_one == "auto":
        _say(
            progress,
            "pairwise reading: too few records or strong pairs to tell, or records"
            " on one side have several strong partners",
        )
    pairs = pairs[pairs["match_probability"] >= threshold]
    # link_only pairs come with the first input (input_0) on the left: Splink joins
    # l.source_dataset < r.source_dataset.
    return pairs.sort_values("match_probability", ascending=False, kind="stable")


def _in_input_order(pairs: pd.DataFrame) -> pd.DataFrame:
    """The pairs sorted by (left id, right id), index renumbered: a stable sort after this
    keeps ties in an order that depends on the input alone."""
    if not len(pairs):
        return pairs
    return pairs.sort_values(["unique_id_l", "unique_id_r"], kind="stable", ignore_index=True)


def link_records(
    left: Iterable[Mapping[str, Any]],
    right: Iterable[Mapping[str, Any]],
    *,
    threshold: float = 0.5,
    backend: str = "duckdb",
    model_path: Path | None = None,
    progress: Progress = None,
) -> list[Match]:
    """Pairs (left record, right record) at or above `threshold`, strongest first, explained."""
    pairs = link_frames(
        records_to_frame(left),
        records_to_frame(right),
        threshold=threshold,
        backend=backend,
        model_path=model_path,
        progress=progress,
    )
    return to_matches(pairs, Parameters.load(model_path))


def dedupe_frame(
    frame: pd.DataFrame,
    *,
    threshold: float,
    backend: str,
    model_path: Path | None,
    progress: Progress = None,
    explain: bool = True,
    keep_pairs: bool = True,
    workers: int | None = 1,
) -> DedupeResult:
    """`keep_pairs=False` leaves `pairs` empty and `explain=False` every explanation (the CLI
    only writes clusters); `workers` as in `link_frames`."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    _say(progress, f"normalising {len(frame)} records")
    prepared = prepare(frame, workers=workers)
    t1 = time.perf_counter()
    timings["normalise"] = t1 - t0
    _say(progress, "scoring pairs")
    params = Parameters.load(model_path)
    pairs = score([prepared], params, threshold=threshold, backend=backend, progress=progress)
    t2 = time.perf_counter()
    timings["predict"] = t2 - t1
    _say(progress, f"clustering {len(pairs)} pairs")
    result = cluster(
        prepared,
        pairs,
        threshold=threshold,
        hold_back=name_only_common(
            prepared, expected_namesakes(prepared, surname_tf(), name_frequencies())
        ),
    )
    timings["cluster"] = time.perf_counter() - t2
    strongest = (
        _in_input_order(pairs).sort_values("match_probability", ascending=False, kind="stable")
        if keep_pairs
        else pairs.iloc[:0]
    )
    return DedupeResult(
        clusters=result.cluster_of,
        pairs=to_matches(strongest, params, explain=explain),
        review=to_matches(pairs.loc[result.review], params, explain=explain),
        refused=to_matches(pairs.loc[result.refused], params, explain=explain),
        timings=timings,
    )


def dedupe_records(
    records: Iterable[Mapping[str, Any]],
    *,
    threshold: float = 0.5,
    backend: str = "duckdb",
    model_path: Path | None = None,
    progress: Progress = None,
) -> DedupeResult:
    """Clusters of records that are one person, with the pairs behind them explained."""
    return dedupe_frame(
        records_to_frame(records),
        threshold=threshold,
        backend=backend,
        model_path=model_path,
        progress=progress,
    )
