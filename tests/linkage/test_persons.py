"""Person-level scores at the list's prevalence (kintrace.linkage.persons, issue 11): a wrong
99 % tells a family their son is dead, so each rule below is tried on the Russian names that
broke it."""

import numpy as np
import pandas as pd

from kintrace.linkage.api import link_records, looks_one_to_one
from kintrace.linkage.persons import (
    YEAR_COLLISION_DEFAULT,
    YEAR_ONLY_M,
    competing_probability,
    expected_share,
    score_persons,
    year_collision,
)
from kintrace.linkage.prepare import prepare, records_to_frame

# A casualty list's entries mostly are other men: a tenth expected in the registry.
SHARE = 0.1


def _persons(
    entries: list[dict], persons: dict[int, list[dict]], *, start=SHARE, n=2000, estimate=False
):
    """Score list entries against registry persons, each given as his name variants."""
    variants = [dict(v, id=f"{pid}:{k}") for pid, vs in persons.items() for k, v in enumerate(vs)]
    left = prepare(records_to_frame(entries))
    right = prepare(records_to_frame(variants))
    person_of = {v["id"]: int(v["id"].split(":")[0]) for v in variants}
    pairs, prevalence = score_persons(
        left, right, person_of, start_share=start, estimate=estimate, n_persons=n
    )
    return pairs, prevalence


def _probability(pairs: pd.DataFrame, entry: str, person: int) -> float:
    row = pairs[(pairs["unique_id_l"] == entry) & (pairs["person_r"] == person)]
    return float(row["match_probability"].iloc[0]) if len(row) else 0.0


def _levels(pairs: pd.DataFrame, entry: str, person: int) -> dict[str, tuple[str, float]]:
    from kintrace.linkage.api import explain_rows
    from kintrace.linkage.model import Parameters

    row = pairs[(pairs["unique_id_l"] == entry) & (pairs["person_r"] == person)]
    (explanation,) = explain_rows(row.reset_index(drop=True), Parameters.load(None))
    return {e.comparison: (e.level, e.match_weight) for e in explanation}


def test_a_different_given_name_outweighs_a_rare_surname_the_birth_year_and_the_colony():
    # Юрий and Илья are two men: brothers, cousins, a town's namesakes share the rest
    entry = {
        "id": "e1",
        "name": "БАРАНЧИКОВ ЮРИЙ ПЕТРОВИЧ",
        "birth_date": "1984",
        "facility": "ИК-7 Мордовия",
    }
    registry = {
        1: [{"name": "Баранчиков Илья Петрович", "birth_date": "1984", "facility": "ИК-7 Мордовия"}]
    }
    pairs, _ = _persons([entry], registry)
    assert _probability(pairs, "e1", 1) < 0.1
    assert _levels(pairs, "e1", 1)["given_name"][1] < 0


def test_a_diminutive_of_the_same_name_still_matches():
    entry = {"id": "e1", "name": "БАРАНЧИКОВ САША ПЕТРОВИЧ", "birth_date": "12.03.1984"}
    registry = {1: [{"name": "Баранчиков Александр Петрович", "birth_date": "12.03.1984"}]}
    pairs, _ = _persons([entry], registry)
    assert _probability(pairs, "e1", 1) > 0.9


def test_two_different_full_birth_dates_of_one_year_count_against_the_pair():
    left = [{"id": "l", "name": "Петров Иван Сергеевич", "birth_date": "12.03.1985"}]
    right = [{"id": "r", "name": "Петров Иван Сергеевич", "birth_date": "25.11.1985"}]
    (match,) = link_records(left, right, threshold=0.0)
    level = {e.comparison: e for e in match.explanation}["birth_date"]
    assert level.level == "same year, another full date"
    assert level.match_weight < -2


def test_a_close_but_different_surname_never_outranks_the_exact_one():
    # Тихомиров / Тихонов: both real surnames, one edit apart only in some Latin key
    entry = {"id": "e1", "name": "ТИХОНОВ ЮРИЙ ПЕТРОВИЧ", "birth_date": "1980"}
    registry = {
        1: [
            {
                "name": "Тихомиров Юрий Петрович",
                "birth_date": "12.05.1980",
                "facility": "ИК-3 Мордовия",
            }
        ],
        2: [{"name": "Тихонов Юрий Петрович", "birth_date": "1980"}],
    }
    pairs, _ = _persons([entry], registry)
    assert _probability(pairs, "e1", 2) > _probability(pairs, "e1", 1)
    alone, _ = _persons([entry], {1: registry[1]})
    assert _probability(alone, "e1", 1) < 0.5
    assert _levels(alone, "e1", 1)["surname"][1] <= 0


def test_a_person_with_several_variants_is_compared_as_one_man():
    # His patronymic is known from two variants; the Latin one has none. The explanation
    # must not say "not known on one side", and the conflict counts.
    entry = {"id": "e1", "name": "ТИМОФЕЕВ БОРИС БОРИСОВИЧ", "birth_date": "1985"}
    registry = {
        1: [
            {"name": "Тимофеев Борис Юрьевич", "birth_date": "1985"},
            {"name": "Timofeev Boris", "birth_date": "1985"},
            {"name": "ТИМОФЕЕВ Б.Ю.", "birth_date": "1985"},
        ]
    }
    pairs, _ = _persons([entry], registry)
    level, weight = _levels(pairs, "e1", 1)["patronymic"]
    assert level != "missing" and weight < 0
    assert _probability(pairs, "e1", 1) < 0.1


def test_a_variant_no_blocking_rule_reaches_still_speaks_for_the_person():
    # "Мезенцев Владислав Анатольевич" shares no blocking key with the entry (no year, no
    # colony, another patronymic initial); only his Latin variant is found by the rules
    entry = {
        "id": "e1",
        "name": "МЕЗЕНЦЕВ ВЛАДИСЛАВ ВАСИЛЬЕВИЧ",
        "birth_date": "16.03.2002",
        "facility": "СИЗО-11 Пермский край",
    }
    registry = {1: [{"name": "Мезенцев Владислав Анатольевич"}, {"name": "Vladislav Mezentsev"}]}
    pairs, _ = _persons([entry], registry)
    assert _levels(pairs, "e1", 1)["patronymic"][0] == "different"
    assert _probability(pairs, "e1", 1) < 0.1


def test_the_reproduction_of_the_issue_gives_low_probabilities_for_all_three_pairs(tmp_path):
    import subprocess
    import sys

    left = tmp_path / "l.csv"
    right = tmp_path / "r.csv"
    left.write_text(
        "id,name,birth_date\nL1,Захаров Ильдар Юрьевич,1983\n"
        "L2,Шишкин Юрий Петрович,1980\nL3,Жуков Ян Харитонович,1975\n",
        encoding="utf-8",
    )
    right.write_text(
        "id,name,birth_date\nR1,ЗАХАРОВ И.И.,18.03.1983\nR2,ШИШКИН С.П.,1980\n"
        "R3,ЖУКОВ И.К.,1975\nR4,Иванов Пётр Сергеевич,1990\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.csv"
    command = [
        sys.executable,
        "-m",
        "kintrace.cli",
        "link",
        str(left),
        str(right),
        "--out",
        str(out),
        "--threshold",
        "0.000001",
    ]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "one-to-one reading" not in proc.stderr
    found = pd.read_csv(out, dtype=str)
    assert (found["match_probability"].astype(float) < 0.3).all()


def test_a_tiny_input_does_not_switch_the_one_to_one_reading_on():
    three = pd.DataFrame(
        {
            "unique_id_l": ["L1", "L2", "L3"],
            "unique_id_r": ["R1", "R2", "R3"],
            "match_probability": [0.99, 0.98, 0.95],
        }
    )
    assert not looks_one_to_one(three, 3, 4)
    many = pd.DataFrame(
        {
            "unique_id_l": [f"l{i}" for i in range(200)],
            "unique_id_r": [f"r{i}" for i in range(200)],
            "match_probability": [0.99] * 200,
        }
    )
    assert looks_one_to_one(many, 1000, 1000)


def test_the_share_of_a_list_in_the_registry_is_estimated_from_the_data():
    # 1,000 entries: 150 with a strong candidate, the rest with weak namesakes
    entry = np.arange(1000)
    bits = np.where(entry < 150, 40.0, -5.0)
    share = expected_share(entry, bits, 1000, 2000, start=0.1)
    assert 0.13 < share < 0.16
    # starting far off, the data still pulls it most of the way
    assert expected_share(entry, bits, 1000, 2000, start=0.5) < 0.2


def test_three_rows_cannot_claim_that_everyone_is_in_the_registry():
    share = expected_share(np.arange(3), np.full(3, 40.0), 3, 4, start=0.1)
    assert share < 0.15


def test_two_persons_who_fit_an_entry_equally_share_its_probability_and_are_ambiguous():
    entry = {"id": "e1", "name": "КУЗНЕЦОВ ОЛЕГ НИКОЛАЕВИЧ", "birth_date": "1975"}
    registry = {
        1: [{"name": "Кузнецов Олег Николаевич", "birth_date": "1975"}],
        2: [{"name": "Кузнецов Олег Николаевич", "birth_date": "1975"}],
    }
    pairs, _ = _persons([entry], registry, start=0.9, n=2)
    p1, p2 = _probability(pairs, "e1", 1), _probability(pairs, "e1", 2)
    assert abs(p1 - p2) < 1e-9 and p1 + p2 <= 1
    assert pairs["ambiguous"].all()


def test_a_lone_candidate_of_an_entry_that_is_probably_nobody_stays_low():
    # the same Bayes factor reads lower on a list expected to hold fewer registry men
    entry, bits = np.array([0]), np.array([15.0])
    low = competing_probability(entry, bits, 2000, 0.05)[0]
    high = competing_probability(entry, bits, 2000, 0.8)[0]
    assert low < 0.5 < high


# --- an agreeing year beside a date of which only the year is known ----------------------


def test_the_chance_that_two_men_share_a_birth_year_is_read_from_the_spread_of_years():
    uniform = pd.Series([1965 + i % 40 for i in range(4000)])
    assert abs(year_collision(uniform, uniform) - 1 / 40) < 1e-9
    # most men born in three years: sharing one is far more likely
    bunched = pd.Series([1985, 1986, 1987] * 300 + list(range(1960, 2000)))
    assert year_collision(bunched, bunched) > 0.15
    # the registry's spread stands for a short list's; too few years on both sides: the default
    assert abs(year_collision(pd.Series([1985] * 5), uniform) - 1 / 40) < 1e-9
    assert year_collision(pd.Series([1985]), pd.Series([1985, 1990])) == YEAR_COLLISION_DEFAULT


def test_an_agreeing_year_beside_a_year_only_date_weighs_what_a_shared_year_means():
    """Whether a source gives only the year does not depend on whether the records are one
    man, so the Bayes factor of "the years agree" is P(agree | one man) / P(agree | two men)
    (Fellegi-Sunter), not the packaged level's shares of all pairs (3.5 bits)."""
    entry = {"id": "e1", "name": "ЕГУПОВ МАРАТ ВЛАДИМИРОВИЧ", "birth_date": "1977"}
    registry = {1: [{"name": "Егупов Марат Владимирович", "birth_date": "14.03.1977"}]}
    pairs, _ = _persons([entry], registry)
    level, weight = _levels(pairs, "e1", 1)["birth_date"]
    assert level == "same year"
    assert abs(weight - np.log2(YEAR_ONLY_M / YEAR_COLLISION_DEFAULT)) < 1e-3  # shown rounded


def test_an_agreeing_year_counts_for_no_more_when_the_patronymic_says_another_man():
    # brothers and cousins are born close together: the population's spread of years does
    # not describe them, so the year keeps the packaged weight (3.5 bits)
    entry = {"id": "e1", "name": "ТИМОФЕЕВ БОРИС БОРИСОВИЧ", "birth_date": "1985"}
    registry = {1: [{"name": "Тимофеев Борис Юрьевич", "birth_date": "1985"}]}
    pairs, _ = _persons([entry], registry)
    level, weight = _levels(pairs, "e1", 1)["birth_date"]
    assert level == "same year"
    assert weight < np.log2(YEAR_ONLY_M / YEAR_COLLISION_DEFAULT) - 1
