# ruff: noqa: E501 - the XML of a workbook reads best on one line per part
"""Hostile list files, built byte by byte: zip bombs, shared-string bombs, lying headers,
DOCTYPEs, broken encodings. Each returns the file's bytes (or writes it, when large)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{shared}</Types>"
)
SHARED_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets></workbook>"
)
ONE_SHEET = '<sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "{dimension}<sheetData>"
)
SHEET_TAIL = "</sheetData></worksheet>"
NAME_ROWS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>ФИО</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Дата рождения</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>Иванов Иван Иванович</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>1980</t></is></c></row>'
)


def col_letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx(
    *,
    sheet: str | bytes | None = None,
    shared: str | bytes | None = None,
    sheets: str = ONE_SHEET,
    dimension: str = "",
    extra: dict | None = None,
    compression=zipfile.ZIP_DEFLATED,
    level: int = 9,
) -> bytes:
    """A minimal workbook; `sheet` is the whole sheet XML or None for two name rows."""
    if sheet is None:
        sheet = SHEET_HEAD.format(dimension=dimension) + NAME_ROWS + SHEET_TAIL
    parts = {
        "[Content_Types].xml": CONTENT_TYPES.format(
            shared=SHARED_TYPE if shared is not None else ""
        ),
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK.format(sheets=sheets),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    parts.update(extra or {})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression, compresslevel=level) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


def shared_string_bomb(mib: int = 400) -> bytes:
    """One shared string of `mib` MiB of "A", deflated to a few hundred KB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, body in (
            ("[Content_Types].xml", CONTENT_TYPES.format(shared=SHARED_TYPE)),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK.format(sheets=ONE_SHEET)),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ):
            z.writestr(name, body)
        z.writestr(
            "xl/worksheets/sheet1.xml",
            SHEET_HEAD.format(dimension="")
            + '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
            + SHEET_TAIL,
        )
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(
                b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
                b"<si><t>"
            )
            chunk = b"A" * (1 << 20)
            for _ in range(mib):
                f.write(chunk)
            f.write(b"</t></si></sst>")
    return buf.getvalue()


def many_rows_sheet(rows: int, cols: int) -> bytes:
    """`rows` × `cols` numeric cells (like the 1M × 20 file that never finished)."""
    out = io.BytesIO()
    out.write(SHEET_HEAD.format(dimension="").encode())
    for r in range(1, rows + 1):
        cells = "".join(f'<c r="{col_letters(c)}{r}"><v>{c}</v></c>' for c in range(1, cols + 1))
        out.write(f'<row r="{r}">{cells}</row>'.encode())
    out.write(SHEET_TAIL.encode())
    return out.getvalue()


def lying_size(data: bytes, member: str) -> bytes:
    """The zip with `member`'s declared uncompressed size rewritten to 100 bytes in both the
    local header and the central directory: the bytes inside are larger than announced."""
    z = zipfile.ZipFile(io.BytesIO(data))
    info = z.getinfo(member)
    out = bytearray(data)
    # local header: signature(4) ver(2) flag(2) method(2) time(2) date(2) crc(4) csize(4) usize(4)
    struct.pack_into("<I", out, info.header_offset + 22, 100)
    cd = data.find(b"PK\x01\x02")
    while cd != -1:
        name_len = struct.unpack_from("<H", out, cd + 28)[0]
        if bytes(out[cd + 46 : cd + 46 + name_len]).decode() == member:
            struct.pack_into("<I", out, cd + 24, 100)
            break
        cd = data.find(b"PK\x01\x02", cd + 4)
    return bytes(out)


def cfb() -> bytes:
    """The start of an OLE2 compound file: an encrypted XLSX or an old binary .xls."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"\xfe\xff" * 100


def deflate_only(data: bytes) -> bytes:
    return zlib.compress(data)


def big_sheet_xlsx(rows: int, cols: int, *, header: bool = True, varied: bool = False) -> bytes:
    """`rows` × `cols` one-digit cells without cell references, the sheet streamed into the
    zip (1M × 20 is ~300 MB unpacked, ~1 MB packed)."""
    buf = io.BytesIO()
    row = ("<row>" + "<c><v>1</v></c>" * cols + "</row>").encode()
    head = (
        (
            "<row>"
            + "".join(f'<c t="inlineStr"><is><t>col{c}</t></is></c>' for c in range(cols))
            + "</row>"
        ).encode()
        if header
        else b""
    )
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, body in (
            ("[Content_Types].xml", CONTENT_TYPES.format(shared="")),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK.format(sheets=ONE_SHEET)),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ):
            z.writestr(name, body)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(SHEET_HEAD.format(dimension="").encode() + head)
            if varied:  # numbers that differ, so the part compresses like a real sheet
                for r in range(rows):
                    f.write(
                        (
                            "<row>"
                            + "".join(
                                f"<c><v>{(r * 7919 + c * 104729) % 999983}</v></c>"
                                for c in range(cols)
                            )
                            + "</row>"
                        ).encode()
                    )
            else:
                block = row * 1000
                for _ in range(rows // 1000):
                    f.write(block)
                f.write(row * (rows % 1000))
            f.write(SHEET_TAIL.encode())
    return buf.getvalue()
