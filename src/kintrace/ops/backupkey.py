"""The backup key pair: backups are sealed to the public half; the private half is printed once
(as a base32 key or as k-of-n SLIP-39 word shares for trustees) and never stored by kintrace.

SLIP-39 (https://github.com/satoshilabs/slips/blob/master/slip-0039.md, reference implementation
`shamir_mnemonic` by SatoshiLabs): one group, `threshold` of `shares` word lists recover the
32-byte private key; fewer tell nothing about it. Each share is 33 words from the SLIP-39 list of
1,024 English words and carries a checksum, so a mistyped word is caught.

No Django here: a restore on a fresh machine needs no configuration.
"""

import re

import shamir_mnemonic

from kintrace.security import crypto

from .messages import OpsError, gettext_noop

PUBLIC_PREFIX = "kintrace-backup-public:"
# keygen prints "share 2/3: word word ..."; the label may be typed back in.
_NOT_PUBLIC = gettext_noop("not a kintrace backup public key")
# keygen's labels, which an operator may copy with the key: "share 2/3:", "backup private key:"
_SHARE_LABEL = re.compile(r"^\s*(?:share\s+\d+/\d+|backup\s+private\s+key)\s*:\s*", re.IGNORECASE)


class BackupKeyError(OpsError, ValueError):
    """Text that is not a backup key, a share set that does not recover one, or a public-key
    file that does not parse. The message is one line for the operator."""


def backup_keypair() -> tuple[bytes, bytes]:
    """A new X25519 key pair (public, private), 32 bytes each."""
    return crypto.keypair()


def public_key_text(public: bytes) -> str:
    return PUBLIC_PREFIX + public.hex()


def public_key_parse(text: str) -> bytes:
    """The 32-byte public key from `public_key_text` output; BackupKeyError otherwise."""
    text = text.strip()
    if not text.startswith(PUBLIC_PREFIX):
        raise BackupKeyError(_NOT_PUBLIC)
    try:
        key = bytes.fromhex(text[len(PUBLIC_PREFIX) :])
    except ValueError:
        raise BackupKeyError(_NOT_PUBLIC) from None
    if len(key) != 32:
        raise BackupKeyError(_NOT_PUBLIC)
    return key


def private_key_text(private: bytes) -> str:
    """The private key as 13 groups of four base32 letters (the recovery key's form)."""
    return crypto.recovery_key_format(private)


def private_key_split(private: bytes, *, threshold: int, shares: int) -> list[str]:
    """`shares` SLIP-39 mnemonics (33 words each), any `threshold` of which give `private` back.

    Raises BackupKeyError for 1 < shares with threshold 1 (SLIP-39 forbids it: one share would
    be the key), threshold > shares, or more than 16 shares."""
    if not 1 <= threshold <= shares <= 16 or (threshold == 1 and shares > 1):
        raise BackupKeyError(
            gettext_noop(
                "use 2 <= threshold <= shares <= 16 (or 1 of 1): SLIP-39 allows no other split"
            )
        )
    groups = shamir_mnemonic.generate_mnemonics(1, [(threshold, shares)], private)
    return groups[0]


def private_key_parse(text: str) -> bytes:
    """The 32-byte private key from what an operator typed: the base32 key, or SLIP-39 shares
    one per line (at least the threshold of them). Raises BackupKeyError."""
    lines = [
        " ".join(_SHARE_LABEL.sub("", line).split()) for line in text.splitlines() if line.strip()
    ]
    if lines and all(len(line.split()) >= 20 for line in lines):
        try:
            key = shamir_mnemonic.combine_mnemonics(lines)
        except shamir_mnemonic.MnemonicError as e:
            # The library's detail ("Invalid mnemonic checksum.") has no translation: it
            # follows the translated sentence in English (docs/operations.md).
            raise BackupKeyError(
                gettext_noop("the shares do not recover the key: %(detail)s"), detail=str(e)
            ) from None
        if len(key) != 32:
            raise BackupKeyError(
                gettext_noop("the shares recover something that is not a backup key")
            )
        return key
    try:
        return crypto.recovery_key_parse(" ".join(lines))
    except crypto.CryptoError:
        raise BackupKeyError(
            gettext_noop("not a backup private key (13 groups of four letters) nor SLIP-39 shares")
        ) from None
