"""The crypto facade against published vectors, an independent Argon2id implementation,
tampering and wrong keys."""

import os
import stat

import pytest
from argon2.low_level import Type, hash_secret_raw

from kintrace.security import crypto
from kintrace.security.crypto import CryptoError

# NaCl's own secretbox vector (Bernstein, tests/secretbox.c; also in libsodium's test suite).
NACL_KEY = bytes.fromhex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389")
NACL_NONCE = bytes.fromhex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37")
NACL_MESSAGE = bytes.fromhex(
    "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
    "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
    "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
    "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f93776384864"
    "5e0705"
)
NACL_BOXED = bytes.fromhex(
    "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce"
    "48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c972"
    "71d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae"
    "90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b3"
    "7973f622a43d14a6599b1f654cb45a74e355a5"
)


def test_encrypt_matches_the_published_nacl_secretbox_vector():
    blob = crypto.encrypt_with_nonce(NACL_KEY, NACL_MESSAGE, NACL_NONCE)
    assert blob == b"\x01" + NACL_NONCE + NACL_BOXED


def test_decrypt_opens_the_published_vector():
    assert crypto.decrypt(NACL_KEY, b"\x01" + NACL_NONCE + NACL_BOXED) == NACL_MESSAGE


def test_short_message_vector_is_pinned():
    blob = crypto.encrypt_with_nonce(NACL_KEY, b"hello", NACL_NONCE)
    assert blob.hex() == ("01" + NACL_NONCE.hex() + "1b294418500a75e29daebfe2764e569858fb08361b")


def test_encrypt_uses_a_fresh_nonce_each_time():
    key = crypto.random_key()
    a, b = crypto.encrypt(key, b"same"), crypto.encrypt(key, b"same")
    assert a != b
    assert crypto.decrypt(key, a) == crypto.decrypt(key, b) == b"same"


@pytest.mark.parametrize("position", [0, 1, 30, -1])
def test_any_flipped_byte_is_detected(position):
    key = crypto.random_key()
    blob = bytearray(crypto.encrypt(key, b"Ivanov, +7 900 000 00 00"))
    blob[position] ^= 0x01
    with pytest.raises(CryptoError):
        crypto.decrypt(key, bytes(blob))


def test_wrong_key_is_refused():
    blob = crypto.encrypt(crypto.random_key(), b"secret")
    with pytest.raises(CryptoError):
        crypto.decrypt(crypto.random_key(), blob)


@pytest.mark.parametrize("blob", [b"", b"\x01", b"\x01" + b"\x00" * 39, b"\x07" + b"\x00" * 60])
def test_truncated_or_unknown_blobs_are_refused(blob):
    with pytest.raises(CryptoError):
        crypto.decrypt(crypto.random_key(), blob)


def test_a_key_of_the_wrong_length_is_refused():
    with pytest.raises(CryptoError):
        crypto.encrypt(b"short", b"x")


def test_sealed_box_opens_only_with_the_matching_private_key():
    public, private = crypto.keypair()
    blob = crypto.seal(public, b"reporter contact")
    assert crypto.unseal(private, blob) == b"reporter contact"
    _, other_private = crypto.keypair()
    with pytest.raises(CryptoError):
        crypto.unseal(other_private, blob)


def test_tampered_sealed_box_is_refused():
    public, private = crypto.keypair()
    blob = bytearray(crypto.seal(public, b"x"))
    blob[-1] ^= 0x80
    with pytest.raises(CryptoError):
        crypto.unseal(private, bytes(blob))


def test_public_key_is_recomputed_from_the_private_key():
    public, private = crypto.keypair()
    assert crypto.public_from_private(private) == public


def test_derive_key_pins_a_fixed_argon2id_output():
    key = crypto.derive_key("password", b"somesaltsomesalt", ops=2, mem=64 * 1024 * 1024)
    assert key.hex() == "fc33b78139231d34b71626bd6245c1d72efa190ad605c3d8166a72adcedfa2c2"


def test_derive_key_agrees_with_the_argon2_reference_implementation():
    salt = crypto.new_salt()
    ours = crypto.derive_key("пароль", salt, ops=3, mem=8 * 1024 * 1024)
    reference = hash_secret_raw(
        "пароль".encode(),
        salt,
        time_cost=3,
        memory_cost=8 * 1024,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    )
    assert ours == reference


def test_derive_key_refuses_a_salt_of_the_wrong_length():
    with pytest.raises(CryptoError):
        crypto.derive_key("x", b"short")


def test_receipt_has_eleven_words_and_at_least_128_bits():
    from kintrace.security import receipts

    receipt = crypto.new_receipt()
    assert len(crypto.receipt_normalise(receipt).split()) == 11
    assert crypto.RECEIPT_ENTROPY_BITS >= 128
    assert receipts.entropy_bits() >= 128 and len(receipts.words()) == 4096


def test_receipts_do_not_repeat():
    assert len({crypto.new_receipt() for _ in range(200)}) == 200


def test_an_old_digit_receipt_tolerates_spaces_dashes_and_full_width_digits():
    digits = "0412993155550000123456789012345678901234"
    receipt = " ".join(digits[i : i + 4] for i in range(0, 40, 4))
    typed = " " + receipt.replace(" ", "-") + "\n"
    full_width = "".join(chr(0xFF10 + int(d)) for d in digits)
    assert crypto.receipt_normalise(typed) == digits
    assert crypto.receipt_normalise(full_width) == digits
    assert crypto.receipt_is_wellformed(typed)
    assert not crypto.receipt_is_wellformed("1234")


def test_receipt_lookup_is_deterministic_and_tolerant_of_typing(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    receipt = crypto.new_receipt()
    lookup = crypto.receipt_lookup(receipt)
    assert len(lookup) == 64
    assert crypto.receipt_lookup(receipt.replace(" ", "-")) == lookup
    assert crypto.receipt_lookup(crypto.new_receipt()) != lookup
    assert crypto.receipt_normalise(receipt) not in lookup


def test_receipt_pepper_is_created_once_readable_only_by_its_owner(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    crypto.receipt_lookup(crypto.new_receipt())
    path = tmp_path / "receipt_salt"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(path.read_bytes()) == crypto.SALT_BYTES


def test_receipt_lookup_depends_on_the_server_pepper(settings, tmp_path):
    receipt = crypto.new_receipt()
    settings.DATA_DIR = tmp_path / "a"
    first = crypto.receipt_lookup(receipt)
    settings.DATA_DIR = tmp_path / "b"
    assert crypto.receipt_lookup(receipt) != first


def test_receipt_key_differs_from_the_lookup_and_depends_on_the_salt(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    receipt = crypto.new_receipt()
    salt = crypto.new_salt()
    key = crypto.receipt_key(receipt, salt)
    assert len(key) == crypto.KEY_BYTES
    assert key == crypto.receipt_key(receipt.upper().replace(" ", "  "), salt)
    assert key != crypto.receipt_key(receipt, crypto.new_salt())
    assert key.hex() != crypto.receipt_lookup(receipt)


def test_recovery_key_round_trips_through_its_printed_form():
    key = crypto.new_recovery_key()
    printed = crypto.recovery_key_format(key)
    assert crypto.recovery_key_parse(printed.lower().replace("-", " ")) == key
    with pytest.raises(CryptoError):
        crypto.recovery_key_parse("not-a-key")


def test_constant_time_equal_compares_str_and_bytes():
    assert crypto.constant_time_equal("abc", b"abc")
    assert not crypto.constant_time_equal("abc", "abd")
