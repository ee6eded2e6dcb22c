"""Issue 10, part 4, through the command line and the web: an office file that cannot be read
right is refused with one translated line naming the line (exit 2, no traceback, nothing
stored); the header row is found, or chosen with --header-row / the preview's field."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from kintrace.audit.models import AuditEntry
from kintrace.cli import main
from kintrace.lists.models import ListEntry, PersonList
from kintrace.lists.parsing import ListFileError, read_list

ROOT = Path(__file__).resolve().parents[2]
THREE_MEN = (
    "ФИО;Дата рождения;Учреждение\n"
    "Иванов Иван Иванович;14.03.1987;ИК-2\n"
    '"Петров Пётр Петрович;02.11.1990;ИК-3\n'
    "Сидоров Сергей;1979;ИК-4\n"
)
REFUSED = {
    "unclosed-quote-cp1251": (THREE_MEN.encode("cp1251"), 3),
    "unclosed-quote-utf8-comma": (THREE_MEN.replace(";", ",").encode(), 3),
    "unclosed-quote-last-cell": ('ФИО;Год\nИванов;"1987\nПетров;1990\n'.encode(), 2),
    "stray-byte-in-utf8": (
        "ФИО;Дата рождения\nИванов Иван;1987\n".encode()
        + b"\xcf\xe5\xf2\xf0\xee\xe2;1990\n"
        + "Сидоров Сергей;1979\nКозлов Жан;1980\n".encode(),
        3,
    ),
    "utf8-bom-then-cp1251": (b"\xef\xbb\xbf" + "ФИО;Год\nИванов;1987\n".encode("cp1251"), 1),
    "header-row-past-the-end": ("ФИО;Год\nИванов;1987\n".encode(), 7),
}
CASES = sorted(REFUSED)


def _args(path, case):
    extra = ["--header-row", "7"] if case == "header-row-past-the-end" else []
    return [
        "lists",
        "import",
        str(path),
        "--kind",
        "hospital",
        "--source",
        "test",
        "--quiet",
        *extra,
    ]


def _message(case, language):
    data, _line = REFUSED[case]
    with translation.override(language), pytest.raises(ListFileError) as e:
        read_list(data, header_row=7 if case == "header-row-past-the-end" else None)
    return str(e.value)


@pytest.fixture(scope="module")
def cli_data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cli-office")


@pytest.mark.parametrize("case", CASES)
def test_the_command_line_refuses_in_one_russian_line_naming_the_line(case, cli_data_dir, tmp_path):
    data, line = REFUSED[case]
    message = _message(case, "ru")
    assert message.startswith(f"Строка {line}")
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PYTHONPATH=str(ROOT / "src"), KINTRACE_DATA_DIR=str(cli_data_dir))
    proc = subprocess.run(
        [sys.executable, "-m", "kintrace.cli", *_args(path, case)],
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
    data, line = REFUSED[case]
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    stored = Path(settings.MEDIA_ROOT) / "lists"
    before = set(stored.glob("*"))
    with translation.override("en"):
        rc = main(_args(path, case))
    _out, err = capsys.readouterr()
    assert rc == 2
    assert err.splitlines() == [f"kintrace lists import: {path}: {_message(case, 'en')}"]
    assert f": Line {line}" in err
    assert not PersonList.objects.exists()
    assert not ListEntry.objects.exists()
    assert set(stored.glob("*")) == before


TITLED = (
    "Список раненых, поступивших в госпиталь № 1602\n\n"
    "ФИО;Дата рождения;Дата поступления\n"
    "ИВАНОВ ИВАН ИВАНОВИЧ;14.03.1987;02.05.2023\n"
    "ПЕТРОВ ПЁТР ПЕТРОВИЧ;02.11.1990;03.05.2023\n"
).encode("cp1251")


@pytest.mark.django_db(transaction=True)
def test_the_command_line_finds_the_header_below_a_title(tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_bytes(TITLED)
    rc = main(["lists", "import", str(path), "--kind", "hospital", "--source", "x", "--quiet"])
    out, _err = capsys.readouterr()
    assert rc == 0
    assert out.splitlines()[1] == "entries: 2"
    assert sorted(ListEntry.objects.values_list("line", "name")) == [
        (4, "ИВАНОВ ИВАН ИВАНОВИЧ"),
        (5, "ПЕТРОВ ПЁТР ПЕТРОВИЧ"),
    ]


@pytest.mark.django_db(transaction=True)
def test_header_row_zero_on_the_command_line_reads_every_line_as_data(tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_bytes("Иванов Иван;14.03.1987\nПетров Пётр;1990\nСидоров;1979\n".encode())
    rc = main(
        [
            "lists",
            "import",
            str(path),
            "--kind",
            "hospital",
            "--source",
            "x",
            "--quiet",
            "--header-row",
            "0",
        ]
    )
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert out.splitlines()[1] == "entries: 3"
    assert sorted(ListEntry.objects.values_list("line", flat=True)) == [1, 2, 3]


@pytest.mark.parametrize("bad", ["-1", "x", "1.5"])
def test_a_header_row_that_is_no_line_number_is_refused_by_the_arguments(bad, tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(
            [
                "lists",
                "import",
                str(tmp_path / "x.csv"),
                "--kind",
                "hospital",
                "--source",
                "x",
                "--header-row",
                bad,
            ]
        )
    assert e.value.code == 2
    assert "not a line number" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_preview_says_where_the_header_is_and_lets_it_be_chosen(client, login, make_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(make_staff("caseworker"))
    r = client.post(
        reverse("lists:upload"),
        {
            "kind": "hospital",
            "title": "Госпиталь",
            "reliability": "F",
            "credibility": "6",
            "file": SimpleUploadedFile("list.csv", TITLED),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    pl = PersonList.objects.get()
    page = client.get(r.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The header is line 3; the lines above it are not data." in page
    assert 'name="header_row" value="3"' in page
    assert pl.header == ["ФИО", "Дата рождения", "Дата поступления"]
    # the reviewer says the list has no header: the title becomes line 1 of the data
    r = client.post(
        reverse("lists:header_row", kwargs={"pk": pl.pk}),
        {"header_row": "0"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    pl.refresh_from_db()
    assert pl.header == ["Column 1", "Column 2", "Column 3"]
    assert pl.progress_total == 4
    assert AuditEntry.objects.filter(action="list.header_row").count() == 1
    page = client.get(r.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The list has no header" in page
    # and back; a blank line is refused with its number
    client.post(
        reverse("lists:header_row", kwargs={"pk": pl.pk}),
        {"header_row": "2"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    pl.refresh_from_db()
    assert pl.header == ["Column 1", "Column 2", "Column 3"]
    client.post(reverse("lists:header_row", kwargs={"pk": pl.pk}), {"header_row": "3"})
    pl.refresh_from_db()
    assert pl.header == ["ФИО", "Дата рождения", "Дата поступления"]
    assert pl.mapping["name"] == 0


@pytest.mark.django_db
def test_pasted_rows_without_a_header_are_previewed_as_data(client, login, make_staff):
    login(make_staff("caseworker"))
    r = client.post(
        reverse("lists:upload"),
        {
            "kind": "hospital",
            "title": "Вставка",
            "reliability": "F",
            "credibility": "6",
            "pasted": "Иванов Иван Иванович\t14.03.1987\tИК-2\nПетров Пётр\t1990\tИК-3\n",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    pl = PersonList.objects.get()
    assert pl.header == ["Column 1", "Column 2", "Column 3"]
    assert pl.progress_total == 2
    assert pl.mapping.get("name") == 0
    page = client.get(r.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The list has no header: its first line is a row of data" in page


@pytest.mark.django_db
def test_an_outsider_cannot_choose_the_header_row(client, login, make_staff):
    from kintrace.lists.services import list_upload

    owner = make_staff("caseworker")
    pl, _t = list_upload(data=TITLED, kind="hospital", title="x", actor=owner, filename="list.csv")
    login(make_staff("analyst"))
    r = client.post(reverse("lists:header_row", kwargs={"pk": pl.pk}), {"header_row": "0"})
    assert r.status_code in (302, 403)
    pl.refresh_from_db()
    assert pl.header == ["ФИО", "Дата рождения", "Дата поступления"]
    assert not AuditEntry.objects.filter(action="list.header_row").exists()


@pytest.mark.django_db
def test_a_list_stored_before_the_header_search_is_read_as_it_was(make_staff):
    """A draft from before: no header_row kept, so its first row stays its header (its mapping
    was made for those columns), though the search would now pick line 3."""
    from kintrace.lists.services import list_upload
    from kintrace.lists.services.imports import stored_table

    pl, table = list_upload(
        data=TITLED, kind="hospital", title="x", actor=make_staff("caseworker"), filename="list.csv"
    )
    assert table.header_row == 3
    pl.source_info.pop("header_row")
    pl.save()
    legacy = stored_table(pl)
    assert legacy.header == ["Список раненых, поступивших в госпиталь № 1602"]
    assert legacy.lines == [3, 4, 5]
