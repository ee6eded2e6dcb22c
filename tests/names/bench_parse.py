"""Throughput of parse_name on realistic, varied names (not collected by pytest).

    .venv/bin/python tests/names/bench_parse.py [N]

Names are drawn by real frequency from the russiannames tables (surnames, given names,
patronymics) and written the ways our sources write them: Russian lists, upper-case lists
with initials, diminutives, genitive case inside sentences, Latin in every iuliia scheme,
"SURNAME, Given", women's forms. "cold" is the first pass in a fresh process (every cache
empty, dictionary loaded); "warm" parses the same list again; "distinct" counts strings.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import iuliia
import pyarrow.parquet as pq
import russiannames


def _table(name: str, limit: int) -> list[dict]:
    path = Path(russiannames.__file__).parent / "data" / f"{name}.parquet"
    rows = pq.read_table(path).to_pylist()
    rows.sort(key=lambda r: -(r["count"] or 0))
    return rows[:limit]


def generate(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    surnames = [r for r in _table("surnames", 30000) if r["gender"] == "m" and r["f_form"]]
    given = {g: [r for r in _table("names", 3000) if r["gender"] == g] for g in "mf"}
    patr = {g: [r for r in _table("midnames", 3000) if r["gender"] == g] for g in "mf"}
    from itertools import accumulate

    weights = {
        "s": list(accumulate(r["count"] for r in surnames)),
        **{f"g{g}": list(accumulate(r["count"] for r in given[g])) for g in "mf"},
        **{f"p{g}": list(accumulate(r["count"] for r in patr[g])) for g in "mf"},
    }
    schemes = list(iuliia.schemas.items())
    diminutives = "Саша Шура Дима Лёша Серёжа Женя Коля Миша Вова Паша Петя Андрюха Sasha".split()
    morph = None
    out = []
    for _ in range(n):
        sex = "f" if rng.random() < 0.1 else "m"
        s = rng.choices(surnames, cum_weights=weights["s"])[0]
        surname = s["text"] if sex == "m" else s["f_form"]
        g = rng.choices(given[sex], cum_weights=weights[f"g{sex}"])[0]["text"]
        p = rng.choices(patr[sex], cum_weights=weights[f"p{sex}"])[0]["text"]
        kind = rng.random()
        if kind < 0.35:
            text = f"{surname} {g} {p}"
        elif kind < 0.5:
            text = f"{surname.upper()} {g[0]}.{p[0]}."
        elif kind < 0.58:
            text = f"{rng.choice(diminutives)} {surname}"
        elif kind < 0.64 and sex == "m":
            if morph is None:
                from kintrace.names.morph import morph as get_morph

                morph = get_morph()
            words = []
            for w in (surname, g, p):
                parsed = morph.parse(w)[0].inflect({"gent"})
                words.append(parsed.word.title() if parsed else w)
            text = " ".join(words)
        elif kind < 0.9:
            _, scheme = rng.choice(schemes)
            lat = [scheme.translate(w.replace("ё", "е")) for w in (g, surname)]
            text = " ".join(lat) if rng.random() < 0.6 else f"{lat[1].upper()}, {lat[0]}"
        else:
            text = f"{surname} {g} {p}, {rng.randint(1960, 2004)}"
        out.append(text)
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t0 = time.perf_counter()
    names = generate(n)
    t1 = time.perf_counter()
    from kintrace.names import parse_name
    from kintrace.names.morph import morph

    morph()  # the dictionary loads once per process (about 0.1 s); not part of the timings

    def timed(label: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        for text in names:
            parse_name(text)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{label}: wall {wall:.2f}s ({n / wall:,.0f}/s), cpu {cpu:.2f}s ({n / cpu:,.0f}/s)")

    print(f"generated {n} names ({len(set(names))} distinct) in {t1 - t0:.1f}s")
    timed("cold")
    timed("warm, whole-name cache")
    parse_name.cache_clear()  # token caches stay warm: the per-string work only
    timed("warm tokens, no whole-name cache")


if __name__ == "__main__":
    main()
