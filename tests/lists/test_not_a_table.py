"""A file that is not a table (a news paragraph, a letter) is refused on the command line and
on the upload page with one line naming the line, and nothing is imported; genuine lists
(one column of names, a title row over the header) still are. The news paragraphs and the
casualty list are the files a newcomer tried (tests/lists/data), not made up here."""

from pathlib import Path

import pytest
from django.urls import reverse

from kintrace.cli import main
from kintrace.lists.models import JobStatus, ListEntry, PersonList
from kintrace.lists.parsing import ListFileError, read_list, read_text

DATA = Path(__file__).parent / "data"
NEWS = ["news_ru.txt", "news_en.txt", "news_ru2.txt"]


@pytest.mark.parametrize("name", NEWS)
def test_a_news_paragraph_is_refused_as_running_text_naming_its_line(name):
    with pytest.raises(ListFileError) as e:
        read_list((DATA / name).read_bytes(), name)
    message = str(e.value)
    assert "Line 1" in message or "Строка 1" in message
    assert "\n" not in message


def test_a_paragraph_in_a_cp1251_file_is_refused_too():
    text = (DATA / "news_ru.txt").read_text(encoding="utf-8")
    with pytest.raises(ListFileError):
        read_list(text.encode("cp1251"), "news.txt")


@pytest.mark.parametrize(
    "text",
    [
        "Иванов Иван Иванович\nПетров Пётр\nГусейнов Рамиль Ильхам оглы\n",
        "José María García de la Fuente\nSokolov Pavel\n",
        "Иванов Иван;1980;ИК-5\nПетров Пётр;1975;ИК-11\n",
    ],
)
def test_a_list_of_names_is_not_taken_for_running_text(text):
    table = read_text(text)  # not refused as running text
    assert len(table.rows) + table.has_header == len(text.splitlines())


def test_a_list_with_a_header_keeps_long_notes():
    table = read_text(
        "ФИО;Примечание\nИванов Иван;со слов матери погиб под Бахмутом, тело семье не выдано\n"
    )
    assert table.has_header and len(table.rows) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", NEWS)
def test_the_command_line_refuses_a_paragraph_with_one_translated_line(name, capsys):
    rc = main(["lists", "import", str(DATA / name), "--kind", "casualty", "--source", "x"])
    _out, err = capsys.readouterr()
    assert rc == 2
    lines = [line for line in err.splitlines() if line.startswith("kintrace lists import")]
    assert len(lines) == 1
    # the command line speaks the language of its locale
    assert "Line 1 is running text" in lines[0] or "Строка 1 — связный текст" in lines[0]
    assert not PersonList.objects.exists() and not ListEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_command_line_still_reads_a_list_under_a_title_row(tmp_path, capsys):
    # the newcomer's casualty list, its bad date (line 16) left out
    text = (DATA / "casualties_cp1251.csv").read_bytes().decode("cp1251")
    good = "\n".join(line for line in text.splitlines() if "31.02.1990" not in line)
    path = tmp_path / "casualties.csv"
    path.write_bytes(good.encode("cp1251"))
    rc = main(["lists", "import", str(path), "--kind", "casualty", "--source", "x"])
    assert rc == 0, capsys.readouterr().err
    assert PersonList.objects.get().status == JobStatus.DONE


@pytest.fixture
def logged_in(login, caseworker):
    return login(caseworker)


@pytest.mark.django_db
def test_the_upload_page_refuses_a_paragraph_and_keeps_no_draft(client, logged_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(
        reverse("lists:upload"),
        {
            "kind": "casualty",
            "title": "новость",
            "reliability": "F",
            "credibility": 6,
            "file": SimpleUploadedFile("ru.txt", (DATA / "news_ru.txt").read_bytes()),
        },
    )
    assert r.status_code == 200
    assert "связный текст, а не строка списка" in r.content.decode()
    assert not PersonList.objects.exists()


@pytest.mark.django_db
def test_an_outsider_cannot_upload_at_all(client, login, make_staff):
    login(make_staff("analyst", username="outsider"))
    r = client.post(reverse("lists:upload"), {"kind": "casualty", "title": "x"})
    assert r.status_code in (302, 403)
    assert not PersonList.objects.exists()


def test_a_sentence_in_the_name_column_of_a_list_with_a_header_is_a_bad_row():
    import datetime as dt

    from kintrace.lists.rows import RowError, map_row

    sentence = "14 марта под Работино погиб 37-летний уроженец Соликамска Алексей Мухаметшин"
    with pytest.raises(RowError, match="not a name|не имя"):
        map_row([sentence], {"name": 0}, today=dt.date(2025, 1, 1))
    assert map_row(["José María García de la Fuente"], {"name": 0}, today=dt.date(2025, 1, 1))
