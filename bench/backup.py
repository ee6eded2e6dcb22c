"""Backup and restore at a stated scale: time, file size and peak memory (SQLite; PostgreSQL
with --postgres URL of an empty database to restore into is not measured here, see
docs/benchmarks.md).

    python bench/backup.py [--persons 50000] [--events 500000] [--reports 100] [--files-mb 200]

Builds a data directory in a temporary place: persons, events with a link each (bulk rows,
the registry's real tables), reports through the intake service (real encryption), and stored
files of random bytes (encrypted attachments are random bytes too). Then runs the commands an
operator runs, each in its own process: `kintrace backup --out`, `kintrace restore --into`
(which checks counts, migrations, the audit chain, and every report with the recovery key).
Peak memory is the largest resident set of those processes (getrusage of children).
"""

import argparse
import os
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
    """Fill the data directory; the recovery key."""
    script = f"""
import os, secrets
from kintrace.cli import setup_django
setup_django()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.conf import settings
from django.db import transaction
from kintrace.registry.models import Person, Event, EventPerson
from kintrace.security import keys
from kintrace.intake.services import report_submit
from kintrace.intake.validation import clean_report
private, recovery = keys.org_keys_create(actor=None)
print(recovery)
B = 20000
with transaction.atomic():
    for i in range(0, {persons}, B):
        Person.objects.bulk_create([Person(birth_year=1960 + (j % 40), notes="")
                                    for j in range(i, min(i + B, {persons}))])
    first = Person.objects.order_by("pk").values_list("pk", flat=True).first()
    for i in range(0, {events}, B):
        evs = Event.objects.bulk_create([Event(type="recruited", start_year=2023,
                                               description="bench")
                                         for j in range(i, min(i + B, {events}))])
        EventPerson.objects.bulk_create([EventPerson(event=e, person_id=first + (k % {persons}))
                                         for k, e in enumerate(evs, i)])
for i in range({reports}):
    report_submit(clean=clean_report({{"subject": {{"name": f"Иванов Пётр {{i}}"}},
        "reporter": {{"contact": "+7 900 000-00-00"}}, "message": "текст " * 200}}))
d = settings.FILES_DIR / "bench"
d.mkdir(parents=True, exist_ok=True)
for i in range({files_mb}):
    (d / f"f{{i:05d}}").write_bytes(os.urandom(1 << 20))
"""
    _took, out, _peak = run([sys.executable, "-c", script], env)
    return out.strip().splitlines()[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=50_000)
    ap.add_argument("--events", type=int, default=500_000)
    ap.add_argument("--reports", type=int, default=100)
    ap.add_argument("--files-mb", type=int, default=200)
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kintrace-bench-backup-"))
    env = dict(os.environ, KINTRACE_DATA_DIR=str(work / "data"))
    env.pop("DATABASE_URL", None)
    cli = [sys.executable, "-m", "kintrace.cli"]
    t = time.perf_counter()
    recovery = build(env, a.persons, a.events, a.reports, a.files_mb)
    print(
        f"scale: {a.persons} persons, {a.events} events, {a.reports} reports, "
        f"{a.files_mb} MiB of files (built in {time.perf_counter() - t:.0f} s)"
    )
    db = work / "data" / "kintrace.sqlite3"
    print(f"SQLite database: {db.stat().st_size / 2**20:.0f} MiB")
    keyline = run([*cli, "backup", "keygen"], env)[1]
    files = sum(p.stat().st_size for p in (work / "data" / "files").rglob("*") if p.is_file())
    print(f"stored files: {files / 2**20:.0f} MiB")
    (work / "key").write_text(keyline.split("backup private key:")[1].strip())
    (work / "recovery").write_text(recovery)
    took, _, peak = run([*cli, "backup", "--out", str(work / "b.ktbackup")], env)
    size = (work / "b.ktbackup").stat().st_size / 2**20
    print(f"backup:  {took:6.1f} s, file {size:.0f} MiB, peak RSS {peak:.0f} MiB")
    took, out, peak = run([*cli, "restore", str(work / "b.ktbackup"), "--into", str(work / "r"),
                           "--key-file", str(work / "key"), "--recovery-key-file",
                           str(work / "recovery")], env)  # fmt: skip
    print(f"restore + verify: {took:6.1f} s, peak RSS {peak:.0f} MiB")
    print(out.strip())
    subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
