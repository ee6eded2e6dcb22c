"""The backup file format: what is written reads back; any change of a byte is refused."""

import io
import secrets

import pytest

from kintrace.ops.archive import CHUNK_BYTES, BackupFileError, DecryptingReader, EncryptingWriter
from kintrace.security import crypto

PLAIN = secrets.token_bytes(2 * CHUNK_BYTES + 12345)


def _encrypted(public: bytes, data: bytes = PLAIN) -> bytes:
    out = io.BytesIO()
    w = EncryptingWriter(out, public)
    for i in range(0, len(data), 70000):  # writes of odd sizes, as tar makes them
        w.write(data[i : i + 70000])
    w.close()
    return out.getvalue()


def _read(private: bytes, blob: bytes) -> bytes:
    r = DecryptingReader(io.BytesIO(blob), private)
    data = r.read()
    r.drain()
    return data


@pytest.fixture(scope="module")
def pair():
    return crypto.keypair()


def test_what_is_written_reads_back_over_several_chunks(pair):
    public, private = pair
    blob = _encrypted(public)
    assert _read(private, blob) == PLAIN
    assert PLAIN[1000:1032] not in blob


def test_an_empty_stream_still_ends_with_a_final_chunk(pair):
    public, private = pair
    assert _read(private, _encrypted(public, b"")) == b""


@pytest.mark.parametrize("where", [0, 5, 20, 100, 1_000_000, -1, -50])
def test_one_flipped_byte_anywhere_is_refused(pair, where):
    public, private = pair
    blob = bytearray(_encrypted(public))
    blob[where] ^= 0x01
    with pytest.raises(BackupFileError):
        _read(private, bytes(blob))


def test_a_file_cut_after_a_whole_chunk_is_refused(pair):
    public, private = pair
    blob = _encrypted(public)
    header = 10 + 4 + int.from_bytes(blob[10:14], "big")
    first = 4 + int.from_bytes(blob[header : header + 4], "big")
    with pytest.raises(BackupFileError, match="cut short"):
        _read(private, blob[: header + first])


def test_swapped_chunks_and_bytes_after_the_end_are_refused(pair):
    public, private = pair
    blob = _encrypted(public)
    header = 10 + 4 + int.from_bytes(blob[10:14], "big")
    chunks, pos = [], header
    while pos < len(blob):
        n = 4 + int.from_bytes(blob[pos : pos + 4], "big")
        chunks.append(blob[pos : pos + n])
        pos += n
    assert len(chunks) == 3
    swapped = blob[:header] + chunks[1] + chunks[0] + chunks[2]
    with pytest.raises(BackupFileError, match="out of place"):
        _read(private, swapped)
    with pytest.raises(BackupFileError, match="after its end"):
        _read(private, blob + b"\x00")


def test_another_key_does_not_open_the_file(pair):
    public, _private = pair
    _other_public, other_private = crypto.keypair()
    with pytest.raises(BackupFileError, match="key does not open"):
        _read(other_private, _encrypted(public, b"x"))
