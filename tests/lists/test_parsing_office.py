"""Issue 10, part 4: files as offices write them. Each file is written byte by byte as a
hospital, a court or a colony office saves it (Windows-1251 from Excel, KOI8-R and CP866 from
old systems, a title above the header, a merged header, an unclosed quote, a stray byte) and
read by the same reader as the web upload and the command line."""

import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from kintrace.lists.parsing import (
    ListFileError,
    decode,
    read_list,
    read_text,
    russian_score,
    sniff_delimiter,
)

HEADER = "ФИО;Дата рождения"
# Twenty-one real-looking lines, upper case as registers write them; rare letters included.
LINES = [
    "ИВАНОВ ИВАН ИВАНОВИЧ;14.03.1987",
    "ПЕТРОВ ПЁТР ПЕТРОВИЧ;02.11.1990",
    "СИДОРОВ СЕРГЕЙ ВИКТОРОВИЧ;1979",
    "КУЗНЕЦОВ ОЛЕГ НИКОЛАЕВИЧ;21.06.1985",
    "СМИРНОВ АЛЕКСЕЙ ЮРЬЕВИЧ;05.01.1992",
    "ПОПОВ ДМИТРИЙ АНДРЕЕВИЧ;1988",
    "ВАСИЛЬЕВ АНДРЕЙ ЭДУАРДОВИЧ;30.09.1983",
    "СОКОЛОВ МИХАИЛ ЮРЬЕВИЧ;12.12.1994",
    "МИХАЙЛОВ ЕВГЕНИЙ ОЛЕГОВИЧ;1986",
    "НОВИКОВ РОМАН ИГОРЕВИЧ;17.04.1991",
    "ФЁДОРОВ ВЛАДИМИР ЩЕРБАКОВИЧ;1975",
    "МОРОЗОВ ДЕНИС ФЕДОРОВИЧ;08.08.1989",
    "ВОЛКОВ ЮРИЙ ГЕННАДЬЕВИЧ;11.02.1980",
    "АЛЕКСЕЕВ ЭДУАРД ЖОРЕВИЧ;1993",
    "ЛЕБЕДЕВ ЦЕЗАРЬ ШАМИЛЕВИЧ;19.10.1984",
    "СЕМЁНОВ ХАРИТОН ЧЕСЛАВОВИЧ;1977",
    "ЕГОРОВ ЯРОСЛАВ ЮЛИАНОВИЧ;03.03.1996",
    "ПАВЛОВ ЭМИЛЬ ФЁДОРОВИЧ;1982",
    "КОЗЛОВ ЖАН ЩУКИН;25.07.1987",
    "ГРИГОРЬЕВ ЪЕДИГЕР ЫЛДЫЗОВИЧ;1990",
    "НИКОЛАЕВ ИЛЬЯ ЭЛЬДАРОВИЧ;1981",
]
CODE_PAGES = ["cp1251", "koi8_r", "cp866"]


# --- 4. Short files in a Cyrillic code page ---------------------------------------------------


@pytest.mark.parametrize("encoding", CODE_PAGES)
@pytest.mark.parametrize("line", LINES)
def test_a_header_and_one_upper_case_line_is_read_in_its_code_page(encoding, line):
    table = read_list(f"{HEADER}\n{line}\n".encode(encoding))
    assert table.encoding == encoding
    assert table.header == ["ФИО", "Дата рождения"]
    assert table.rows == [line.split(";")]


@pytest.mark.parametrize("encoding", CODE_PAGES)
@pytest.mark.parametrize("case", [str.title, str.lower, str.upper])
def test_mixed_case_and_lower_case_lines_are_read_in_their_code_page(encoding, case):
    for line in LINES[::4]:
        text = f"{HEADER}\n{case(line)}\n"
        assert decode(text.encode(encoding)) == (text, encoding)


@pytest.mark.parametrize("encoding", CODE_PAGES)
@pytest.mark.parametrize(
    "text",
    [
        "ФИО\nЛЕБЕДЕВ\n",
        "ФИО\nПОПОВ\n",
        "ФИО\nФЕДОРОВИЧ\n",
        "ФИО\nЮРИЙ\n",
        "СЕРГЕЙ А.Б.\n",
        "Ф.И.О.;Г.Р.\nЮРИЙ;1990\n",
        "Лебедев\n",
        "Попов\n",
    ],
)
def test_a_single_short_name_is_read_in_its_code_page(encoding, text):
    assert decode(text.encode(encoding)) == (text, encoding)


def test_utf16_with_a_byte_order_mark_is_read():
    text = HEADER + "\n" + "\n".join(LINES[:3]) + "\n"
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        table = read_list(bom + text.encode(codec))
        assert table.encoding == "utf-16"
        assert table.rows[2] == ["СИДОРОВ СЕРГЕЙ ВИКТОРОВИЧ", "1979"]


def test_the_russian_model_tells_the_right_code_page_from_its_wrong_readings():
    raw = "ИВАНОВ ИВАН ИВАНОВИЧ".encode("cp1251")
    right = russian_score(raw.decode("cp1251"))
    assert right > russian_score(raw.decode("koi8_r")) + 0.5
    assert right > russian_score(raw.decode("cp866", errors="replace")) + 0.5


# --- 2. One stray byte in a UTF-8 file --------------------------------------------------------

GOOD_UTF8 = (HEADER + "\n" + "\n".join(LINES[:6]) + "\n").encode()


@pytest.mark.parametrize(
    ("bad", "where"),
    [
        (b"\xff", 3),
        (b"\x80", 4),
        (b"\xd0", 5),
        (b"\xc8", 6),  # cp1251 "И" pasted in
        (b"\xe2\x80", 2),
        (b"\xf0\x9f", 7),
    ],
)
def test_a_stray_byte_in_utf8_is_refused_naming_its_line_not_read_as_mojibake(bad, where):
    lines = GOOD_UTF8.split(b"\n")
    lines[where - 1] = lines[where - 1][:6] + bad + b" " + lines[where - 1][6:]  # after 3 letters
    data = b"\n".join(lines)
    pos = len(b"\n".join(lines[: where - 1])) + (where > 1) + 6
    with translation.override("en"), pytest.raises(ListFileError) as e:
        read_list(data)
    assert str(e.value) == (
        f"Line {where}: byte 0x{bad[0]:02x} (at byte {pos}) is not UTF-8, "
        "though the rest of the file is; the file is damaged. Save it again "
        "as UTF-8."
    )


@pytest.mark.parametrize("second", CODE_PAGES)
def test_a_file_half_utf8_half_a_code_page_is_refused_at_the_first_foreign_line(second):
    first = (HEADER + "\n" + "\n".join(LINES[:8]) + "\n").encode()
    data = first + ("\n".join(LINES[8:12]) + "\n").encode(second)
    with translation.override("en"), pytest.raises(ListFileError) as e:
        read_list(data)
    assert str(e.value).startswith("Line 10: byte 0x")
    assert str(e.value).endswith(
        "is not UTF-8, though much of the file is: parts of it were "
        "saved in another encoding. Save it again as UTF-8."
    )


def test_a_stray_byte_refusal_is_in_russian_too():
    data = GOOD_UTF8.replace("ПЕТРОВ".encode(), b"\xff" + "ЕТРОВ".encode())
    with translation.override("ru"), pytest.raises(ListFileError) as e:
        read_list(data)
    assert str(e.value).startswith("Строка 3: байт 0xff")


@pytest.mark.parametrize("encoding", CODE_PAGES)
def test_a_whole_code_page_file_is_not_taken_for_damaged_utf8(encoding):
    text = HEADER + "\n" + "\n".join(LINES) + "\n"
    assert decode(text.encode(encoding)) == (text, encoding)


def test_a_utf8_bom_followed_by_windows_1251_is_one_line_of_refusal():
    data = b"\xef\xbb\xbf" + (HEADER + "\n" + LINES[0] + "\n").encode("cp1251")
    with translation.override("en"), pytest.raises(ListFileError) as e:
        read_list(data)
    assert str(e.value) == (
        "Line 1: the file starts with a UTF-8 byte-order mark but is not "
        "UTF-8 text (at byte 3); save it again as UTF-8."
    )


# --- 3. Separators with quoted cells ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sep", "inside"),
    [
        (";", ","),
        (";", ", , ,"),
        (",", ";"),
        (",", ";;"),
        ("\t", ","),
        ("\t", ";"),
        ("|", ","),
        (",", "\t"),
    ],
)
def test_the_separator_is_counted_outside_quotes(sep, inside):
    rows = [
        ["ФИО", "Адрес", "Дата рождения"],
        [f'"Иванов{inside} Иван"', f'"Ростов{inside} ул. Мира{inside} 5"', "1987"],
        [f'"Петров{inside} Пётр"', f'"Москва{inside} д. 1"', "1990"],
        ["Сидоров", f'"Тула{inside}{inside} кв. 2"', "1979"],
    ]
    text = "\n".join(sep.join(r) for r in rows) + "\n"
    assert sniff_delimiter(text) == sep
    table = read_text(text)
    assert table.rows[0] == [f"Иванов{inside} Иван", f"Ростов{inside} ул. Мира{inside} 5", "1987"]
    assert [r[2] for r in table.rows] == ["1987", "1990", "1979"]


@pytest.mark.parametrize(
    ("text", "sep"),
    [
        ('ФИО;Примечание\nИванов;"слова: ""ранен"", ""контужен"", ""выписан"""\n', ";"),
        (
            'ФИО;Учреждение;Год\nИванов;"ИК-2 ""Ромашка"", г. Тула, ""Север"", 5";1987\n'
            'Петров;"ИК-3, ""Юг"", Тула";1990\n',
            ";",
        ),
        ('ФИО;Адрес;Год\n"Иванов";"Ростов, ""Мира"", 5";1987\n', ";"),
        ('ФИО,Адрес,Год\n"Иванов","Ростов; ""Мира""; 5; кв; 7",1987\n', ","),
        ('ФИО;Адрес\nИванов;"Ростов,\nМира, 5,\nкв. 7, 8, 9"\n', ";"),
        ('ФИО;Год\n"Иванов, Иван, Иванович, 1987, ИК-2, Тула";1987\n', ";"),
        ("ФИО;Год\nО'Коннор, Иван;1987\nД'Артаньян, Пётр;1990\n", ";"),
        ("ФИО;Адрес\nИванов;Ростов, Мира\nПетров;Тула, Ленина\n", ";"),
    ],
)
def test_the_separator_holds_with_doubled_quotes_and_line_breaks_in_cells(text, sep):
    assert sniff_delimiter(text) == sep


# --- 1. A quote never closed ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            'ФИО;Дата рождения;ИК\n"Иванов Иван;14.03.1987;ИК-2\nПетров Пётр;1990;ИК-3\n'
            "Сидоров Сергей;1979;ИК-4\n",
            2,
        ),
        (
            'ФИО;Дата рождения;ИК\nИванов Иван;14.03.1987;ИК-2\nПетров Пётр;1990;"ИК-3\n'
            "Сидоров Сергей;1979;ИК-4\nКозлов Жан;1980;ИК-5\n",
            3,
        ),
        ('ФИО,Дата рождения\nИванов Иван,"14.03.1987\nПетров Пётр,1990\n', 2),
        ('ФИО\tГод\n"Иванов Иван\t1987\nПетров Пётр\t1990\nСидоров\t"1979"\n', 2),
        # to the end of the file, whatever follows
        ('ФИО;Дата рождения\nИванов Иван;"1987\nсм. примечание\n', 2),
        # closed again by a later quote, with rows swallowed in between
        ('ФИО;Год;ИК\n"Иванов;1987;ИК-2\nПетров;1990;ИК-3\nСидоров";1979;ИК-4\n', 2),
        ('ФИО;Год\r\nИванов;1987\r\n"Петров;1990\r\nСидоров;1979\r\n', 3),
        # open from the header on: no record ever ends
        ('"ФИО;Дата рождения\nИванов Иван;14.03.1987\nПетров Пётр;1990\n', 1),
        ('"ФИО,Год\nИванов,1987\n', 1),
        # the swallowed row has its empty last cell left off
        (
            'ФИО;Дата рождения;ИК\n"Иванов Иван;14.03.1987;ИК-2\nПетров Пётр;02.11.1990\n'
            'Сидоров";1979;ИК-4\n',
            2,
        ),
        # two swallowed rows with neither a name nor a date
        ('Учреждение;Регион;Код\n"ИК-2;Тула;a\nИК-3;Орёл;b\nИК-4;Тверь;c\nИК-5";Псков;d\n', 2),
        # one swallowed row with neither a name nor a date, in each separator
        ('Учреждение;Регион;Код\n"ИК-2;Тула;a\nИК-3;Орёл;b\nИК-4";Псков;d\n', 2),
        ('Учреждение,Регион,Код\n"ИК-2,Тула,a\nИК-3,Орёл,b\nИК-4",Псков,d\n', 2),
        ('Учреждение\tРегион\tКод\n"ИК-2\tТула\ta\nИК-3\tОрёл\tb\nИК-4"\tПсков\td\n', 2),
        ('ФИО;Год;Примечание\nИванов;1987;"см. дело\nИК-3;Орёл;b\nСидоров";1979;x\n', 2),
        ('Код;Примечание\nA1;ok\nA2;"нет\nA3;ok\nA4";ok\n', 3),
    ],
)
def test_an_unclosed_quote_is_refused_naming_its_line(text, line):
    with translation.override("en"), pytest.raises(ListFileError) as e:
        read_list(text.encode("cp1251"))
    assert str(e.value) == (
        f'Line {line}: a quote (") opens a cell here and is never closed, '
        "so the cell swallows the rows after it. Add the closing quote or "
        "remove this one."
    )


@pytest.mark.parametrize(
    "text",
    [
        'ФИО;Адрес;Год\nИванов Иван;"Ростов,\nул. Мира, 5";1987\nПетров;Москва;1990\n',
        'ФИО;Адрес;Год\n"Иванов\nИван";Ростов;1987\nПетров;Москва;1990\n',
        'ФИО,Адрес,Год\nИванов Иван,"Ростов\nул. Мира\nд. 5",1987\nПетров,Москва,1990\n',
        'ФИО;Год;Адрес\nИванов Иван;1987;"Ростов;\nул. Мира"\nПетров;1990;"Москва\nд. 1"\n',
        # a comma file's address whose second line has as many commas as a row
        'ФИО,Адрес,Год\nИванов Иван,"г. Ростов,\nул. Мира, 5, кв. 7",1987\nПетров,Тула,1990\n',
        # a middle line of an address with a row's commas, written as a sentence is
        'ФИО,Адрес,Год\nИванов Иван,"Ростовская обл.\nг. Шахты, ул. Мира, 5\nкв. 7",1987\n'
        "Петров,Тула,1990\n",
        # a note whose middle line has one separator
        'ФИО;Год;Примечание\nИванов Иван;1987;"ранен\nсм. приказ; стр. 2\nотправлен"\n'
        "Петров;1990;\n",
    ],
)
def test_a_quoted_cell_with_line_breaks_still_imports(text):
    table = read_list(text.encode())
    assert len(table.rows) == 2
    assert any("\n" in c for r in table.rows for c in r)


# --- 5. Title rows and merged headers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("above", "line"),
    [
        ("Список раненых, поступивших в госпиталь № 1602\n\n", 3),
        ("Список раненых, поступивших в госпиталь № 1602;;\n;;\n", 3),
        ("ФКУ ИК-2 УФСИН России\nСписок осуждённых\n\n\n", 5),
        ("Список раненых в госпитале\n\n", 3),
        ("\n\n", 3),
    ],
)
def test_title_rows_and_blank_lines_above_the_header_are_not_data(above, line):
    text = above + "ФИО;Дата рождения;Дата поступления\nИВАНОВ ИВАН;14.03.1987;02.05.2023\n"
    table = read_list(text.encode("cp1251"))
    assert table.header == ["ФИО", "Дата рождения", "Дата поступления"]
    assert table.rows == [["ИВАНОВ ИВАН", "14.03.1987", "02.05.2023"]]
    assert table.lines == [line + 1]
    assert table.header_row == line


@pytest.mark.parametrize(
    "title",
    [
        "Список ФИО",  # one short title cell that is a known column title
        "ФИО погибших",
        "Сведения о лицах (ФИО, дата рождения), поступивших в госпиталь",  # a sentence
        "Список лиц, фамилия имя отчество которых установлены",
    ],
)
def test_a_title_with_a_column_title_in_it_over_a_one_column_header_is_not_the_header(title):
    written = f'"{title}"' if "," in title else title  # as a spreadsheet saves it
    text = f"{written}\n\nФИО\nИванов Иван Иванович\nПетров Пётр\n"
    table = read_list(text.encode("cp1251"))
    assert table.header == ["ФИО"]
    assert table.rows == [["Иванов Иван Иванович"], ["Петров Пётр"]]
    assert table.header_row == 3
    xlsx = read_list(
        _xlsx([[title], [], ["ФИО"], ["Иванов Иван Иванович"], ["Петров Пётр"]]), "list.xlsx"
    )
    assert (xlsx.header, xlsx.header_row, xlsx.lines) == (["ФИО"], 3, [4, 5])


def test_a_sentence_title_over_a_header_of_several_columns_is_not_the_header():
    text = (
        "Сведения о лицах (ФИО, дата рождения), поступивших в госпиталь;;\n"
        "ФИО;Дата рождения;Дата поступления\nИВАНОВ ИВАН;14.03.1987;02.05.2023\n"
    )
    table = read_list(text.encode("cp1251"))
    assert table.header == ["ФИО", "Дата рождения", "Дата поступления"]
    assert table.header_row == 2


@pytest.mark.parametrize("preamble", [11, 25, 55])
def test_a_header_below_a_long_preamble_is_found(preamble):
    # A court's or a hospital's cover text: numbered paragraphs, one per line.
    above = "".join(f"{i}. Пункт постановления без дат и фамилий\n" for i in range(preamble))
    text = above + "ФИО;Дата рождения\nИВАНОВ ИВАН;14.03.1987\n"
    table = read_list(text.encode("cp1251"))
    assert table.header == ["ФИО", "Дата рождения"]
    assert table.header_row == preamble + 1
    assert table.lines == [preamble + 2]
    xlsx = read_list(
        _xlsx(
            [[f"{i}. Пункт"] for i in range(preamble)]
            + [["ФИО", "Дата рождения"], ["ИВАНОВ ИВАН", "14.03.1987"]]
        ),
        "list.xlsx",
    )
    assert xlsx.header_row == preamble + 1


def test_a_header_further_down_than_the_search_goes_is_left_to_be_chosen_by_hand():
    from kintrace.lists.parsing import HEADER_SEARCH_ROWS

    above = "".join(f"Пункт {i}\n" for i in range(HEADER_SEARCH_ROWS + 5))
    text = above + "ФИО;Дата рождения\nИВАНОВ ИВАН;14.03.1987\n"
    assert read_list(text.encode("cp1251")).header_row != HEADER_SEARCH_ROWS + 6
    chosen = read_list(text.encode("cp1251"), header_row=HEADER_SEARCH_ROWS + 6)
    assert chosen.rows == [["ИВАНОВ ИВАН", "14.03.1987"]]


def test_a_header_repeated_on_each_printed_page_is_found_at_its_first_place():
    page = "ФИО;Дата рождения\n" + "".join(f"{line}\n" for line in LINES[:5])
    table = read_list(("Список раненых\n" + page + page).encode("cp1251"))
    assert table.header_row == 2


def _xlsx(rows, merges=()) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("title", [[], [["Список раненых, госпиталь № 1602"], []]])
def test_a_two_row_merged_xlsx_header_names_each_column_by_its_lower_cell(title):
    top = len(title) + 1
    data = _xlsx(
        title
        + [
            ["ФИО", None, None, "Дата рождения"],
            ["Фамилия", "Имя", "Отчество", None],
            ["Иванов", "Иван", "Иванович", "14.03.1987"],
        ],
        merges=[f"A{top}:C{top}", f"D{top}:D{top + 1}"],
    )
    table = read_list(data, "list.xlsx")
    assert table.header == ["Фамилия", "Имя", "Отчество", "Дата рождения"]
    assert table.rows == [["Иванов", "Иван", "Иванович", "14.03.1987"]]
    assert table.lines == [top + 2]


def test_the_header_row_can_be_chosen_and_a_blank_line_cannot():
    text = "Список\nФИО;Год\nИванов;1987\n\nПетров;1990\n"
    assert read_text(text, header_row=2).rows == [["Иванов", "1987"], ["Петров", "1990"]]
    chosen = read_text(text, header_row=3)
    assert chosen.header == ["Иванов", "1987"]
    assert chosen.lines == [5]
    for line in (4, 9):
        with translation.override("en"), pytest.raises(ListFileError) as e:
            read_text(text, header_row=line)
        assert str(e.value) == (
            f"Line {line} is blank or past the end of the list; it cannot be the header."
        )


# --- 6. Pasted text without a header ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Иванов Иван Иванович\t14.03.1987\tИК-2\nПетров Пётр\t1990\tИК-3\n",
        "ИВАНОВ ИВАН ИВАНОВИЧ\t14.03.1987\nПЕТРОВ ПЁТР\t02.11.1990\n",
        "Иванов И.И.;1987;ИК-17 Мордовия\nПетров П.П.;1990;ИК-2\n",
        "14.03.1987\tИванов Иван\tвоенный госпиталь\n02.11.1990\tПетров Пётр\tгоспиталь\n",
    ],
)
def test_pasted_rows_without_a_header_keep_their_first_row_as_data(text):
    with translation.override("en"):
        table = read_text(text)
    assert table.has_header is False
    assert table.header[:2] == ["Column 1", "Column 2"]
    assert len(table.rows) == 2
    assert table.lines == [1, 2]
    assert table.notes == [
        "The list has no header: its first line is a row of data, and the columns are numbered."
    ]


def test_pasted_rows_with_a_header_keep_it():
    table = read_text("ФИО\tДата рождения\tИК\nИванов Иван\t14.03.1987\tИК-2\n")
    assert table.has_header is True
    assert table.header == ["ФИО", "Дата рождения", "ИК"]
    assert table.lines == [2]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_not_refused_for_nul_bytes(codec):
    text = HEADER + "\n" + "\n".join(LINES[:5]) + "\n"
    table = read_list(text.encode(codec))
    assert table.encoding == "utf-16"
    assert table.rows[0] == ["ИВАНОВ ИВАН ИВАНОВИЧ", "14.03.1987"]
    assert len(table.rows) == 5
    names = "ФИО\nИВАНОВ ИВАН ИВАНОВИЧ\nПЕТРОВ ПЁТР ПЕТРОВИЧ\nСИДОРОВ СЕРГЕЙ\n"  # few ASCII
    assert decode(names.encode(codec)) == (names, "utf-16")


def test_a_nul_byte_in_a_utf8_file_is_still_a_damaged_cell():
    with translation.override("en"), pytest.raises(ListFileError) as e:
        read_list("ФИО;Год\nИванов;1987\nПет\x00ров;1990\n".encode())
    assert str(e.value).startswith("Line 3, column 1: the cell holds the control character U+0000")


def test_a_two_row_csv_header_and_a_chosen_xlsx_header_row():
    csv_text = "ФИО;;;Дата рождения\nФамилия;Имя;Отчество;\nИванов;Иван;Иванович;1987\n"
    table = read_list(csv_text.encode("koi8_r"))
    assert table.header == ["Фамилия", "Имя", "Отчество", "Дата рождения"]
    assert table.lines == [3]
    data = _xlsx([["Иванов Иван", "14.03.1987"], ["Петров Пётр", "02.11.1990"]])
    assert read_list(data, "list.xlsx").lines == [1, 2]  # no header found: all data
    chosen = read_list(data, "list.xlsx", header_row=1)
    assert chosen.header == ["Иванов Иван", "14.03.1987"]
    assert chosen.lines == [2]
