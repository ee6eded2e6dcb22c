"""The operator's commands, each in a process of its own as docs/operations.md runs them, on
a fresh SQLite data directory: keygen, backup, `backup --verify`, doctor and `keys rotate`.
In-process tests share a Django that pytest set up; a fresh process is where a command that
configured Django wrongly fails (`backup --verify` did, with a traceback about AuditHead).
Key files hold the lines exactly as the commands print them, labels included."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def kintrace(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT / "src"),
        "KINTRACE_DATA_DIR": str(data),
        "HOME": str(data.parent),
    }
    return subprocess.run(
        [sys.executable, "-m", "kintrace.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def no_traceback(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stderr and "Error:" not in done.stderr, done.stderr


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A migrated data directory with its organisation key, the backup key pair made by
    keygen, and a backup written by `kintrace backup --out`."""
    data = tmp_path_factory.mktemp("ops") / "data"
    for args in (
        ("manage", "migrate", "--verbosity", "0"),
        ("createstaff", "olga", "--role", "admin"),
    ):
        done = kintrace(data, *args)
        assert done.returncode == 0, done.stderr
        no_traceback(done)
    recovery = next(line for line in done.stdout.splitlines() if line.startswith("recovery key:"))
    keygen = kintrace(data, "backup", "keygen")
    assert keygen.returncode == 0, keygen.stderr
    lines = keygen.stdout.splitlines()
    private = next(line for line in lines if line.startswith("backup private key:"))
    (data.parent / "backup.key").write_text(private + "\n")  # as printed, label and all
    (data.parent / "recovery.key").write_text(recovery + "\n")
    backup = data.parent / "site.ktbackup"
    written = kintrace(data, "backup", "--out", str(backup))
    assert written.returncode == 0 and backup.is_file(), written.stderr
    no_traceback(written)
    return data, backup


def test_backup_verify_in_a_process_of_its_own_restores_and_checks_the_backup(live):
    data, backup = live
    key, recovery = data.parent / "backup.key", data.parent / "recovery.key"
    done = kintrace(
        data, "backup", "--verify", str(backup), "--key-file", str(key),
        "--recovery-key-file", str(recovery),
    )  # fmt: skip
    no_traceback(done)
    assert done.returncode == 0, done.stderr
    assert re.search(r"резервная копия .* восстанавливается", done.stdout) or "ok" in done.stdout


def test_a_wrong_key_for_verify_is_one_line_in_a_process_of_its_own(live, tmp_path):
    data, backup = live
    wrong = tmp_path / "wrong.key"
    wrong.write_text("backup private key: " + "ABCD-" * 12 + "ABCD\n")
    done = kintrace(data, "backup", "--verify", str(backup), "--key-file", str(wrong))
    no_traceback(done)
    assert done.returncode != 0 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("kintrace: ")


def test_doctor_and_keys_rotate_without_a_key_answer_in_lines_not_tracebacks(live, tmp_path):
    data, _backup = live
    doctor = kintrace(data, "doctor")
    no_traceback(doctor)
    assert doctor.returncode in (0, 1) and doctor.stdout.strip()
    missing = tmp_path / "none.key"
    rotate = kintrace(data, "keys", "rotate", "--recovery-key-file", str(missing))
    no_traceback(rotate)
    assert rotate.returncode != 0 and rotate.stderr.startswith("kintrace: ")


def test_restore_takes_the_key_files_as_the_commands_printed_them(live, tmp_path):
    data, backup = live
    key, recovery = data.parent / "backup.key", data.parent / "recovery.key"
    into = tmp_path / "restored"
    done = kintrace(
        tmp_path / "unused", "restore", str(backup), "--into", str(into), "--key-file", str(key),
        "--recovery-key-file", str(recovery),
    )  # fmt: skip
    no_traceback(done)
    assert done.returncode == 0, done.stderr
    assert (into / "kintrace.sqlite3").exists() or any(into.iterdir())


def test_doctor_in_production_without_a_secret_key_says_fail_in_a_line(tmp_path):
    env_data = tmp_path / "data"
    done = subprocess.run(
        [sys.executable, "-m", "kintrace.cli", "doctor"],
        capture_output=True,
        text=True,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT / "src"),
            "KINTRACE_DATA_DIR": str(env_data),
            "KINTRACE_MODE": "production",
        },
        timeout=120,
    )
    no_traceback(done)
    assert done.returncode == 1 and done.stdout.startswith("fail: ")


def test_a_restore_that_fails_leaves_no_directory_it_made(live, tmp_path):
    _data, backup = live
    wrong = tmp_path / "wrong.key"
    wrong.write_text("backup private key: " + "ABCD-" * 12 + "ABCD\n")
    into = tmp_path / "new-place"
    done = kintrace(tmp_path / "unused", "restore", str(backup), "--into", str(into),
                    "--key-file", str(wrong))  # fmt: skip
    no_traceback(done)
    assert done.returncode != 0 and not into.exists()
