"""Importing lists: every bad row reported, all or nothing, re-imports recognised."""

import io

import pytest
from openpyxl import Workbook

from kintrace.audit.models import AuditEntry
from kintrace.lists.models import JobStatus, ListEntry, PersonList
from kintrace.lists.services import DuplicateListError, ImportRefused, list_upload
from kintrace.registry.models import Source

from .conftest import HOSPITAL_CSV


def test_hospital_list_imports_every_row_with_its_source_and_original_cells(
    import_list, caseworker
):
    pl = import_list(publisher="Telegram", reliability="C", credibility=3)
    assert pl.status == JobStatus.DONE
    assert pl.entry_count == 3
    assert pl.source.title == "Госпиталь, май 2023"
    assert (pl.source.reliability, pl.source.credibility) == ("C", 3)
    first = ListEntry.objects.get(person_list=pl, line=2)
    assert first.raw == {
        "ФИО": "Иванов Александр Сергеевич",
        "Дата рождения": "14.03.1987",
        "Учреждение": "ИК-17",
        "Регион": "Мордовия",
        "Дата поступления": "02.05.2023",
        "Госпиталь": "ВГ Ростов-на-Дону",
    }
    assert (first.birth_year, first.birth_month, first.birth_day) == (1987, 3, 14)
    assert (first.event_year, first.event_month, first.event_day) == (2023, 5, 2)
    assert first.place_text == "ВГ Ростов-на-Дону"
    third = ListEntry.objects.get(person_list=pl, line=4)
    assert (third.birth_year, third.birth_month, third.birth_precision) == (1979, 5, "month")
    assert AuditEntry.objects.filter(action="list.import", target_id=str(pl.pk)).exists()


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(import_list):
    data = (
        HOSPITAL_CSV
        + "Кузнецов Олег;31.02.1985;ИК-1;;05.05.2023;ВГ\n"  # line 5: impossible date
        + ";1980;ИК-1;;05.05.2023;ВГ\n"  # line 6: no name
        + "Смирнов Иван;1980;ИК-1;;вчера;ВГ\n"  # line 7: unreadable event date
        + "Орлов Олег;2030;ИК-1;;05.05.2023;ВГ\n"
    )  # line 8: born in the future
    sources_before = Source.objects.count()
    pl = import_list(data)
    assert pl.status == JobStatus.FAILED
    assert [line for line, _reason in pl.row_errors] == [5, 6, 7, 8]
    reasons = dict(pl.row_errors)
    assert "31.02.1985" in reasons[5]
    assert "вчера" in reasons[7]
    assert not ListEntry.objects.filter(person_list=pl).exists()
    assert Source.objects.count() == sources_before


def test_a_row_with_more_cells_than_the_header_is_bad(import_list):
    pl = import_list("ФИО;Год\nИванов Иван;1980;лишнее\nПетров Пётр;1981\n")
    assert pl.status == JobStatus.FAILED
    assert [line for line, _ in pl.row_errors] == [2]


def test_windows_1251_semicolon_list_with_excel_serial_dates(import_list):
    text = (
        "Фамилия;Имя;Отчество;Д.р.;Дата гибели\n"
        "Иванов;Александр;Сергеевич;31850;44927\n"
        "Петров;Пётр;Петрович;1990;01.01.2023\n"
    )
    pl = import_list(text.encode("cp1251"), kind="casualty")
    assert pl.encoding == "cp1251"
    assert pl.status == JobStatus.DONE, pl.row_errors
    e = ListEntry.objects.get(person_list=pl, line=2)
    assert e.name == "Иванов Александр Сергеевич"
    assert (e.birth_year, e.birth_month, e.birth_day) == (1987, 3, 14)
    assert (e.event_year, e.event_month, e.event_day) == (2023, 1, 1)
    assert e.raw["Д.р."] == "31850"


def test_xlsx_with_real_date_cells_imports(import_list):
    import datetime as dt

    wb = Workbook()
    ws = wb.active
    ws.append(["ФИО", "Дата рождения", "Дата захоронения", "Кладбище"])
    born = dt.datetime(1987, 3, 14)  # noqa: DTZ001 - spreadsheet cells have no time zone
    ws.append(["Иванов Александр Сергеевич", born, dt.date(2023, 6, 1), "Бакинская"])
    ws.append(["Петров Пётр", 1990, None, "Бакинская"])
    buf = io.BytesIO()
    wb.save(buf)
    pl = import_list(buf.getvalue(), kind="burial", filename="burials.xlsx")
    assert pl.status == JobStatus.DONE, pl.row_errors
    assert pl.encoding == "xlsx"
    e = ListEntry.objects.get(person_list=pl, line=2)
    assert (e.birth_year, e.birth_month, e.birth_day) == (1987, 3, 14)
    assert (e.event_year, e.event_month, e.event_day) == (2023, 6, 1)
    assert e.place_text == "Бакинская"


def test_the_same_file_is_refused_the_second_time_naming_the_earlier_import(import_list):
    first = import_list()
    with pytest.raises(DuplicateListError) as refused:
        import_list()
    assert first.title in str(refused.value)
    assert "carol" in str(refused.value)


def test_a_file_that_failed_validation_may_be_fixed_and_the_same_bytes_retried(
    import_list, caseworker
):
    bad = import_list("ФИО;Д.р.\n;1980\n")
    assert bad.status == JobStatus.FAILED
    again = import_list("ФИО;Д.р.\n;1980\n")
    assert again.status == JobStatus.FAILED


def test_files_over_the_size_limit_are_refused_politely(caseworker, settings):
    settings.KINTRACE_MAX_LIST_BYTES = 100
    with pytest.raises(ImportRefused, match="MB|МБ"):
        list_upload(data=HOSPITAL_CSV.encode(), kind="hospital", title="x", actor=caseworker)
    assert not PersonList.objects.exists()


def test_pasted_text_from_a_spreadsheet_imports(caseworker):
    from kintrace.lists.services import list_import_start

    text = "ФИО\tГод рождения\nИванов Иван\t1980\nПетров Пётр\t1981\n"
    pl, table = list_upload(
        data=text.encode(), kind="other", title="pasted", actor=caseworker, pasted=True
    )
    assert table.delimiter == "\t"
    pl = list_import_start(person_list=pl, mapping=pl.mapping, actor=caseworker, background=False)
    assert pl.entry_count == 2


@pytest.mark.django_db(transaction=True)
def test_a_large_list_imports_in_the_background_and_reports_progress(caseworker):
    import time

    from kintrace.lists.services import list_import_start

    rows = "".join(f"Иванов{i} Иван Иванович;{1950 + i % 50}\n" for i in range(3000))
    pl, _t = list_upload(
        data=("ФИО;Год рождения\n" + rows).encode(), kind="other", title="big", actor=caseworker
    )
    list_import_start(person_list=pl, mapping=pl.mapping, actor=caseworker)
    for _ in range(300):
        pl.refresh_from_db()
        if pl.status in (JobStatus.DONE, JobStatus.FAILED):
            break
        time.sleep(0.1)
    import threading

    for thread in threading.enumerate():  # let it close its database connection
        if thread.name == f"list-import-{pl.pk}":
            thread.join(10)
    assert pl.status == JobStatus.DONE
    assert pl.entry_count == 3000
    assert pl.progress_percent == 100


def test_bidi_controls_in_a_list_file_and_its_title_are_not_stored(import_list):
    """A cell or a title with U+202E would show the caseworker a name in another order than
    the list holds; the command line passes the title as typed, the web form alike."""
    text = (
        "ФИО;Дата рождения\nИванов\u202e Иван\u2067 Иванович;14.03.1987\n\u200fПетров Пётр;1990\n"
    )
    for data, filename in ((text.encode(), "list.csv"), (_xlsx_of(text), "list.xlsx")):
        pl = import_list(
            data, filename=filename, title="Госпиталь\u202e, май", source_title="\u2066x"
        )
        assert pl.status == JobStatus.DONE
        assert pl.title == "Госпиталь, май"
        assert pl.source.title == "x"
        names = list(
            ListEntry.objects.filter(person_list=pl).order_by("line").values_list("name", flat=True)
        )
        assert names == ["Иванов Иван Иванович", "Петров Пётр"]


def _xlsx_of(text: str) -> bytes:
    wb = Workbook()
    for line in text.splitlines():
        wb.active.append(line.split(";"))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
