"""`kintrace audit verify` and `kintrace audit head` as a real process on the test database:
every tampering of issue 9 gives exit 1 and one line on stderr."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from kintrace.audit import chain

from . import tampering

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def run_cli(*args):
    """The kintrace command on this test's database and data directory (same audit key)."""
    env = dict(os.environ, DATABASE_URL=_database_url())
    return subprocess.run(
        [sys.executable, "-m", "kintrace.cli", "audit", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_head_prints_the_anchor_and_verify_accepts_it():
    anchor = tampering.write_log()
    head = run_cli("head")
    assert head.returncode == 0, head.stderr
    assert head.stdout == f"{anchor}\n"
    verify = run_cli("verify", "--expect", head.stdout.strip())
    assert verify.returncode == 0, verify.stderr
    assert verify.stdout == (
        f"audit log intact: 6 entries, contains the expected head #6; head {anchor}\n"
    )


@pytest.mark.parametrize("tamper", tampering.TAMPERINGS, ids=lambda f: f.__name__)
def test_verify_exits_1_with_one_line_for_each_tampering(tamper):
    anchor = tampering.write_log()
    tamper()
    result = run_cli("verify", "--expect", str(anchor))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("audit log BROKEN after "), result.stderr


def test_verify_without_an_anchor_reports_every_entry_deleted():
    tampering.write_log()
    tampering.delete_every_entry()
    result = run_cli("verify")
    assert result.returncode == 1
    assert result.stderr == (
        "audit log BROKEN after 0 good entries: the newest entries were "
        "removed: the head says 6, found 0\n"
    )


def test_head_refuses_a_rolled_back_head_row():
    tampering.write_log()
    tampering.delete_newest_and_roll_head_back()
    result = run_cli("head")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        "kintrace audit head: the head record was altered or rolled back "
        "by hand; run `kintrace audit verify`\n"
    )


@pytest.mark.parametrize("bad", ["6", "six:" + "a" * 64, "6:" + "a" * 10, "", "0:" + "1" * 64])
def test_verify_refuses_a_malformed_expected_head_with_exit_2(bad):
    result = run_cli("verify", "--expect", bad)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("kintrace audit verify: --expect: ")


def test_a_damaged_audit_key_is_one_line_not_a_traceback(tmp_path):
    tampering.write_log()
    (tmp_path / chain.KEY_FILE).write_bytes(b"short")
    env = dict(os.environ, DATABASE_URL=_database_url(), KINTRACE_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "kintrace.cli", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("kintrace audit verify: the audit key cannot be read: ")
    assert len(result.stderr.splitlines()) == 1
