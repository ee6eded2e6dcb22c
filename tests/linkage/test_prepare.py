"""prepare(): contract columns → comparison columns. Dates that are approximate or periods are
never turned into a guessed point that the clustering would hold against a real one: they
become the range of years the man can have been born in."""

import pandas as pd
import pytest

from kintrace.linkage.prepare import APPROXIMATE_YEARS, prepare, records_to_frame


def _birth(text: str) -> tuple:
    frame = prepare(records_to_frame([{"id": "a", "name": "Смирнов Андрей", "birth_date": text}]))
    row = frame.iloc[0]
    return tuple(
        None if pd.isna(row[c]) else int(row[c]) for c in ("birth_year", "birth_month", "birth_day")
    )


@pytest.mark.parametrize("text", ["около 1984", "1984?", "ca. 1984", "1980-е", "в начале 1980-х"])
def test_an_approximate_birth_date_is_no_known_year(text):
    assert _birth(text) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("'14.03.1987", (1987, 3, 14)),
        ("14.мар.87", (1987, 3, 14)),
        ("14.03.1987.", (1987, 3, 14)),
        ("весна 1985", (1985, None, None)),
        ("31850,5", (1987, 3, 14)),
    ],
)
def test_dates_as_spreadsheets_write_them_reach_the_comparison_columns(text, parts):
    assert _birth(text) == parts


def _year_range(text: str) -> tuple:
    record = {"id": "a", "name": "Смирнов Андрей", "birth_date": text}
    row = prepare(records_to_frame([record])).iloc[0]
    return tuple(
        None if pd.isna(row[c]) else int(row[c]) for c in ("birth_year_min", "birth_year_max")
    )


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("14.03.1986", 1986, 1986),  # a known date: its year on both ends
        ("1986", 1986, 1986),
        ("весна 1985", 1985, 1985),  # a period inside one year is that year
        ("осенью 2024", 2024, 2024),
        ("около 1985", 1985 - APPROXIMATE_YEARS, 1985 + APPROXIMATE_YEARS),
        ("1985?", 1985 - APPROXIMATE_YEARS, 1985 + APPROXIMATE_YEARS),
        ("ca. 1985", 1985 - APPROXIMATE_YEARS, 1985 + APPROXIMATE_YEARS),
        ("приблизительно 03.1985", 1985 - APPROXIMATE_YEARS, 1985 + APPROXIMATE_YEARS),
        ("1980-е", 1980, 1989),  # a decade: its ten years, not widened
        ("1980s", 1980, 1989),
        ("в начале 1980-х", 1980 - APPROXIMATE_YEARS, 1983 + APPROXIMATE_YEARS),
        ("1983-1987", 1983, 1987),
    ],
)
def test_a_birth_date_gives_the_range_of_years_the_man_can_have_been_born_in(text, first, last):
    assert _year_range(text) == (first, last)


@pytest.mark.parametrize("text", ["", "н/д", "1950-2000", "30.02.1985"])
def test_no_date_a_meaningless_range_or_an_impossible_date_gives_no_range(text):
    assert _year_range(text) == (None, None)
