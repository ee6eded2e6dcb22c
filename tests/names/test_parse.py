"""Parsing full names: order, initials, case, sex, keys (Russian and Latin examples)."""

import pytest

from kintrace.names import ParsedName, parse_name, parse_name_parts

SAME_MAN = [
    "Иванов Александр Сергеевич",
    "ИВАНОВ А.С.",
    "Иванов А. С.",
    "А.С. Иванов",
    "Саша Иванов",
    "Aleksandr Ivanov",
    "Alexander Ivanov",
    "Ivanov Sasha",
    "Sasha Ivanov",
    "Иванова Александра Сергеевича",
    "Иванов Александр Сергеевич, 1984",
    "IVANOV, Aleksandr",
    "Ivanov, Alexander Sergeevich",
    "Alexandr Ivanow",
    "Aleksandr Iwanow",
    "Иванoв Александр Сергеевич",  # Latin o inside
    "Шура Иванов",
    "Sanya Ivanov",
]


@pytest.mark.parametrize("text", SAME_MAN)
def test_every_written_form_of_the_same_man_gets_the_same_surname_key(text):
    assert parse_name(text).surname_key == "ivanov"


@pytest.mark.parametrize("text", [t for t in SAME_MAN if "." not in t])
def test_every_written_form_with_a_given_name_gets_the_same_given_key(text):
    p = parse_name(text)
    assert p.given == "Александр"
    assert p.given_key == "aleksandr"
    assert p.given_initial == "А"


@pytest.mark.parametrize(
    "text", ["Иванов Александр Сергеевич", "Иванова Александра Сергеевича", "Ivanov, Alexander Sergeevich"]
)
def test_patronymic_is_normalised_to_the_nominative(text):
    p = parse_name(text)
    assert p.patronymic == "Сергеевич"
    assert p.patronymic_key == "sergevich"
    assert p.sex == "m"

