"""Train the packaged default model and surname frequency table.

    python bench/train_model.py [--records 60000] [--out src/kintrace/linkage/default_model.json]

u by random sampling, name m by EM on blocks of records that share an exact birth date (a
strong identifier, so the block is not dominated by namesakes); birth-date and facility m
stay at their domain-knowledge values (fixed in kintrace.linkage.model). The surname
frequencies come from the russiannames population table, not from the generator.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from generate import DATA_DIR, generate

from kintrace.linkage.engine import linker_for
from kintrace.linkage.model import (
    DEFAULT_MODEL_PATH,
    NAME_FREQUENCIES_PATH,
    SURNAME_TF_PATH,
    Parameters,
)
from kintrace.linkage.prepare import prepare
from kintrace.names.parse import name_key
from kintrace.names.parse.keys import surname_key


def surname_frequencies(top: int = 30000) -> pd.DataFrame:
    sur = pd.read_parquet(DATA_DIR / "surnames.parquet")
    sur = sur[sur.gender == "m"].sort_values("count", ascending=False).head(top * 2)
    # keyed as the parser keys a surname (Толстой and Трубецкой fold with -ий/-ая)
    keys = sur["text"].map(lambda s: surname_key(s) or None)
    freq = sur.assign(surname_key=keys).dropna(subset=["surname_key"])
    freq = freq.groupby("surname_key", as_index=False)["count"].sum()
    # Share among men; the table is a sample, so scale by the sampled total
    freq["tf_surname_key"] = freq["count"] / sur["count"].sum()
    return freq.sort_values("tf_surname_key", ascending=False).head(top)[
        ["surname_key", "tf_surname_key"]
    ]


def given_and_patronymic_frequencies() -> pd.DataFrame:
    """Share of men bearing each given name and each patronymic (russiannames tables), by
    comparison key: with the surname's share it says how many namesakes a name has."""
    parts = []
    for part, file in (("given", "names.parquet"), ("patronymic", "midnames.parquet")):
        table = pd.read_parquet(DATA_DIR / file)
        table = table[table.gender == "m"]
        keys = table["text"].map(lambda s: name_key(s) or None)
        freq = (
            table.assign(key=keys)
            .dropna(subset=["key"])
            .groupby("key", as_index=False)["count"]
            .sum()
        )
        freq["frequency"] = freq["count"] / table["count"].sum()
        freq = freq[freq["frequency"] >= 1e-6].sort_values("frequency", ascending=False)
        parts.append(freq.assign(part=part)[["part", "key", "frequency"]])
    return pd.concat(parts, ignore_index=True)


def train(records: int, seed: int) -> Parameters:
    rows, truth = generate(records, seed)
    prepared = prepare(pd.DataFrame(rows))
    params = Parameters.defaults()
    linker = linker_for([prepared], params, "duckdb")
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(
        "l.birth_year = r.birth_year AND l.birth_month = r.birth_month"
        " AND l.birth_day = r.birth_day",
        record_sample_proportion=1.0,
        estimate_without_term_frequencies=True,
    )
    model = linker.misc.save_model_to_json()
    levels: dict[str, dict[str, tuple[float, float]]] = {}
    for comp in model["comparisons"]:
        out = {}
        for lv in comp["comparison_levels"]:
            if lv.get("is_null_level"):
                continue
            m = lv.get("m_probability") or 1e-6
            u = lv.get("u_probability") or 1e-6
            out[lv["label_for_charts"]] = (max(m, 1e-6), max(u, 1e-6))
        levels[comp["output_column_name"]] = out
    # Matching pairs per record in the training data, so the prior can follow input size
    persons = pd.DataFrame(truth)["person_id"].value_counts()
    per_record = float((persons * (persons - 1) / 2).sum() / len(truth))
    return Parameters(
        prior=2 * per_record / (len(truth) - 1), levels=levels, matches_per_record=per_record
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=60000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    a = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    surname_frequencies().to_csv(SURNAME_TF_PATH, index=False, float_format="%.8g")
    given_and_patronymic_frequencies().to_csv(
        NAME_FREQUENCIES_PATH, index=False, float_format="%.8g"
    )
    params = train(a.records, a.seed)
    params.save(a.out)
    print(f"wrote {a.out}, {SURNAME_TF_PATH} and {NAME_FREQUENCIES_PATH}")


if __name__ == "__main__":
    main()
