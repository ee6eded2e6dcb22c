import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kintrace.names.facilities import (
    FACILITY_TYPES,
    FacilityRef,
    find_facilities,
    parse_facilities,
    parse_facility,
)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # Russian, as written in reports and official replies
        ("ИК-17 Мордовия", "IK-17@RU-MO"),
        ("ИК №17 УФСИН по Республике Мордовия", "IK-17@RU-MO"),
        ("ФКУ ИК-17 УФСИН России по Республике Мордовия", "IK-17@RU-MO"),
        ("ФКУ ИК-17 УФСИН России", "IK-17@?"),
        ("колония 17, Мордовия", "IK-17@RU-MO"),
        ("исправительная колония № 17", "IK-17@?"),
        ("Исправительная колония №17 (Мордовия)", "IK-17@RU-MO"),
        ("ИК-17", "IK-17@?"),
        ("ИК 17", "IK-17@?"),
        ("ИК - 17", "IK-17@?"),
        ("ик17", "IK-17@?"),
        ("ИК N17", "IK-17@?"),
        ("ИК номер 17", "IK-17@?"),
        ("в 17-й колонии в Мордовии", "IK-17@RU-MO"),
        ("17 колония", "IK-17@?"),
        ("сидел в 6-й колонии под Саратовом, Саратовская область", "IK-6@RU-SAR"),
        ("ИТК-3", "IK-3@?"),
        ("исправительно-трудовая колония 3", "IK-3@?"),
        ("СИЗО-1 г. Москвы", "SIZO-1@RU-MOW"),
        ("СИЗО №1", "SIZO-1@?"),
        ("следственный изолятор № 2 Санкт-Петербурга", "SIZO-2@RU-SPE"),
        ("ЛИУ-3", "LIU-3@?"),
        ("лечебное исправительное учреждение 3", "LIU-3@?"),
        ("ФКУ ЛИУ-8 ГУФСИН России по Свердловской области", "LIU-8@RU-SVE"),
        ("КП-8", "KP-8@?"),
        ("колония-поселение 8", "KP-8@?"),
        ("колонии-поселении №8 Пермского края", "KP-8@RU-PER"),
        ("ЛПУ-2", "LPU-2@?"),
        ("лечебно-профилактическое учреждение № 2", "LPU-2@?"),
        ("ВК-5", "VK-5@?"),
        ("воспитательная колония 5", "VK-5@?"),
        ("ИЦ-1", "ITS-1@?"),
        ("исправительный центр 1", "ITS-1@?"),
        ("ЛНР, ИК-19", "IK-19@UA-09"),
        # Latin look-alikes inside Cyrillic abbreviations
        ("ИK-17", "IK-17@?"),  # Latin K
        ("CИЗО-1", "SIZO-1@?"),  # Latin C
        ("KП-8", "KP-8@?"),  # Latin K
        # English and Latin transliteration
        ("IK17 prison in Mordovia", "IK-17@RU-MO"),
        ("IK-17", "IK-17@?"),
        ("ik 17", "IK-17@?"),
        ("Penal Colony No. 17 (Mordovia)", "IK-17@RU-MO"),
        ("penal colony #17", "IK-17@?"),
        ("correctional colony 17", "IK-17@?"),
        ("prison colony No 6 in the Sverdlovsk region", "IK-6@RU-SVE"),
        ("Colony No. 17", "IK-17@?"),
        ("SIZO-1 in Moscow", "SIZO-1@RU-MOW"),
        ("pre-trial detention centre No. 1", "SIZO-1@?"),
        ("LIU-8, Sverdlovsk Oblast", "LIU-8@RU-SVE"),
        ("medical correctional institution 8", "LIU-8@?"),
        ("KP-8", "KP-8@?"),
        ("colony-settlement 8", "KP-8@?"),
        ("VK-5", "VK-5@?"),
        ("juvenile colony 5", "VK-5@?"),
        ("ITs-1", "ITS-1@?"),
        ("correctional centre 1", "ITS-1@?"),
        ("LPU-2", "LPU-2@?"),
        ("prison No. 2", "?-2@?"),
        ("тюрьма №2", "?-2@?"),
        ("IC-1", "ITS-1@?"),
        ("medical and preventive institution 2", "LPU-2@?"),
        ("medical-prophylactic institution No. 2", "LPU-2@?"),
        ("remand prison No. 5", "SIZO-5@?"),
        ("detention center 3", "SIZO-3@?"),
        ("educational colony 4", "VK-4@?"),
        ("labour colony 9", "IK-9@?"),
        ("corrective labor colony 9", "IK-9@?"),
        ("treatment-and-correctional institution 3", "LIU-3@?"),
        ("settlement colony 8", "KP-8@?"),
        ("следственный изолятор 4", "SIZO-4@?"),
    ],
)
def test_parse_facility_reads_type_number_and_region(text, key):
    assert parse_facility(text).key() == key


@pytest.mark.parametrize(
    ("text", "type_", "regime"),
    [
        ("колония строгого режима", "ИК", "строгий"),
        ("исправительная колония строгого режима № 17", "ИК", "строгий"),
        ("ИК-2 общего режима", "ИК", "общий"),
        ("ИК-6 особого режима", "ИК", "особый"),
        ("колония-поселение 8", "КП", "поселение"),
        ("strict regime penal colony No. 3", "ИК", "строгий"),
        ("ИК-17", "ИК", None),
    ],
)
def test_the_regime_is_noted_when_the_text_gives_it(text, type_, regime):
    ref = parse_facility(text)
    assert (ref.type, ref.regime) == (type_, regime)


def test_a_regime_between_type_and_number_keeps_the_number():
    assert parse_facility("исправительная колония строгого режима № 17").number == 17


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Иванов Иван Иванович",
        "Мордовия",
        "нашёл его страницу в ВК",  # VKontakte, not a juvenile colony
        "писала в КП",  # the newspaper
        "обратились в ЛПУ",  # any clinic
        "Liu Yang",
        "икона",
        "IKEA",
        "14.03.1987",
        "its 17 buildings",
        "a colony of ants",
    ],
)
def test_text_without_a_facility_gives_none(text):
    assert parse_facility(text) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("осуждён на 5 лет колонии", None),  # a sentence, not colony No. 5
        ("в 2023 году колония", None),
        ("сидел в ИК", None),
        ("ИК-0", None),
    ],
)
def test_numbers_that_are_not_facility_numbers_are_left_out(text, number):
    ref = parse_facility(text)
    assert ref.type == "ИК"
    assert ref.number == number


def test_parse_facilities_lists_every_facility_in_order():
    refs = parse_facilities("переведён из СИЗО-1 г. Москвы в ИК-17")
    assert [r.key() for r in refs] == ["SIZO-1@RU-MOW", "IK-17@RU-MOW"]
    assert parse_facility("переведён из СИЗО-1 г. Москвы в ИК-17").type == "СИЗО"


def test_label_ru_names_the_region_in_russian():
    assert parse_facility("IK-17, Mordovia").label_ru() == "ИК-17 (Республика Мордовия)"
    assert parse_facility("ИК-17").label_ru() == "ИК-17"
    assert FacilityRef(None, 2, None).label_ru() == "учреждение № 2"
    assert FacilityRef("СИЗО", None, "RU-MOW").label_ru() == "СИЗО (Москва)"


def test_keys_of_the_same_facility_written_differently_are_equal():
    forms = [
        "ИК-17 Мордовия",
        "ФКУ ИК-17 УФСИН России по Республике Мордовия",
        "колония № 17 в Мордовии",
        "IK-17, Republic of Mordovia",
        "Penal Colony No. 17 (Mordovia)",
    ]
    assert len({parse_facility(f).key() for f in forms}) == 1


_LATIN = {"ИК": "IK", "ЛИУ": "LIU", "КП": "KP", "СИЗО": "SIZO", "ВК": "VK", "ЛПУ": "LPU",
          "ИЦ": "ITs"}  # fmt: skip


@given(
    st.sampled_from(FACILITY_TYPES),
    st.integers(min_value=1, max_value=999),
    st.sampled_from(
        [
            "{t}-{n}",
            "{t} №{n}",
            "{t} № {n}",
            "{t}{n}",
            "ФКУ {t}-{n} УФСИН России",
            "{lt}-{n}",
            "{lt} {n}",
        ]
    ),  # fmt: skip
)
def test_any_type_and_number_in_any_written_form_parses_back(type_, number, template):
    # "ITs 1" with a space is left out on purpose: "its 17 buildings" is English.
    assume(not (type_ == "ИЦ" and template == "{lt} {n}"))
    text = template.format(t=type_, lt=_LATIN[type_], n=number)
    ref = parse_facility(text)
    assert (ref.type, ref.number) == (type_, number)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ИК-2 г. Екатеринбург", "IK-2@RU-SVE"),
        ("СИЗО-1 г. Екатеринбурга", "SIZO-1@RU-SVE"),
        ("IK-17 in Saransk", "IK-17@RU-MO"),
        ("IK-6 in Omsk", "IK-6@RU-OMS"),
        ("ИК-1 в Нижнем Новгороде", "IK-1@RU-NIZ"),
        ("ИК-3 г. Владимир", "IK-3@RU-VLA"),
        ("ИК-10 в городе Владимире", "IK-10@RU-VLA"),
        ("ИК-2 Ростов", "IK-2@RU-ROS"),
        ("ИК-3, Владимир Иванов", "IK-3@?"),  # a first name, not the city
        ("ИК-5, осуждённая Иванова", "IK-5@?"),  # a surname, not Ivanovo
        ("ИК-6 Саранск, Свердловская область", "IK-6@RU-SVE"),  # a region beats a centre
    ],
)
def test_a_regional_centre_gives_the_region_when_no_region_is_named(text, key):
    assert parse_facility(text).key() == key


def test_find_facilities_gives_each_mention_with_its_span_and_no_region():
    text = "Сын в ИК-17, потом в 5-й колонии, then IK17 prison in Mordovia"
    found = [
        (text[a:b], ref.type, ref.number, ref.region_code) for a, b, ref in find_facilities(text)
    ]
    assert found == [("ИК-17", "ИК", 17, None), ("5-й колонии", "ИК", 5, None),
                     ("IK17", "ИК", 17, None)]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "written", "number"),
    [
        ("Его перевели в ИК-17.", "ИК-17", 17),  # the sentence's full stop
        ("Его перевели в ИК-17. Потом в СИЗО", "ИК-17", 17),
        ("сидел в ИК-17...", "ИК-17", 17),
        ("сидел в «ИК-17», потом", "ИК-17", 17),
        ("held in “IK-17,” then", "IK-17", 17),
        ('held in "IK-17," then', "IK-17", 17),
        ("(ИК-3)", "ИК-3", 3),
        ("в ИК-17;\n", "ИК-17", 17),
        ("He served in penal colony No. 17.", "penal colony No. 17", 17),
        ("в исправительной колонии №17.", "исправительной колонии №17", 17),
        ("в ИК № 2!", "ИК № 2", 2),
        ("ФКУ ИК-6 УФСИН России по Омской области", "ИК-6", 6),
        ("Penal Colony 17?", "Penal Colony 17", 17),
    ],
)
def test_punctuation_and_quotes_around_a_facility_do_not_hide_its_number(text, written, number):
    (start, end, ref), *_ = find_facilities(text)
    assert (text[start:end], ref.number) == (written, number)


@pytest.mark.parametrize("text", ["ИК-17.07.2023", "ИК-17.5", "ИК-17:30"])
def test_a_number_that_goes_on_as_a_date_or_time_is_not_the_facility_number(text):
    assert parse_facility(text).number is None
