import pymorphy3
import pytest

from kintrace.names.regions import (
    REGIONS,
    find_region,
    find_regions,
    fold_text,
    normalise_region,
    region_by_code,
    tokens,
)

# ISO 3166-2:RU as published before 2014: 21 republics, 9 krais, 46 oblasts, 2 federal
# cities, 1 autonomous oblast, 4 autonomous okrugs.
ISO_RU = set(
    """AD AL BA BU CE CU DA IN KB KL KC KR KK KO ME MO SA SE TA TY UD
    ALT KAM KHA KDA KYA PER PRI STA ZAB
    AMU ARK AST BEL BRY CHE IRK IVA KGD KLU KEM KIR KOS KGN KRS LEN LIP MAG MOS MUR NIZ NGR
    NVS OMS ORE ORL PNZ PSK ROS RYA SAK SAM SAR SMO SVE TAM TOM TUL TVE TYU ULY VLA VGG VLG
    VOR YAR
    MOW SPE YEV CHU KHM NEN YAN""".split()
)
ISO_UA_OCCUPIED = {"UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65"}
RUSSIAN = [r for r in REGIONS if r.kind == "ru_subject"]

_morph = pymorphy3.MorphAnalyzer()


def _inflect(phrase: str, case: str) -> str:
    """Decline a region name with pymorphy3, independently of the forms in the CSV."""
    out = []
    for word in phrase.split():
        parse = next((p for p in _morph.parse(word) if "Geox" in p.tag or "ADJF" in p.tag),
                     _morph.parse(word)[0])  # fmt: skip
        inflected = None
        if not word.isupper() and not {"Fixd", "UNKN", "Abbr"} & set(str(parse.tag).split(",")):
            inflected = parse.inflect({case})
        out.append(inflected.word if inflected else word)
    return " ".join(out)


def test_there_are_83_russian_subjects_and_6_occupied_ukrainian_regions():
    assert len(REGIONS) == 89
    assert len(RUSSIAN) == 83
    assert {r.code for r in REGIONS if r.kind == "ua_occupied"} == ISO_UA_OCCUPIED


def test_codes_are_unique_and_are_the_iso_3166_2_codes():
    codes = [r.code for r in REGIONS]
    assert len(set(codes)) == len(codes)
    assert {r.code.removeprefix("RU-") for r in RUSSIAN} == ISO_RU


def test_every_region_has_names_a_district_and_a_point_on_the_map():
    districts = {"Central", "Northwestern", "Southern", "North Caucasian", "Volga", "Ural",
                 "Siberian", "Far Eastern"}  # fmt: skip
    for region in REGIONS:
        assert region.name_ru and region.short_ru and region.name_en and region.forms
        assert 41 < region.lat < 70 and 19 < region.lon < 180, region.code
        if region.kind == "ru_subject":
            assert region.federal_district in districts, region.code
        else:
            assert region.federal_district == ""


def test_region_by_code_accepts_any_case_and_refuses_unknown_codes():
    assert region_by_code("RU-MO").name_ru == "Республика Мордовия"
    assert region_by_code(" ru-mow ").short_ru == "Москва"
    assert region_by_code("UA-09").name_en == "Luhansk Oblast"
    assert region_by_code("RU-XX") is None


@pytest.mark.parametrize("region", RUSSIAN, ids=lambda r: r.code)
@pytest.mark.parametrize("case", ["nomn", "gent", "loct"])
def test_every_russian_subject_is_found_by_its_short_name_in_three_cases(region, case):
    form = _inflect(region.short_ru, case)
    assert find_region(form) is region, form
    assert find_region(f"Он отбывал срок в колонии, {form}, до 2022 года.") is region, form


@pytest.mark.parametrize("region", REGIONS, ids=lambda r: r.code)
def test_every_region_is_found_by_its_official_and_english_names(region):
    assert find_region(region.name_ru) is region
    assert find_region(region.name_en) is region
    assert find_region(f"a penal colony in {region.name_en}, Russia") is region


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Мордовия", "RU-MO"),
        ("в Мордовии", "RU-MO"),
        ("Мордовию", "RU-MO"),
        ("Республика Мордовия", "RU-MO"),
        ("Республики Мордовия", "RU-MO"),
        ("Респ. Мордовия", "RU-MO"),
        ("УФСИН по Республике Мордовия", "RU-MO"),
        ("Mordovia prison", "RU-MO"),
        ("Republic of Mordovia", "RU-MO"),
        ("Mordoviya", "RU-MO"),
        ("мордовской колонии", "RU-MO"),
        ("в мордовских лагерях", "RU-MO"),
        ("Карельской колонии", "RU-KR"),
        ("крымской", "UA-43"),
        ("Ростовская область", "RU-ROS"),
        ("Ростовской области", "RU-ROS"),
        ("Ростовская обл.", "RU-ROS"),
        ("Ростовской обл", "RU-ROS"),
        ("Rostov Oblast", "RU-ROS"),
        ("Rostov region", "RU-ROS"),
        ("Rostovskaya oblast", "RU-ROS"),
        ("Свердловской", "RU-SVE"),
        ("ГУФСИН России по Свердловской области", "RU-SVE"),
        ("Пермский край", "RU-PER"),
        ("Пермского края", "RU-PER"),
        ("Прикамье", "RU-PER"),
        ("Perm Krai", "RU-PER"),
        ("Москва", "RU-MOW"),
        ("Москвы", "RU-MOW"),
        ("г. Москва", "RU-MOW"),
        ("СИЗО-1 г. Москвы", "RU-MOW"),
        ("Moscow", "RU-MOW"),
        ("Московская область", "RU-MOS"),
        ("Подмосковье", "RU-MOS"),
        ("Moscow Oblast", "RU-MOS"),
        ("Moscow region", "RU-MOS"),
        ("Санкт-Петербург", "RU-SPE"),
        ("Петербурга", "RU-SPE"),
        ("СПб", "RU-SPE"),
        ("St. Petersburg", "RU-SPE"),
        ("Ленинградская область", "RU-LEN"),
        ("Ленобласть", "RU-LEN"),
        ("Ханты-Мансийский АО — Югра", "RU-KHM"),
        ("ХМАО", "RU-KHM"),
        ("ХМАО-Югра", "RU-KHM"),
        ("ЯНАО", "RU-YAN"),
        ("Ямало-Ненецкого автономного округа", "RU-YAN"),
        ("Ненецкого автономного округа", "RU-NEN"),
        ("Чувашия", "RU-CU"),
        ("Чувашской Республики", "RU-CU"),
        ("Якутия", "RU-SA"),
        ("Республика Саха (Якутия)", "RU-SA"),
        ("Саха", "RU-SA"),
        ("Башкортостан", "RU-BA"),
        ("Башкирии", "RU-BA"),
        ("Татарстан", "RU-TA"),
        ("Кузбасс", "RU-KEM"),
        ("Кемеровская область — Кузбасс", "RU-KEM"),
        ("Республика Алтай", "RU-AL"),
        ("на Алтае", "RU-AL"),
        ("Алтайского края", "RU-ALT"),
        ("Altai Krai", "RU-ALT"),
        ("Тыва", "RU-TY"),
        ("Tuva", "RU-TY"),
        ("Марий Эл", "RU-ME"),
        ("Кабардино-Балкарии", "RU-KB"),
        ("КЧР", "RU-KC"),
        ("Северной Осетии", "RU-SE"),
        ("Nizhny Novgorod Oblast", "RU-NIZ"),
        ("Нижегородской области", "RU-NIZ"),
        ("Novgorod Oblast", "RU-NGR"),
        ("Новгородской области", "RU-NGR"),
        ("Кубань", "RU-KDA"),
        ("Приморье", "RU-PRI"),
        ("ДНР", "UA-14"),
        ("Донецкая Народная Республика", "UA-14"),
        ("Донецкая область", "UA-14"),
        ("Donetsk", "UA-14"),
        ("ЛНР", "UA-09"),
        ("Луганской", "UA-09"),
        ("Luhansk", "UA-09"),
        ("Lugansk", "UA-09"),
        ("Крым", "UA-43"),
        ("в Крыму", "UA-43"),
        ("Республика Крым", "UA-43"),
        ("Crimea", "UA-43"),
        ("Севастополь", "UA-40"),
        ("Sevastopol", "UA-40"),
        ("Херсонская", "UA-65"),
        ("Kherson", "UA-65"),
        ("Запорожская", "UA-23"),
        ("Zaporizhzhia", "UA-23"),
        ("Zaporozhye", "UA-23"),
    ],
)
def test_find_region_reads_the_forms_used_in_text(text, code):
    assert find_region(text).code == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Мoрдовия", "RU-MO"),  # Latin o inside a Cyrillic word
        ("MОRDOVIA", "RU-MO"),  # Cyrillic О inside a Latin word
        ("МОРДОВИЯ", "RU-MO"),
        ("Ставрополье", "RU-STA"),
        ("Ставропольский край", "RU-STA"),
    ],
)
def test_find_region_survives_case_and_look_alike_letters(text, code):
    assert find_region(text).code == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Донецк Ростовской области", "RU-ROS"),  # a town in Rostov oblast, not Donetsk
        ("ИК-17 Республики Мордовия, уроженец Москвы", "RU-MO"),  # two words beat one
        ("Ямало-Ненецкий", "RU-YAN"),  # not "Ненецкий" RU-NEN inside it
        ("уроженец Москвы, колония в Мордовии", "RU-MOW"),  # a tie goes to the first
    ],
)
def test_the_longest_mention_wins_then_the_first(text, code):
    assert find_region(text).code == code


@pytest.mark.parametrize(
    "text",
    ["", "Иванов Иван Иванович", "Тулаев", "ул. Кирова", "Россия", "Украина", "ИК-17",
     "Комиссаров", "Moscowitz"],
)  # fmt: skip
def test_find_region_is_none_when_no_region_is_named(text):
    assert find_region(text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Мордовия", "RU-MO"),
        ("Респ. Мордовия", "RU-MO"),
        ("RU-MO", "RU-MO"),
        (" ru-mo ", "RU-MO"),
        ("Mordovia", "RU-MO"),
        ("UA-14", "UA-14"),
        ("ДНР", "UA-14"),
        ("Свердловская обл.", "RU-SVE"),
        ("RU-XX", None),
        ("", None),
        ("Россия", None),
    ],
)
def test_normalise_region_gives_the_code_for_a_region_field(text, code):
    assert normalise_region(text) == code


def test_no_form_names_two_regions():
    owner: dict[tuple[str, ...], str] = {}
    for region in REGIONS:
        for form in region.forms:
            key = tuple(tokens(form))
            assert owner.setdefault(key, region.code) == region.code, form


def test_fold_text_lowercases_and_unifies_yo_dashes_and_look_alikes():
    assert fold_text("Орёл — ИК") == "орел - ик"
    assert fold_text("ИK-Мoрдовия") == "ик-мордовия"
    assert fold_text("Mоrdovia") == "mordovia"


def test_a_city_alone_is_not_a_region_unless_centres_are_asked_for():
    assert find_region("Екатеринбург") is None
    assert find_region("Екатеринбург", centres=True).code == "RU-SVE"
    assert find_region("Владимир Петров", centres=True) is None


def test_every_region_has_an_administrative_centre():
    for region in REGIONS:
        assert region.centre_ru, region.code
        if region.centre_forms:
            assert find_region(region.centre_forms[0], centres=True) is region


def test_find_regions_gives_every_mention_with_its_span_in_the_text():
    text = "Из Мордовии в Ростовскую обл.? Нет: в Ростовской области и в Moscow Oblast."
    found = [(text[a:b], r.code) for a, b, r in find_regions(text)]
    assert found == [("Мордовии", "RU-MO"), ("Ростовской области", "RU-ROS"),
                     ("Moscow Oblast", "RU-MOS")]  # fmt: skip
    assert find_regions("ИК-2 г. Екатеринбург", centres=True)[0][2].code == "RU-SVE"
