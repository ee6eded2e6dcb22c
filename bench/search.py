"""Person search latency over a large registry, on SQLite and on PostgreSQL.

Fills a registry with PERSONS men drawn from real Russian name frequencies (the russiannames
tables, through bench/generate.py), each with his name as written plus, for some, a Latin
spelling and an "ИВАНОВ А.С." form, all parsed by kintrace.names like the services do. Then
times `kintrace.registry.selectors.person_search` on queries of the kinds caseworkers type
(ivanov / Иванов / ИВАНОВА / Ivanov A / Саша Иванов; a surname one letter off; a given name
alone; a call sign; a token number; a surname with a birth year or a facility; a pasted
message of ~1,000 characters), for persons drawn from the registry itself, so common surnames
are queried as often as they occur. Some persons carry a call sign, a token number and a last
known facility, as in a real registry.

    python bench/search.py                          # both databases, 100,000 persons
    python bench/search.py --backend sqlite --persons 20000 --queries 200

The data is built once per database and kept (SQLite under --data-dir, PostgreSQL in the
database kt_bench_search); a later run with the same --persons reuses it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARK = "bench v2"  # persons of this version of the bench (with call signs, tokens, facilities)
CALL_SIGNS = [
    "Гром",
    "Седой",
    "Батя",
    "Малой",
    "Тихий",
    "Кузя",
    "Шаман",
    "Волк",
    "Бродяга",
    "Лис",
    "Медведь",
    "Викинг",
    "Казах",
    "Сапер",
    "Моряк",
    "Док",
    "Хан",
    "Цыган",
    "Дед",
    "Север",
    "Граф",
    "Грач",
    "Скиф",
    "Сокол",
    "Барс",
    "Зверь",
    "Рыжий",
]
PG_URL = "postgres://postgres@127.0.0.1:5432/kt_bench_search"

DIMINUTIVES = {
    "Александр": "Саша",
    "Алексей": "Лёша",
    "Дмитрий": "Дима",
    "Сергей": "Серёжа",
    "Николай": "Коля",
    "Иван": "Ваня",
    "Владимир": "Вова",
    "Михаил": "Миша",
    "Андрей": "Андрюша",
    "Евгений": "Женя",
    "Виктор": "Витя",
    "Юрий": "Юра",
    "Павел": "Паша",
    "Константин": "Костя",
    "Анатолий": "Толя",
    "Василий": "Вася",
    "Пётр": "Петя",
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp/kt-bench-search"))
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    rows = []
    for backend in backends:
        env = dict(
            os.environ,
            KINTRACE_DATA_DIR=str(args.data_dir),
            DJANGO_SETTINGS_MODULE="kintrace.settings",
        )
        env.pop("DATABASE_URL", None)
        if backend == "postgres":
            _pg_create_database()
            env["DATABASE_URL"] = PG_URL
        cmd = [
            sys.executable,
            __file__,
            "--child",
            "--backend",
            backend,
            "--persons",
            str(args.persons),
            "--queries",
            str(args.queries),
            "--seed",
            str(args.seed),
            "--data-dir",
            str(args.data_dir),
        ]
        out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
        sys.stderr.write(out.stderr)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{_memory_gb():.0f} GB, Python {platform.python_version()}"
    )
    print(
        "| database | persons | names | queries | p50 ms | p95 ms | max ms | mean results "
        "| target found |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['backend']} | {r['persons']:,} | {r['names']:,} | {r['queries']} | "
            f"{r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | {r['mean_results']:.1f} "
            f"| {r['found']:.0%} |"
        )
    for r in rows:
        print(
            f"{r['backend']} by query kind, p95 ms (target found): "
            + ", ".join(
                f"{k} {v:.1f} ({r['found_by_kind'][k]:.0%})" for k, v in r["p95_by_kind"].items()
            )
        )
    return 0


def _memory_gb() -> float:
    try:
        import psutil

        return psutil.virtual_memory().total / 2**30
    except ImportError:  # pragma: no cover
        return 0.0


def _pg_create_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'kt_bench_search'")
        if exists.fetchone() is None:
            conn.execute("CREATE DATABASE kt_bench_search")


# --- inside the child process: one database ----------------------------------------------


def child(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from kintrace.registry.models import Person, PersonName

    if Person.objects.filter(notes=MARK).count() != args.persons:
        _fill(args.persons, args.seed)
    queries = _queries(args.queries, args.seed)
    from kintrace.registry.selectors import person_search

    for q, _kind, _target in queries[:20]:  # warm-up: dictionaries, connection, caches
        person_search(q)
    times, kinds, results, hits, found_by_kind = [], {}, [], 0, {}
    for q, kind, target in queries:
        t0 = time.perf_counter()
        found = person_search(q)
        ms = (time.perf_counter() - t0) * 1000
        times.append(ms)
        kinds.setdefault(kind, []).append(ms)
        results.append(len(found))
        # A surname-only query for a common surname returns its first 50 bearers only.
        hit = target in {p.pk for p in found}
        hits += hit
        found_by_kind.setdefault(kind, []).append(hit)
    backend = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"{backend}: {len(queries)} queries timed", file=sys.stderr)
    print(
        json.dumps(
            {
                "backend": backend,
                "persons": Person.objects.count(),
                "names": PersonName.objects.count(),
                "queries": len(queries),
                "p50": _pct(times, 50),
                "p95": _pct(times, 95),
                "max": max(times),
                "mean_results": statistics.mean(results),
                "found": hits / len(queries),
                "p95_by_kind": {k: _pct(v, 95) for k, v in kinds.items()},
                "found_by_kind": {k: sum(v) / len(v) for k, v in found_by_kind.items()},
            }
        )
    )
    return 0


def _pct(values: list[float], p: int) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _fill(n: int, seed: int) -> None:
    """Replace the registry's persons with n generated ones (names parsed by kintrace)."""
    import iuliia
    from django.db import connection, transaction

    sys.path.insert(0, str(HERE))
    from generate import Names

    from kintrace.registry.models import EventPerson, Facility, Person, PersonName
    from kintrace.registry.services import name_fields

    t0 = time.perf_counter()
    rng = random.Random(seed)
    names = Names(rng)
    with transaction.atomic():
        EventPerson.objects.all().delete()
        PersonName.objects.all().delete()
        Person.objects.all().delete()
        Facility.objects.filter(official_name="bench").delete()
        facilities = Facility.objects.bulk_create(
            [Facility(type="ИК", number=str(n), official_name="bench") for n in range(1, 201)]
        )
    cache: dict[str, dict] = {}

    def parts(text: str) -> dict:
        if text not in cache:
            d = name_fields(text)
            d.pop("_sex")
            cache[text] = d
        return cache[text]

    batch = 5000
    done = 0
    while done < n:
        size = min(batch, n - done)
        people, variants = [], []
        for _ in range(size):
            surname, given = names.surname(), names.given_name()
            patronymic = names.patr[names.given_name()]
            person = Person(
                birth_year=rng.randint(1960, 2004),
                birth_precision="year",
                sex="m",
                notes=MARK,
                call_sign=rng.choice(CALL_SIGNS) if rng.random() < 0.08 else "",
                token_number=f"АК-{rng.randint(0, 999999):06d}" if rng.random() < 0.15 else "",
                last_facility=rng.choice(facilities) if rng.random() < 0.7 else None,
            )
            person.set_search_keys()
            people.append(person)
            texts = [f"{surname} {given} {patronymic}"]
            if rng.random() < 0.3:
                texts.append(iuliia.WIKIPEDIA.translate(f"{given} {surname}"))
            if rng.random() < 0.2:
                texts.append(f"{surname.upper()} {given[0]}.{patronymic[0]}.")
            variants.append(texts)
        with transaction.atomic():
            people = Person.objects.bulk_create(people, batch_size=1000)
            rows = [
                PersonName(person=p, is_primary=i == 0, **parts(t))
                for p, texts in zip(people, variants, strict=True)
                for i, t in enumerate(texts)
            ]
            PersonName.objects.bulk_create(rows, batch_size=2000)
        done += size
        print(f"  {done:,} persons ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _typo(word: str, rng: random.Random) -> str:
    """One letter off: a letter dropped, changed, or two neighbours swapped (not the first)."""
    if len(word) < 5:
        return word
    i = rng.randint(1, len(word) - 2)
    how = rng.choice(["drop", "change", "swap"])
    if how == "drop":
        return word[:i] + word[i + 1 :]
    if how == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("аоеивнрст".replace(word[i], "")) + word[i + 1 :]


def _queries(n: int, seed: int) -> list[tuple[str, str, int]]:
    """Queries of every kind for the names and facts of persons drawn at random."""
    import iuliia

    from kintrace.registry.models import PersonName

    rng = random.Random(seed + 1)
    ids = list(PersonName.objects.filter(is_primary=True).values_list("pk", flat=True))
    picked = PersonName.objects.select_related("person__last_facility").in_bulk(
        rng.sample(ids, min(n, len(ids)))
    )
    out = []
    kinds = [
        "latin surname",
        "cyrillic surname",
        "upper-case inflected",
        "latin + initial",
        "diminutive + surname",
        "misspelt surname + given",
        "given name alone",
        "call sign",
        "token number",
        "surname + birth year",
        "surname + facility",
        "long message",
    ]
    for i, name in enumerate(picked.values()):
        kind = kinds[i % len(kinds)]
        person = name.person
        surname, given = name.surname or name.full_text.split()[0], name.given or ""
        if kind == "call sign" and not person.call_sign:
            kind = "token number"
        if kind == "token number" and not person.token_number:
            kind = "surname + birth year"
        if kind == "surname + facility" and not person.last_facility:
            kind = "surname + birth year"
        if kind == "latin surname":
            q = iuliia.WIKIPEDIA.translate(surname).lower()
        elif kind == "cyrillic surname":
            q = surname
        elif kind == "upper-case inflected":
            q = (surname + "а").upper() if surname.endswith(("ов", "ев", "ин")) else surname.upper()
        elif kind == "latin + initial":
            q = f"{iuliia.WIKIPEDIA.translate(surname)} {iuliia.WIKIPEDIA.translate(given[:1])}"
        elif kind == "diminutive + surname":
            q = f"{DIMINUTIVES.get(given, given)} {surname}"
        elif kind == "misspelt surname + given":
            q = f"{_typo(surname, rng)} {given}"
        elif kind == "given name alone":
            q = given
        elif kind == "call sign":
            q = person.call_sign.lower()
        elif kind == "token number":
            q = person.token_number.replace("-", " ")
        elif kind == "surname + birth year":
            q = f"{surname} {person.birth_year}"
        elif kind == "surname + facility":
            q = f"{surname} ик {person.last_facility.number}"
        else:
            q = (
                f"Здравствуйте! Ищу брата, {name.full_text}, {person.birth_year} г.р. Он был в "
                "колонии, летом уехал с вербовщиками, звонил в январе с чужого номера, "
                "просил копию паспорта матери, больше не выходил на связь. "
            ) * 4
        out.append((q.strip(), kind, name.person_id))
    return out


if __name__ == "__main__":
    sys.exit(main())
