"""Phenomena the engine must handle whatever the data set: names in each other's place,
mistyped dates, initials, loose facility types, and which bare names count as common."""

import subprocess
import sys
from pathlib import Path

from kintrace.linkage.api import dedupe_records, link_records
from kintrace.linkage.cluster import expected_namesakes, name_only_common
from kintrace.linkage.engine import name_frequencies, surname_tf
from kintrace.linkage.prepare import prepare, records_to_frame


def levels(match):
    return {e.comparison: e.level for e in match.explanation}


def test_surname_and_given_name_written_in_each_others_place_still_link():
    left = [
        {
            "id": "a",
            "given_name": "cambell",
            "surname": "croker",
            "birth_date": "19741117",
            "region": "act",
        }
    ]
    right = [
        {
            "id": "b",
            "given_name": "croker",
            "surname": "cambell",
            "birth_date": "19741117",
            "region": "act",
        },
        {
            "id": "other",
            "given_name": "croker",
            "surname": "smith",
            "birth_date": "19800101",
            "region": "act",
        },
    ]
    matches = link_records(left, right)
    assert [(m.left_id, m.right_id) for m in matches] == [("a", "b")]
    assert levels(matches[0])["surname"] == "swapped with given name"


def test_a_year_with_two_digits_swapped_is_one_digit_off_not_another_man():
    left = [{"id": "a", "given_name": "rachel", "surname": "pusz", "birth_date": "19351221"}]
    right = [{"id": "b", "given_name": "rachel", "surname": "pusz", "birth_date": "19531221"}]
    matches = link_records(left, right, threshold=0.0)
    assert levels(matches[0])["birth_date"] == "one digit off"
    assert matches[0].probability > 0.5


def test_initials_after_the_surname_are_the_given_name_and_patronymic_initials():
    prepared = prepare(
        records_to_frame([{"id": "1", "name": "МИХЕЕВ Г.В."}, {"id": "2", "name": "Mikheev G. V."}])
    )
    assert prepared["given_initial"].tolist() == ["g", "g"]
    assert prepared["patronymic_initial"].tolist() == ["v", "v"]


def test_a_colony_number_written_with_another_type_is_the_same_place_not_a_conflict():
    records = [
        {
            "id": "list",
            "name": "Хмелевской Иван Артемович",
            "birth_date": "23.10.1986",
            "facility": "КП-7 Краснодарский край",
        },
        {"id": "chat", "name": "Vanya Khmelevskoy", "birth_date": "1986", "facility": "ik7"},
    ]
    result = dedupe_records(records)
    assert result.clusters["chat"] == result.clusters["list"]


def test_two_colony_numbers_are_never_one_cluster():
    records = [
        {"id": "a", "name": "Хмелевской Иван Артемович", "facility": "ИК-7"},
        {"id": "bridge", "name": "Хмелевской Иван Артемович", "birth_date": "1986"},
        {"id": "b", "name": "Хмелевской Иван Артемович", "facility": "ИК-12"},
    ]
    clusters = dedupe_records(records, threshold=0.1).clusters
    assert clusters["a"] != clusters["b"]


def test_a_common_bare_name_is_held_for_review_and_a_rare_one_is_not():
    frame = records_to_frame(
        [
            {"id": "common", "name": "Иванов Сергей Александрович"},
            {"id": "common-no-patronymic", "name": "Попов Роман"},
            {"id": "rare", "name": "Шапоров Артём"},
            {"id": "rare-enough", "name": "Лавров Александр Сергеевич"},
            {"id": "with-year", "name": "Иванов Сергей Александрович", "birth_date": "1980"},
        ]
    )
    prepared = prepare(frame)
    held = name_only_common(
        prepared, expected_namesakes(prepared, surname_tf(), name_frequencies())
    )
    assert dict(zip(prepared["unique_id"], held.tolist(), strict=True)) == {
        "common": True,
        "common-no-patronymic": True,
        "rare": False,
        "rare-enough": False,
        "with-year": False,
    }


PARALLEL_CHECK = """
import sys
sys.path.insert(0, sys.argv[1])
import pandas as pd
from generate import generate
from kintrace.linkage import prepare as P
frame = pd.DataFrame(generate(600, seed=4)[0])
P.PARALLEL_MIN_DISTINCT = 10
parallel = P.prepare(frame, workers=2)
pd.testing.assert_frame_equal(P.prepare(frame, workers=1), parallel)
print("same")
"""


def test_parsing_on_several_processes_gives_what_one_process_gives():
    # a fresh interpreter, as the CLI is: this one already runs DuckDB's threads
    bench = str(Path(__file__).resolve().parents[2] / "bench")
    proc = subprocess.run(
        [sys.executable, "-c", PARALLEL_CHECK, bench], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "same"


def test_a_mistyped_latin_given_name_is_compared_as_written_when_its_reading_changes():
    # "racehl" reads c as ц (key "ratsel"), "rachel" keeps ch: the written letters are close
    left = [{"id": "a", "given_name": "racehl", "surname": "pusz", "birth_date": "19351221"}]
    right = [
        {"id": "b", "given_name": "rachel", "surname": "pusz", "birth_date": "19351221"},
        {"id": "c", "given_name": "olga", "surname": "pusz", "birth_date": "19351221"},
    ]
    matches = {m.right_id: m for m in link_records(left, right, threshold=0.0)}
    assert levels(matches["b"])["given_name"] in {"one edit", "similar"}
    assert levels(matches["c"])["given_name"] == "different"
    assert matches["b"].match_weight > matches["c"].match_weight + 5


def test_a_surname_split_by_a_stray_space_is_the_same_surname():
    left = [{"id": "a", "given_name": "robert", "surname": "roche", "birth_date": "19600101"}]
    right = [{"id": "b", "given_name": "robert", "surname": "roc he", "birth_date": "19600101"}]
    [match] = link_records(left, right, threshold=0.0)
    assert levels(match)["surname"] == "exact"


def test_a_given_name_typed_with_its_surname_in_the_surname_column_keeps_both_words():
    # the split columns say which name each word is: nothing is dropped
    left = [{"id": "a", "given_name": "nicholas", "surname": "de la cruz"}]
    right = [
        {"id": "b", "given_name": "nichllas", "surname": "de la cruz"},
        {"id": "c", "given_name": "nicholas", "surname": "de souza"},
    ]
    matches = {m.right_id: levels(m)["surname"] for m in link_records(left, right, threshold=0.0)}
    assert matches["b"] == "exact"
    assert matches.get("c", "different") == "different"


def test_a_free_text_region_with_one_mistyped_letter_is_not_another_region():
    left = [{"id": "a", "given_name": "amber", "surname": "reid", "region": "vic"}]
    right = [
        {"id": "b", "given_name": "amber", "surname": "reid", "region": "vix"},
        {"id": "c", "given_name": "amber", "surname": "reid", "region": "qld"},
    ]
    matches = {m.right_id: levels(m)["facility"] for m in link_records(left, right, threshold=0.0)}
    assert matches == {"b": "same region, mistyped", "c": "different"}


def test_known_regions_never_count_as_mistyped_text():
    # ISO codes one letter apart (RU-MO Mordovia, RU-MOW Moscow) are two regions
    left = [{"id": "a", "name": "Иванов Пётр Ильич", "region": "Мордовия"}]
    right = [{"id": "b", "name": "Иванов Пётр Ильич", "region": "Москва"}]
    [match] = link_records(left, right, threshold=0.0)
    assert levels(match)["facility"] == "different"


def test_a_rare_given_name_agreeing_weighs_more_than_a_common_one():
    def given_weight(given: str) -> float:
        rec = {"surname": "Кузнецов", "given_name": given, "birth_date": "1980"}
        [m] = link_records([{"id": "a", **rec}], [{"id": "b", **rec}], threshold=0.0)
        return next(e.match_weight for e in m.explanation if e.comparison == "given_name")

    assert given_weight("Савватий") > given_weight("Александр") + 2


def test_name_frequencies_lean_on_the_input_when_it_is_large_and_on_the_population_when_not():
    from kintrace.linkage.engine import TF_PRIOR_RECORDS, population_tf, term_frequencies

    big = prepare(
        records_to_frame(
            [{"id": str(i), "surname": "Smith", "given_name": "Emily"} for i in range(2000)]
            + [{"id": f"x{i}", "surname": f"Other{i}", "given_name": "Olga"} for i in range(8000)]
        )
    )
    emily = term_frequencies([big])["given_key"].set_index("given_key")["tf_given_key"]
    key = big["given_key"].iloc[0]
    population = population_tf()["given_key"].get(key, 0.0)
    # a fifth of this input is called Emily: the blend moves most of the way there
    assert emily[key] > 0.09 > population
    one = prepare(records_to_frame([{"id": "1", "surname": "Иванов", "given_name": "Иван"}]))
    tf = term_frequencies([one])["surname_key"].set_index("surname_key")["tf_surname_key"]
    share = population_tf()["surname_key"]["ivanov"]
    assert tf["ivanov"] == (1 + TF_PRIOR_RECORDS * share) / (1 + TF_PRIOR_RECORDS)


def test_a_diminutive_written_in_the_surname_column_still_reads_as_swapped():
    # "Sascha" as a given name resolves to Александр, as a surname it stays "sasha": the
    # written keys see the swap the parsed keys miss
    left = [{"id": "a", "given_name": "sascha", "surname": "burford", "birth_date": "19801119"}]
    right = [{"id": "b", "given_name": "burford", "surname": "sascha", "birth_date": "19801119"}]
    [match] = link_records(left, right, threshold=0.0)
    assert levels(match)["surname"] == "swapped with given name"
    assert match.probability > 0.5


def test_one_name_in_the_others_place_with_the_other_replaced_is_evidence_not_a_veto():
    left = [
        {
            "id": "a",
            "given_name": "caleb",
            "surname": "menzies",
            "birth_date": "19460702",
            "region": "nsw",
        }
    ]
    right = [
        {
            "id": "b",
            "given_name": "waller",
            "surname": "caleb",
            "birth_date": "19460702",
            "region": "nsw",
        },
        {
            "id": "c",
            "given_name": "waller",
            "surname": "smith",
            "birth_date": "19460702",
            "region": "nsw",
        },
    ]
    matches = {m.right_id: m for m in link_records(left, right, threshold=0.0)}
    assert levels(matches["b"])["surname"] == "in the given name's place"
    assert levels(matches["c"])["surname"] == "different"
    assert matches["b"].match_weight > matches["c"].match_weight + 5
