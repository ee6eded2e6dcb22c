"""Write a backup: a consistent snapshot of the database, every stored file, the data
directory's secrets, and a manifest, as one tar stream encrypted to the backup public key
(`ops.archive`). docs/operations.md describes what is inside and how to restore it.

Consistency: the database snapshot is one read transaction (SQLite's online backup API copies
the database as of one moment while the server keeps writing; on PostgreSQL `pg_dump
--snapshot` reads the snapshot exported by our REPEATABLE READ transaction, in which the
counts, migrations and audit head of the manifest are read too). Stored files are read after
the snapshot: a file the snapshot names was written before its row committed (intake stores
files first), so it is there; a file added later is carried along unnamed and harmless.

The snapshot passes through a temporary directory inside the data directory (mode 0700, the
same protection as the live database), removed when the backup ends, even on failure.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import BinaryIO, cast

from django.conf import settings
from django.db import connection, transaction

from .archive import (
    DATA_SECRETS,
    FORMAT,
    MANIFEST,
    PG_PART,
    SQLITE_PART,
    SUFFIX,
    EncryptingWriter,
)
from .messages import OpsError, gettext_noop


class BackupError(OpsError):
    """The backup could not be written (one line for the operator); nothing is left behind."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    sha256: str
    manifest: dict


def kintrace_version() -> str:
    try:
        return metadata.version("kintrace")
    except metadata.PackageNotFoundError:
        return "unknown"


def _sqlite_meta(conn: sqlite3.Connection) -> dict:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    counts = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608 - names from sqlite_master
    return {
        "counts": counts,
        "migrations": [list(r) for r in conn.execute("SELECT app, name FROM django_migrations")],
        "audit_head": _head(conn.execute("SELECT seq, hash FROM audit_audithead WHERE id = 1")),
    }


def _head(cursor) -> str:
    row = cursor.fetchone()
    return f"{row[0]}:{row[1]}" if row else "0:" + "0" * 64


def _snapshot_sqlite(tmp: Path) -> tuple[Path, dict]:
    dest = tmp / "kintrace.sqlite3"
    src = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=60)
    dst = sqlite3.connect(str(dest))
    try:
        src.backup(dst)  # pages=-1: the whole database in one step, under one read lock
        meta = _sqlite_meta(dst)
    finally:
        dst.close()
        src.close()
    return dest, meta


def _pg_env() -> tuple[list[str], dict]:
    s = connection.settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _snapshot_postgresql(tmp: Path) -> tuple[Path, dict]:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            gettext_noop("pg_dump is not installed (Debian: apt install postgresql-client)")
        )
    dest = tmp / "kintrace.pgdump"
    args, env = _pg_env()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur.execute("SELECT pg_export_snapshot()")
        snapshot = cur.fetchone()[0]
        tables = sorted(connection.introspection.table_names(cur))
        counts = {}
        for t in tables:
            cur.execute(f'SELECT COUNT(*) FROM "{t}"')  # noqa: S608 - names from the catalogue
            counts[t] = cur.fetchone()[0]
        cur.execute("SELECT app, name FROM django_migrations")
        migrations = [list(r) for r in cur.fetchall()]
        cur.execute("SELECT seq, hash FROM audit_audithead WHERE id = 1")
        head = _head(cur)
        done = subprocess.run(  # noqa: S603 - pg_dump found on PATH, arguments from settings
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges",
             f"--snapshot={snapshot}", "--file", str(dest), *args],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["failed"])[-1]
            raise BackupError(gettext_noop("pg_dump failed: %(why)s"), why=last)
    return dest, {"counts": counts, "migrations": migrations, "audit_head": head}


class _Hashing:
    """Wraps a binary file: reads pass through while SHA-256 and the size add up."""

    def __init__(self, f):
        self._f, self.sha, self.size = f, hashlib.sha256(), 0

    def read(self, n=-1):
        data = self._f.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


def _add(tar: tarfile.TarFile, name: str, path: Path, parts: dict) -> None:
    info = tarfile.TarInfo(name)
    with path.open("rb") as f:
        info.size = os.fstat(f.fileno()).st_size
        info.mode = 0o600
        h = _Hashing(f)
        tar.addfile(info, h)
    if h.size != info.size:  # the file changed size under us: refuse rather than lie
        raise BackupError(gettext_noop("%(name)s changed while it was read"), name=name)
    parts[name] = {"size": h.size, "sha256": h.sha.hexdigest()}


def _stored_files() -> list[tuple[str, Path]]:
    root = Path(settings.FILES_DIR)
    out = []
    if root.is_dir():
        for dirpath, _dirs, names in os.walk(root):
            for n in sorted(names):
                p = Path(dirpath) / n
                if p.is_file() and not p.is_symlink():
                    out.append(("files/" + p.relative_to(root).as_posix(), p))
    return sorted(out)


def backup_write(*, out: Path, public_key: bytes) -> BackupResult:
    """Write an encrypted backup to `out` (a file that must not exist yet; written as
    `out.partial`, renamed when complete, mode 0600). Returns its path, size, SHA-256 and
    manifest. Raises BackupError; on any failure nothing is left behind."""
    out = Path(out)
    if out.exists():
        raise BackupError(gettext_noop("%(path)s exists already"), path=str(out))
    data_dir = Path(settings.DATA_DIR)
    tmp = Path(tempfile.mkdtemp(prefix=".backup-", dir=data_dir))
    partial = out.with_name(out.name + ".partial")
    try:
        if connection.vendor == "sqlite":
            db_path, meta = _snapshot_sqlite(tmp)
            db_part, engine = SQLITE_PART, "sqlite"
        elif connection.vendor == "postgresql":
            db_path, meta = _snapshot_postgresql(tmp)
            db_part, engine = PG_PART, "postgresql"
        else:
            raise BackupError(
                gettext_noop("cannot back up a %(engine)s database"), engine=connection.vendor
            )
        parts: dict = {}
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw:
            writer = EncryptingWriter(raw, public_key)
            # A stream ("w|") only calls write() on its file object (and never closes one it
            # was given); typeshed's _Fileobj asks for read/tell/seek too, for the seekable
            # modes, so the writer is passed as the binary file it stands in for.
            stream = cast(BinaryIO, writer)
            with tarfile.open(fileobj=stream, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                _add(tar, db_part, db_path, parts)
                db_path.unlink()
                for name in DATA_SECRETS:
                    if (data_dir / name).is_file():
                        _add(tar, "data/" + name, data_dir / name, parts)
                for name, path in _stored_files():
                    try:
                        _add(tar, name, path, parts)
                    except FileNotFoundError:
                        continue  # deleted after the snapshot: the snapshot does not name it
                manifest = {
                    "format": FORMAT,
                    "kintrace_version": kintrace_version(),
                    "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                    "engine": engine,
                    "database_part": db_part,
                    **meta,
                    "parts": parts,
                }
                body = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(body), 0o600
                tar.addfile(info, io.BytesIO(body))
            writer.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.rename(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sha = hashlib.sha256()
    with out.open("rb") as f:
        while block := f.read(1 << 20):
            sha.update(block)
    return BackupResult(out, out.stat().st_size, sha.hexdigest(), manifest)


def backup_name(now: datetime.datetime | None = None) -> str:
    """kintrace-YYYYMMDDTHHMMSSZ.ktbackup (UTC): names that sort by time."""
    now = now or datetime.datetime.now(datetime.UTC)
    return f"kintrace-{now:%Y%m%dT%H%M%SZ}{SUFFIX}"


def backups_prune(directory: Path, *, keep: int) -> list[Path]:
    """Delete all but the `keep` newest kintrace-*.ktbackup files in `directory` (by name,
    which is by time); return the deleted paths. Other files are never touched."""
    found = sorted(p for p in Path(directory).glob(f"kintrace-*{SUFFIX}") if p.is_file())
    gone = found[: max(0, len(found) - keep)]
    for p in gone:
        p.unlink()
    return gone
