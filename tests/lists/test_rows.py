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
