"""Reading the first sheet of an XLSX workbook within the bounds of `limits`, before openpyxl
sees anything it could choke on.

An XLSX file is a zip of XML parts, and both layers can be hostile: a 409 KB file can unpack
to a 400 MiB shared string, a DOCTYPE can declare entities, a `<dimension>` or a row number
can claim a million rows. So, in order:

1. the zip's central directory: members, total unpacked size, compression ratio, encryption;
2. every XML part's prolog: no DOCTYPE (no entities, no external references) anywhere;
3. the shared strings and the first sheet are streamed in 64 KB pieces at C speed, counting
   strings, cells and the longest text, refusing at the first bound broken (a 1M x 20 sheet is
   refused in about a second, where openpyxl would need minutes);
4. only then openpyxl reads the sheet, never past one row and one column beyond the bounds
   (the `<dimension>` it would otherwise trust is ignored), each row checked as it comes.

zipfile itself stops reading a member at its declared size and checks its CRC, so a member
that holds more than its header says is refused too, and every part read here is counted.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext as _

from .limits import Limits, ListFileError, ListTooLarge

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: old .xls, or an encrypted .xlsx
MAX_MEMBERS = 10_000
PROLOG_BYTES = 64 * 1024
CHUNK = 64 * 1024
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)


def damaged() -> ListFileError:
    return ListFileError(
        _("The workbook is damaged or is not an XLSX workbook; save it again as .xlsx or as CSV.")
    )


def doctype_refused() -> ListFileError:
    return ListFileError(
        _(
            "The workbook contains a DOCTYPE declaration, which a spreadsheet "
            "never needs; it is refused."
        )
    )


class _DoctypeFound(Exception):
    pass


def _parser(on_start=None, on_end=None, on_text=None) -> expat.XMLParserType:
    """An expat parser that refuses any DOCTYPE or entity declaration."""
    p = expat.ParserCreate()
    p.buffer_text = True

    def refuse(*_args):
        raise _DoctypeFound

    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    p.ExternalEntityRefHandler = refuse
    if on_start:
        p.StartElementHandler = on_start
    if on_end:
        p.EndElementHandler = on_end
    if on_text:
        p.CharacterDataHandler = on_text
    return p


class _Budget:
    """Bytes actually unpacked, over all parts read here (headers can lie)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.left = limits.max_uncompressed

    def feed(self, archive: zipfile.ZipFile, name: str, parser, *, whole: bool) -> None:
        with archive.open(name) as f:
            read = 0
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    break
                read += len(chunk)
                self.left -= len(chunk)
                if self.left < 0:
                    raise self.limits.unpacked_too_large()
                parser.Parse(chunk, False)
                if not whole and read >= PROLOG_BYTES:
                    return
            parser.Parse(b"", True)


class _Stop(Exception):
    """The prolog is over: the root element started without a DOCTYPE."""


def _check_zip(archive: zipfile.ZipFile, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise damaged()
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ListFileError(
                _(
                    "The workbook is protected with a password; save it without "
                    "one (or as CSV) and upload it again."
                )
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise damaged()
        total += info.file_size
        if total > limits.max_uncompressed:
            raise limits.unpacked_too_large()
        if info.file_size > 2**20 and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise limits.too_compressed()
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise ListFileError(_("The file is a zip archive but not an XLSX workbook."))


def _check_prologs(archive: zipfile.ZipFile, budget: _Budget) -> None:
    """No XML part may carry a DOCTYPE: entities are refused before any parser sees them
    (openpyxl hands some parts to lxml with resolve_entities=False and the rest to expat; an
    XLSX with a DOCTYPE was reported to crash `kintrace lists import` with a segfault)."""
    for info in archive.infolist():
        if info.is_dir():
            continue
        with archive.open(info) as f:
            head = f.read(4)
        if head.startswith((b"\x00<", b"<\x00", b"\x00\x00\x00<", b"<\x00\x00\x00")):
            raise damaged()  # UTF-16/32 XML without a byte-order mark: expat would not see it
        if head[:1] not in (b"<", b"\xef", b"\xff", b"\xfe", b" ", b"\t", b"\r", b"\n"):
            continue  # not XML (an image, a binary part)

        def stop(*_args):
            raise _Stop

        try:
            budget.feed(archive, info.filename, _parser(on_start=stop), whole=False)
        except _Stop:
            continue
        except _DoctypeFound:
            raise doctype_refused() from None
        except expat.ExpatError:
            raise damaged() from None
        # No root element in the first 64 KB: a prolog that long only hides something.
        raise damaged()


_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?c[\s/>]")
_STRING_START = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?si[\s/>]")
_OVERLAP = 64  # longer than any element start the patterns match


def _scan(archive, name: str, budget: _Budget, limits: Limits, element: re.Pattern) -> None:
    """Stream one part at C speed, refusing more than `limits.max_cells` elements matching
    `element` (cells, or shared strings) and any text longer than a cell may be (4 bytes a
    character at most in UTF-8; a shorter one too long is refused when its row is read).
    Counting elements, not filled cells, bounds openpyxl's work: it parses every one."""
    max_run = 4 * limits.max_cell_chars
    long_text = re.compile(rb"[^<]{%d}" % (max_run + 1))
    too_long = ListTooLarge(
        _("A cell of the workbook is longer than %(n)s characters.") % {"n": limits.max_cell_chars}
    )
    count, run, tail = 0, 0, b""

    class Counting:
        @staticmethod
        def Parse(chunk: bytes, final: bool) -> None:
            nonlocal count, run, tail
            buf = tail + chunk
            cut = len(buf) if final else max(len(buf) - _OVERLAP, 0)
            count += sum(1 for m in element.finditer(buf) if m.start() < cut)
            if count > limits.max_cells:
                raise ListTooLarge(
                    _("The list has more than %(n)s cells; split it into parts.")
                    % {"n": limits.max_cells}
                )
            tail = buf[cut:]
            if long_text.search(chunk):
                raise too_long
            first = chunk.find(b"<")
            if first == -1:
                run += len(chunk)
            else:
                run += first
                if run > max_run:
                    raise too_long
                run = len(chunk) - chunk.rfind(b"<") - 1
            if run > max_run:
                raise too_long

    budget.feed(archive, name, Counting, whole=True)


def read_rows(data: bytes, limits: Limits) -> Iterator[list[Any]]:
    """The first sheet's rows as tuples of cell values (None for empty), line 1 first, as a
    generator. Raises ListFileError (ListTooLarge over a bound) for anything but a sane
    workbook, before or while rows come."""
    if data.startswith(CFB_SIGNATURE):
        raise ListFileError(
            _(
                "The file is an old Excel workbook (.xls) or one protected with a "
                "password; save it as .xlsx without a password, or as CSV."
            )
        )
    try:
        yield from _read_rows(data, limits)
    except (ListFileError, MemoryError):
        raise
    except _DoctypeFound:
        raise doctype_refused() from None
    except Exception:
        raise damaged() from None  # file means "unreadable", never a traceback


def _read_rows(data: bytes, limits: Limits) -> Iterator[list[Any]]:
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._reader import WorkSheetParser

    archive = zipfile.ZipFile(io.BytesIO(data))
    _check_zip(archive, limits)
    budget = _Budget(limits)
    _check_prologs(archive, budget)

    # openpyxl's own load_workbook(read_only=True) parses every sheet whole just to find its
    # size when <dimension> is missing; only the parts needed for the first sheet are read.
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    try:
        reader.read_manifest()
        ct = reader.package.find(SHARED_STRINGS_TYPE)
        if ct is not None:
            _scan(reader.archive, ct.PartName[1:], budget, limits, _STRING_START)
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)  # which number formats are dates
        wb = reader.wb
        path = next(
            (
                rel.target
                for _sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            ),
            None,
        )
        if path is None:
            raise ListFileError(_("The workbook has no sheets."))
        _scan(reader.archive, path, budget, limits, _CELL_START)
        with reader.archive.open(path) as src:
            parser = _checked_parser(WorkSheetParser)(
                src,
                reader.shared_strings,
                data_only=True,
                epoch=wb.epoch,
                date_formats=wb._date_formats,
                timedelta_formats=wb._timedelta_formats,
            )
            yield from _rows(parser, limits)
    finally:
        reader.archive.close()
        archive.close()


def _checked_parser(base: Any) -> Any:  # openpyxl's WorkSheetParser (no type hints)
    """openpyxl's sheet parser, refusing two cells it would read wrong without a word:
    a formula saved without its value (a script wrote the file and nothing calculated it;
    the cell would read as empty and a row could vanish), and a shared-string index outside
    the table (a negative one reads another cell's text, as a Python list does)."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG

    class Checked(base):
        def parse_cell(self, element):
            value = element.findtext(VALUE_TAG, None) or None
            if value is None and element.find(FORMULA_TAG) is not None:
                raise ListFileError(
                    _(
                        "Line %(n)s: a formula whose value was never calculated. Open the file "
                        "in a spreadsheet program and save it again."
                    )
                    % {"n": self.row_counter}
                )
            if element.get("t") == "s" and value is not None:
                index = value.strip()
                if (
                    not index.isascii()
                    or not index.isdigit()
                    or int(index) >= len(self.shared_strings)
                ):
                    raise ListFileError(
                        _(
                            "Line %(n)s: the file is damaged (a cell points at "
                            "text that is not there)."
                        )
                        % {"n": self.row_counter}
                    )
            return super().parse_cell(element)

    return Checked


# The last row a sheet can have (Excel, LibreOffice and the OOXML standard alike): a row
# numbered past it is no long list but a damaged (or hand-made) file.
SHEET_ROWS = 1_048_576


def _bad_row_number(number: int) -> ListFileError:
    return ListFileError(
        _(
            "The workbook is damaged: a row is numbered %(n)s (its attribute "
            "r), past the last row a sheet can have (1,048,576). Save it again as "
            ".xlsx or as CSV."
        )
        % {"n": number}
    )


def _rows(parser, limits: Limits) -> Iterator[list]:
    """Rows as lists of values up to the last filled cell, missing rows as []. Never trusts
    <dimension> or a row number for the size: a filled cell past the bounds is refused with
    its line at once, and styled empty cells or rows past them are skipped, not padded out."""
    line = 0
    for idx, cells in parser.parse():
        values = {c["column"]: c["value"] for c in cells if c["value"] is not None}
        if idx > SHEET_ROWS:
            raise _bad_row_number(idx)
        if idx <= line:  # a repeated or backwards row number: read it as the next line
            idx = line + 1
        if not values:
            continue
        if idx > limits.max_rows + 1:
            raise limits.too_many_rows(idx)
        if max(values) > limits.max_columns:
            raise limits.too_many_columns(idx)
        while line + 1 < idx:
            line += 1
            yield []
        line = idx
        row = [None] * max(values)
        for col, value in values.items():
            if col >= 1:
                row[col - 1] = value
        yield row
