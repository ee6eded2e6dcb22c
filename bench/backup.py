"""Backup and restore at a stated scale: time, file size and peak memory, on SQLite and on
PostgreSQL.

    python bench/backup.py [--persons 50000] [--events 500000] [--reports 100] [--files-mb 200]
                           [--postgres postgres://USER@HOST:PORT/postgres] [--skip-sqlite]
                           [--sqlite-to-postgres]

Builds a data directory in a temporary place: persons and events with a link each (rows made
in SQL from one row saved through the models, the registry's real tables and indexes), reports
through the intake service (real encryption), and stored files of random bytes (encrypted
attachments are random bytes too). Then runs the commands an operator runs, each in its own
process: `kintrace backup --out`, `kintrace restore FILE --into` (which checks counts,
migrations, the audit chain, and every report with the recovery key).

With --postgres (a server URL whose role may create databases) the same data set is built in
a new PostgreSQL database, backed up (`pg_dump`) and restored into a second new database
(`pg_restore` and the same checks); both are dropped at the end. --sqlite-to-postgres also
restores the SQLite backup into a new PostgreSQL database (the row-by-row move up).

Peak memory is the largest resident set of the measured command and its children (getrusage
of children: `kintrace`, and pg_dump/pg_restore it starts); the PostgreSQL server's own memory
is not in it.
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Runs a command and prints the largest resident set of it and its descendants (getrusage of
# the children it waited for), so each measured command is counted alone.
_PEAK = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[1:]).returncode\n"
    "print('peak-kib', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def run(cmd, env, **kw):
    """(seconds, stdout, peak MiB) of `cmd`; exits on failure."""
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PEAK, *cmd], env=env, capture_output=True,
                          text=True, check=False, **kw)  # fmt: skip
    took = time.perf_counter() - t
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd[:4])} failed: {done.stderr.strip()}")
    peak = int(done.stderr.strip().splitlines()[-1].split()[-1]) / 1024
    return took, done.stdout, peak


def build(env, persons: int, events: int, reports: int, files_mb: int) -> str:
    """Fill the data directory (and DATABASE_URL's database when env names one); the
    recovery key."""
    script = f"""
import os
from kintrace.cli import setup_django
setup_django()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.conf import settings
from django.db import connection, transaction
from kintrace.registry.models import Person, Event, EventPerson
from kintrace.security import keys
from kintrace.intake.services import report_submit
from kintrace.intake.validation import clean_report
private, recovery = keys.org_keys_create(actor=None)
print(recovery)

def series(n):
    return ("WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < %d) "
            % (n - 2))

def copies(model, n, vary):
    # n - 1 copies of the one saved row, `vary` giving column -> SQL over s.n
    t = model._meta.db_table
    cols = [f.column for f in model._meta.local_concrete_fields if not f.primary_key]
    picked = ", ".join(vary.get(c, "t." + c) for c in cols)
    with connection.cursor() as cur:
        cur.execute(series(n) + f"INSERT INTO {{t}} ({{', '.join(cols)}}) "
                    f"SELECT {{picked}} FROM s, {{t}} t")

with transaction.atomic():
    p = Person.objects.create(birth_year=1960, notes="")
    copies(Person, {persons}, {{"birth_year": "1960 + (s.n % 40)"}})
    e = Event.objects.create(type="recruited", start_year=2023, description="bench")
    copies(Event, {events}, {{"start_year": "2000 + (s.n % 25)"}})
    EventPerson.objects.create(event=e, person=p)
    with connection.cursor() as cur:
        cur.execute("INSERT INTO registry_eventperson (role, event_id, person_id) "
                    "SELECT ep.role, ev.id, %s + ((ev.id - %s) %% %s) "
                    "FROM registry_event ev, registry_eventperson ep WHERE ev.id <> %s",
                    [p.pk, e.pk, {persons}, e.pk])
for i in range({reports}):
    report_submit(clean=clean_report({{"subject": {{"name": f"Иванов Пётр {{i}}"}},
        "reporter": {{"contact": "+7 900 000-00-00"}}, "message": "текст " * 200}}))
if connection.vendor == "postgresql":
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
d = settings.FILES_DIR / "bench"
d.mkdir(parents=True, exist_ok=True)
for i in range({files_mb}):
    (d / f"f{{i:05d}}").write_bytes(os.urandom(1 << 20))
"""  # noqa: S608 - the script's numbers are the arguments' ints
    _took, out, _peak = run([sys.executable, "-c", script], env)
    return out.strip().splitlines()[0]


def _pg(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql)


def _pg_size(url: str) -> float:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    assert row is not None
    return row[0] / 2**20


def one_engine(label: str, work: Path, env: dict, a, restore_url: str = "") -> Path:
    """Build, back up, restore + verify one engine's data set; the backup file."""
    cli = [sys.executable, "-m", "kintrace.cli"]
    t = time.perf_counter()
    recovery = build(env, a.persons, a.events, a.reports, a.files_mb)
    print(
        f"[{label}] scale: {a.persons} persons, {a.events} events, {a.reports} reports, "
        f"{a.files_mb} MiB of files (built in {time.perf_counter() - t:.0f} s)",
        flush=True,
    )
    data = Path(env["KINTRACE_DATA_DIR"])
    if env.get("DATABASE_URL"):
        print(f"[{label}] database: {_pg_size(env['DATABASE_URL']):.0f} MiB (pg_database_size)")
    else:
        print(f"[{label}] database: {(data / 'kintrace.sqlite3').stat().st_size / 2**20:.0f} MiB")
    keyline = run([*cli, "backup", "keygen"], env)[1]
    files = sum(p.stat().st_size for p in (data / "files").rglob("*") if p.is_file())
    print(f"[{label}] stored files: {files / 2**20:.0f} MiB")
    (work / f"{label}.key").write_text(keyline.split("backup private key:")[1].strip())
    (work / f"{label}.recovery").write_text(recovery)
    out = work / f"{label}.ktbackup"
    took, _, peak = run([*cli, "backup", "--out", str(out)], env)
    size = out.stat().st_size / 2**20
    print(f"[{label}] backup:  {took:6.1f} s, file {size:.0f} MiB, peak RSS {peak:.0f} MiB",
          flush=True)  # fmt: skip
    restore(label, work, env, out, restore_url, label)
    return out


def restore(label: str, work: Path, env: dict, backup: Path, url: str, keys: str) -> None:
    cli = [sys.executable, "-m", "kintrace.cli"]
    target = work / f"{label}-restored"
    where = [url, "--data-dir", str(target)] if url else [str(target)]
    took, out, peak = run([*cli, "restore", str(backup), "--into", *where,
                           "--key-file", str(work / f"{keys}.key"), "--recovery-key-file",
                           str(work / f"{keys}.recovery")], env)  # fmt: skip
    print(f"[{label}] restore + verify: {took:6.1f} s, peak RSS {peak:.0f} MiB", flush=True)
    print(out.strip(), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=50_000)
    ap.add_argument("--events", type=int, default=500_000)
    ap.add_argument("--reports", type=int, default=100)
    ap.add_argument("--files-mb", type=int, default=200)
    ap.add_argument("--postgres", default="", help="a server URL (…/postgres) to build in")
    ap.add_argument("--skip-sqlite", action="store_true")
    ap.add_argument("--sqlite-to-postgres", action="store_true")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kintrace-bench-backup-"))
    base = dict(os.environ)
    base.pop("DATABASE_URL", None)
    made: list[str] = []
    server = a.postgres.rsplit("/", 1)[0]

    def new_db(what: str) -> str:
        name = f"kt_bench_backup_{what}_{secrets.token_hex(3)}"
        _pg(a.postgres, f'CREATE DATABASE "{name}"')
        made.append(name)
        return f"{server}/{name}"

    try:
        if not a.skip_sqlite:
            env = dict(base, KINTRACE_DATA_DIR=str(work / "sqlite-data"))
            backup = one_engine("sqlite", work, env, a)
            if a.sqlite_to_postgres and a.postgres:
                restore("sqlite->pg", work, env, backup, new_db("up"), "sqlite")
            backup.unlink()
            subprocess.run(["rm", "-rf", str(work / "sqlite-data"), str(work / "sqlite-restored")],
                           check=False)  # fmt: skip
        if a.postgres:
            env = dict(base, KINTRACE_DATA_DIR=str(work / "pg-data"), DATABASE_URL=new_db("src"))
            one_engine("postgresql", work, env, a, restore_url=new_db("dst"))
    finally:
        for name in made:
            _pg(a.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
