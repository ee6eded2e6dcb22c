"""The encrypted backup file: a tar stream cut into chunks, each sealed with a random file key.

Layout (docs/operations.md, "The backup file"):

    magic "KTBACKUP" 0x00 0x01                                    10 bytes
    length L of the sealed header, 4 bytes big-endian
    seal(backup public key, file key (32) ‖ nonce prefix (15))   L bytes
    chunks, each: length N (4 bytes big-endian) ‖ secretbox blob (N bytes)

A chunk is at most CHUNK_BYTES of the tar stream, encrypted with `crypto.encrypt_with_nonce`
under the file key with the nonce `prefix ‖ final ‖ index` (final: 1 on the last chunk, else 0;
index: 8 bytes big-endian, counting from 0). The nonce enters the authenticator, so a chunk
moved, dropped, repeated or taken from another file fails; a file cut after any chunk but the
final one ends without a final chunk and is refused; bytes after the final chunk are refused.
Memory stays at about two chunks whatever the size of the backup.

This module uses no Django: restoring needs no configured kintrace.
"""

import struct

from kintrace.security import crypto

from .messages import OpsError, gettext_noop

MAGIC = b"KTBACKUP\x00\x01"
# What the tar stream holds (docs/operations.md): the manifest's format number, its parts.
FORMAT = 1
# Files of the data directory a restore needs (docs/security.md, docs/operations.md).
DATA_SECRETS = ("secret_key", "receipt_salt", "audit_key", "totp_key", "backup_public_key")
SQLITE_PART = "db/kintrace.sqlite3"
PG_PART = "db/kintrace.pgdump"
MANIFEST = "manifest.json"
SUFFIX = ".ktbackup"
CHUNK_BYTES = 1 << 20
PREFIX_BYTES = 15
_BLOB_OVERHEAD = 1 + crypto.NONCE_BYTES + 16  # version byte, nonce, Poly1305 tag
_MAX_HEADER = 256


class BackupFileError(OpsError):
    """The file is not a kintrace backup, was altered or cut short, or the key does not open
    it. The message is one line for the operator."""


def _nonce(prefix: bytes, index: int, final: bool) -> bytes:
    return prefix + (b"\x01" if final else b"\x00") + index.to_bytes(8, "big")


class EncryptingWriter:
    """A binary file-like object: what is written goes encrypted to `out` (see module doc).

    `close()` writes the final chunk; it does not close `out`."""

    def __init__(self, out, public_key: bytes):
        self._out = out
        material = crypto.random_key() + crypto.random_key()[:PREFIX_BYTES]
        self._key, self._prefix = material[:32], material[32:]
        sealed = crypto.seal(public_key, material)
        out.write(MAGIC + struct.pack(">I", len(sealed)) + sealed)
        self._buf = bytearray()
        self._index = 0
        self.closed = False

    def write(self, data) -> int:
        self._buf += data
        while len(self._buf) > CHUNK_BYTES:
            self._emit(bytes(self._buf[:CHUNK_BYTES]), final=False)
            del self._buf[:CHUNK_BYTES]
        return len(data)

    def _emit(self, data: bytes, *, final: bool) -> None:
        nonce = _nonce(self._prefix, self._index, final)
        blob = crypto.encrypt_with_nonce(self._key, data, nonce)
        self._out.write(struct.pack(">I", len(blob)) + blob)
        self._index += 1

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buf), final=True)
            self._buf = bytearray()
            self.closed = True


def _read_exact(f, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise BackupFileError(gettext_noop("the backup file is cut short"))
    return data


class DecryptingReader:
    """A binary file-like object reading the tar stream back out of an encrypted backup.

    Raises BackupFileError on the first byte that does not check (wrong key, altered or
    reordered chunk, a cut, trailing bytes)."""

    def __init__(self, f, private_key: bytes):
        self._f = f
        if f.read(len(MAGIC)) != MAGIC:
            raise BackupFileError(gettext_noop("not a kintrace backup file (or a newer format)"))
        (length,) = struct.unpack(">I", _read_exact(f, 4))
        if length > _MAX_HEADER:
            raise BackupFileError(gettext_noop("the backup file's header is damaged"))
        try:
            material = crypto.unseal(private_key, _read_exact(f, length))
        except crypto.CryptoError:
            raise BackupFileError(
                gettext_noop(
                    "the key does not open this backup (wrong key, or the header was altered)"
                )
            ) from None
        if len(material) != 32 + PREFIX_BYTES:
            raise BackupFileError(gettext_noop("the backup file's header is damaged"))
        self._key, self._prefix = material[:32], material[32:]
        self._index = 0
        self._buf = b""
        self._pos = 0
        self._done = False

    def _next_chunk(self) -> None:
        head = self._f.read(4)
        if len(head) < 4:
            raise BackupFileError(gettext_noop("the backup file is cut short (no final chunk)"))
        (length,) = struct.unpack(">I", head)
        if length > CHUNK_BYTES + _BLOB_OVERHEAD or length < _BLOB_OVERHEAD:
            raise BackupFileError(
                gettext_noop("chunk %(n)d of the backup file is damaged"), n=self._index
            )
        blob = _read_exact(self._f, length)
        nonce = blob[1 : 1 + crypto.NONCE_BYTES]
        final = nonce == _nonce(self._prefix, self._index, True)
        if not final and nonce != _nonce(self._prefix, self._index, False):
            raise BackupFileError(
                gettext_noop("chunk %(n)d of the backup file is out of place"), n=self._index
            )
        try:
            self._buf = crypto.decrypt(self._key, blob)
        except crypto.CryptoError:
            raise BackupFileError(
                gettext_noop("chunk %(n)d of the backup file was altered"), n=self._index
            ) from None
        self._pos = 0
        self._index += 1
        if final:
            if self._f.read(1):
                raise BackupFileError(gettext_noop("the backup file has bytes after its end"))
            self._done = True

    def read(self, n: int = -1) -> bytes:
        out = bytearray()
        while n < 0 or len(out) < n:
            if self._pos >= len(self._buf):
                if self._done:
                    break
                self._next_chunk()
                continue
            take = (
                len(self._buf) - self._pos
                if n < 0
                else min(n - len(out), len(self._buf) - self._pos)
            )
            out += self._buf[self._pos : self._pos + take]
            self._pos += take
        return bytes(out)

    def drain(self) -> None:
        """Read to the end, checking every chunk (tar stops reading at its end-of-archive
        blocks, before the final chunk's check)."""
        while not self._done:
            self._next_chunk()
        self._buf, self._pos = b"", 0
