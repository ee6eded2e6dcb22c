"""The Spark backend scores like DuckDB (slow: starts a JVM; runs in CI)."""

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def pairs_in_same_cluster(clusters: dict[str, str]) -> set[tuple[str, str]]:
    by = pd.Series(clusters).groupby(lambda x: clusters[x]).groups
    out = set()
    for members in by.values():
        m = sorted(members)
        out |= {(a, b) for i, a in enumerate(m) for b in m[i + 1 :]}
    return out


def test_spark_and_duckdb_clusters_agree_on_generated_records():
    pytest.importorskip("pyspark")
    from generate import generate

    from kintrace.linkage.api import dedupe_records

    records, _ = generate(1500, seed=11)
    duck = dedupe_records(records, backend="duckdb").clusters
    spark = dedupe_records(records, backend="spark").clusters
    a, b = pairs_in_same_cluster(duck), pairs_in_same_cluster(spark)
    agreement = 2 * len(a & b) / (len(a) + len(b))
    assert agreement >= 0.99
