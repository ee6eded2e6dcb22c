"""Loaded by pytest before Django reads its settings (`-p tests._env` in pyproject.toml):
a conftest.py is read too late, after pytest-django has configured Django."""

import os
import tempfile

# Each test run gets its own data directory, so tests never touch a developer's data.
os.environ.setdefault("KINTRACE_DATA_DIR", tempfile.mkdtemp(prefix="kintrace-test-"))
# SQLite tests use a database file in WAL mode, as kintrace runs, not Django's shared-cache
# in-memory default: there a background thread's write fails at once with "database table is
# locked" while the test thread reads, instead of waiting as WAL readers and writers do.
os.environ.setdefault(
    "KINTRACE_SQLITE_TEST_NAME", os.path.join(os.environ["KINTRACE_DATA_DIR"], "test.sqlite3")
)
