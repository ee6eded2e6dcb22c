"""Backups restored into an empty place and checked there (the checks run in a child process
configured for the restored place, as `kintrace restore` runs them)."""

import sqlite3
import threading

import psycopg
import pytest
from django.db import connection

from kintrace.ops.archive import BackupFileError
from kintrace.ops.backup import backup_write
from kintrace.ops.backupkey import private_key_split, private_key_text
from kintrace.ops.restore import RestoreError, restore_and_check, unpack

from .conftest import PHONE, REPORTER, STORY, SUBJECT


def _target(scratch_pg) -> str:
    """Where a backup of this test run's database restores: PostgreSQL for a pg_dump."""
    return scratch_pg() if connection.vendor == "postgresql" else ""


def _rows(into, database_url: str, sql: str):
    if database_url:
        with psycopg.connect(database_url) as conn:
            return conn.execute(sql).fetchall()
    with sqlite3.connect(into / "kintrace.sqlite3") as conn:
        return conn.execute(sql).fetchall()


def test_a_restore_opens_a_report_with_its_receipt_and_every_report_with_the_recovery_key(
    estate, tmp_path, scratch_pg
):
    result = backup_write(out=tmp_path / "b.ktbackup", public_key=estate.backup_public)
    database_url = _target(scratch_pg)
    shares = private_key_split(estate.backup_private, threshold=2, shares=3)
    checked = restore_and_check(
        backup=result.path, key_text=f"{shares[2]}\n{shares[0]}\n", into=tmp_path / "restored",
        database_url=database_url, receipt=estate.receipt, recovery_key=estate.recovery_key,
        record=True,
    )  # fmt: skip
    assert checked["skipped"] == []
    assert "a receipt opens its report" in checked["done"]
    assert "1 reports decrypt with the recovery key" in checked["done"]
    assert checked["manifest"]["counts"]["intake_report"] == 1
    into = tmp_path / "restored"
    assert {p.name for p in into.iterdir()} >= {"receipt_salt", "audit_key", "files"}
    assert len(list((into / "files").rglob("*"))) >= 2  # the photo and its viewing copy
    assert (into.stat().st_mode & 0o777) == 0o700
    # The verified restore is recorded in the restored database, audited there.
    assert _rows(into, database_url, "SELECT kind, ok FROM ops_backuprun") == [("verify", True)]


def test_a_wrong_recovery_key_fails_the_check(estate, tmp_path, scratch_pg):
    from kintrace.security import crypto

    result = backup_write(out=tmp_path / "b.ktbackup", public_key=estate.backup_public)
    wrong = crypto.recovery_key_format(crypto.new_recovery_key())
    with pytest.raises(RestoreError, match="recovery key: it does not open"):
        restore_and_check(
            backup=result.path, key_text=private_key_text(estate.backup_private),
            into=tmp_path / "restored", database_url=_target(scratch_pg), receipt="",
            recovery_key=wrong, record=False,
        )  # fmt: skip


def test_the_backup_file_holds_no_reporter_data_and_no_key_in_clear(estate, tmp_path):
    from django.conf import settings

    result = backup_write(out=tmp_path / "b.ktbackup", public_key=estate.backup_public)
    blob = result.path.read_bytes()
    secrets_in_clear = [PHONE, STORY, REPORTER, SUBJECT]
    for text in secrets_in_clear:
        assert text.encode() not in blob, text
    for i in range(0, len(estate.photo) - 32, 4096):
        assert estate.photo[i : i + 32] not in blob
    for name in ("receipt_salt", "audit_key"):
        assert (settings.DATA_DIR / name).read_bytes() not in blob
    assert (result.path.stat().st_mode & 0o777) == 0o600
    if connection.vendor == "sqlite":  # the search reads stored bytes: the clear copy has it
        restored = tmp_path / "restored"
        unpack(backup=result.path, private_key=estate.backup_private, into=restored)
        assert SUBJECT.encode() in (restored / "kintrace.sqlite3").read_bytes()


def test_a_backup_taken_while_writes_go_on_is_one_consistent_moment(estate, tmp_path, scratch_pg):
    from django.db import connections

    from kintrace.registry.services import source_create

    stop = threading.Event()
    written = []

    def writer():
        try:
            while not stop.is_set():
                source_create(kind="other", title=f"source {len(written)}", actor=None)
                written.append(1)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            stop.wait(0.01)
        result = backup_write(out=tmp_path / "b.ktbackup", public_key=estate.backup_public)
        while len(written) < result.manifest["counts"]["registry_source"] + 5:
            stop.wait(0.01)  # writes go on after the snapshot too
    finally:
        stop.set()
        thread.join()
    database_url = _target(scratch_pg)
    into = tmp_path / "restored"
    restore_and_check(
        backup=result.path, key_text=private_key_text(estate.backup_private), into=into,
        database_url=database_url, receipt="", recovery_key="", record=False,
    )  # fmt: skip
    sources = _rows(into, database_url, "SELECT COUNT(*) FROM registry_source")[0][0]
    entries = _rows(
        into, database_url, "SELECT COUNT(*) FROM audit_auditentry WHERE action = 'source.create'"
    )[0][0]
    assert 5 <= sources == entries < len(written)
    assert result.manifest["counts"]["registry_source"] == sources


def test_a_restore_into_a_non_empty_place_is_refused_and_touches_nothing(
    estate, tmp_path, scratch_pg
):
    result = backup_write(out=tmp_path / "b.ktbackup", public_key=estate.backup_public)
    key = private_key_text(estate.backup_private)
    full = tmp_path / "full"
    full.mkdir()
    (full / "notes.txt").write_text("keep me")
    with pytest.raises(RestoreError, match="not empty"):
        restore_and_check(backup=result.path, key_text=key, into=full, database_url="",
                          receipt="", recovery_key="", record=False)  # fmt: skip
    assert [p.name for p in full.iterdir()] == ["notes.txt"]
    busy = scratch_pg()
    with psycopg.connect(busy, autocommit=True) as conn:
        conn.execute("CREATE TABLE somebody_elses (id int)")
    with pytest.raises(RestoreError, match="database is not empty"):
        restore_and_check(backup=result.path, key_text=key, into=tmp_path / "new",
                          database_url=busy, receipt="", recovery_key="", record=False)  # fmt: skip
    assert not (tmp_path / "new").exists()


def test_a_backup_with_one_flipped_byte_is_refused_and_leaves_nothing(estate, tmp_path):
    result = backup_write(out=tmp_path / "b.ktbackup", public_key=estate.backup_public)
    blob = bytearray(result.path.read_bytes())
    blob[len(blob) // 2] ^= 0x20
    bad = tmp_path / "bad.ktbackup"
    bad.write_bytes(bytes(blob))
    into = tmp_path / "restored"
    with pytest.raises(BackupFileError, match="altered"):
        restore_and_check(
            backup=bad, key_text=private_key_text(estate.backup_private), into=into,
            database_url="", receipt="", recovery_key="", record=False,
        )  # fmt: skip
    assert not into.exists()  # the directory the restore made goes too
    made_by_the_operator = tmp_path / "empty"
    made_by_the_operator.mkdir()
    with pytest.raises(BackupFileError, match="altered"):
        restore_and_check(
            backup=bad, key_text=private_key_text(estate.backup_private),
            into=made_by_the_operator, database_url="", receipt="", recovery_key="", record=False,
        )  # fmt: skip
    assert made_by_the_operator.is_dir() and list(made_by_the_operator.iterdir()) == []


def test_a_sqlite_backup_restores_into_postgresql(estate, tmp_path, scratch_pg):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL pass backs up with pg_dump; this moves a SQLite backup up")
    result = backup_write(out=tmp_path / "b.ktbackup", public_key=estate.backup_public)
    database_url = scratch_pg()
    checked = restore_and_check(
        backup=result.path, key_text=private_key_text(estate.backup_private),
        into=tmp_path / "restored", database_url=database_url, receipt=estate.receipt,
        recovery_key=estate.recovery_key, record=False,
    )  # fmt: skip
    assert checked["skipped"] == []
    assert not (tmp_path / "restored" / "kintrace.sqlite3").exists()
    assert not (tmp_path / "restored" / ".restore-source.sqlite3").exists()
    assert _rows(tmp_path, database_url, "SELECT subject_name FROM intake_report") == [(SUBJECT,)]
