"""Writing a backup: memory stays bounded whatever the size of the stored files."""

import os
import tracemalloc

from django.conf import settings

from kintrace.ops.backup import backup_write
from kintrace.ops.restore import unpack


def test_backup_and_unpack_hold_a_few_chunks_in_memory_not_the_files(estate, tmp_path):
    big = settings.FILES_DIR / "bench-big"
    big.parent.mkdir(parents=True, exist_ok=True)
    big.write_bytes(os.urandom(24 << 20))
    try:
        tracemalloc.start()
        result = backup_write(out=tmp_path / "b.ktbackup", public_key=estate.backup_public)
        _now, backup_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        unpack(backup=result.path, private_key=estate.backup_private, into=tmp_path / "r")
        _now, restore_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        big.unlink()
    assert result.size > 24 << 20
    assert (tmp_path / "r" / "files" / "bench-big").stat().st_size == 24 << 20
    # Python's allocations, a few 1 MiB chunks at a time, well under the 24 MiB file (the
    # SQLite snapshot is copied by SQLite in C, page by page, and is not counted here).
    assert backup_peak < 10 << 20, backup_peak
    assert restore_peak < 10 << 20, restore_peak
