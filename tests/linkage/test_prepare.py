"""prepare(): contract columns → comparison columns. Dates that are approximate or periods are
never turned into a guessed point that the clustering would hold against a real one."""

import pandas as pd
import pytest

from kintrace.linkage.prepare import prepare, records_to_frame


def _birth(text: str) -> tuple:
    frame = prepare(records_to_frame([{"id": "a", "name": "Смирнов Андрей", "birth_date": text}]))
    row = frame.iloc[0]
    return tuple(None if pd.isna(row[c]) else int(row[c])
                 for c in ("birth_year", "birth_month", "birth_day"))


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
