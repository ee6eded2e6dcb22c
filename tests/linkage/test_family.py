"""The family share (kintrace.linkage.persons.family_share / family_evidence, issue 11): a man
who shares a surname and a patronymic with a registry person but has another given name is
most often his brother, so the shared patronymic says "the same father", not "the same man".
Before, "БОЙЦОВ ИЛЬЯ ВАДИМОВИЧ" was Бойцов Алексей Вадимович at 0.24 where none of such pairs
was the same man (bench/list_match.py's calibration table)."""

import math

import pandas as pd

from kintrace.linkage.model import Parameters
from kintrace.linkage.persons import (
    FAMILY_START,
    _full_names,
    dedupe_persons,
    family_share,
    score_persons,
)
from kintrace.linkage.prepare import prepare, records_to_frame

SHARE = 0.1
SURNAMES = ["Бойцов", "Голубятников", "Лоскутников", "Кислицин", "Титарев", "Мякишев"]
GIVEN = ["Алексей", "Илья", "Николай", "Михаил", "Антон", "Фёдор", "Сергей", "Игорь"]
PATRONYMICS = ["Вадимович", "Георгиевич", "Антонович", "Витальевич", "Игоревич", "Олегович"]


def _keys(names: list[str]) -> pd.DataFrame:
    frame = prepare(records_to_frame([{"id": str(i), "name": n} for i, n in enumerate(names)]))
    return _full_names(frame, frame["unique_id"])


def _brothers() -> list[str]:
    """Each surname with one patronymic and several given names: a list of brothers."""
    return [f"{s} {g} {PATRONYMICS[i]}" for i, s in enumerate(SURNAMES) for g in GIVEN[i : i + 3]]


def _strangers() -> list[str]:
    """The same surnames with other given names and other fathers than the registry's."""
    return [
        f"{s} {GIVEN[(i + k) % len(GIVEN)]} {PATRONYMICS[(i + 1 + k) % len(PATRONYMICS)]}"
        for i, s in enumerate(SURNAMES)
        for k in range(3)
    ]


def test_a_list_of_brothers_has_a_high_family_share_read_from_the_names():
    registry = _keys([f"{s} Пётр {PATRONYMICS[i]}" for i, s in enumerate(SURNAMES)])
    family, pairs = family_share(_keys(_brothers()), registry)
    assert pairs == len(_brothers())
    # every same-surname pair with another given name shares the patronymic; 18 pairs
    # against the 50 pseudo-pairs of the starting share
    assert family > 0.25


def test_same_surnames_with_unrelated_patronymics_keep_the_family_share_low():
    registry = _keys([f"{s} Пётр {PATRONYMICS[i]}" for i, s in enumerate(SURNAMES)])
    family, _ = family_share(_keys(_strangers()), registry)
    assert family <= FAMILY_START


def test_a_registry_of_brothers_counts_its_own_pairs_but_not_a_man_with_himself():
    brothers = _keys(_brothers())
    family, pairs = family_share(brothers, brothers)
    assert pairs == 6 * 3 * 2  # ordered pairs of two of three brothers, six families
    assert family > 0.3
    alone, none = family_share(_keys(["Бойцов Алексей Вадимович"]), _keys([]))
    assert (alone, none) == (FAMILY_START, 0)


def _score(entries: list[dict], persons: dict[int, list[dict]]):
    variants = [dict(v, id=f"{pid}:{k}") for pid, vs in persons.items() for k, v in enumerate(vs)]
    left = prepare(records_to_frame(entries))
    right = prepare(records_to_frame(variants))
    person_of = {v["id"]: int(v["id"].split(":")[0]) for v in variants}
    return score_persons(left, right, person_of, start_share=SHARE, estimate=False, n_persons=2000)


def _row(pairs: pd.DataFrame, entry: str, person: int) -> pd.Series:
    return pairs[(pairs["unique_id_l"] == entry) & (pairs["person_r"] == person)].iloc[0]


def test_a_brother_with_the_same_surname_patronymic_and_year_stays_unlikely():
    entry = {"id": "e1", "name": "БОЙЦОВ ИЛЬЯ ВАДИМОВИЧ", "birth_date": "20.05.1975"}
    registry = {1: [{"name": "Бойцов Алексей Вадимович", "birth_date": "1975"}]}
    pairs, prevalence = _score([entry], registry)
    # without the family share the patronymic added 7.7 bits and the pair read 0.31
    assert _row(pairs, "e1", 1)["match_probability"] < 0.05
    # one pair read, 50 pseudo-pairs at the starting share
    assert prevalence.family_pairs == 1
    assert FAMILY_START < prevalence.family < 0.1


def test_beside_another_given_name_the_patronymic_adds_at_most_what_the_family_share_allows():
    params = Parameters.load(None)
    m = params.effective_levels()["patronymic"]["exact"][0]
    entry = {"id": "e1", "name": "БОЙЦОВ ИЛЬЯ ВАДИМОВИЧ", "birth_date": "1975"}
    registry = {1: [{"name": "Бойцов Алексей Вадимович", "birth_date": "1975"}]}
    pairs, prevalence = _score([entry], registry)
    row = _row(pairs, "e1", 1)
    weight = float(row["mw_patronymic"]) + float(row["mw_tf_adj_patronymic"])
    assert 0 < weight <= math.log2(m / prevalence.family) + 1e-9


def test_the_same_man_with_his_full_name_keeps_the_whole_weight_of_his_patronymic():
    entry = {"id": "e1", "name": "БОЙЦОВ АЛЕКСЕЙ ВАДИМОВИЧ", "birth_date": "20.05.1975"}
    registry = {1: [{"name": "Бойцов Алексей Вадимович", "birth_date": "20.05.1975"}]}
    pairs, prevalence = _score([entry], registry)
    row = _row(pairs, "e1", 1)
    m = Parameters.load(None).effective_levels()["patronymic"]["exact"][0]
    weight = float(row["mw_patronymic"]) + float(row["mw_tf_adj_patronymic"])
    assert weight > math.log2(m / prevalence.family) + 2
    assert row["match_probability"] > 0.95


def test_two_brothers_in_the_registry_are_not_offered_as_one_man():
    records = records_to_frame(
        [
            {"id": "a", "name": "Бойцов Алексей Вадимович", "birth_date": "1975"},
            {"id": "b", "name": "Бойцов Илья Вадимович", "birth_date": "1975"},
            {"id": "c", "name": "Бойцов Илья Вадимович", "birth_date": "1975"},
        ]
    )
    pairs = dedupe_persons(
        prepare(records), {"a": 1, "b": 2, "c": 3}, threshold=0.0, params=Parameters.load(None)
    )
    brothers = pairs[(pairs["person_l"] == 1) & (pairs["person_r"] == 2)]
    same = pairs[(pairs["person_l"] == 2) & (pairs["person_r"] == 3)]
    # 0.86 before the family share
    assert float(brothers["match_probability"].iloc[0]) < 0.2
    assert float(same["match_probability"].iloc[0]) > 0.5


def test_a_brother_born_the_same_day_is_read_as_a_twin_not_as_the_same_man():
    # the shared full date (+14 bits for a stranger) is what twins share: without the twin
    # term this pair read 0.91 (0.99 before the family share)
    entry = {"id": "e1", "name": "КОВТУНОВ ПАВЕЛ КОНСТАНТИНОВИЧ", "birth_date": "20.06.1978"}
    registry = {1: [{"name": "Ковтунов Валерий Константинович", "birth_date": "20.06.1978"}]}
    pairs, _ = _score([entry], registry)
    row = _row(pairs, "e1", 1)
    assert row["match_probability"] < 0.1
    date = float(row["mw_birth_date"]) + float(row["mw_tf_adj_birth_date"])
    assert date < 14.0 - 3


def test_the_same_man_born_that_day_keeps_the_whole_weight_of_his_date():
    entry = {"id": "e1", "name": "КОВТУНОВ ВАЛЕРИЙ КОНСТАНТИНОВИЧ", "birth_date": "20.06.1978"}
    registry = {1: [{"name": "Ковтунов Валерий Константинович", "birth_date": "20.06.1978"}]}
    pairs, _ = _score([entry], registry)
    row = _row(pairs, "e1", 1)
    date = float(row["mw_birth_date"]) + float(row["mw_tf_adj_birth_date"])
    assert date > 13.5
    assert row["match_probability"] > 0.99
