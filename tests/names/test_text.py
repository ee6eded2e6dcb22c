"""Text clean-up: Unicode, whitespace, dashes, scripts and look-alike letters."""

from hypothesis import given
from hypothesis import strategies as st

from kintrace.names.text import clean, detect_script, fix_lookalikes, fold


def test_clean_collapses_whitespace_and_unifies_dashes_and_quotes():
    assert clean("  Петров\u2014Водкин\u00a0\u00a0Кузьма\t") == "Петров-Водкин Кузьма"
    assert clean("Il\u2019ich") == "Il'ich"
    assert clean("\ufeffИванов\u200b") == "Иванов"


def test_clean_composes_decomposed_letters():
    assert clean("\u0415\u0308") == "\u0401"  # Е + combining diaeresis = Ё
    assert clean("\u0438\u0306") == "\u0439"  # и + combining breve = й


def test_clean_of_nothing_is_empty():
    assert clean("") == ""
    assert clean("   ") == ""


def test_fold_ignores_case_and_yo():
    assert fold("СОЛОВЬЁВ") == fold("соловьев") == "соловьев"


def test_detect_script_names_each_script_and_mixtures():
    assert detect_script("Иванов") == "cyrillic"
    assert detect_script("Ivanov") == "latin"
    assert detect_script("Ivanov Иван") == "mixed"
    assert detect_script("1984, ") == ""


def test_latin_look_alikes_inside_a_cyrillic_word_become_cyrillic():
    fixed = fix_lookalikes("Иванoв")  # Latin o
    assert fixed == "Иванов"
    assert detect_script(fixed) == "cyrillic"
    assert fix_lookalikes("ПETPOB") == "ПЕТРОВ"  # Latin E, T, P, O, B around a Cyrillic П


def test_cyrillic_look_alikes_inside_a_latin_word_become_latin():
    fixed = fix_lookalikes("Ivаnov")  # Cyrillic а
    assert fixed == "Ivanov"
    assert detect_script(fixed) == "latin"


def test_a_word_of_shared_letters_follows_the_surrounding_script():
    assert detect_script(fix_lookalikes("ТОМАС", "latin")) == "latin"
    assert detect_script(fix_lookalikes("TOMAC", "cyrillic")) == "cyrillic"
    # no context: the dictionary decides (Томас is a name, "томак" is not); no guess
    # when neither reading is a name
    assert fix_lookalikes("TOMAC") == "ТОМАС"
    assert fix_lookalikes("XOP") == "XOP"


def test_digits_typed_for_letters_inside_a_cyrillic_word_are_read_as_letters():
    assert fix_lookalikes("Иван0в") == "Иванов"


CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ-"


@given(st.text(alphabet=CYRILLIC, min_size=1))
def test_a_pure_cyrillic_word_is_left_alone(word):
    assert fix_lookalikes(word) == word


@given(st.text(min_size=0, max_size=40))
def test_clean_is_idempotent(text):
    assert clean(clean(text)) == clean(text)
