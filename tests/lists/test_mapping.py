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
