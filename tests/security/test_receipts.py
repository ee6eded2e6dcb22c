"""Receipts a frightened person can copy and read back: words, typed any way."""

import re

import pytest

from kintrace.security import crypto
from kintrace.security.receipts import (
    ReceiptUnreadable,
    _word_set,
    header_text,
    new_receipt,
    receipt_normalise,
    words,
)

LATIN_LOOKALIKES = str.maketrans("аеорсхукмтнв", "aeopcxykmthb")


def test_the_word_list_is_shipped_sorted_unique_and_free_of_yo():
    listed = words()
    assert len(listed) == 4096 and len(set(listed)) == 4096
    assert list(listed) == sorted(listed)
    assert all("ё" not in w and w.isalpha() and 3 <= len(w) <= 9 for w in listed)


def test_the_word_list_keeps_away_from_death_war_and_prison():
    listed = set(words())
    for word in ("смерть", "война", "тюрьма", "гроб", "могила", "труп", "оружие", "плен"):
        assert word not in listed


def test_a_receipt_is_eleven_words_from_the_list():
    receipt = new_receipt()
    assert len(receipt.split()) == 11 and set(receipt.split()) <= set(words())
    assert receipt_normalise(receipt) == receipt


@pytest.mark.parametrize(
    "variant",
    [
        str.upper,
        lambda r: r.title(),
        lambda r: "  " + r.replace(" ", "   ") + " \n",
        lambda r: r.replace(" ", "-"),
        lambda r: r.replace(" ", ", "),
        lambda r: r.replace(" ", "\n"),
        lambda r: r.replace("е", "ё"),
        lambda r: r.translate(LATIN_LOOKALIKES),
        lambda r: r.upper().translate(str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX")),
    ],
)
def test_typing_variations_read_as_the_same_receipt(variant):
    receipt = new_receipt()
    assert receipt_normalise(variant(receipt)) == receipt


def test_a_misspelt_word_is_named_so_the_person_can_check_it():
    receipt = new_receipt().split()
    receipt[3] = receipt[3] + "ъъ"
    with pytest.raises(ReceiptUnreadable) as caught:
        receipt_normalise(" ".join(receipt))
    assert caught.value.code == "word" and caught.value.word == receipt[3]


def test_a_missing_word_is_a_length_problem():
    with pytest.raises(ReceiptUnreadable) as caught:
        receipt_normalise(" ".join(new_receipt().split()[:10]))
    assert caught.value.code == "length"


def test_arabic_indic_digits_read_as_an_old_digit_receipt():
    digits = "1234567890" * 4
    arabic = "".join(chr(0x0660 + int(d)) for d in digits)
    assert receipt_normalise(arabic) == digits


def test_a_header_sent_as_utf8_is_read_back_from_wsgis_latin1():
    receipt = new_receipt()
    as_wsgi_hands_it_over = receipt.encode("utf-8").decode("latin-1")
    assert header_text(as_wsgi_hands_it_over) == receipt
    assert header_text("0412 9931") == "0412 9931"


def test_an_old_digit_receipt_keeps_its_lookup(settings, tmp_path):
    """The lookup material of a 40-digit receipt is what it was before words came."""
    settings.DATA_DIR = tmp_path
    digits = "0412993155550000123456789012345678901234"
    material = b"kintrace receipt lookup v1\x00" + digits.encode()
    expected = crypto.derive_key(
        material, crypto._receipt_pepper(), ops=crypto.RECEIPT_OPS, mem=crypto.RECEIPT_MEM
    ).hex()
    assert crypto.receipt_lookup(" ".join(digits[i : i + 4] for i in range(0, 40, 4))) == expected


def test_a_header_sent_percent_encoded_is_read_back():
    from urllib.parse import quote

    receipt = new_receipt()
    assert header_text(quote(receipt)) == receipt
    assert header_text("100%") == "100%"


def test_a_retired_word_is_never_given_but_still_read(monkeypatch, tmp_path):
    from kintrace.security import receipts

    retired = tmp_path / "retired.txt"
    retired.write_text("# removed\nвоеводство\n", encoding="utf-8")
    monkeypatch.setattr(receipts, "RETIRED_FILE", retired)
    receipts._word_set.cache_clear()
    try:
        old = " ".join(["воеводство", *new_receipt().split()[1:]])
        assert receipt_normalise(old) == old
        assert "воеводство" not in words()
    finally:
        receipts._word_set.cache_clear()


def test_a_receipt_typed_without_spaces_reads_back_or_asks_for_spaces_never_as_another():
    read = 0
    for _ in range(300):
        receipt = new_receipt()
        try:
            got = receipt_normalise(receipt.replace(" ", ""))
        except ReceiptUnreadable as e:
            assert e.code == "spaces"
            continue
        assert got == receipt
        read += 1
    assert read >= 285  # a reading is ambiguous only where list words join into others


def test_words_run_together_in_places_are_cut_where_the_others_are_spaced():
    receipt = new_receipt()
    w = receipt.split()
    typed = f"{w[0]}{w[1]} {' '.join(w[2:6])} {w[6].upper()}{w[7]}{w[8]} {w[9]}-{w[10]}"
    assert receipt_normalise(typed) == receipt


def test_a_run_that_cannot_be_cut_into_list_words_names_itself():
    with pytest.raises(ReceiptUnreadable) as e:
        receipt_normalise(" ".join(words()[:10]) + " " + words()[10] + "щщщ")
    assert e.value.code == "word" and e.value.word.endswith("щщщ")


def test_a_word_too_many_says_how_many_were_read():
    with pytest.raises(ReceiptUnreadable) as e:
        receipt_normalise(" ".join(words()[:12]))
    assert (e.value.code, e.value.count) == ("length", 12)


def test_the_comment_in_the_retired_words_file_gives_no_receipt_words():
    # the file's header comment ("Receipt words removed ... One word a line.") was read as words
    assert all(re.fullmatch("[а-я]+", w) for w in _word_set())
