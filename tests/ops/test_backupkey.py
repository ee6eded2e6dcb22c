"""The backup private key: printed as base32 or split k of n into SLIP-39 word shares."""

import itertools

import pytest

from kintrace.ops.backupkey import (
    BackupKeyError,
    backup_keypair,
    private_key_parse,
    private_key_split,
    private_key_text,
    public_key_parse,
    public_key_text,
)


def test_any_two_of_three_shares_recover_the_key_and_one_does_not():
    _public, private = backup_keypair()
    shares = private_key_split(private, threshold=2, shares=3)
    assert all(len(s.split()) == 33 for s in shares)
    for a, b in itertools.combinations(shares, 2):
        assert private_key_parse(f"share 1/3: {a}\n\n  {b}  \n") == private
    with pytest.raises(BackupKeyError, match="do not recover"):
        private_key_parse(shares[0])


def test_a_mistyped_word_in_a_share_is_caught():
    _public, private = backup_keypair()
    a, b, _c = private_key_split(private, threshold=2, shares=3)
    words = a.split()
    words[5] = "academic" if words[5] != "academic" else "acid"
    with pytest.raises(BackupKeyError):
        private_key_parse(" ".join(words) + "\n" + b)


def test_the_printed_key_and_the_public_key_file_read_back():
    public, private = backup_keypair()
    assert private_key_parse(private_key_text(private).lower()) == private
    assert public_key_parse(public_key_text(public) + "\n") == public
    with pytest.raises(BackupKeyError):
        private_key_parse("not a key")
    with pytest.raises(BackupKeyError):
        public_key_parse(public.hex())


@pytest.mark.parametrize(("threshold", "shares"), [(1, 3), (4, 3), (2, 17), (0, 1)])
def test_splits_slip39_forbids_are_refused(threshold, shares):
    _public, private = backup_keypair()
    with pytest.raises(BackupKeyError):
        private_key_split(private, threshold=threshold, shares=shares)
