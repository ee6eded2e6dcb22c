"""Numbers in words and digits, as kintrace.extract reads them."""

import pytest

from kintrace.extract.numbers import lemmas, parse_digits, parse_number_words


@pytest.mark.parametrize(
    ("words", "lang", "expected"),
    [
        ("двести тысяч рублей", "ru", (200000, 2)),
        ("пятидесяти заключённых", "ru", (50, 1)),
        ("полтора миллиона", "ru", (1500000, 2)),
        ("двухсот сорока пяти", "ru", (245, 3)),
        ("5 млн рублей", "ru", (5000000, 2)),
        ("two hundred and fifty thousand", "en", (250000, 5)),
        ("fifty inmates", "en", (50, 1)),
        ("a thousand men", "en", (1000, 2)),
    ],
)
def test_number_words_in_any_case(words, lang, expected):
    assert parse_number_words(words.split(), lang) == expected


def test_words_that_are_no_number_give_none():
    assert parse_number_words(["заключённые"], "ru") is None
    assert parse_number_words(["a", "deal"], "en") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("100.000", 100000), ("1,600", 1600), ("1 600", 1600), ("5,5", 5.5), ("2.5", 2.5)],
)
def test_digits_with_thousands_separators_or_decimals(text, value):
    assert parse_digits(text) == value


def test_lemmas_put_a_region_name_in_its_dictionary_form():
    assert lemmas("Ростовскую область") == "ростовский область"
