"""The Python API other parts call: one man across scripts, namesakes, fathers and sons."""

from kintrace.linkage.api import dedupe_records, link_records

ONE_MAN = [
    {
        "id": "mother",
        "name": "Иванов Александр Сергеевич",
        "birth_date": "14.03.1984",
        "facility": "ИК-17 Мордовия",
    },
    {"id": "hospital", "name": "ИВАНОВ А.С.", "birth_date": "14.03.1984 г.р."},
    {
        "id": "article",
        "name": "Aleksandr Ivanov",
        "birth_date": "March 14, 1984",
        "facility": "Penal Colony No. 17 (Mordovia)",
    },
    {
        "id": "sentence",
        "name": "Иванова Александра Сергеевича",
        "birth_date": "1984",
        "facility": "ИК №17 УФСИН по Республике Мордовия",
    },
]


def test_one_man_across_scripts_is_one_cluster_and_a_namesake_is_not():
    namesake = {"id": "namesake", "name": "Иванов Александр Сергеевич", "birth_date": "1991"}
    result = dedupe_records([*ONE_MAN, namesake])
    clusters = result.clusters
    assert len({clusters[r["id"]] for r in ONE_MAN}) == 1
    assert clusters["namesake"] != clusters["mother"]


def test_father_and_son_are_kept_apart():
    records = [
        {"id": "father", "name": "Кузнецов Сергей Петрович", "birth_date": "1962"},
        {"id": "son", "name": "Кузнецов Дмитрий Сергеевич", "birth_date": "1988"},
        {"id": "son-again", "name": "КУЗНЕЦОВ Д.С.", "birth_date": "12.05.1988"},
    ]
    clusters = dedupe_records(records).clusters
    assert clusters["father"] != clusters["son"]
    assert clusters["son"] == clusters["son-again"]


def test_link_explains_each_comparison_with_level_and_weight():
    left = [
        {
            "id": "L",
            "surname": "Иванов",
            "given_name": "Александр",
            "patronymic": "Сергеевич",
            "birth_date": "14.03.1984",
            "facility": "ИК-17",
            "region": "Мордовия",
        }
    ]
    right = [{"id": "R", "name": "Sasha Ivanov", "birth_date": "1984"}]
    matches = link_records(left, right, threshold=0.0)
    assert len(matches) == 1
    match = matches[0]
    assert (match.left_id, match.right_id) == ("L", "R")
    levels = {e.comparison: e for e in match.explanation}
    assert set(levels) == {"surname", "given_name", "patronymic", "birth_date", "facility"}
    assert levels["surname"].level == "exact" and levels["surname"].match_weight > 0
    assert levels["birth_date"].level == "same year"
    assert levels["patronymic"].level == "missing" and levels["patronymic"].match_weight == 0
    assert abs(sum(e.match_weight for e in match.explanation) - match.match_weight) < 20


def test_conflicting_birth_years_are_never_clustered_even_through_a_bridge():
    records = [
        {"id": "a", "name": "Смирнов Андрей Викторович", "birth_date": "1984", "facility": "ИК-3"},
        {"id": "bridge", "name": "Смирнов Андрей Викторович", "facility": "ИК-3"},
        {"id": "b", "name": "Смирнов Андрей Викторович", "birth_date": "1990", "facility": "ИК-3"},
    ]
    clusters = dedupe_records(records, threshold=0.5).clusters
    assert clusters["a"] != clusters["b"]


def test_a_record_with_only_a_common_name_goes_to_review_not_into_a_cluster():
    records = [
        {
            "id": "full",
            "name": "Иванов Сергей Александрович",
            "birth_date": "1980",
            "facility": "ИК-2 Коми",
        },
        {"id": "bare", "name": "Иванов Сергей Александрович"},
    ]
    result = dedupe_records(records, threshold=0.5)
    assert result.clusters["bare"] == "bare"
    assert {(m.left_id, m.right_id) for m in result.review} in (
        {("full", "bare")},
        {("bare", "full")},
    )


def test_one_report_against_ten_thousand_persons_finds_only_men_of_that_name_and_year():
    import random

    rng = random.Random(1)
    surnames = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Волков"]
    given = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Иван"]
    registry = [
        {
            "id": f"p{i}",
            "surname": rng.choice(surnames),
            "given_name": rng.choice(given),
            "patronymic": rng.choice(given) + "ович",
            "birth_date": f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.randint(1965, 2000)}",
        }
        for i in range(10_000)
    ]
    by_id = {r["id"]: r for r in registry}
    report = [{"id": "report", "name": "Петров Андрей", "birth_date": "1985"}]
    # This registry holds ~6 men of that name born in 1985 (its seven surnames are each a
    # seventh of it, and the engine weighs names by the input's own counts too), so none is
    # likely on its own: ask for the candidates, not for a verdict.
    matches = link_records(report, registry, threshold=0.01)
    assert len(matches) >= 3
    for m in matches:
        person = by_id[m.right_id]
        assert m.left_id == "report"
        assert person["surname"] == "Петров" and person["given_name"] == "Андрей"
        assert person["birth_date"].endswith("1985")


def test_empty_inputs_give_empty_results():
    assert link_records([], [{"id": "1", "name": "Иванов"}]) == []
    assert dedupe_records([]).clusters == {}
    assert dedupe_records([{"id": "1", "name": "Иванов"}]).clusters == {"1": "1"}


def test_a_man_moved_from_a_remand_prison_to_a_colony_is_one_person():
    records = [
        {
            "id": "sizo",
            "name": "Кузнецов Дмитрий Олегович",
            "birth_date": "12.04.1985",
            "facility": "СИЗО-1 Мордовия",
        },
        {
            "id": "ik",
            "name": "КУЗНЕЦОВ ДМИТРИЙ ОЛЕГОВИЧ",
            "birth_date": "12.04.1985",
            "facility": "ИК-17 Мордовия",
        },
    ]
    result = dedupe_records(records, threshold=0.5)
    assert result.clusters["sizo"] == result.clusters["ik"]


def test_namesakes_of_one_year_in_two_colonies_are_kept_apart_and_reported_for_review():
    records = [
        {
            "id": "a",
            "name": "Кузнецов Дмитрий Олегович",
            "birth_date": "1985",
            "facility": "ИК-3 Мордовия",
        },
        {
            "id": "b",
            "name": "Кузнецов Дмитрий Олегович",
            "birth_date": "1985",
            "facility": "ИК-5 Мордовия",
        },
    ]
    result = dedupe_records(records, threshold=0.5)
    if result.clusters["a"] == result.clusters["b"]:
        raise AssertionError("two colonies and no birth day joined into one man")
    pairs = {(m.left_id, m.right_id) for m in result.refused + result.review}
    assert pairs & {("a", "b"), ("b", "a")}


PETROV = {"id": "L", "name": "Петров Иван Сергеевич", "birth_date": "14.03.1986"}


def _probability(birth_date: str) -> float:
    other = {"id": "R", "name": "Петров Иван Сергеевич", "birth_date": birth_date}
    matches = link_records([PETROV], [other], threshold=0.0)
    assert len(matches) == 1
    return matches[0].probability


def _birth_level(birth_date: str) -> str:
    other = {"id": "R", "name": "Петров Иван Сергеевич", "birth_date": birth_date}
    (match,) = link_records([PETROV], [other], threshold=0.0)
    return {e.comparison: e.level for e in match.explanation}["birth_date"]


def test_an_approximate_year_that_holds_the_other_date_counts_for_the_match():
    assert _birth_level("около 1985") == "within the stated range"
    assert _probability("около 1985") > _probability("")
    # ... but less than the year itself would
    assert _probability("около 1985") < _probability("1986")


def test_a_decade_that_holds_the_other_date_counts_for_the_match():
    assert _birth_level("1980-е") == "within the stated range"
    assert _probability("1980-е") > _probability("")


def test_an_approximate_year_far_from_the_other_date_counts_against_like_another_year():
    assert _birth_level("около 1995") == "different"
    assert _probability("около 1995") < _probability("")
    assert _probability("около 1995") == _probability("1995")


def test_two_approximate_years_whose_ranges_overlap_count_for_the_match():
    other = {"id": "R", "name": "Петров Иван Сергеевич", "birth_date": "1984?"}
    left = {**PETROV, "birth_date": "около 1987"}
    (match,) = link_records([left], [other], threshold=0.0)
    levels = {e.comparison: e.level for e in match.explanation}
    assert levels["birth_date"] == "within the stated range"


def test_blocking_finds_by_an_approximate_year_the_pairs_it_finds_by_a_known_year():
    # Same surname, other given name: only the surname-and-year rule puts this pair up.
    def found(birth_date: str) -> bool:
        other = {"id": "R", "name": "Петров Николай Сергеевич", "birth_date": birth_date}
        return bool(link_records([PETROV], [other], threshold=0.0))

    assert found("1986")  # the rule for a known year
    assert found("около 1985") and found("1980-е")  # the same rule for a range
    assert not found("около 1995") and not found("")


def test_an_approximate_year_is_never_held_against_a_known_one_when_clustering():
    records = [
        {
            "id": "a",
            "name": "Петров Иван Сергеевич",
            "birth_date": "14.03.1986",
            "facility": "ИК-17 Мордовия",
        },
        {
            "id": "b",
            "name": "Петров Иван Сергеевич",
            "birth_date": "около 1985",
            "facility": "ИК-17 Мордовия",
        },
    ]
    clusters = dedupe_records(records).clusters
    assert clusters["a"] == clusters["b"]


def test_the_progress_log_counts_the_pairs_each_blocking_rule_brings():
    import re

    from kintrace.linkage.model import blocking_rules

    lines: list[str] = []
    result = dedupe_records(ONE_MAN, progress=lines.append)
    per_rule = {
        int(m[1]): int(m[2])
        for line in lines
        if (m := re.match(r"blocking rule (\d+): (\d+) pairs", line))
    }
    total = next(
        int(m[1]) for line in lines if (m := re.match(r"blocking: (\d+) pairs to score", line))
    )
    assert sorted(per_rule) == list(range(len(blocking_rules(len(ONE_MAN)))))
    # four records of one man: every one of the six pairs is found, each under one rule
    assert sum(per_rule.values()) == total == 6
    assert len({result.clusters[r["id"]] for r in ONE_MAN}) == 1
