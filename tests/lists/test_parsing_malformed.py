"""Issue 9, finding 9: a malformed list file is "unreadable" — one translated line, exit 2 on
the command line, the form again on the web — never a traceback, a 500 or a crash, and
nothing stored. Each kind is tried through the reader, the command line (in a separate process
and in this one, on this run's database) and the web upload."""

import os
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from kintrace.cli import main
from kintrace.lists.models import PersonList
from kintrace.lists.parsing import ListFileError, read_list

from . import hostile

ROOT = Path(__file__).resolve().parents[2]
DAMAGED = "The workbook is damaged or is not an XLSX workbook; save it again as .xlsx or as CSV."
DOCTYPE = (
    "The workbook contains a DOCTYPE declaration, which a spreadsheet never needs; it is refused."
)
OLD_OR_LOCKED = (
    "The file is an old Excel workbook (.xls) or one protected with a password; save "
    "it as .xlsx without a password, or as CSV."
)
ENTITIES = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'


def stored_files(settings) -> set[Path]:
    return set((Path(settings.MEDIA_ROOT) / "lists").glob("*"))


def _with_doctype(xml: str) -> str:
    return xml.replace("?>", "?>" + ENTITIES, 1)


def _zip(parts: dict[str, bytes | str], encrypt_flag: bool = False) -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    data = bytearray(buf.getvalue())
    if encrypt_flag:  # mark every member as encrypted, in local and central headers
        for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            i = data.find(sig)
            while i != -1:
                data[i + off] |= 1
                i = data.find(sig, i + 4)
    return bytes(data)


def _utf16(text: str) -> bytes:
    return b"\xff\xfe" + text.encode("utf-16-le")


SHEET = hostile.SHEET_HEAD.format(dimension="") + hostile.NAME_ROWS + hostile.SHEET_TAIL
MALFORMED = {
    "utf16-odd-length": (
        _utf16("ФИО;Год\nИванов;1980\n") + b"\x00",
        "list.csv",
        "Line 3: the file starts with a UTF-16 byte-order mark but is not UTF-16 "
        "text (at byte 42); save it again as UTF-16.",
    ),
    "utf16-lone-surrogate": (
        _utf16("ФИО;Год\n") + b"\x00\xd8" + "\n".encode("utf-16-le"),
        "list.csv",
        "Line 2: the file starts with a UTF-16 byte-order mark "
        "but is not UTF-16 text (at byte 18); save it again as UTF-16.",
    ),
    "utf8-bom-invalid": (
        b"\xef\xbb\xbf" + "ФИО;Год\n".encode() + b"\xff\xfe\xfa;1980\n",
        "list.csv",
        "Line 2: the file starts with a UTF-8 byte-order mark but "
        "is not UTF-8 text (at byte 17); save it again as UTF-8.",
    ),
    "nul-in-a-cell": (
        "ФИО;Год\nИва\x00нов;1980\n".encode(),
        "list.csv",
        "Line 2, column 1: the cell holds the control character U+0000; the file "
        "is damaged or not a list.",
    ),
    "control-character": (
        "ФИО;Год\nИванов;19\x0780\n".encode("cp1251"),
        "list.csv",
        "Line 2, column 2: the cell holds the control character U+0007; the "
        "file is damaged or not a list.",
    ),
    "empty": (b"", "list.csv", "The file is empty."),
    "blank": (b" \n\r\n\t", "list.csv", "The file is empty."),
    "only-utf8-bom": (b"\xef\xbb\xbf", "list.csv", "The file has no rows."),
    "only-utf16-bom": (b"\xff\xfe", "list.csv", "The file has no rows."),
    "xlsx-no-sheets": (hostile.xlsx(sheets=""), "list.xlsx", "The workbook has no sheets."),
    "xlsx-malformed-sheet": (
        hostile.xlsx(sheet="<worksheet><sheetData><row><c>"),
        "list.xlsx",
        DAMAGED,
    ),
    "xlsx-sheet-not-xml": (hostile.xlsx(sheet=b"\x00\x01 not xml"), "list.xlsx", DAMAGED),
    "xlsx-doctype-in-sheet": (hostile.xlsx(sheet=_with_doctype(SHEET)), "list.xlsx", DOCTYPE),
    "xlsx-doctype-in-workbook": (
        hostile.xlsx(
            extra={
                "xl/workbook.xml": _with_doctype(hostile.WORKBOOK.format(sheets=hostile.ONE_SHEET))
            }
        ),
        "list.xlsx",
        DOCTYPE,
    ),
    "xlsx-doctype-in-rels": (
        hostile.xlsx(extra={"_rels/.rels": _with_doctype(hostile.ROOT_RELS)}),
        "list.xlsx",
        DOCTYPE,
    ),
    "xlsx-doctype-in-shared-strings": (
        hostile.xlsx(
            shared=_with_doctype(
                '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                '2006/main"><si><t>&b;</t></si></sst>'
            )
        ),
        "list.xlsx",
        DOCTYPE,
    ),
    "xlsx-doctype-after-a-long-comment": (
        hostile.xlsx(sheet=SHEET.replace("?>", "?><!--" + "x" * 70_000 + "-->" + ENTITIES, 1)),
        "list.xlsx",
        DAMAGED,
    ),
    "xlsx-utf16-part-without-bom": (
        hostile.xlsx(
            extra={
                "xl/workbook.xml": _with_doctype(hostile.WORKBOOK.format(sheets=hostile.ONE_SHEET))
                .replace('encoding="UTF-8"', 'encoding="UTF-16"')
                .encode("utf-16-le")
            }
        ),
        "list.xlsx",
        DAMAGED,
    ),
    "xlsx-truncated": (hostile.xlsx()[:400], "list.xlsx", DAMAGED),
    "xlsx-cut-in-the-middle": (hostile.xlsx()[:-60], "list.xlsx", DAMAGED),
    "zip-not-xlsx": (
        _zip({"list.csv": "ФИО;Год\nИванов;1980\n"}),
        "list.xlsx",
        "The file is a zip archive but not an XLSX workbook.",
    ),
    "zip-garbage": (b"PK\x03\x04" + os.urandom(200), "list.xlsx", DAMAGED),
    "xlsx-encrypted-member": (
        _zip({"[Content_Types].xml": "x"}, encrypt_flag=True),
        "list.xlsx",
        "The workbook is protected with a password; save it "
        "without one (or as CSV) and upload it again.",
    ),
    "xlsx-encrypted-cfb": (hostile.cfb(), "list.xlsx", OLD_OR_LOCKED),
    "xls-old-binary": (hostile.cfb(), "list.xls", OLD_OR_LOCKED),
    # Cells openpyxl would read wrong in silence: a row that vanishes, another cell's name.
    "xlsx-formula-without-value": (
        hostile.xlsx(
            sheet=hostile.SHEET_HEAD.format(dimension="")
            + hostile.NAME_ROWS
            + '<row r="3"><c r="A3" t="str"><f>UPPER("Петров Петр")</f></c>'
            '<c r="B3"><f>1900+80</f></c></row>' + hostile.SHEET_TAIL
        ),
        "list.xlsx",
        "Line 3: a formula whose value was never calculated. Open the file in a spreadsheet "
        "program and save it again.",
    ),
    **{
        f"xlsx-shared-string-index-{index}": (
            hostile.xlsx(
                sheet=hostile.SHEET_HEAD.format(dimension="")
                + hostile.NAME_ROWS
                + f'<row r="3"><c r="A3" t="s"><v>{index}</v></c></row>'
                + hostile.SHEET_TAIL,
                shared='<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats'
                '.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>Петров Пётр'
                "</t></si></sst>",
            ),
            "list.xlsx",
            "Line 3: the file is damaged (a cell points at text that is not there).",
        )
        for index in ("-1", "1", " 7", "١")
    },
    # A row that is nothing but a line break in quotes: a spreadsheet shows a row there, so
    # dropping it would import fewer people than the file has rows.
    **{
        f"csv-row-of-a-quoted-line-break-{name}": (
            text.encode(),
            "list.csv",
            "Line 3: the row holds nothing but a line break inside a cell. Delete the row, or "
            "write into it what belongs there.",
        )
        for name, text in (
            ("lf", 'ФИО;Год\nИванов;1980\n"\n"\nПетров;1990\n'),
            ("crlf", 'ФИО;Год\r\nИванов;1980\r\n"\r\n"\r\nПетров;1990\r\n'),
            ("with-separators", 'ФИО;Год\nИванов;1980\n"\n";" "\nПетров;1990\n'),
            ("comma", 'ФИО,Год\nИванов,1980\n"\n\n"\nПетров,1990\n'),
        )
    },
    # Western European text saved by Excel on a German, French or Spanish Windows: read as
    # Windows-1251 it would become Mьller, Josй, Franзoise.
    "csv-windows-1252": (
        "Name;Geburtsdatum\nMüller Jürgen;14.03.1987\nJosé García;1990\n".encode("cp1252"),
        "list.csv",
        "The file is in a Western European encoding (Windows-1252 or Latin-1), "
        "not UTF-8 or a Cyrillic one: read as Windows-1251, «Müller» would "
        "become «Mьller». Save it again as UTF-8.",
    ),
    "csv-latin-1": (
        "Nom,Date de naissance\nFrançoise Dupré,1987\nHélène Lefèvre,1990\n".encode("latin-1"),
        "list.csv",
        "The file is in a Western European encoding (Windows-1252 or Latin-1), not "
        "UTF-8 or a Cyrillic one: read as Windows-1251, «Françoise» would become "
        "«Franзoise». Save it again as UTF-8.",
    ),
    # A row number no sheet can have is a damaged file, not a long list
    **{
        f"xlsx-row-numbered-{number}": (
            hostile.xlsx(
                sheet=hostile.SHEET_HEAD.format(dimension="")
                + hostile.NAME_ROWS
                + f'<row r="{number}"><c t="inlineStr"><is><t>Петров'
                "</t></is></c></row>" + hostile.SHEET_TAIL
            ),
            "list.xlsx",
            f"The workbook is damaged: a row is numbered {number} (its attribute r), past the last "
            "row a sheet can have (1,048,576). Save it again as .xlsx or as CSV.",
        )
        for number in ("99999999999999999999", "1048577")
    },
}
CASES = sorted(MALFORMED)


@pytest.mark.parametrize("case", CASES)
def test_the_reader_refuses_each_malformed_file_with_one_clear_line(case):
    data, filename, message = MALFORMED[case]
    translation.activate("en")
    with pytest.raises(ListFileError) as e:
        read_list(data, filename)
    assert str(e.value) == message


def test_the_messages_come_in_russian_too():
    data, filename, _message = MALFORMED["xlsx-doctype-in-sheet"]
    with translation.override("ru"), pytest.raises(ListFileError) as e:
        read_list(data, filename)
    assert str(e.value) == (
        "Книга содержит объявление DOCTYPE, которое электронной таблице "
        "никогда не нужно; она отклонена."
    )


def test_a_csv_named_xlsx_is_read_as_the_csv_it_is():
    table = read_list("ФИО;Год\nИванов;1980\n".encode(), "list.xlsx")
    assert table.rows == [["Иванов", "1980"]]


def test_lone_cr_line_ends_are_line_ends():
    table = read_list("ФИО;Год\rИванов;1980\rПетров;1990\r".encode())
    assert table.rows == [["Иванов", "1980"], ["Петров", "1990"]]
    assert table.lines == [2, 3]


@pytest.fixture(scope="module")
def cli_data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cli-data")


@pytest.mark.parametrize("case", CASES)
def test_the_command_line_exits_2_with_one_line_and_no_traceback(case, cli_data_dir, tmp_path):
    """A separate process (a crash would show as a signal, not an exception), on SQLite, in
    the command line's language (Russian)."""
    data, filename, _message = MALFORMED[case]
    with translation.override("ru"), pytest.raises(ListFileError) as e:
        read_list(data, filename)
    message = str(e.value)
    assert message.isascii() is False  # translated
    path = tmp_path / filename
    path.write_bytes(data)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(PYTHONPATH=str(ROOT / "src"), KINTRACE_DATA_DIR=str(cli_data_dir))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kintrace.cli",
            "lists",
            "import",
            str(path),
            "--kind",
            "hospital",
            "--source",
            "test",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [f"kintrace lists import: {path}: {message}"]
    assert proc.stdout == ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", CASES)
def test_the_command_line_on_this_database_stores_nothing(case, tmp_path, capsys, settings):
    data, filename, message = MALFORMED[case]
    path = tmp_path / filename
    path.write_bytes(data)
    before = stored_files(settings)
    with translation.override("en"):
        rc = main(
            ["lists", "import", str(path), "--kind", "hospital", "--source", "test", "--quiet"]
        )
    _out, err = capsys.readouterr()
    assert rc == 2
    assert err.splitlines() == [f"kintrace lists import: {path}: {message}"]
    assert not PersonList.objects.exists()
    assert stored_files(settings) == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_the_web_upload_shows_the_form_again_with_the_message(
    case, client, login, make_staff, settings
):
    data, filename, message = MALFORMED[case]
    login(make_staff("caseworker"))
    before = stored_files(settings)
    form = {
        "kind": "hospital",
        "title": "Список",
        "reliability": "F",
        "credibility": "6",
        "file": SimpleUploadedFile(filename, data),
    }
    r = client.post(reverse("lists:upload"), form, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    html = r.content.decode()
    if data:
        assert message.replace("'", "&#x27;") in html
    else:  # Django's own form check refuses an empty file before the reader sees it
        assert "The submitted file is empty." in html
    assert not PersonList.objects.exists()
    assert stored_files(settings) == before


@pytest.mark.django_db
def test_pasted_text_with_a_nul_byte_is_refused_on_the_form(client, login, make_staff):
    login(make_staff("caseworker"))
    r = client.post(
        reverse("lists:upload"),
        {
            "kind": "hospital",
            "title": "Список",
            "reliability": "F",
            "credibility": "6",
            "pasted": "ФИО\tГод\nИванов\t19\x0780\n",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 200
    assert "the cell holds the control character U+0007" in r.content.decode()
    assert not PersonList.objects.exists()
