"""Shared pieces of the matching benchmarks: running the CLI, pairwise scores, and plain
Splink on the raw columns (what you get without kintrace's normalisation)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
KINTRACE = str(Path(sys.executable).parent / "kintrace")


def run_cli(args: list[str]) -> tuple[float, str]:
    """Run `kintrace ARGS`; return wall seconds and stderr (progress lines)."""
    start = time.perf_counter()
    proc = subprocess.run([KINTRACE, *args], capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"kintrace {' '.join(args)} failed:\n{proc.stderr}")
    return took, proc.stderr


def pair_count(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def cluster_scores(predicted: pd.Series, truth: pd.Series) -> dict[str, float]:
    """Pairwise precision/recall/F1 of a clustering against true entity ids (same index)."""
    both = pd.DataFrame({"p": predicted, "t": truth})
    tp = pair_count(both.groupby(["p", "t"]).size())
    pred = pair_count(both.groupby("p").size())
    true = pair_count(both.groupby("t").size())
    return _prf(tp, pred, true)


def pair_scores(predicted: set[tuple[str, str]], true: set[tuple[str, str]]) -> dict[str, float]:
    return _prf(len(predicted & true), len(predicted), len(true))


def _prf(tp: int, pred: int, true: int) -> dict[str, float]:
    precision = tp / pred if pred else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pairs": pred, "true_pairs": true}


def fmt(scores: dict[str, float]) -> str:
    return (
        f"precision {scores['precision']:.4f}  recall {scores['recall']:.4f}  "
        f"F1 {scores['f1']:.4f}  ({scores['pairs']} predicted / {scores['true_pairs']} true pairs)"
    )


def raw_splink(
    frames: list[pd.DataFrame], columns: dict[str, str], blocking: list[str], threshold: float
) -> tuple[pd.DataFrame, float]:
    """Plain Splink on lower-cased raw columns: Jaro-Winkler on names, exact or one edit on
    the rest, u by sampling, m by EM. Returns predictions (or clusters for one frame) and
    seconds."""
    import duckdb
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink import comparison_library as cl

    start = time.perf_counter()
    db = DuckDBAPI(connection=duckdb.connect())
    comps = []
    for col, kind in columns.items():
        if kind == "name":
            comps.append(cl.JaroWinklerAtThresholds(col, [0.92, 0.8]))
        else:
            comps.append(cl.LevenshteinAtThresholds(col, [1]))
    link_type = "dedupe_only" if len(frames) == 1 else "link_only"
    settings = SettingsCreator(
        link_type=link_type,
        comparisons=comps,
        blocking_rules_to_generate_predictions=[block_on(*b.split("+")) for b in blocking],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    sdfs = [db.register(f, table_name=f"raw_{i}") for i, f in enumerate(frames)]
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on(*blocking[0].split("+"))], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for b in blocking[:2]:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*b.split("+")), record_sample_proportion=1.0
        )
    pred = linker.inference.predict(threshold_match_probability=threshold)
    if len(frames) == 1:
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            pred, threshold_match_probability=threshold
        ).as_pandas_dataframe()
        return clusters[["unique_id", "cluster_id"]], time.perf_counter() - start
    out = pred.as_pandas_dataframe()[["unique_id_l", "unique_id_r", "match_probability"]]
    return out, time.perf_counter() - start


def raw_frame(records: pd.DataFrame, name_cols: list[str], other: list[str]) -> pd.DataFrame:
    """Raw contract columns, lower-cased and stripped, nothing else."""
    out = pd.DataFrame({"unique_id": records["id"].astype(str)})
    for c in name_cols + other:
        col = records[c].fillna("").astype(str).str.strip().str.lower() if c in records else ""
        out[c] = col.where(col != "", None)
    return out


def threads_note() -> str:
    return f"{os.cpu_count()} cores"
