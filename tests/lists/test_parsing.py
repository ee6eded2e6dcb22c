import datetime as dt
import io

import pytest
from openpyxl import Workbook

from kintrace.lists.parsing import ListFileError, decode, read_list, read_text, sniff_delimiter

HOSPITAL_CSV = (
    "ФИО;Дата рождения;Учреждение;Дата поступления;Госпиталь\n"
    "Иванов Александр Сергеевич;14.03.1987;ИК-17 Мордовия;02.05.2023;ВГ Ростов\n"
    "Петров Пётр Петрович;1990;ИК-2;03.05.2023;ВГ Ростов\n"
)


def test_utf8_with_and_without_bom_read_the_same():
    plain = read_list(HOSPITAL_CSV.encode("utf-8"))
    bom = read_list(b"\xef\xbb\xbf" + HOSPITAL_CSV.encode("utf-8"))
    assert plain.rows == bom.rows
    assert plain.header[0] == bom.header[0] == "ФИО"
    assert (plain.encoding, bom.encoding) == ("utf-8", "utf-8-sig")


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r", "cp866"])
def test_single_byte_cyrillic_files_are_recognised(encoding):
    table = read_list(HOSPITAL_CSV.encode(encoding))
    assert table.encoding == encoding
    assert table.rows[0][0] == "Иванов Александр Сергеевич"
    assert table.rows[1][0] == "Петров Пётр Петрович"


def test_upper_case_windows_1251_list_is_still_recognised():
    text = "ФИО;Д.Р.\nИВАНОВ А.С.;1987\nСИДОРОВ В.В.;1979\nКУЗНЕЦОВ О.Н.;1990\n"
    table = read_list(text.encode("cp1251"))
    assert table.encoding == "cp1251"
    assert table.rows[0][0] == "ИВАНОВ А.С."


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_separators_are_sniffed(sep):
    text = HOSPITAL_CSV.replace(";", sep)
    assert sniff_delimiter(text) == sep
    assert read_text(text, has_header=True).rows[0][1] == "14.03.1987"


def test_quoted_cells_with_separators_and_newlines_keep_spreadsheet_line_numbers():
    text = 'ФИО,Место\n"Иванов, Александр","Ростов\nгоспиталь"\nПетров Пётр,Москва\n'
    table = read_text(text, has_header=True)
    assert table.rows[0] == ["Иванов, Александр", "Ростов\nгоспиталь"]
    assert table.lines == [2, 3]


def test_blank_rows_are_dropped_but_line_numbers_stay_those_of_the_file():
    table = read_text("ФИО;Год\nИванов;1987\n\n;\nПетров;1990\n", has_header=True)
    assert table.lines == [2, 5]


def test_single_column_pasted_names_without_header_are_numbered_from_one():
    table = read_text("Иванов Александр\nПетров Пётр\n")
    assert table.has_header is False
    assert table.rows == [["Иванов Александр"], ["Петров Пётр"]]
    assert table.lines == [1, 2]


def test_xlsx_real_dates_and_numbers_come_back_as_text():
    wb = Workbook()
    ws = wb.active
    ws.append(["ФИО", "Дата рождения", "Номер"])
    ws.append(["Иванов Александр", dt.datetime(1987, 3, 14), 17])  # noqa: DTZ001
    ws.append(["Петров Пётр", 31852, 2.5])
    buf = io.BytesIO()
    wb.save(buf)
    table = read_list(buf.getvalue(), "list.xlsx")
    assert table.encoding == "xlsx"
    assert table.rows == [["Иванов Александр", "1987-03-14", "17"], ["Петров Пётр", "31852", "2.5"]]


def test_broken_xlsx_and_empty_files_are_refused():
    with pytest.raises(ListFileError):
        read_list(b"PK\x03\x04garbage", "x.xlsx")
    with pytest.raises(ListFileError):
        read_list(b"  \n")


def test_decode_prefers_utf8_when_it_decodes():
    assert decode("Ёжиков".encode()) == ("Ёжиков", "utf-8")
