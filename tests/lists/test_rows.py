"""Row errors quote the input only in part (issue 9, finding 12): a reason is stored per bad
row and shown on the list's page and on stderr."""

import datetime as dt

import pytest
from django.utils import translation

from kintrace.lists.rows import RowError, map_row


@pytest.mark.parametrize("field", ["birth_date", "event_date"])
def test_a_long_bad_date_is_quoted_in_part_with_an_ellipsis(field):
    row = ["Иванов Иван Иванович", "1" * 9_000 + "x"]
    with translation.override("en"), pytest.raises(RowError) as e:
        map_row(row, {"name": 0, field: 1}, today=dt.date(2026, 1, 1))
    message = str(e.value)
    assert len(message) < 250
    assert "1" * 59 + "…" in message


TODAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize(
    "name", ["ФИО1", "ФИО 2", "<ФИО>", "Ф.И.О.", "[данные изъяты]", "***", "Фамилия Имя Отчество"]
)
def test_a_redaction_placeholder_is_refused_as_no_persons_name(name):
    with translation.override("en"), pytest.raises(RowError) as e:
        map_row([name, "1985"], {"name": 0, "birth_date": 1}, today=TODAY)
    assert "stands in for a name withheld" in str(e.value)


@pytest.mark.parametrize("name", ["Фиошин Иван Петрович", "Ли Юрий", "Ян Ия", "Иванов И.И."])
def test_real_names_that_look_short_are_not_placeholders(name):
    assert map_row([name], {"name": 0}, today=TODAY)["name"] == name


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("около 1985", None),
        ("1985?", None),
        ("ca. 1985", None),
        ("весна 1985", 1985),
        ("'14.03.1985", 1985),
        ("45061,6041666667", 2023),
    ],
)
def test_an_approximate_birth_date_is_kept_as_written_and_not_as_a_year(text, parsed):
    entry = map_row(["Иванов Иван Иванович", text], {"name": 0, "birth_date": 1}, today=TODAY)
    assert (entry["birth_text"], entry["birth_year"]) == (text, parsed)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("31.02.1985", "в этом месяце нет такого дня"),
        ("13.13.1985", "такого месяца нет"),
        ("2", "это число, а не дата"),
        ("вчера", "так дату мы читать не умеем"),
        ("1980-е", "это период в несколько лет"),
    ],
)
def test_a_bad_date_is_explained_in_the_readers_language(cell, reason):
    with translation.override("ru"), pytest.raises(RowError) as e:
        map_row(["Иванов Иван", cell], {"name": 0, "birth_date": 1}, today=TODAY)
    assert reason in str(e.value)
