"""Unpack a backup into an empty place and load its database; no Django here (the restored
place is checked by `kintrace backup check-restored` run with the restored configuration, see
`ops.check`).

Targets:
- a data directory alone (SQLite): the snapshot becomes DIR/kintrace.sqlite3;
- a data directory plus an empty PostgreSQL database: a PostgreSQL backup is loaded with
  `pg_restore`; a SQLite backup is copied row by row through Django's models
  (`ops.check.load_from_sqlite`), the way a group moves up from SQLite.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO, cast

from .archive import (
    DATA_SECRETS,
    MANIFEST,
    PG_PART,
    SQLITE_PART,
    BackupFileError,
    DecryptingReader,
)
from .backupkey import private_key_parse
from .messages import OpsError, gettext_noop

SOURCE_SQLITE = ".restore-source.sqlite3"
PG_DUMP = ".restore.pgdump"


class RestoreError(OpsError):
    """The restore was refused or failed (one line for the operator)."""


def _dest(into: Path, name: str) -> Path | None:
    """Where a member goes, or None for a name a backup never holds."""
    p = PurePosixPath(name)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        return None
    if name == SQLITE_PART:
        return into / "kintrace.sqlite3"
    if name == PG_PART:
        return into / PG_DUMP
    if p.parts[0] == "data" and len(p.parts) == 2 and p.parts[1] in DATA_SECRETS:
        return into / p.parts[1]
    if p.parts[0] == "files" and len(p.parts) >= 2:
        return into.joinpath(*p.parts)
    return None


def check_empty_dir(into: Path) -> None:
    if into.exists() and (not into.is_dir() or any(into.iterdir())):
        raise RestoreError(
            gettext_noop("%(place)s is not empty: a backup is restored into an empty place only"),
            place=str(into),
        )


def unpack(*, backup: Path, private_key: bytes, into: Path) -> dict:
    """Decrypt `backup` into the empty or new directory `into` (made 0700), checking every
    part's SHA-256 and size against the manifest; returns the manifest. On any failure what
    was written is removed again and RestoreError or BackupFileError is raised."""
    check_empty_dir(into)
    made = not into.exists()  # a directory made here goes again if the restore fails
    into.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(into, 0o700)
    seen: dict[str, dict] = {}
    manifest = None
    try:
        with open(backup, "rb") as f:
            reader = DecryptingReader(f, private_key)
            # A stream ("r|") only calls read() on its file object (and never closes one it
            # was given); typeshed's _Fileobj asks for write/tell/seek too, for the seekable
            # modes, so the reader is passed as the binary file it stands in for.
            stream = cast(BinaryIO, reader)
            try:
                tar = tarfile.open(fileobj=stream, mode="r|")
            except tarfile.TarError:
                raise BackupFileError(gettext_noop("the backup file holds no archive")) from None
            with tar:
                for member in tar:
                    if member.name == MANIFEST and member.isfile():
                        body = tar.extractfile(member)
                        assert body is not None  # extractfile gives None only for a non-file
                        manifest = json.loads(body.read())
                        continue
                    dest = _dest(into, member.name)
                    if dest is None or not member.isfile() or member.name in seen:
                        raise RestoreError(
                            gettext_noop("the backup holds an unexpected part: %(name)s"),
                            name=repr(member.name),
                        )
                    dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                    src = tar.extractfile(member)
                    assert src is not None  # a regular file (checked above) always opens
                    sha, size = hashlib.sha256(), 0
                    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "wb") as out:
                        while block := src.read(1 << 20):
                            sha.update(block)
                            size += len(block)
                            out.write(block)
                    seen[member.name] = {"size": size, "sha256": sha.hexdigest()}
            reader.drain()
        if manifest is None:
            raise RestoreError(gettext_noop("the backup has no manifest"))
        expected = manifest.get("parts", {})
        for name in sorted(set(expected) | set(seen)):
            if expected.get(name) != seen.get(name):
                raise RestoreError(
                    gettext_noop("part %(name)s does not match the manifest"), name=name
                )
    except BaseException:
        for child in into.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
        if made:
            into.rmdir()
        raise
    return manifest


def pg_is_empty(database_url: str) -> bool:
    """True when the database exists and its public schema has no table."""
    import psycopg  # only for PostgreSQL targets

    try:
        with psycopg.connect(database_url, connect_timeout=10) as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()
            assert row is not None  # an aggregate without GROUP BY always gives one row
            n = row[0]
    except psycopg.Error as e:
        raise RestoreError(
            gettext_noop("cannot open the database: %(why)s"),
            why=str(e).strip().splitlines()[0],
        ) from None
    return n == 0


def pg_restore(*, dump: Path, database_url: str) -> None:
    """Load a `pg_dump --format=custom` file into the (empty) database; RestoreError if
    pg_restore reports any error."""
    program = shutil.which("pg_restore")
    if program is None:
        raise RestoreError(
            gettext_noop("pg_restore is not installed (Debian: apt install postgresql-client)")
        )
    done = subprocess.run(  # noqa: S603 - pg_restore found on PATH
        [program, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         "--dbname", database_url, str(dump)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise RestoreError(gettext_noop("pg_restore failed: %(why)s"), why=last)


def restore_and_check(
    *, backup: Path, key_text: str, into: Path, database_url: str, receipt: str,
    recovery_key: str, record: bool,
) -> dict:  # fmt: skip
    """Unpack, load the database, run the checks in a child process configured for the
    restored place. Returns the check's result; raises RestoreError, BackupFileError,
    BackupKeyError or CheckFailed-as-RestoreError with one line."""
    private = private_key_parse(key_text)
    check_empty_dir(into)
    if database_url and not pg_is_empty(database_url):
        raise RestoreError(
            gettext_noop("the database is not empty: a backup is restored into an empty place only")
        )
    manifest = unpack(backup=backup, private_key=private, into=into)
    load = ""
    if manifest["engine"] == "postgresql":
        if not database_url:
            shutil.rmtree(into)
            raise RestoreError(
                gettext_noop("a PostgreSQL backup restores into PostgreSQL: give --into URL")
            )
        pg_restore(dump=into / PG_DUMP, database_url=database_url)
        (into / PG_DUMP).unlink()
    elif database_url:
        (into / "kintrace.sqlite3").rename(into / SOURCE_SQLITE)
        load = str(into / SOURCE_SQLITE)
    manifest_path = into / ".restore-manifest.json"
    manifest_path.write_text(json.dumps(manifest))
    env = dict(os.environ, KINTRACE_DATA_DIR=str(into))
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    request = {
        "manifest": str(manifest_path),
        "receipt": receipt,
        "recovery_key": recovery_key,
        "record": record,
        "load_sqlite": load,
        "backup_name": backup.name,
    }
    done = subprocess.run(
        [sys.executable, "-m", "kintrace.cli", "backup", "check-restored"],
        input=json.dumps(request), capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    manifest_path.unlink(missing_ok=True)
    if load:
        Path(load).unlink(missing_ok=True)
    if done.returncode != 0:
        raise _check_error(done.stdout, done.stderr)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["manifest"] = manifest
    return result


def _check_error(stdout: str, stderr: str) -> RestoreError:
    """The failed check's error: the child prints {"failed": template, "params": …} for a
    check that failed (translated here, by the command line), otherwise its last line."""
    for line in reversed(stdout.strip().splitlines()):
        try:
            said = json.loads(line)
        except ValueError:
            continue
        if isinstance(said, dict) and isinstance(said.get("failed"), str):
            why = OpsError(said["failed"], **said.get("params", {}))
            return RestoreError(gettext_noop("check failed: %(why)s"), why=why)
        break
    lines = stderr.strip().splitlines()
    if not lines:
        return RestoreError(gettext_noop("the check failed"))
    return RestoreError("%(why)s", why=lines[-1].removeprefix("kintrace: "))
