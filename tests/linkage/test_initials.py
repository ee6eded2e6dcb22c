"""Initials compared as letters of the name's own script (kintrace.linkage.initials)."""

import pytest

from kintrace.linkage.api import link_records
from kintrace.linkage.initials import agree, letters
from kintrace.linkage.prepare import prepare, records_to_frame


def _letters(name: str) -> tuple[str | None, str | None]:
    row = prepare(records_to_frame([{"id": "x", "name": name}])).iloc[0]
    return row["given_letters"], row["patronymic_letters"]


# Cyrillic letters whose Latin keys start alike, but never stand for one another.
CONFUSABLE = [
    ("Ю", "И"),
    ("Я", "И"),
    ("Й", "И"),
    ("Х", "К"),
    ("Ш", "С"),
    ("Щ", "Ш"),
    ("Щ", "С"),
    ("Ж", "З"),
    ("Ц", "Т"),
    ("Ч", "Ц"),
    ("Э", "Е"),
    ("Ю", "У"),
    ("Я", "А"),
]


@pytest.mark.parametrize(("a", "b"), CONFUSABLE)
def test_two_cyrillic_initials_agree_only_when_they_are_the_same_letter(a, b):
    assert agree(letters(a, False), letters(b, False)) is False
    assert agree(letters(a, False), letters(a.lower(), False)) is True


def test_yo_and_ye_are_one_letter_as_russian_writing_uses_them():
    assert agree(letters("Ё", False), letters("Е", False)) is True


@pytest.mark.parametrize(
    ("written", "full_name"),
    [
        ("Ivanov Yu.", "Иванов Юрий"),
        ("Ivanov J.", "Иванов Юрий"),
        ("Ivanov I.", "Иванов Юрий"),
        ("Zhukov Ya.", "Жуков Яков"),
        ("Zhukov J.", "Жуков Яков"),
        ("Ivanov Kh.", "Иванов Харитон"),
        ("Ivanov K.", "Иванов Харитон"),
        ("Ivanov Sh.", "Иванов Шамиль"),
        ("Ivanov S.", "Иванов Шамиль"),
        ("Ivanov E.", "Иванов Эдуард"),
        ("Ivanov E.", "Иванов Евгений"),
        ("Ivanov Ts.", "Иванов Цезарь"),
        # "J" begins Дж in English spellings (Jamal), so the parser may read a J-initial as Д:
        # German and Polish "Ju." (Юрий), "Ja." and English "J." (Джамал) all stay possible.
        ("Ivanov Ju.", "Иванов Юрий"),
        ("Ivanov Ju.", "Иванов Джамал"),
        ("Ivanov Dj.", "Иванов Джамал"),
    ],
)
def test_a_bare_latin_initial_agrees_with_every_letter_it_can_be_spelled_from(written, full_name):
    assert agree(_letters(written)[0], _letters(full_name)[0]) is True


@pytest.mark.parametrize(
    ("written", "full_name"),
    [
        ("ИВАНОВ И.", "Иванов Юрий"),
        ("ЖУКОВ И.", "Жуков Ян"),
        ("ИВАНОВ К.", "Иванов Харитон"),
        ("ИВАНОВ С.", "Иванов Шамиль"),
        ("ИВАНОВ Е.", "Иванов Эдуард"),
        ("ИВАНОВ З.", "Иванов Жан"),
        ("Ivanov B.", "Иванов Юрий"),
    ],
)
def test_an_initial_that_cannot_be_the_names_first_letter_disagrees(written, full_name):
    assert agree(_letters(written)[0], _letters(full_name)[0]) is False


def test_the_patronymic_initial_is_read_the_same_way():
    assert agree(_letters("ЗАХАРОВ И.И.")[1], _letters("Захаров Ильдар Юрьевич")[1]) is False
    assert agree(_letters("ЗАХАРОВ И.Ю.")[1], _letters("Захаров Ильдар Юрьевич")[1]) is True


def test_pairs_whose_initials_conflict_get_low_probabilities_and_say_why():
    # The three pairs of the issue: each has an initial that cannot be the name's letter.
    left = [
        {"id": "L1", "name": "Захаров Ильдар Юрьевич", "birth_date": "1983"},
        {"id": "L2", "name": "Шишкин Юрий Петрович", "birth_date": "1980"},
        {"id": "L3", "name": "Жуков Ян Харитонович", "birth_date": "1975"},
    ]
    right = [
        {"id": "R1", "name": "ЗАХАРОВ И.И.", "birth_date": "18.03.1983"},
        {"id": "R2", "name": "ШИШКИН С.П.", "birth_date": "1980"},
        {"id": "R3", "name": "ЖУКОВ И.К.", "birth_date": "1975"},
        {"id": "R4", "name": "Иванов Пётр Сергеевич", "birth_date": "1990"},
    ]
    matches = {(m.left_id, m.right_id): m for m in link_records(left, right, threshold=0.0)}
    for pair in (("L1", "R1"), ("L2", "R2"), ("L3", "R3")):
        match = matches.get(pair)
        assert match is None or match.probability < 0.5, pair
    levels = {e.comparison: e.level for e in matches[("L1", "R1")].explanation}
    assert levels["patronymic"] == "initial conflicts"
    assert levels["given_name"] == "initial agrees"
