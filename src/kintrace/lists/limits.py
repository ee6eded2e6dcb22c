"""The bounds on what a list file may hold, checked while it is read (one place for the
command line, the web upload and the paste form).

Each bound is a setting with a default sized for the largest real lists (a 200,000-row hospital
list of 10 columns has 2 million cells) while keeping the reading of one file under ~500 MB of
memory and an XLSX file's refusal under a few seconds. A file over a bound
is refused as a whole with a message naming the bound (and the line, when one row is at fault);
nothing of it is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

DEFAULTS = {
    "KINTRACE_LIST_MAX_ROWS": 1_000_000,  # data rows (the header is line 1)
    "KINTRACE_LIST_MAX_COLUMNS": 200,
    "KINTRACE_LIST_MAX_CELLS": 2_000_000,  # filled cells (XLSX: cell elements) in the list
    "KINTRACE_LIST_MAX_CELL_CHARS": 10_000,
    "KINTRACE_LIST_MAX_HEADER_CHARS": 500,  # one column title
    "KINTRACE_LIST_MAX_UNCOMPRESSED": 200 * 1024 * 1024,  # all parts of an XLSX, in bytes
    "KINTRACE_LIST_MAX_RATIO": 200,  # uncompressed / compressed size of one XLSX part
}

# C0 controls other than tab, line feed and carriage return, DEL, C1 controls, and lone
# surrogates (openpyxl turns "_xD800_" into one): PostgreSQL refuses NUL in text, the rest is
# damage, never a name.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class ListFileError(ValueError):
    """The file as a whole cannot be read (not a row problem); the message is for a person.
    A ValueError, so that code reading a stored file (a list's preview) treats it as one."""


class ListTooLarge(ListFileError):
    """The file is over one of the bounds."""


def quote(text: str, limit: int = 60) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis, for quoting input in a
    message (an error must never repeat a 400 MB cell)."""
    text = " ".join(text[: limit + 1].split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_columns: int
    max_cells: int
    max_cell_chars: int
    max_header_chars: int
    max_uncompressed: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> Limits:
        """The bounds from Django settings (KINTRACE_LIST_MAX_*), defaults where unset."""
        from django.conf import settings

        v = {k: int(getattr(settings, k, d)) for k, d in DEFAULTS.items()}
        return cls(
            max_rows=v["KINTRACE_LIST_MAX_ROWS"],
            max_columns=v["KINTRACE_LIST_MAX_COLUMNS"],
            max_cells=v["KINTRACE_LIST_MAX_CELLS"],
            max_cell_chars=v["KINTRACE_LIST_MAX_CELL_CHARS"],
            max_header_chars=v["KINTRACE_LIST_MAX_HEADER_CHARS"],
            max_uncompressed=v["KINTRACE_LIST_MAX_UNCOMPRESSED"],
            max_ratio=v["KINTRACE_LIST_MAX_RATIO"],
        )

    @property
    def max_line_chars(self) -> int:
        """The longest physical line a delimited text may have: a full row of full cells."""
        return self.max_columns * (self.max_cell_chars + 3) + 2

    # Each refusal below raises ListTooLarge; `line` is the spreadsheet line (header = 1).

    def too_many_rows(self, line: int) -> ListTooLarge:
        return ListTooLarge(
            _("Line %(line)s: the list has more than %(n)s rows; split it into parts.")
            % {"line": line, "n": self.max_rows}
        )

    def too_many_columns(self, line: int, found: int | None = None) -> ListTooLarge:
        return ListTooLarge(
            _("Line %(line)s: more than %(n)s columns; a list may have at most %(n)s.")
            % {"line": line, "n": self.max_columns}
        )

    def too_many_cells(self, line: int) -> ListTooLarge:
        return ListTooLarge(
            _("Line %(line)s: the list has more than %(n)s filled cells; split it into parts.")
            % {"line": line, "n": self.max_cells}
        )

    def cell_too_long(self, line: int) -> ListTooLarge:
        return ListTooLarge(
            _("Line %(line)s: a cell is longer than %(n)s characters.")
            % {"line": line, "n": self.max_cell_chars}
        )

    def line_too_long(self, line: int) -> ListTooLarge:
        return ListTooLarge(
            _("Line %(line)s is longer than %(n)s characters.")
            % {"line": line, "n": self.max_line_chars}
        )

    def title_too_long(self) -> ListTooLarge:
        return ListTooLarge(
            _(
                "Line 1: a column title is longer than %(n)s characters; is the "
                "first line really the header?"
            )
            % {"n": self.max_header_chars}
        )

    def unpacked_too_large(self) -> ListTooLarge:
        return ListTooLarge(
            _(
                "The workbook unpacks to more than %(n)s MB; lists up to %(n)s MB "
                "unpacked can be imported. Split it into parts."
            )
            % {"n": self.max_uncompressed // 2**20}
        )

    def too_compressed(self) -> ListTooLarge:
        return ListTooLarge(
            _(
                "A part of the workbook is compressed more than %(n)s times; this "
                "is not a normal spreadsheet."
            )
            % {"n": self.max_ratio}
        )

    def check_header(self, cells: list[str]) -> None:
        """Refuse a column title over the bound (the header is stored and shown on every
        page of the list)."""
        if any(len(c.strip()) > self.max_header_chars for c in cells):
            raise self.title_too_long()

    def check_row(self, line: int, cells: list[str]) -> int:
        """Check one row's cells; returns how many are filled. Raises ListFileError."""
        if len(cells) > self.max_columns and any(c.strip() for c in cells[self.max_columns :]):
            raise self.too_many_columns(line)
        filled = 0
        for col, c in enumerate(cells, start=1):
            if not c:
                continue
            if len(c) > self.max_cell_chars:
                raise self.cell_too_long(line)
            bad = _BAD_CHAR.search(c)
            if bad:
                raise ListFileError(
                    _(
                        "Line %(line)s, column %(col)s: the cell holds the control character "
                        "U+%(code)04X; the file is damaged or not a list."
                    )
                    % {"line": line, "col": col, "code": ord(bad.group())}
                )
            filled += 1
        return filled


class Counter:
    """Running totals of one file being read, checked row by row against `limits`."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.cells = 0

    def row(self, line: int, cells: list[str]) -> None:
        """Raises ListFileError when this row breaks a bound."""
        filled = self.limits.check_row(line, cells)
        last = self.limits.max_rows + 1
        # Blank lines past the bound are let through for a while (a trailing run of empty
        # rows), but not forever: 100 MB of line breaks is not a list either.
        if line > last and (filled or line > 2 * last):
            raise self.limits.too_many_rows(line)
        self.cells += filled
        if self.cells > self.limits.max_cells:
            raise self.limits.too_many_cells(line)


# A cell of this many words is running text (a news paragraph cut at its commas, a sentence in
# the name column), not the value of a column: no name, date, facility or place runs so long
# ("Гусейнов Рамиль Ильхам оглы", "José María García de la Fuente" are four and six words).
RUNNING_TEXT_WORDS = 8


def is_running_text(cell: str) -> bool:
    """Whether a cell is running text rather than a value (RUNNING_TEXT_WORDS or more)."""
    return len(cell.split()) >= RUNNING_TEXT_WORDS
