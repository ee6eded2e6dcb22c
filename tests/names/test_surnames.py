"""Declension of Russian surnames (kintrace.names.parse.surnames), through parse_name.

The surnames are real: each is in the `russiannames` surname table (counts from registries),
chosen per declension type (Zaliznyak; the petrovich rules). The case forms are the
textbook ones; where the petrovich inflector is installed (dev extra), its forms are
checked too (it keeps the fleeting vowel: Соловея, Заяца — a spelling people also use).
petrovich is a dev dependency only.
"""

from __future__ import annotations

import re

import pytest
from petrovich.enums import Case, Gender, NamePart
from petrovich.main import Petrovich

from kintrace.names import parse_name, parse_name_parts

# (nominative, genitive, dative, accusative, instrumental, prepositional), a man's forms
ADJECTIVAL_MEN = [
    ("Белый", "Белого", "Белому", "Белого", "Белым", "Белом"),
    ("Черный", "Черного", "Черному", "Черного", "Черным", "Черном"),
    ("Осадчий", "Осадчего", "Осадчему", "Осадчего", "Осадчим", "Осадчем"),
    ("Задорожний", "Задорожнего", "Задорожнему", "Задорожнего", "Задорожним", "Задорожнем"),
    ("Гладкий", "Гладкого", "Гладкому", "Гладкого", "Гладким", "Гладком"),
    ("Долгий", "Долгого", "Долгому", "Долгого", "Долгим", "Долгом"),
    ("Лысый", "Лысого", "Лысому", "Лысого", "Лысым", "Лысом"),
    ("Рыжий", "Рыжего", "Рыжему", "Рыжего", "Рыжим", "Рыжем"),
    ("Лановой", "Ланового", "Лановому", "Ланового", "Лановым", "Лановом"),
    ("Кошевой", "Кошевого", "Кошевому", "Кошевого", "Кошевым", "Кошевом"),
    ("Полевой", "Полевого", "Полевому", "Полевого", "Полевым", "Полевом"),
    ("Роговой", "Рогового", "Роговому", "Рогового", "Роговым", "Роговом"),
    ("Луговой", "Лугового", "Луговому", "Лугового", "Луговым", "Луговом"),
    ("Боровой", "Борового", "Боровому", "Борового", "Боровым", "Боровом"),
    ("Мостовой", "Мостового", "Мостовому", "Мостового", "Мостовым", "Мостовом"),
    ("Донской", "Донского", "Донскому", "Донского", "Донским", "Донском"),
    ("Толстой", "Толстого", "Толстому", "Толстого", "Толстым", "Толстом"),
]
# a woman's forms: nominative, genitive (= dative, instrumental, prepositional), accusative
ADJECTIVAL_WOMEN = [
    ("Белая", "Белой", "Белую"),
    ("Черная", "Черной", "Черную"),
    ("Осадчая", "Осадчей", "Осадчую"),
    ("Задорожняя", "Задорожней", "Задорожнюю"),
    ("Гладкая", "Гладкой", "Гладкую"),
    ("Рыжая", "Рыжей", "Рыжую"),
    ("Лановая", "Лановой", "Лановую"),
    ("Кошевая", "Кошевой", "Кошевую"),
    ("Полевая", "Полевой", "Полевую"),
    ("Роговая", "Роговой", "Роговую"),
    ("Донская", "Донской", "Донскую"),
    ("Толстая", "Толстой", "Толстую"),
    ("Крайняя", "Крайней", "Крайнюю"),
]
# second declension, a man's forms (fleeting vowels: Соловья, Зайца, Орла, Кравца)
NOUN_MEN = [
    ("Мельник", "Мельника", "Мельнику", "Мельника", "Мельником", "Мельнике"),
    ("Коваль", "Коваля", "Ковалю", "Коваля", "Ковалем", "Ковале"),
    ("Кот", "Кота", "Коту", "Кота", "Котом", "Коте"),
    ("Волк", "Волка", "Волку", "Волка", "Волком", "Волке"),
    ("Бык", "Быка", "Быку", "Быка", "Быком", "Быке"),
    ("Лебедь", "Лебедя", "Лебедю", "Лебедя", "Лебедем", "Лебеде"),
    ("Голубь", "Голубя", "Голубю", "Голубя", "Голубем", "Голубе"),
    ("Соловей", "Соловья", "Соловью", "Соловья", "Соловьем", "Соловье"),
    ("Воробей", "Воробья", "Воробью", "Воробья", "Воробьем", "Воробье"),
    ("Заяц", "Зайца", "Зайцу", "Зайца", "Зайцем", "Зайце"),
    ("Кравец", "Кравца", "Кравцу", "Кравца", "Кравцом", "Кравце"),
    ("Швец", "Швеца", "Швецу", "Швеца", "Швецом", "Швеце"),
    ("Горобец", "Горобца", "Горобцу", "Горобца", "Горобцом", "Горобце"),
    ("Орел", "Орла", "Орлу", "Орла", "Орлом", "Орле"),
    ("Козел", "Козла", "Козлу", "Козла", "Козлом", "Козле"),
    ("Дрозд", "Дрозда", "Дрозду", "Дрозда", "Дроздом", "Дрозде"),
    ("Сокол", "Сокола", "Соколу", "Сокола", "Соколом", "Соколе"),
    ("Медведь", "Медведя", "Медведю", "Медведя", "Медведем", "Медведе"),
    ("Комар", "Комара", "Комару", "Комара", "Комаром", "Комаре"),
    ("Жук", "Жука", "Жуку", "Жука", "Жуком", "Жуке"),
    ("Мороз", "Мороза", "Морозу", "Мороза", "Морозом", "Морозе"),
    ("Король", "Короля", "Королю", "Короля", "Королем", "Короле"),
    ("Бондарь", "Бондаря", "Бондарю", "Бондаря", "Бондарем", "Бондаре"),
    ("Кулик", "Кулика", "Кулику", "Кулика", "Куликом", "Кулике"),
    ("Кисель", "Киселя", "Киселю", "Киселя", "Киселем", "Киселе"),
    ("Карась", "Карася", "Карасю", "Карася", "Карасем", "Карасе"),
    ("Врубель", "Врубеля", "Врубелю", "Врубеля", "Врубелем", "Врубеле"),
]
# first declension, either sex
FIRST_DECLENSION = [
    ("Шульга", "Шульги", "Шульге", "Шульгу", "Шульгой", "Шульге"),
    ("Зима", "Зимы", "Зиме", "Зиму", "Зимой", "Зиме"),
    ("Кочерга", "Кочерги", "Кочерге", "Кочергу", "Кочергой", "Кочерге"),
    ("Сорока", "Сороки", "Сороке", "Сороку", "Сорокой", "Сороке"),
    ("Ворона", "Вороны", "Вороне", "Ворону", "Вороной", "Вороне"),
    ("Муха", "Мухи", "Мухе", "Муху", "Мухой", "Мухе"),
    ("Середа", "Середы", "Середе", "Середу", "Середой", "Середе"),
    ("Коляда", "Коляды", "Коляде", "Коляду", "Колядой", "Коляде"),
    ("Щерба", "Щербы", "Щербе", "Щербу", "Щербой", "Щербе"),
    ("Чайка", "Чайки", "Чайке", "Чайку", "Чайкой", "Чайке"),
    ("Кулага", "Кулаги", "Кулаге", "Кулагу", "Кулагой", "Кулаге"),
    ("Голова", "Головы", "Голове", "Голову", "Головой", "Голове"),
    ("Калина", "Калины", "Калине", "Калину", "Калиной", "Калине"),
    ("Дубина", "Дубины", "Дубине", "Дубину", "Дубиной", "Дубине"),
]
INDECLINABLE = [
    "Толстых",
    "Черных",
    "Белых",
    "Седых",
    "Долгих",
    "Широких",
    "Русских",
    "Сухих",
    "Гладких",
    "Рыжих",
    "Глухих",
    "Шевченко",
    "Бойко",
    "Дурново",
]
MEN = (
    "Ивана Петровича",
    "Ивану Петровичу",
    "Ивана Петровича",
    "Иваном Петровичем",
    "Иване Петровиче",
)
WOMEN = ("Анны Петровны", "Анне Петровне", "Анну Петровну", "Анной Петровной", "Анне Петровне")


def _key(surname: str, given: str, patronymic: str) -> str:
    return parse_name_parts(surname, given, patronymic).surname_key


@pytest.mark.parametrize("forms", ADJECTIVAL_MEN + NOUN_MEN + FIRST_DECLENSION, ids=lambda f: f[0])
def test_a_mans_surname_in_every_case_gives_its_nominative(forms):
    nominative, *oblique = forms
    want = _key(nominative, "Иван", "Петрович")
    for form, rest in zip(oblique, MEN, strict=True):
        if forms in FIRST_DECLENSION and rest == MEN[-1]:
            continue  # "о Вороне" is also the prepositional of Ворон: both are surnames
        if re.search(r"(?:[оеё]в|[иы]н)ым$", form):
            continue  # "Кошевым" is also the instrumental of Кошев (see the docs)
        p = parse_name(f"{form} {rest}")
        assert (p.surname_key, p.given, p.patronymic, p.sex) == (want, "Иван", "Петрович", "m"), (
            form
        )
    # the nominative itself, where the ending says it (-ым is -ый's and -ой's alike)
    p = parse_name(f"{forms[1]} {MEN[0]}")
    if not nominative.endswith("ой") or nominative in ("Кошевой", "Полевой", "Толстой"):
        assert p.surname == nominative


@pytest.mark.parametrize("forms", ADJECTIVAL_WOMEN, ids=lambda f: f[0])
def test_a_womans_adjectival_surname_in_every_case_keys_like_the_mans(forms):
    nominative, oblique, accusative = forms
    man = {
        "Белая": "Белый",
        "Черная": "Черный",
        "Осадчая": "Осадчий",
        "Задорожняя": "Задорожний",
        "Гладкая": "Гладкий",
        "Рыжая": "Рыжий",
        "Лановая": "Лановой",
        "Кошевая": "Кошевой",
        "Полевая": "Полевой",
        "Роговая": "Роговой",
        "Донская": "Донской",
        "Толстая": "Толстой",
        "Крайняя": "Крайний",
    }[nominative]
    want = _key(man, "Иван", "Петрович")
    assert _key(nominative, "Анна", "Петровна") == want
    for form, rest in zip((oblique, oblique, accusative, oblique, oblique), WOMEN, strict=True):
        if re.search(r"(?:[оеё]в|[иы]н)ой$", form) and form != accusative:
            continue  # "Кошевой Анны" is also Кошева's genitive (see the docs)
        p = parse_name(f"{form} {rest}")
        assert (p.surname, p.surname_key, p.sex) == (nominative, want, "f"), form


@pytest.mark.parametrize(
    "nominative",
    ["Лановой", "Кошевой", "Роговой", "Полевой", "Луговой", "Боровой", "Толстой", "Донской"],
)
def test_a_nominative_in_oi_stays_as_written(nominative):
    assert parse_name(f"{nominative} Иван Петрович").surname == nominative
    assert parse_name(f"{nominative.upper()} И.П.").surname == nominative


def test_trubetskoi_and_trubetskii_key_alike_as_the_womans_form_cannot_tell_them_apart():
    keys = {
        parse_name(t).surname_key
        for t in ("Трубецкой Сергей", "Трубецкий Сергей", "Трубецкая Анна", "Трубецкого Сергея")
    }
    assert keys == {"trubetski"}


@pytest.mark.parametrize("forms", FIRST_DECLENSION, ids=lambda f: f[0])
def test_a_womans_first_declension_surname_in_every_case_gives_its_nominative(forms):
    nominative, *oblique = forms
    for form, rest in zip(oblique, WOMEN, strict=True):
        p = parse_name(f"{form} {rest}")
        assert (p.surname, p.given, p.sex) == (nominative, "Анна", "f"), form


@pytest.mark.parametrize("forms", NOUN_MEN, ids=lambda f: f[0])
def test_a_womans_consonant_surname_does_not_decline(forms):
    nominative = forms[0]
    for rest in WOMEN:
        p = parse_name(f"{nominative} {rest}")
        assert (p.surname, p.given, p.sex) == (nominative, "Анна", "f"), rest


@pytest.mark.parametrize("surname", INDECLINABLE)
def test_an_indeclinable_surname_stays_in_every_case_and_sex(surname):
    want = _key(surname, "Иван", "Петрович")
    for rest in MEN + WOMEN:
        p = parse_name(f"{surname} {rest}")
        assert (p.surname, p.surname_key) == (surname, want), rest


@pytest.mark.parametrize(
    "ykh, other",
    [
        ("Толстых", "Толстой"),
        ("Белых", "Белый"),
        ("Черных", "Черный"),
        ("Долгих", "Долгий"),
        ("Рыжих", "Рыжий"),
        ("Гладких", "Гладкий"),
    ],
)
def test_an_ykh_surname_is_never_the_adjectival_one(ykh, other):
    assert _key(ykh, "Иван", "Петрович") != _key(other, "Иван", "Петрович")
    assert (
        parse_name(f"{ykh} Лев Николаевич").surname_key
        != parse_name(f"{other} Лев Николаевич").surname_key
    )


@pytest.mark.parametrize("surname", ["Голова", "Калина", "Дубина", "Ворона", "Середина"])
def test_a_mans_surname_in_ova_or_ina_is_his_own(surname):
    p = parse_name(f"{surname} Иван Петрович")
    assert p.surname == surname
    assert p.surname_key == parse_name_parts(surname, "Иван", "Петрович").surname_key
    assert p.surname_key.endswith("a")


def test_a_womans_ova_still_keys_like_her_husband():
    assert parse_name("Иванова Мария Петровна").surname_key == "ivanov"
    assert parse_name("Соловьева Анна").surname_key == parse_name("Соловьев Иван").surname_key


@pytest.mark.parametrize("forms", NOUN_MEN[:12] + FIRST_DECLENSION[:6], ids=lambda f: f[0])
def test_the_petrovich_inflectors_forms_key_like_the_nominative(forms):
    inflector = Petrovich()
    nominative = forms[0]
    want = _key(nominative, "Иван", "Петрович")
    cases = [Case.GENITIVE, Case.DATIVE, Case.ACCUSATIVE, Case.INSTRUMENTAL]
    if forms not in FIRST_DECLENSION:  # "о Вороне": Ворон's as well
        cases.append(Case.PREPOSITIONAL)
    for case in cases:
        text = " ".join(
            inflector.inflect(w, case, part, Gender.MALE)
            for w, part in (
                (nominative, NamePart.LASTNAME),
                ("Иван", NamePart.FIRSTNAME),
                ("Петрович", NamePart.MIDDLENAME),
            )
        )
        assert parse_name(text).surname_key == want, text
