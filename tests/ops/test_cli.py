"""The commands as an operator runs them: keygen, backup with retention, verify, doctor."""

import pytest

from kintrace.cli import main
from kintrace.ops.models import BackupRun


@pytest.fixture
def keygen(settings, tmp_path, capsys):
    """Run `kintrace backup keygen --shares 3 --threshold 2`; the file of two shares."""
    public = settings.DATA_DIR / "backup_public_key"
    assert main(["backup", "keygen", "--shares", "3", "--threshold", "2", "--force"]) == 0
    out = capsys.readouterr().out
    shares = [line for line in out.splitlines() if line.startswith("share ")]
    assert len(shares) == 3 and all(len(s.split(": ")[1].split()) == 33 for s in shares)
    assert (public.stat().st_mode & 0o777) == 0o600
    key_file = tmp_path / "two-shares.txt"
    key_file.write_text(shares[0] + "\n" + shares[2] + "\n")
    yield key_file
    public.unlink(missing_ok=True)


def test_backup_keeps_the_newest_and_verify_records_a_checked_restore(
    estate, keygen, tmp_path, capsys
):
    backups = tmp_path / "backups"
    backups.mkdir()
    old = backups / "kintrace-20200101T000000Z.ktbackup"
    old.write_bytes(b"old")
    other = backups / "notes.txt"
    other.write_text("not a backup")
    assert main(["backup", "--out", str(backups), "--keep", "1"]) == 0
    out = capsys.readouterr().out
    assert f"deleted old backup {old.name}" in out
    written = sorted(backups.glob("kintrace-*.ktbackup"))
    assert len(written) == 1 and not old.exists() and other.exists()
    assert BackupRun.objects.get(kind="backup").file_name == written[0].name

    assert main(["backup", "--verify", str(written[0]), "--key-file", str(keygen)]) == 0
    out = capsys.readouterr().out
    assert "ok: audit chain verifies" in out and "not checked: receipt" in out
    assert BackupRun.objects.filter(kind="verify", ok=True).count() == 1
    assert not list(tmp_path.glob("**/.verify-*"))


def test_verify_refuses_a_tampered_backup_and_records_the_failure(estate, keygen, tmp_path, capsys):
    assert main(["backup", "--out", str(tmp_path / "b.ktbackup")]) == 0
    blob = bytearray((tmp_path / "b.ktbackup").read_bytes())
    blob[-100] ^= 1
    (tmp_path / "b.ktbackup").write_bytes(bytes(blob))
    assert (
        main(["backup", "--verify", str(tmp_path / "b.ktbackup"), "--key-file", str(keygen)]) == 1
    )
    assert "altered" in capsys.readouterr().err
    assert BackupRun.objects.get(kind="verify").ok is False


def test_backup_without_a_key_and_restore_into_a_full_place_say_so_in_one_line(
    estate, tmp_path, capsys, settings
):
    (settings.DATA_DIR / "backup_public_key").unlink(missing_ok=True)
    assert main(["backup", "--out", str(tmp_path / "b.ktbackup")]) == 2
    assert "run `kintrace backup keygen` first" in capsys.readouterr().err
    assert not (tmp_path / "b.ktbackup").exists()
    full = tmp_path / "full"
    full.mkdir()
    (full / "x").write_text("x")
    key = tmp_path / "k"
    key.write_text("AAAA-" * 12 + "AAAA")
    assert (
        main(["restore", str(tmp_path / "none"), "--into", str(full), "--key-file", str(key)]) == 1
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not empty" in err


def test_doctor_fails_without_a_recent_backup_and_passes_that_check_after_one(
    estate, keygen, tmp_path, capsys
):
    main(["doctor"])
    assert "fail: no backup was ever written" in capsys.readouterr().out
    assert main(["backup", "--out", str(tmp_path / "b.ktbackup")]) == 0
    capsys.readouterr()
    main(["doctor"])
    out = capsys.readouterr().out
    assert "  ok: last backup 0 hours ago" in out
    assert "warn: no backup was ever restored and verified" in out


def _backup_and_key(estate, tmp_path):
    from kintrace.ops.backup import backup_write
    from kintrace.ops.backupkey import private_key_text

    result = backup_write(out=tmp_path / "b.ktbackup", public_key=estate.backup_public)
    key = tmp_path / "backup.key"
    key.write_text(private_key_text(estate.backup_private))
    return result.path, key


def _count_reports(database_url: str, into) -> int:
    import sqlite3

    import psycopg

    if database_url:
        with psycopg.connect(database_url) as conn:
            row = conn.execute("SELECT COUNT(*) FROM intake_report").fetchone()
    else:
        with sqlite3.connect(into / "kintrace.sqlite3") as conn:
            row = conn.execute("SELECT COUNT(*) FROM intake_report").fetchone()
    assert row is not None
    return row[0]


@pytest.mark.parametrize("form", ["--into DIR", "--into URL --data-dir DIR", "--database-url"])
def test_restore_takes_a_directory_or_a_postgresql_url_as_the_place(
    estate, tmp_path, scratch_pg, capsys, form
):
    from django.db import connection
    from django.utils import translation

    backup, key = _backup_and_key(estate, tmp_path)
    into = tmp_path / "restored"
    url = "" if form == "--into DIR" else scratch_pg()
    if connection.vendor == "postgresql" and not url:  # a pg_dump backup, no SQLite in it
        with translation.override("en"):
            status = main(["restore", str(backup), "--into", str(into), "--key-file", str(key)])
        assert status == 1 and not into.exists()
        assert "a PostgreSQL backup restores into PostgreSQL: give --into URL" in (
            capsys.readouterr().err
        )
        return
    where = {
        "--into DIR": ["--into", str(into)],
        "--into URL --data-dir DIR": ["--into", url, "--data-dir", str(into)],
        "--database-url": ["--into", str(into), "--database-url", url],
    }[form]
    assert main(["restore", str(backup), *where, "--key-file", str(key)]) == 0, (
        capsys.readouterr().err
    )
    assert "ok: audit chain verifies" in capsys.readouterr().out
    assert (into / "receipt_salt").exists() and (into / "files").is_dir()
    assert (into / "kintrace.sqlite3").exists() == (not url)
    assert _count_reports(url, into) == 1


def test_restore_refuses_a_full_directory_or_database_and_a_half_named_place_in_one_line(
    estate, tmp_path, scratch_pg, capsys
):
    import psycopg
    from django.utils import translation

    backup, key = _backup_and_key(estate, tmp_path)
    full = tmp_path / "full"
    full.mkdir()
    (full / "x").write_text("x")
    busy = scratch_pg()
    with psycopg.connect(busy, autocommit=True) as conn:
        conn.execute("CREATE TABLE somebody_elses (id int)")
    empty_db = scratch_pg()
    new = str(tmp_path / "new")
    refused = [
        (
            ["--into", str(full)],
            1,
            f"{full} is not empty: a backup is restored into an empty place",
        ),
        (["--into", empty_db, "--data-dir", str(full)], 1, f"{full} is not empty"),
        (["--into", busy, "--data-dir", new], 1, "the database is not empty"),
        (["--into", empty_db], 2, "--into URL needs --data-dir DIR"),
        (["--into", new, "--data-dir", new], 2, "--data-dir goes with --into URL"),
        (["--into", "mysql://x/y", "--data-dir", new], 2, "a PostgreSQL URL"),
        (["--into", empty_db, "--database-url", empty_db, "--data-dir", new], 2, "once"),
    ]
    with translation.override("en"):
        for where, status, message in refused:
            assert main(["restore", str(backup), *where, "--key-file", str(key)]) == status
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and err.startswith("kintrace: restore: "), err
            assert message in err, (where, err)
    assert [p.name for p in full.iterdir()] == ["x"] and not (tmp_path / "new").exists()
    with psycopg.connect(empty_db) as conn:
        assert conn.execute(
            "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone() == (0,)
    with translation.override("ru"):
        assert main(["restore", str(backup), "--into", str(full), "--key-file", str(key)]) == 1
    err = capsys.readouterr().err
    said = "резервная копия восстанавливается только в пустое место"
    assert err == f"kintrace: восстановление: {full} не пуст: {said}\n"
