"""Every CSV kintrace writes goes through `write_csv`, so that a file opened in a spreadsheet
never runs what an input put in it.

A cell that starts with =, +, -, @, a tab or a carriage return is read by Excel and LibreOffice
as a formula (`=HYPERLINK(...)`, `=cmd|...`): the OWASP "CSV injection" rule. Text that came
from an input (ids, names) and starts so is written with a leading apostrophe, which a
spreadsheet shows as text; a number ("-12", "+7", "-1.5e3") is left alone, and so is every
value kintrace computes itself (probabilities, weights). No Django here: the linkage package
stays free of it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterable, Sequence
from typing import IO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def escape_cell(text: str) -> str:
    """`text` as a spreadsheet must show it: "'" before a formula-like start, unless the
    whole cell is a plain number."""
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(
    f: IO[str],
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    input_columns: Collection[int],
) -> None:
    """Write a header and rows ("\\n" line ends, minimal quoting); the cells of
    `input_columns` (indexes) are input text and are escaped with `escape_cell`; other
    cells are written as given (format numbers before)."""
    w = csv.writer(f, lineterminator="\n")
    w.writerow([escape_cell(h) for h in header])
    cols = sorted(input_columns)
    for row in rows:
        row = list(row)
        for i in cols:
            row[i] = escape_cell(str(row[i]))
        w.writerow(row)
