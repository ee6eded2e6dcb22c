"""Best-first clustering refuses merges no evidence can justify."""

import numpy as np
import pandas as pd

from kintrace.linkage.cluster import cluster


def prepared(rows):
    """Rows of (id, year, facility) or (id, year, facility, month, day)."""
    rows = [tuple(r) + (None,) * (5 - len(r)) for r in rows]
    frame = pd.DataFrame(
        rows, columns=["unique_id", "birth_year", "facility_key", "birth_month", "birth_day"]
    )
    for column in ("birth_year", "birth_month", "birth_day"):
        frame[column] = pd.array(frame[column], dtype="Int32")
    return frame


def pairs(rows):
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_probability"])


def test_a_record_without_a_year_joins_only_one_of_two_namesakes():
    recs = prepared([("a", 1984, None), ("x", None, None), ("b", 1991, None)])
    result = cluster(recs, pairs([("a", "x", 0.99), ("x", "b", 0.95)]), threshold=0.9)
    assert result.cluster_of["x"] == result.cluster_of["a"]
    assert result.cluster_of["b"] == "b"
    assert len(result.refused) == 1


def test_the_stronger_pair_wins_the_bridge():
    recs = prepared([("a", 1984, None), ("x", None, None), ("b", 1991, None)])
    result = cluster(recs, pairs([("a", "x", 0.91), ("x", "b", 0.99)]), threshold=0.9)
    assert result.cluster_of["x"] == result.cluster_of["b"] != result.cluster_of["a"]


def test_two_facilities_without_a_full_birth_date_are_never_one_cluster():
    recs = prepared([("a", None, "IK-17"), ("b", None, None), ("c", None, "IK-5")])
    result = cluster(recs, pairs([("a", "b", 0.99), ("b", "c", 0.98)]), threshold=0.9)
    assert result.cluster_of["c"] == "c"
    assert result.cluster_of["a"] == result.cluster_of["b"]


def test_pairs_below_the_threshold_do_not_merge_and_held_back_records_stay_alone():
    recs = prepared([("a", 1984, None), ("b", 1984, None), ("c", None, None)])
    result = cluster(
        recs,
        pairs([("a", "b", 0.5), ("a", "c", 0.99)]),
        threshold=0.9,
        hold_back=np.array([False, False, True]),
    )
    assert set(result.cluster_of.values()) == {"a", "b", "c"}
    assert len(result.review) == 1


def test_a_record_without_a_year_between_two_namesakes_goes_to_review_when_asked():
    recs = prepared([("a", 1984, None), ("x", None, None), ("b", 1991, None)])
    result = cluster(
        recs, pairs([("a", "x", 0.99), ("x", "b", 0.95)]), threshold=0.9, hold_ambiguous=True
    )
    assert set(result.cluster_of.values()) == {"a", "x", "b"}
    assert len(result.review) == 2


def test_a_man_who_moved_between_facilities_is_one_cluster_when_his_birth_date_agrees():
    # СИЗО-1 → ИК-17: the same full birth date makes the move believable.
    recs = prepared(
        [("sizo", 1985, "SIZO-1", 4, 12), ("ik", 1985, "IK-17", 4, 12), ("camp", None, None)]
    )
    result = cluster(recs, pairs([("sizo", "ik", 0.99), ("ik", "camp", 0.95)]), threshold=0.9)
    assert result.cluster_of["sizo"] == result.cluster_of["ik"] == result.cluster_of["camp"]
    assert result.refused == []


def test_two_facilities_and_two_birth_days_stay_apart_and_the_pair_is_reported():
    recs = prepared([("a", 1985, "IK-3", 4, 12), ("b", 1985, "IK-5", 7, 30)])
    result = cluster(recs, pairs([("a", "b", 0.97)]), threshold=0.9)
    assert result.cluster_of["a"] != result.cluster_of["b"]
    assert result.refused == [0]


def test_a_cluster_that_moved_keeps_every_facility_it_named():
    # a (IK-17) and b (SIZO-1) are one man by his birth date; c names SIZO-1 with no date
    # and joins him through the facility he really was in.
    recs = prepared(
        [("a", 1985, "IK-17", 4, 12), ("b", 1985, "SIZO-1", 4, 12), ("c", None, "SIZO-1")]
    )
    result = cluster(recs, pairs([("a", "b", 0.99), ("a", "c", 0.95)]), threshold=0.9)
    assert result.cluster_of["c"] == result.cluster_of["a"] == result.cluster_of["b"]


def test_equal_probabilities_cluster_the_same_whatever_order_the_pairs_arrive_in():
    # A bridge record between two namesakes with equal probabilities: which side it joins must
    # depend on the input, never on the order the backend's threads returned the pairs.
    rng = np.random.default_rng(7)
    recs = prepared([(f"r{i}", 1980 + i % 2 if i % 3 else None, None) for i in range(30)])
    rows = [(f"r{i}", f"r{j}", 0.95) for i in range(30) for j in range(i + 1, 30)]
    outcomes = set()
    for _ in range(5):
        shuffled = pairs([rows[k] for k in rng.permutation(len(rows))])
        result = cluster(recs, shuffled, threshold=0.9)
        refused = sorted(
            tuple(shuffled.loc[p, ["unique_id_l", "unique_id_r"]]) for p in result.refused
        )
        outcomes.add((tuple(sorted(result.cluster_of.items())), tuple(refused)))
    assert len(outcomes) == 1


def test_facilities_a_cluster_gathered_are_kept_whichever_side_the_merge_keeps():
    # b (SIZO-1, IK-17 by his birth day) then joins a (IK-17) through the shared IK-17: the
    # merged man still names SIZO-1, so d (SIZO-1, no date) joins him, and e (IK-5) does not.
    recs = prepared(
        [
            ("a", 1985, "IK-17"),
            ("b", 1985, "SIZO-1", 4, 12),
            ("c", 1985, "IK-17", 4, 12),
            ("d", None, "SIZO-1"),
            ("e", None, "IK-5"),
        ]
    )
    result = cluster(
        recs,
        pairs([("b", "c", 0.99), ("a", "c", 0.98), ("a", "d", 0.97), ("d", "e", 0.96)]),
        threshold=0.9,
    )
    one = result.cluster_of["a"]
    assert [result.cluster_of[k] for k in "bcd"] == [one] * 3
    assert result.cluster_of["e"] == "e"
