"""Redaction marks and unfilled templates are no person (kintrace.names.parse.placeholders).

The forms are those Russian court decisions and registries publish in place of a name:
"ФИО1" … "ФИО13" (sudact, the GAS "Правосудие" depersonalisation), "<ФИО>", "[ФИО]",
"Ф.И.О.", "(данные изъяты)", "<данные изъяты>", "ДД.ММ.ГГГГ г.р.", "ХХ.ХХ.ХХХХ", "***".
"""

import pytest

from kintrace.names import parse_name, parse_name_parts
from kintrace.names.parse.placeholders import is_placeholder

PLACEHOLDERS = [
    "ФИО1",
    "ФИО 2",
    "ФИО13",
    "ФИО-3",
    "фио4",
    "<ФИО>",
    "<ФИО1>",
    "[ФИО]",
    "«ФИО5»",
    "Ф.И.О.",
    "Ф. И. О.",
    "Ф.И.О. 7",
    "(данные изъяты)",
    "<данные изъяты>",
    "[данные изъяты]",
    "данные изъяты",
    "ДД.ММ.ГГГГ г.р.",
    "ДД.ММ.ГГГГ",
    "ХХ.ХХ.ХХХХ г.р.",
    "XX.XX.XXXX",
    "***",
    "*****",
    "___",
    "Фамилия Имя Отчество",
    "ФАМИЛИЯ ИМЯ ОТЧЕСТВО",
    "ФИО1 ДД.ММ.ГГГГ года рождения",
    "(персональные данные удалены)",
]
NOT_PLACEHOLDERS = [
    "Фомин И.О.",
    "Фиона Смит",
    "Ия Петрова",
    "Иванов ***",
    "Дудаев Муса",
    "Мамедов Ф.И.",
    "Хохлов Олег",
    "Иванов Иван Иванович, 14.03.1987 г.р.",
    "Фамилиев Иван",
    "",
]


@pytest.mark.parametrize("text", PLACEHOLDERS)
def test_a_redaction_mark_is_a_placeholder_with_no_parts(text):
    assert is_placeholder(text)
    p = parse_name(text)
    assert p.placeholder
    assert (p.surname, p.given, p.patronymic, p.given_initial, p.patronymic_initial) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert (p.surname_key, p.given_key, p.patronymic_key, p.sex) == (None, None, None, None)
    assert p.original == text


@pytest.mark.parametrize("text", NOT_PLACEHOLDERS)
def test_a_name_is_no_placeholder(text):
    assert not is_placeholder(text)
    assert not parse_name(text).placeholder


def test_a_placeholder_in_any_column_makes_the_split_name_a_placeholder():
    assert parse_name_parts("ФИО1", None, None).placeholder
    assert parse_name_parts("ФИО2", "Иван", "Иванович").placeholder
    assert parse_name_parts("<данные изъяты>", "Иван", None).placeholder
    p = parse_name_parts("Иванов", "Иван", "Иванович")
    assert not p.placeholder and p.surname == "Иванов"
