"""The numbers page (kintrace.figures) over a large registry, on SQLite and on PostgreSQL.

Fills a registry with PERSONS men in 900 colonies across the gazetteer's regions, each with a
story of about EVENTS_PER_PERSON events (offer, selection, deployment, payments, contacts, an
outcome), inserted with plain SQL (executemany) — no names: the page never reads one. Then
renders the page's view (the analyst's, filters, charts' tables, the map) and one chart:

* cold: the cache emptied before each request (every aggregate computed in the database);
* warm: the same requests again, answered from the cache (the registry's version is still
  read: one query per aggregate).

    python bench/numbers_page.py                                   # both databases, 100,000 men
    python bench/numbers_page.py --backend sqlite --persons 1000000 --events-per-person 10

The data is built once per database and size and kept (SQLite under --data-dir, PostgreSQL in
kt_bench_numbers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search import _pct  # the percentile rule of the search benchmark

PG_URL = "postgres://postgres@127.0.0.1:5432/kt_bench_numbers"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--events-per-person", type=int, default=10)
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/kt-bench-numbers"))
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    rows = []
    for backend in backends:
        data_dir = args.data_dir / f"{backend}-{args.persons}"
        data_dir.mkdir(parents=True, exist_ok=True)
        env = dict(
            os.environ, KINTRACE_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="kintrace.settings"
        )
        env.pop("DATABASE_URL", None)
        if backend == "postgres":
            _pg_create_database()
            env["DATABASE_URL"] = PG_URL
        cmd = [sys.executable, __file__, "--child", *sys.argv[1:]]
        out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
        sys.stderr.write(out.stderr)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(
        "| database | men | events | fill s | page cold p50 / p95 ms | page warm p50 / p95 ms "
        "| chart warm p95 ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['backend']} | {r['persons']:,} | {r['events']:,} | {r['fill_s']:.0f} | "
            f"{r['cold_p50']:.0f} / {r['cold_p95']:.0f} | {r['warm_p50']:.1f} / "
            f"{r['warm_p95']:.1f} | {r['chart_warm_p95']:.1f} |"
        )
    return 0


def _pg_create_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'kt_bench_numbers'")
        if exists.fetchone() is None:
            conn.execute("CREATE DATABASE kt_bench_numbers")


# --- inside the child process: one database ----------------------------------------------


def child(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from kintrace.registry.models import Event, Person
    from kintrace.registry.services import regions_ensure_loaded

    regions_ensure_loaded()
    fill_s = 0.0
    if Person.objects.count() != args.persons:
        t0 = time.perf_counter()
        _fill(args.persons, args.events_per_person, args.seed)
        fill_s = time.perf_counter() - t0
    cold, warm, chart = _time_page(args.requests)
    backend = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"{backend}: page timed", file=sys.stderr)
    print(
        json.dumps(
            {
                "backend": backend,
                "persons": Person.objects.count(),
                "events": Event.objects.count(),
                "fill_s": fill_s,
                "cold_p50": _pct(cold, 50),
                "cold_p95": _pct(cold, 95),
                "warm_p50": _pct(warm, 50),
                "warm_p95": _pct(warm, 95),
                "chart_warm_p95": _pct(chart, 95),
            }
        )
    )
    return 0


def _time_page(n: int) -> tuple[list[float], list[float], list[float]]:
    from django.contrib.auth.models import AnonymousUser  # noqa: F401 - the request's user below
    from django.core.cache import cache
    from django.test import RequestFactory

    from kintrace.accounts.models import User
    from kintrace.figures import views

    analyst = User.objects.filter(username="bench-analyst").first() or User.objects.create_user(
        "bench-analyst", password=None, role="analyst"
    )
    analyst.is_verified = lambda: True
    factory = RequestFactory()
    # The plain page and the filters an analyst tries.
    queries = [{}, {"wave": "2023-Q1"}, {"region": "RU-SVE"}, {"start": "2023-01-01"}]

    def get(view, params, *args):
        request = factory.get("/numbers/", params)
        request.user = analyst
        request.session = {}
        request.LANGUAGE_CODE = "ru"
        t0 = time.perf_counter()
        response = view(request, *args)
        assert response.status_code == 200, response.status_code
        return (time.perf_counter() - t0) * 1000

    cold = []
    for q in queries:
        cache.clear()
        cold.append(get(views.index, q))
    for q in queries:  # the cache holds every filter's numbers now, as after a busy minute
        get(views.index, q)
        get(views.chart_svg, q, "colonies")
    warm, chart = [], []
    for i in range(n):
        warm.append(get(views.index, queries[i % len(queries)]))
        chart.append(get(views.chart_svg, queries[i % len(queries)], "colonies"))
    return cold, warm, chart


def _fill(n: int, per_person: int, seed: int) -> None:
    """Replace the registry with n men and about n * per_person events, in plain SQL."""
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from kintrace.registry.models import Event, EventPerson, Facility, Person, Region

    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        for model in (EventPerson, Event, Person, Facility):
            model.objects.all().delete()
        regions = list(Region.objects.values_list("code", flat=True))
        Facility.objects.bulk_create(
            [
                Facility(type="ИК", number=str(i), regime="strict", region_id=rng.choice(regions))
                for i in range(1, 901)
            ]
        )
        facilities = list(Facility.objects.values_list("pk", flat=True))
    statuses = ["alive", "dead", "missing", "wounded", "returned", "unknown"]
    start = dt.date(2022, 7, 1)
    person_rows, event_rows, link_rows = [], [], []
    event_id = 0
    batch = 50_000

    def flush(force: bool = False) -> None:
        if len(link_rows) < batch * 4 and not force:
            return
        with transaction.atomic():
            _insert(Person, person_rows, now)
            _insert(Event, event_rows, now)
            _insert(EventPerson, link_rows, now)
        person_rows.clear(), event_rows.clear(), link_rows.clear()

    for pid in range(1, n + 1):
        person_rows.append(
            {
                "id": pid,
                "status": rng.choice(statuses),
                "last_facility_id": rng.choice(facilities),
                "birth_year": rng.randint(1965, 2003),
                "sex": "m",
            }
        )
        day = start + dt.timedelta(days=rng.randint(0, 700))
        story = ["offered", "selected", "deployed", "payment_promised"]
        story += ["contact"] * max(0, per_person - 7)
        story += [rng.choice(["killed", "missing", "wounded", "returned_home"])]
        story += [rng.choice(["payment_received", "payment_missing"]), "other"]
        for etype in story[:per_person]:
            day += dt.timedelta(days=rng.randint(3, 40))
            event_id += 1
            event_rows.append(
                {
                    "id": event_id,
                    "type": etype,
                    "start_year": day.year,
                    "start_month": day.month,
                    "start_day": day.day,
                    "start_precision": "day",
                    "start_sort": day.year * 10000 + day.month * 100 + day.day,
                }
            )
            link_rows.append({"event_id": event_id, "person_id": pid, "role": "subject"})
        flush()
    flush(force=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")


def _insert(model, rows: list[dict], now) -> None:
    """executemany INSERT of `rows` (dicts of attnames); other columns get their defaults."""
    from django.db import connection

    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and "id" not in rows[0])]
    defaults = {}
    for f in fields:
        if f.attname in rows[0]:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = ""
    columns = [f.column for f in fields]
    names = [f.attname for f in fields]
    prepared = [
        [
            f.get_db_prep_save(row.get(name, defaults.get(name)), connection)
            for f, name in zip(fields, names, strict=True)
        ]
        for row in rows
    ]
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 - model metadata
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


if __name__ == "__main__":
    sys.exit(main())
