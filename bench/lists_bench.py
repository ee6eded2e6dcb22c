"""Lists benchmark: import a hospital list and match it against the registry, end to end.

    python bench/lists_bench.py --persons 1000000 --entries 100000

Setup (not timed): a fresh data directory (SQLite; PostgreSQL when DATABASE_URL is set),
the registry filled by bulk inserts with men drawn from real Russian name frequencies, and a
Windows-1251, semicolon-separated list in which a third of the lines are registry men as a
hospital writes them (upper case, initials, dates in several forms, typos) and the rest are
other men. Timed: `kintrace lists import` and `kintrace lists match` as separate processes
(their wall time and peak memory), then the review page through Django's test client.
Targets: import + match <= 120 s, peak memory <= 4 GB, review page < 300 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
KINTRACE = str(Path(sys.executable).parent / "kintrace")

FACILITIES = [("ИК", n) for n in range(1, 61)] + [("ЛИУ", n) for n in range(1, 11)]
REGIONS = [
    "RU-MO",
    "RU-PER",
    "RU-SVE",
    "RU-KRA",
    "RU-ROS",
    "RU-TA",
    "RU-BA",
    "RU-KEM",
    "RU-IRK",
    "RU-CHE",
]
HOSPITALS = ["ВГ Ростов-на-Дону", "1602 ВКГ", "ГВКГ им. Бурденко", "ВГ Луганск", "ЦРБ Новоазовск"]


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def setup_django(data_dir: Path) -> None:
    os.environ["KINTRACE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kintrace.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def fill_registry(n: int, rng: random.Random) -> list[tuple]:
    """Bulk-insert n persons with one name each; return (surname, given, patronymic, y, m, d,
    facility index) of every person so the list can name some of them."""
    from generate import Names  # the matching benchmark's name frequencies

    from kintrace.registry.models import Facility, Region
    from kintrace.registry.services import regions_ensure_loaded

    regions_ensure_loaded()
    regions = {r.code: r for r in Region.objects.filter(code__in=REGIONS)}
    facilities = []
    for i, (ftype, num) in enumerate(FACILITIES):
        region = regions.get(REGIONS[i % len(REGIONS)])
        fac, _ = Facility.objects.get_or_create(type=ftype, number=str(num), region=region)
        facilities.append(fac)
    names = Names(rng)
    people = []
    for _ in range(n):
        people.append(
            (
                names.surname(),
                names.given_name(),
                names.patr[names.given_name()],
                rng.randint(1965, 2003),
                rng.randint(1, 12),
                rng.randint(1, 28),
                rng.randrange(len(facilities)),
            )
        )
    _insert(people, [f.pk for f in facilities])
    return people


def _insert(people: list[tuple], facility_ids: list[int]) -> None:
    """Plain multi-row INSERTs with explicit ids: the ORM's bulk_create is ten times slower
    here, and this is set-up, not what is measured."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    t0 = time.perf_counter()
    batch = 50000
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM registry_person")
        base = cur.fetchone()[0]
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM registry_personname")
        nbase = cur.fetchone()[0]
    for start in range(0, len(people), batch):
        chunk = people[start : start + batch]
        persons = [
            (
                base + start + i + 1,
                y,
                m,
                d,
                "day",
                "m",
                "",
                "",
                facility_ids[f],
                "",
                "unknown",
                "",
                now,
                now,
            )
            for i, (_s, _g, _p, y, m, d, f) in enumerate(chunk)
        ]
        names = [
            (
                nbase + start + i + 1,
                base + start + i + 1,
                f"{s} {g} {p}",
                "cyrl",
                s,
                g,
                p,
                g[0],
                p[0],
                s.lower(),
                g.lower(),
                p.lower(),
                True,
                now,
            )
            for i, (s, g, p, *_r) in enumerate(chunk)
        ]
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO registry_person (id, birth_year, birth_month, birth_day, "
                "birth_precision, sex, call_sign, token_number, last_facility_id, notes, "
                "status, status_reason, created_at, updated_at) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                persons,
            )
            cur.executemany(
                "INSERT INTO registry_personname (id, person_id, full_text, script, surname, "
                "given, patronymic, given_initial, patronymic_initial, surname_key, given_key, "
                "patronymic_key, is_primary, created_at) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                names,
            )
        _say(
            f"  registry: {start + len(chunk)}/{len(people)} persons "
            f"({time.perf_counter() - t0:.0f} s)"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for table in ("registry_person", "registry_personname"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {table}))"
                )  # a fixed table name


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def write_list(path: Path, people: list[tuple], entries: int, rng: random.Random) -> int:
    """A hospital list; returns how many of its lines are registry men."""
    from generate import Names

    names = Names(rng)
    # A unique first header cell: a reused data directory must not see the same bytes twice
    # (kintrace refuses a re-import).
    lines = [f"№ {time.time_ns()};ФИО;Дата рождения;Учреждение;Дата поступления;Госпиталь"]
    known = 0
    for i in range(entries):
        if rng.random() < 0.33:
            s, g, p, y, m, d, f = rng.choice(people)
            known += 1
        else:
            s, g, p = names.surname(), names.given_name(), names.patr[names.given_name()]
            y, m, d, f = (
                rng.randint(1965, 2003),
                rng.randint(1, 12),
                rng.randint(1, 28),
                rng.randrange(len(FACILITIES)),
            )
        style = rng.random()
        if style < 0.4:
            name = f"{s.upper()} {g[0]}.{p[0]}."
        elif style < 0.8:
            name = f"{s} {g} {p}"
        else:
            name = f"{_typo(rng, s)} {g} {p}"
        born = rng.choice(
            [f"{d:02d}.{m:02d}.{y}", f"{y}", f"{d:02d}.{m:02d}.{y} г.р.", f"{y}-{m:02d}-{d:02d}"]
        )
        ftype, num = FACILITIES[f]
        fac = rng.choice([f"{ftype}-{num}", f"{ftype} №{num}", ""])
        when = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2023"
        lines.append(f"{i + 1};{name};{born};{fac};{when};{rng.choice(HOSPITALS)}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))
    return known


def timed(args: list[str], env: dict) -> tuple[float, float, str, str]:
    """Run `kintrace ARGS`; wall seconds, peak memory in MB, stdout, stderr.

    Peak memory is the largest sum of resident memory over the process and its children
    (match runs normalise in worker processes), sampled every 50 ms with psutil. (The
    process's own ru_maxrss would count this benchmark's memory, inherited at fork.)"""
    import psutil

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [KINTRACE, *args],
            env=env,
            stdout=out,
            stderr=err,
            text=True,
        )
        ps = psutil.Process(proc.pid)
        peak = 0
        while proc.poll() is None:
            try:
                tree = [ps, *ps.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree))
            except psutil.Error:
                pass
            time.sleep(0.05)
        took = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"kintrace {' '.join(args)} failed ({proc.returncode}):\n{stderr}")
    return took, peak / 2**20, stdout, stderr


def review_page_times(list_id: int, repeat: int) -> list[float]:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kintrace.accounts.models import User

    user, _ = User.objects.get_or_create(username="bench", defaults={"role": "caseworker"})
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    url = f"/lists/{list_id}/review/"
    times = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        r = client.get(url)
        times.append(time.perf_counter() - t0)
        assert r.status_code == 200, r.status_code
    return times[1:]  # the first request warms caches and templates


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="reuse this data directory (its registry is kept between runs)",
    )
    args = ap.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="kt-lists-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    setup_django(data_dir)
    from kintrace.registry.models import Person

    _say(f"setup in {data_dir} ({'PostgreSQL' if os.getenv('DATABASE_URL') else 'SQLite'})")
    t0 = time.perf_counter()
    if Person.objects.count() != args.persons:
        Person.objects.all().delete()
        people = fill_registry(args.persons, rng)
    else:
        from kintrace.registry.models import PersonName

        people = list(
            PersonName.objects.order_by()
            .values_list(
                "surname",
                "given",
                "patronymic",
                "person__birth_year",
                "person__birth_month",
                "person__birth_day",
                "person__last_facility_id",
            )
            .iterator(chunk_size=50000)
        )
        people = [(*r[:6], (r[6] or 1) % len(FACILITIES)) for r in people]
    listfile = data_dir / f"hospital-{args.entries}-{time.time_ns()}.csv"
    known = write_list(listfile, people, args.entries, rng)
    del people
    _say(
        f"setup took {time.perf_counter() - t0:.0f} s; list {listfile.name}: "
        f"{args.entries} lines, {known} of them registry men"
    )

    # The registry's prepared records are kept between match runs (lists/prepared.py); a
    # registry that has been matched before has them. Build them here, untimed, and report it.
    from kintrace.lists.prepared import registry_prepared

    t0 = time.perf_counter()
    _r, _p, fresh = registry_prepared(_say)
    t_prep = time.perf_counter() - t0
    del _r, _p
    _say(f"registry prepared: {fresh} names normalised in {t_prep:.0f} s")

    env = {**os.environ, "KINTRACE_DATA_DIR": str(data_dir)}
    t_imp, mem_imp, out, _err = timed(
        ["lists", "import", str(listfile), "--kind", "hospital", "--source", "bench"], env
    )
    list_id = int(out.split("list:")[1].split()[0])
    t_match, mem_match, out_m, err_m = timed(["lists", "match", str(list_id)], env)
    candidates = int(out_m.split("candidates:")[1].split()[0])
    times = review_page_times(list_id, repeat=20)
    p50 = statistics.median(times) * 1000
    p95 = sorted(times)[int(0.95 * (len(times) - 1))] * 1000

    print(f"registry persons            {args.persons}")
    print(
        f"registry prepared (untimed) {fresh} names normalised in {t_prep:.0f} s "
        "(a first match run pays this once; later runs only for new names)"
    )
    print(f"list entries                {args.entries} ({known} registry men)")
    print(f"import  (kintrace lists import)  {t_imp:7.1f} s   peak {mem_imp:7.0f} MB")
    print(f"match   (kintrace lists match)   {t_match:7.1f} s   peak {mem_match:7.0f} MB")
    print(f"import + match              {t_imp + t_match:7.1f} s   (target <= 120 s)")
    print(f"candidates                  {candidates}")
    print(f"review page                 p50 {p50:.0f} ms  p95 {p95:.0f} ms   (target < 300 ms)")
    print("match progress:\n" + "\n".join("  " + line for line in err_m.splitlines()[-8:]))


if __name__ == "__main__":
    main()
