"""Reading a list file into a header and rows of text, whatever its encoding and separator.

The same code reads an upload in the web app and a file on the command line.
Rows are numbered as a spreadsheet numbers them: the header is line 1, the first data row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .limits import Counter, Limits, ListFileError, ListTooLarge

__all__ = ["ListFileError", "ListTooLarge", "Limits", "Table", "decode", "read_list",
           "read_text", "sniff_delimiter", "cell_text"]

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
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_EOL = re.compile(r"\r\n|\r|\n")
SNIFF_CHARS = 64 * 1024


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
    single-byte Cyrillic code page (Windows-1251, KOI8-R, CP866) that reads most like Russian.
    Raises ListFileError when the bytes are not text in the encoding they announce."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as e:
                # utf-8-sig counts from after its BOM; the message counts from the file's start
                pos = e.start + (len(bom) if encoding == "utf-8-sig" else 0)
                raise ListFileError(
                    _("The file starts with a %(enc)s byte-order mark but is not %(enc)s text "
                      "(at byte %(pos)s).") % {"enc": encoding.upper().removesuffix("-SIG"),
                                               "pos": pos}) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:200_000]
    best = max(SINGLE_BYTE_ENCODINGS, key=lambda enc: _score(sample.decode(enc, errors="replace")))
    try:
        return data.decode(best), best
    except UnicodeDecodeError as e:  # cp1251 leaves 0x98 undefined
        raise ListFileError(_("Cannot decode the file (tried UTF-8 and %(enc)s): byte 0x%(byte)02x "
                              "at %(pos)s.") % {"enc": best, "byte": data[e.start], "pos": e.start}
                            ) from None


def _lines(text: str, limits: Limits) -> Iterator[str]:
    """The physical lines of `text`, each ending in "\n" (CRLF, CR and LF alike), refusing a
    line longer than any row within the bounds could be, before it is copied."""
    start, n = 0, 0
    for m in _EOL.finditer(text):
        n += 1
        if m.start() - start > limits.max_line_chars:
            raise limits.line_too_long(n)
        yield text[start:m.start()] + "\n"
        start = m.end()
    if start < len(text):
        if len(text) - start > limits.max_line_chars:
            raise limits.line_too_long(n + 1)
        yield text[start:]


def sniff_delimiter(text: str) -> str:
    """The separator of a delimited text: csv.Sniffer, then the commonest candidate on the
    first line; "" when the text has a single column."""
    lines = _lines(text[:SNIFF_CHARS], Limits.from_settings())
    head = "".join(line for _, line in zip(range(20), lines, strict=False))
    try:
        return csv.Sniffer().sniff(head, delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    first = head.split("\n", 1)[0]
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


def _finish(grid: Iterable[list[str]], *, encoding: str, delimiter: str, has_header,
            limits: Limits) -> Table:
    """Check each row against the bounds as it comes, drop blank rows (keeping line numbers),
    take the header, pad short rows."""
    counter = Counter(limits)
    numbered = []
    for i, r in enumerate(grid):
        counter.row(i + 1, r)
        cells = [c.strip() for c in r]
        if any(cells):
            numbered.append((i + 1, cells))
    if not numbered:
        raise ListFileError(_("The file has no rows."))
    first_line, first = numbered[0]
    if has_header is None:
        from .mapping import looks_like_header

        has_header = looks_like_header(first)
    if has_header:
        limits.check_header(first)
        header = first
        body = numbered[1:]
    else:
        width = max(len(r) for _, r in numbered)
        header = [f"#{i + 1}" for i in range(width)]
        body = numbered
        # Without a header, line 1 is the first row itself.
    width = len(header)
    rows, lines = [], []
    for line, cells in body:
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        rows.append(cells)
        lines.append(line if has_header else line - first_line + 1)
    return Table(header=header, rows=rows, lines=lines, encoding=encoding, delimiter=delimiter,
                 has_header=bool(has_header))


def _csv_rows(text: str, delimiter: str, limits: Limits) -> Iterator[list[str]]:
    reader = csv.reader(_lines(text, limits), delimiter=delimiter)
    n = 0
    try:
        for row in reader:
            n += 1
            yield row
    except csv.Error as e:
        if "field limit" in str(e):
            raise limits.cell_too_long(n + 1) from None
        raise ListFileError(_("Line %(line)s: cannot read the file as CSV (%(err)s).")
                            % {"line": n + 1, "err": e}) from None


def read_text(text: str, *, encoding: str = "text", has_header=None,
              limits: Limits | None = None) -> Table:
    """Delimited text (a CSV file's content or text pasted from a spreadsheet).
    Raises ListFileError (ListTooLarge over a bound of `limits`, default from settings)."""
    limits = limits or Limits.from_settings()
    if not text.strip():
        raise ListFileError(_("The file has no rows."))
    delimiter = sniff_delimiter(text)
    if delimiter:
        grid = _csv_rows(text, delimiter, limits)
    else:
        grid = ([line.rstrip("\n")] for line in _lines(text, limits))
    return _finish(grid, encoding=encoding, delimiter=delimiter, has_header=has_header,
                   limits=limits)


def read_xlsx(data: bytes, limits: Limits | None = None) -> Table:
    """The first sheet of an XLSX workbook; date cells come back as ISO dates.
    Raises ListFileError (see kintrace.lists.xlsx for what is refused and when)."""
    from .xlsx import read_rows

    limits = limits or Limits.from_settings()
    grid = ([cell_text(v) for v in row] for row in read_rows(data, limits))
    return _finish(grid, encoding="xlsx", delimiter="", has_header=True, limits=limits)


def is_xlsx(data: bytes, filename: str = "") -> bool:
    """True for a zip (an XLSX workbook, or a file that must be refused as one) or an OLE2
    file (an old .xls or an encrypted workbook): decided by the bytes, not the name, so a CSV
    saved as "list.xlsx" is still read as a CSV."""
    from .xlsx import CFB_SIGNATURE

    return data[:4] == b"PK\x03\x04" or data.startswith(CFB_SIGNATURE)


def read_list(data: bytes, filename: str = "", limits: Limits | None = None) -> Table:
    """A file's bytes → Table. XLSX by signature, everything else as delimited text.
    Raises ListFileError: unreadable, or over a bound (ListTooLarge)."""
    if not data.strip():
        raise ListFileError(_("The file is empty."))
    if is_xlsx(data, filename):
        return read_xlsx(data, limits)
    text, encoding = decode(data)
    return read_text(text, encoding=encoding, has_header=True, limits=limits)
