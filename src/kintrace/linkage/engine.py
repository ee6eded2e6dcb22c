"""Scoring prepared records with Splink on DuckDB (embedded) or Spark.

`score` takes one prepared frame (dedupe) or two (link) and returns the pairs at or above a
probability, with each comparison's level (gamma) and match weight so every pair can be
explained.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from kintrace.config import envint, envstr, private_work_dir
from kintrace.linkage.blocking import report_pairs_per_rule
from kintrace.linkage.model import (
    NAME_FREQUENCIES_PATH,
    SURNAME_TF_PATH,
    Parameters,
    settings,
)

BACKENDS = ("duckdb", "spark")


@cache
def surname_tf() -> pd.DataFrame:
    """Population surname frequencies by comparison key (shipped with the package)."""
    if SURNAME_TF_PATH.exists():
        return pd.read_csv(SURNAME_TF_PATH, dtype={"surname_key": str, "tf_surname_key": float})
    return pd.DataFrame(
        {"surname_key": pd.Series([], dtype=str), "tf_surname_key": pd.Series([], dtype=float)}
    )


@cache
def name_frequencies() -> dict[str, dict[str, float]]:
    """Share of men bearing each given name / patronymic, by comparison key."""
    if not NAME_FREQUENCIES_PATH.exists():
        return {"given": {}, "patronymic": {}}
    table = pd.read_csv(NAME_FREQUENCIES_PATH, dtype={"part": str, "key": str})
    return {
        part: dict(zip(g["key"], g["frequency"], strict=True)) for part, g in table.groupby("part")
    }


# How many records' worth of evidence the packaged population tables count for when they
# are blended with the input's own name counts (see `term_frequencies`)
TF_PRIOR_RECORDS = 10_000


@cache
def population_tf() -> dict[str, dict[str, float]]:
    """Column -> key -> share of men, from the packaged Russian tables."""
    sur = surname_tf()
    out = {"surname_key": dict(zip(sur["surname_key"], sur["tf_surname_key"], strict=True))}
    for part, freq in name_frequencies().items():
        out[f"{part}_key"] = freq
    return out


def term_frequencies(frames: list[pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Splink term-frequency lookups for surname, given name and patronymic: Савватий agreeing
    says more than Александр agreeing.

    Each key's frequency is the input's own count blended with the population table, which
    counts for TF_PRIOR_RECORDS records: (count + K x share) / (n + K). One intake report
    against a few candidates leans on the population; a large input from another population
    (FEBRL's Australians, whose Emily is rare in Russia) leans on its own counts. Measured:
    FEBRL4 F1 0.946 -> 0.955 against the packaged tables alone; generator 100k 0.938 ->
    0.939 (docs/benchmarks.md)."""
    k = TF_PRIOR_RECORDS
    out = {}
    for column, population in population_tf().items():
        values = pd.concat([f[column] for f in frames], ignore_index=True)
        counts = values.value_counts(dropna=True)
        share = np.array([population.get(key, 0.0) for key in counts.index.tolist()])
        tf = (counts.to_numpy(dtype=float) + k * share) / (len(values) + k)
        out[column] = pd.DataFrame({column: counts.index.astype(str), f"tf_{column}": tf})
    return out


@cache
def spark_session() -> Any:  # a pyspark SparkSession
    """A local Spark session unless the environment points at a cluster (see docs/linkage.md)."""
    # Splink's Jaro-Winkler and friends are Scala UDFs shipped as a jar
    import sys

    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    # Workers must run the driver's Python (a system python3 of another version fails)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("kintrace-linkage").config(
        "spark.jars", similarity_jar_location()
    )
    master = envstr("KINTRACE_SPARK_MASTER", "local[*]")
    builder = builder.master(master)
    if master.startswith("local"):
        builder = builder.config(
            "spark.driver.memory", envstr("KINTRACE_SPARK_DRIVER_MEMORY", "4g")
        )
    builder = (
        builder.config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    # Names pass through the checkpoints: by default beside the database, never /tmp; a
    # cluster sets a path every executor reaches (docs/configuration.md)
    spark.sparkContext.setCheckpointDir(
        envstr("KINTRACE_SPARK_CHECKPOINT_DIR") or str(private_work_dir("spark-checkpoints"))
    )
    return spark


def _db_api(backend: str) -> Any:  # a Splink DatabaseAPI
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        con = duckdb.connect()
        # What DuckDB spills holds names in clear: into the private data directory, not its
        # default (`.tmp` in the working directory)
        spill = str(private_work_dir("duckdb")).replace("'", "''")
        con.execute(f"SET temp_directory = '{spill}'")
        threads = envint("KINTRACE_DUCKDB_THREADS", "0", minimum=0)
        if threads:
            con.execute(f"SET threads = {threads}")
        return DuckDBAPI(connection=con)
    if backend == "spark":
        from splink import SparkAPI

        # Splink leaves SparkAPI.__init__ unannotated
        return SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=spark_session(), break_lineage_method="persist"
        )
    raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")


def _register(db_api: Any, backend: str, frame: pd.DataFrame, name: str) -> Any:
    if backend == "spark":
        from pyspark.sql import types as T

        ints = {"birth_year", "birth_month", "birth_day", "birth_year_min", "birth_year_max"}

        def tf(c: str) -> bool:  # term-frequency lookups: tf_surname_key, tf_given_key, ...
            return c.startswith("tf_")

        schema = T.StructType(
            [T.StructField(c, T.StringType()) for c in frame.columns if c not in ints and not tf(c)]
            + [T.StructField(c, T.IntegerType()) for c in frame.columns if c in ints]
            + [T.StructField(c, T.DoubleType()) for c in frame.columns if tf(c)]
        )
        ordered = frame[[f.name for f in schema.fields]]
        rows = (
            ordered.astype(object).where(ordered.notna(), None).itertuples(index=False, name=None)
        )
        sdf = spark_session().createDataFrame(list(rows), schema=schema)
        return db_api.register(sdf, table_name=name)
    import pyarrow as pa

    return db_api.register(pa.Table.from_pandas(frame, preserve_index=False), table_name=name)


def linker_for(
    frames: list[pd.DataFrame],
    params: Parameters,
    backend: str,
    prior: float | None = None,
    rules: list[str] | None = None,
    tf_frames: list[pd.DataFrame] | None = None,
) -> Any:  # a splink Linker
    """A Splink linker over prepared frames (one: dedupe; two: link), model loaded.
    `rules` replace the blocking rules; `tf_frames` are counted for term frequencies
    instead of `frames` (a frame with rows repeated for blocking would count them twice)."""
    from splink import Linker

    logging.getLogger("splink").setLevel(logging.WARNING)
    db_api = _db_api(backend)
    link_type = "dedupe_only" if len(frames) == 1 else "link_only"
    sdfs = [_register(db_api, backend, f, f"input_{i}") for i, f in enumerate(frames)]
    dialect = "spark" if backend == "spark" else "duckdb"
    records = max(len(f) for f in frames)
    config = settings(link_type, dialect, params, prior, records)
    if rules is not None:
        config["blocking_rules_to_generate_predictions"] = rules
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], config, log_level=None)
    for column, table in term_frequencies(tf_frames or frames).items():
        tf = _register(db_api, backend, table, f"{column}_tf_lookup")
        linker.table_management.register_term_frequency_lookup(tf, column)
    return linker


U_SAMPLE_PAIRS = 2_000_000


def score(
    frames: list[pd.DataFrame],
    params: Parameters,
    *,
    threshold: float,
    backend: str = "duckdb",
    u_from_input: bool | None = None,
    rules: list[str] | None = None,
    tf_frames: list[pd.DataFrame] | None = None,
    prior: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Pairs with match_probability >= threshold, with gamma_* and mw_* per comparison.

    `u_from_input` re-estimates u on these records by random sampling (m and the prior stay
    the model's). Off by default: measured on FEBRL4 it lowered recall (Australian names
    agree by chance more often than the Russian-trained u says, but the TF table knows none
    of them), see docs/benchmarks.md. `progress` (a callable taking a line) hears the pairs
    each blocking rule brings (kintrace.linkage.blocking)."""
    if any(len(f) == 0 for f in frames) or (len(frames) == 1 and len(frames[0]) < 2):
        return pd.DataFrame(
            columns=["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
        )
    sizes = [len(f) for f in frames]
    linker = linker_for(
        frames,
        params,
        backend,
        prior if prior is not None else params.prior_for(*sizes),
        rules=rules,
        tf_frames=tf_frames,
    )
    if u_from_input:
        linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=1)
    if progress is not None:
        report_pairs_per_rule(linker, backend, progress)
    pred = linker.inference.predict(threshold_match_probability=threshold)
    out = pred.as_pandas_dataframe()
    keep = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"] + [
        c for c in out.columns if c.startswith(("gamma_", "mw_"))
    ]
    out = out[[c for c in keep if c in out.columns]]
    pred.drop_table_from_database_and_remove_from_cache()
    return out.reset_index(drop=True)
