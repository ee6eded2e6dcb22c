"""Encrypted files under the data directory.

Each file is one ciphertext (the report's data key, the crypto facade's `encrypt`) named by a
random token, so neither the name nor the content says anything about the report.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings

from kintrace.security.crypto import decrypt, encrypt


def _dir() -> Path:
    d = Path(settings.FILES_DIR) / "intake"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d


def _path(name: str) -> Path:
    if not name or not all(c in "0123456789abcdef" for c in name):
        raise ValueError("not a stored file name")
    return _dir() / name


def store_encrypted(key: bytes, data: bytes) -> str:
    """Encrypt and write atomically; return the stored name."""
    name = secrets.token_hex(20)
    path = _path(name)
    tmp = path.with_suffix(".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(encrypt(key, data))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return name


def read_encrypted(key: bytes, name: str) -> bytes:
    return decrypt(key, _path(name).read_bytes())


def remove_stored(name: str) -> None:
    """Remove a file written for a transaction that then rolled back."""
    try:
        _path(name).unlink()
    except FileNotFoundError:
        pass
