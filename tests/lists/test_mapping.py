import pytest

from kintrace.lists.mapping import guess_mapping, looks_like_header, mapping_errors


def test_russian_headers_are_mapped():
    header = ["№", "ФИО", "Д.р.", "ИК", "Регион", "Дата поступления", "Госпиталь"]
    m = guess_mapping(header, [])
    assert m == {
        "name": 1,
        "birth_date": 2,
        "facility": 3,
        "region": 4,
        "event_date": 5,
        "place": 6,
    }


def test_separate_name_parts_are_mapped_and_no_full_name_is_invented():
    header = ["Фамилия", "Имя", "Отчество", "Дата рождения", "Дата гибели", "Место захоронения"]
    m = guess_mapping(header, [])
    assert m == {
        "surname": 0,
        "given_name": 1,
        "patronymic": 2,
        "birth_date": 3,
        "event_date": 4,
        "place": 5,
    }


def test_english_headers_are_mapped():
    m = guess_mapping(["Full name", "Date of birth", "Colony", "Date of death"], [])
    assert m == {"name": 0, "birth_date": 1, "facility": 2, "event_date": 3}


def test_columns_with_unknown_headers_are_guessed_from_content():
    rows = [
        ["Иванов Александр Сергеевич", "14.03.1987", "ИК-17", "02.05.2023"],
        ["Петров Пётр Петрович", "1990", "ИК-2 Пермь", "03.05.2023"],
    ]
    m = guess_mapping(["A", "B", "C", "D"], rows)
    assert m == {"name": 0, "birth_date": 1, "facility": 2, "event_date": 3}


def test_header_detection_and_mapping_errors():
    assert looks_like_header(["ФИО", "год"])
    assert not looks_like_header(["Иванов Александр", "1987"])
    assert mapping_errors({"birth_date": 0}, 2)  # no name column
    assert mapping_errors({"name": 0, "birth_date": 0}, 2)  # one column twice
    assert mapping_errors({"name": 5}, 2)  # out of range
    assert mapping_errors({"name": 0, "birth_date": 1}, 2) == []


# Each header alone: the field it must be mapped to, or None when it names no field (a
# birthplace is never the place of the event, nor a birth date; a home address, a draft
# office are not the place either).
HEADER_CLASSES = [
    ("Место рождения", None),
    ("Уроженец", None),
    ("Родился в", None),
    ("м.р.", None),
    ("Place of birth", None),
    ("Birthplace", None),
    ("Birth place", None),
    ("Born in", None),
    ("Место жительства", None),
    ("Место призыва", None),
    ("Адрес", None),
    ("Address", None),
    ("Место гибели", "place"),
    ("Место смерти", "place"),
    ("Место захоронения", "place"),
    ("Место", "place"),
    ("Place of death", "place"),
    ("Дата рождения", "birth_date"),
    ("Родился", "birth_date"),
    ("Born", "birth_date"),
    ("Дата смерти", "event_date"),
    ("Дата гибели", "event_date"),
    ("Дата", "event_date"),
    ("Date of birth", "birth_date"),
    ("Date of death", "event_date"),
]


@pytest.mark.parametrize("header,field", HEADER_CLASSES)
def test_each_header_class_maps_to_its_own_field_only(header, field):
    m = guess_mapping(["ФИО", header], [["Иванов Иван Иванович", "г. Казань"]])
    assert m.pop("name") == 0
    assert m == ({field: 1} if field else {})


def test_the_newcomers_birthplace_column_is_not_preselected_as_the_place():
    # header of tests/lists/data/casualties_cp1251.csv (line 2)
    header = ["№", "ФИО", "Дата рождения", "Место рождения", "Дата гибели", "Примечание"]
    rows = [["1", "Журавлёв Иван Степанович", "21.04.1987", "г. Казань", "12.03.2024", ""]]
    assert guess_mapping(header, rows) == {"name": 1, "birth_date": 2, "event_date": 4}


def test_a_birthplace_column_is_not_guessed_from_its_content_either():
    header = ["ФИО", "Уроженец", "Место гибели"]
    rows = [["Иванов Иван", "Набережные Челны", "Бахмут"], ["Петров Пётр", "Тверь", "Клещеевка"]]
    assert guess_mapping(header, rows) == {"name": 0, "place": 2}


def test_a_birthplace_header_still_marks_a_header_row():
    assert looks_like_header(["Уроженец", "Позывной"])
