"""Given names: diminutives, colloquial, English and Ukrainian forms to the full Russian name."""

import pytest

from kintrace.names.given import canonical_given


@pytest.mark.parametrize(
    "form,canonical",
    [
        ("Саша", "Александр"),
        ("Шура", "Александр"),
        ("Саня", "Александр"),
        ("Sasha", "Александр"),
        ("Sanya", "Александр"),
        ("Alexander", "Александр"),
        ("Alex", "Александр"),
        ("Дима", "Дмитрий"),
        ("Митя", "Дмитрий"),
        ("Dima", "Дмитрий"),
        ("Dmitri", "Дмитрий"),
        ("Лёша", "Алексей"),
        ("Леша", "Алексей"),
        ("Алёша", "Алексей"),
        ("Лёха", "Алексей"),
        ("Alexei", "Алексей"),
        ("Серёжа", "Сергей"),
        ("Серега", "Сергей"),
        ("Serezha", "Сергей"),
        ("Seryozha", "Сергей"),
        ("Serega", "Сергей"),
        ("Sergej", "Сергей"),
        ("Serge", "Сергей"),
        ("Коля", "Николай"),
        ("Nicholas", "Николай"),
        ("Миша", "Михаил"),
        ("Michael", "Михаил"),
        ("Вова", "Владимир"),
        ("Володя", "Владимир"),
        ("Паша", "Павел"),
        ("Paul", "Павел"),
        ("Петя", "Пётр"),
        ("Peter", "Пётр"),
        ("Pyotr", "Пётр"),
        ("Петр", "Пётр"),
        ("Ваня", "Иван"),
        ("Толя", "Анатолий"),
        ("Юра", "Юрий"),
        ("Yuri", "Юрий"),
        ("Iouri", "Юрий"),
        ("Костя", "Константин"),
        ("Витя", "Виктор"),
        ("Гена", "Геннадий"),
        ("Стас", "Станислав"),
        ("Рома", "Роман"),
        ("Андрюха", "Андрей"),
        ("Andrew", "Андрей"),
        ("Max", "Максим"),
        ("Eugene", "Евгений"),
        ("Gregory", "Григорий"),
        ("George", "Георгий"),
        ("Олександр", "Александр"),
        ("Микола", "Николай"),
        ("Hennadiy", "Геннадий"),
    ],
)
def test_a_diminutive_or_foreign_form_resolves_to_the_full_russian_name(form, canonical):
    assert canonical_given(form, "m")[0] == canonical


@pytest.mark.parametrize(
    "form,men,women",
    [
        ("Женя", "Евгений", "Евгения"),
        ("Саша", "Александр", "Александра"),
        ("Валя", "Валентин", "Валентина"),
        ("Zhenya", "Евгений", "Евгения"),
    ],
)
def test_an_ambiguous_diminutive_resolves_by_sex_and_keeps_the_other_reading(form, men, women):
    assert canonical_given(form, "m") == (men, ())
    assert canonical_given(form, "f") == (women, ())
    name, alternatives = canonical_given(form)
    assert name == men  # the people searched for are men
    assert women in alternatives


def test_slava_offers_every_slav_name_it_may_stand_for():
    name, alternatives = canonical_given("Слава", "m")
    assert name == "Вячеслав"
    assert {"Владислав", "Ярослав", "Станислав"} <= set(alternatives)


def test_george_is_georgy_with_yuri_as_the_alternative():
    name, alternatives = canonical_given("George")
    assert name == "Георгий"
    assert "Юрий" in alternatives


def test_a_full_womans_name_stays_a_womans_name():
    assert canonical_given("Александра", "f") == ("Александра", ())
    assert canonical_given("Мария")[0] == "Мария"
    assert canonical_given("Maria")[0] == "Мария"


def test_a_declined_given_name_is_brought_to_the_nominative_in_the_sex():
    assert canonical_given("Александра", "m")[0] == "Александр"
    assert canonical_given("Петра", "m")[0] == "Пётр"
    assert canonical_given("Марии", "f")[0] == "Мария"


def test_a_dictionary_name_missing_from_the_table_is_still_recognised():
    assert canonical_given("Ринат")[0] == "Ринат"
    assert canonical_given("Радик") is not None


def test_a_word_that_is_no_given_name_is_unknown():
    assert canonical_given("Иванов") is None
    assert canonical_given("Ivanov") is None
    assert canonical_given("") is None
