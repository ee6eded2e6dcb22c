"""All of kintrace's cryptography, behind one narrow facade.

Nothing else in the project imports PyNaCl or argon2 directly. Blobs carry a one-byte format
version so that algorithms can change later without guessing what a stored blob is.

- encrypt/decrypt: XSalsa20-Poly1305 (libsodium secretbox), 24-byte random nonce.
- seal/unseal: X25519 + XSalsa20-Poly1305 anonymous boxes (libsodium sealed box).
- derive_key: Argon2id (libsodium crypto_pwhash), 32-byte output.
- Receipts: eleven words from a list of 4,096 Russian nouns (132 bits), `receipts.py`; the
  40-digit receipts given before (132.9 bits) keep working. The server stores only
  Argon2id-derived values of the normalised receipt (a lookup value peppered with a
  server-wide salt, and a separate key).

Every failure to decrypt raises CryptoError; nothing here returns unauthenticated bytes.
"""

import base64
import binascii
import hmac
import os
import re
from pathlib import Path

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
import nacl.secret
import nacl.utils
from nacl.public import PrivateKey, PublicKey, SealedBox

from .receipts import new_receipt, receipt_normalise, receipt_normalise_or_none

__all__ = ["new_receipt", "receipt_normalise", "receipt_normalise_or_none"]  # re-exported

KEY_BYTES = 32
SALT_BYTES = argon2id.SALTBYTES  # 16
NONCE_BYTES = nacl.secret.SecretBox.NONCE_SIZE  # 24

VERSION_SECRETBOX = b"\x01"
VERSION_SEALEDBOX = b"\x02"

# Argon2id cost for secrets a person chose (passwords): libsodium's "interactive" level,
# about 0.1-0.3 s and 64 MiB here. Stored next to each wrapped key, so it can be raised later.
PASSWORD_OPS = argon2id.OPSLIMIT_INTERACTIVE  # 2
PASSWORD_MEM = argon2id.MEMLIMIT_INTERACTIVE  # 64 MiB

# Receipts carry 133 random bits, so the hash only has to make a stolen database useless
# for nothing-to-gain brute force; a lighter cost keeps 50 concurrent reporters in memory.
RECEIPT_OPS = 2
RECEIPT_MEM = 16 * 1024 * 1024

RECEIPT_ENTROPY_BITS = 132  # 11 * log2(4096); old 40-digit receipts: 132 too

RECOVERY_KEY_BYTES = 32


class CryptoError(Exception):
    """A blob could not be decrypted or verified (wrong key, tampered, truncated, bad format)."""


def random_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)


def new_salt() -> bytes:
    return nacl.utils.random(SALT_BYTES)


def _check_key(key: bytes, what: str = "key") -> None:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise CryptoError(f"{what} must be {KEY_BYTES} bytes")


def encrypt_with_nonce(key: bytes, plaintext: bytes, nonce: bytes) -> bytes:
    """encrypt() with a caller-chosen nonce. Only for fixed test vectors: never reuse a nonce."""
    _check_key(key)
    if len(nonce) != NONCE_BYTES:
        raise CryptoError(f"nonce must be {NONCE_BYTES} bytes")
    box = nacl.secret.SecretBox(key)
    return VERSION_SECRETBOX + bytes(box.encrypt(plaintext, nonce))


def encrypt(key: bytes, plaintext: bytes) -> bytes:
    """Authenticated encryption with a fresh random nonce: version | nonce | ciphertext+tag."""
    return encrypt_with_nonce(key, plaintext, nacl.utils.random(NONCE_BYTES))


def decrypt(key: bytes, blob: bytes) -> bytes:
    _check_key(key)
    blob = bytes(blob)
    if len(blob) < 1 + NONCE_BYTES + nacl.secret.SecretBox.MACBYTES:
        raise CryptoError("ciphertext too short")
    if blob[:1] != VERSION_SECRETBOX:
        raise CryptoError("unknown ciphertext version")
    try:
        return nacl.secret.SecretBox(key).decrypt(blob[1:])
    except nacl.exceptions.CryptoError as e:
        raise CryptoError("decryption failed: wrong key or tampered data") from e


def keypair() -> tuple[bytes, bytes]:
    """A new X25519 key pair as (public, private)."""
    private = PrivateKey.generate()
    return bytes(private.public_key), bytes(private)


def public_from_private(private_key: bytes) -> bytes:
    _check_key(private_key, "private key")
    return bytes(PrivateKey(private_key).public_key)


def seal(public_key: bytes, plaintext: bytes) -> bytes:
    """Encrypt for the holder of the private key; the sender cannot decrypt it afterwards."""
    _check_key(public_key, "public key")
    return VERSION_SEALEDBOX + bytes(SealedBox(PublicKey(public_key)).encrypt(plaintext))


def unseal(private_key: bytes, blob: bytes) -> bytes:
    _check_key(private_key, "private key")
    blob = bytes(blob)
    if blob[:1] != VERSION_SEALEDBOX:
        raise CryptoError("unknown sealed-box version")
    try:
        return SealedBox(PrivateKey(private_key)).decrypt(blob[1:])
    except nacl.exceptions.CryptoError as e:
        raise CryptoError("unsealing failed: wrong key or tampered data") from e


def derive_key(
    secret: str | bytes, salt: bytes, *, ops: int = PASSWORD_OPS, mem: int = PASSWORD_MEM
) -> bytes:
    """Argon2id: a 32-byte key from a secret and a 16-byte salt."""
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    if len(salt) != SALT_BYTES:
        raise CryptoError(f"salt must be {SALT_BYTES} bytes")
    return argon2id.kdf(KEY_BYTES, secret, salt, opslimit=ops, memlimit=mem)


def constant_time_equal(a: str | bytes, b: str | bytes) -> bool:
    if isinstance(a, str):
        a = a.encode("utf-8")
    if isinstance(b, str):
        b = b.encode("utf-8")
    return hmac.compare_digest(a, b)


# --- Codename receipts -------------------------------------------------------------------


def receipt_is_wellformed(text: str) -> bool:
    return receipt_normalise_or_none(text) is not None


def data_dir_secret(name: str, size: int = KEY_BYTES) -> bytes:
    """`size` random bytes kept in the file KINTRACE_DATA_DIR/<name>, created at first use
    (mode 0600, never overwritten) and cached per process.

    For keys that must stay outside the database, so that a database dump or a database
    write alone cannot use or forge what they protect. Raises CryptoError if the file holds
    the wrong number of bytes (damaged or replaced): never silently a new key.
    """
    from django.conf import settings

    path = Path(settings.DATA_DIR) / name
    cached = _pepper_cache.get(path)
    if cached is not None:
        return cached
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it between our check and open: read theirs
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(nacl.utils.random(size))
                f.flush()
                os.fsync(f.fileno())
    secret = path.read_bytes()
    if len(secret) != size:
        raise CryptoError(f"{path} is damaged: expected {size} bytes")
    _pepper_cache[path] = secret
    return secret


def _receipt_pepper() -> bytes:
    """The server-wide receipt salt in KINTRACE_DATA_DIR/receipt_salt, created once (0600).

    It is not in the database, so a database dump alone cannot be used to test guesses.
    """
    return data_dir_secret("receipt_salt", SALT_BYTES)


def keyed_hash(key: bytes, data: bytes) -> str:
    """HMAC-SHA256 of `data` under a 32-byte `key`, as 64 hex characters."""
    _check_key(key)
    return hmac.new(key, data, "sha256").hexdigest()


_pepper_cache: dict[Path, bytes] = {}


def receipt_lookup(receipt: str) -> str:
    """The value stored to find a report by its receipt (64 hex chars). Deterministic."""
    # The same material for a 40-digit receipt as before words came, so old receipts work.
    material = b"kintrace receipt lookup v1\x00" + receipt_normalise(receipt).encode()
    return derive_key(material, _receipt_pepper(), ops=RECEIPT_OPS, mem=RECEIPT_MEM).hex()


def receipt_key(receipt: str, salt: bytes) -> bytes:
    """The reporter's own 32-byte key, from the receipt and a per-report salt."""
    material = b"kintrace receipt key v1\x00" + receipt_normalise(receipt).encode()
    return derive_key(material, salt, ops=RECEIPT_OPS, mem=RECEIPT_MEM)


# --- Organisation recovery key -----------------------------------------------------------


def new_recovery_key() -> bytes:
    return nacl.utils.random(RECOVERY_KEY_BYTES)


def recovery_key_format(key: bytes) -> str:
    """Readable form: base32 in groups of four, e.g. 'ABCD-EFGH-...' (52 characters)."""
    text = base64.b32encode(key).decode().rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def recovery_key_parse(text: str) -> bytes:
    """The 32-byte key of a recovery key as printed ("ABCD-EFGH-…"), also with the label the
    commands print before it ("recovery key: ABCD-…"). Raises CryptoError."""
    text = re.sub(r"^\s*recovery\s+key\s*:\s*", "", text, flags=re.IGNORECASE)
    cleaned = "".join(c for c in text.upper() if c.isalnum())
    cleaned += "=" * (-len(cleaned) % 8)
    try:
        key = base64.b32decode(cleaned)
    except binascii.Error as e:
        raise CryptoError("not a recovery key") from e
    if len(key) != RECOVERY_KEY_BYTES:
        raise CryptoError("not a recovery key")
    return key
