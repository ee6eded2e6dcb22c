"""Reading a list file into a header and rows of text, whatever its encoding and separator.

The same code reads an upload in the web app and a file on the command line.
Rows are numbered as a spreadsheet numbers them: the header is line 1, the first data row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Russian letter frequencies (per cent, from the national corpus), to tell which single-byte
# code page a file was written in: the right one turns bytes into common letters.
_RU_FREQ = {
    "о": 10.97, "е": 8.45, "а": 8.01, "и": 7.35, "н": 6.70, "т": 6.26, "с": 5.47, "р": 4.73,
    "в": 4.54, "л": 4.40, "к": 3.49, "м": 3.21, "д": 2.98, "п": 2.81, "у": 2.62, "я": 2.01,
    "ы": 1.90, "ь": 1.74, "г": 1.70, "з": 1.65, "б": 1.59, "ч": 1.44, "й": 1.21, "х": 0.97,
    "ж": 0.94, "ш": 0.73, "ю": 0.64, "ц": 0.48, "щ": 0.36, "э": 0.32, "ф": 0.26, "ъ": 0.04,
    "ё": 0.04,
}
_LOG_FREQ = {ch: math.log(f) for ch, f in _RU_FREQ.items()}
_UNLIKELY = math.log(0.001)
SINGLE_BYTE_ENCODINGS = ("cp1251", "koi8_r", "cp866")
DELIMITERS = ",;\t|"


class ListFileError(Exception):
    """The file as a whole cannot be read (not a row problem)."""


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # spreadsheet line number of each row
    encoding: str
    delimiter: str = ""
    has_header: bool = True
    notes: list[str] = field(default_factory=list)


def _score(text: str) -> float:
    """Mean log-frequency of the non-ASCII characters: higher means more like Russian."""
    total, n = 0.0, 0
    for ch in text:
        if ord(ch) < 128:
            continue
        total += _LOG_FREQ.get(ch.lower(), _UNLIKELY)
        n += 1
    return total / n if n else 0.0


def decode(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding). UTF-8 with or without BOM, UTF-16 with BOM, else the
    single-byte Cyrillic code page (Windows-1251, KOI8-R, CP866) that reads most like Russian."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:200_000]
    best = max(SINGLE_BYTE_ENCODINGS, key=lambda enc: _score(sample.decode(enc, errors="replace")))
    try:
        return data.decode(best), best
    except UnicodeDecodeError as e:  # cp1251 leaves 0x98 undefined
        raise ListFileError(_("Cannot decode the file (tried UTF-8 and %(enc)s): %(err)s")
                            % {"enc": best, "err": e}) from None


def sniff_delimiter(text: str) -> str:
    """The separator of a delimited text: csv.Sniffer, then the commonest candidate on the
    first line; "" when the text has a single column."""
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    first = text.splitlines()[0] if text.strip() else ""
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ""


def cell_text(value) -> str:
    """An XLSX cell as text: real dates as ISO dates, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _finish(grid: list[list[str]], *, encoding: str, delimiter: str, has_header) -> Table:
    """Drop blank rows (keeping line numbers), take the header, pad short rows."""
    numbered = [(i + 1, r) for i, r in enumerate(grid) if any(c.strip() for c in r)]
    if not numbered:
        raise ListFileError(_("The file has no rows."))
    first_line, first = numbered[0]
    if has_header is None:
        from .mapping import looks_like_header

        has_header = looks_like_header(first)
    if has_header:
        header = [c.strip() for c in first]
        body = numbered[1:]
    else:
        width = max(len(r) for _, r in numbered)
        header = [f"#{i + 1}" for i in range(width)]
        body = numbered
        # Without a header, line 1 is the first row itself.
    width = len(header)
    rows, lines = [], []
    for line, r in body:
        cells = [c.strip() for c in r]
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        rows.append(cells)
        lines.append(line if has_header else line - first_line + 1)
    return Table(header=header, rows=rows, lines=lines, encoding=encoding, delimiter=delimiter,
                 has_header=bool(has_header))


def read_text(text: str, *, encoding: str = "text", has_header=None) -> Table:
    """Delimited text (a CSV file's content or text pasted from a spreadsheet)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ListFileError(_("The file has no rows."))
    delimiter = sniff_delimiter(text)
    if delimiter:
        try:
            grid = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error as e:
            raise ListFileError(_("Cannot read the file as CSV: %s") % e) from None
    else:
        grid = [[line] for line in text.split("\n")]
    return _finish(grid, encoding=encoding, delimiter=delimiter, has_header=has_header)


def read_xlsx(data: bytes) -> Table:
    """The first sheet of an XLSX workbook; date cells come back as ISO dates."""
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ListFileError(_("Cannot read the workbook: %s") % e) from None
    try:
        ws = wb.worksheets[0]
        grid = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    return _finish(grid, encoding="xlsx", delimiter="", has_header=True)


def is_xlsx(data: bytes, filename: str = "") -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))


def read_list(data: bytes, filename: str = "") -> Table:
    """A file's bytes → Table. XLSX by signature, everything else as delimited text."""
    if not data.strip():
        raise ListFileError(_("The file is empty."))
    if is_xlsx(data, filename):
        return read_xlsx(data)
    text, encoding = decode(data)
    return read_text(text, encoding=encoding, has_header=True)
