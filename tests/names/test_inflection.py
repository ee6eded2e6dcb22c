"""Oblique cases of real names, made by an independent inflector, key like the nominative.

Names: the commonest surnames, given names and patronymics of the ``russiannames`` tables
(counts from real registries). Inflector: ``petrovich`` (the petrovich-rules data, pinned to
a commit with its checksum; a dev dependency only, kintrace never imports it). Each man and
woman is written "Фамилия Имя Отчество" in the genitive, dative, accusative, instrumental and
prepositional case, parsed as free text, and every part's key is compared with the key of
the nominative read column by column. ``pytrovich`` ships the same rules and gives the same
forms; petrovich is the maintained one (3.0, 2026) and reads its rules from one JSON file.

    .venv/bin/python tests/names/test_inflection.py     # the table per part, sex and type
"""

from __future__ import annotations

import os
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pyarrow.parquet as pq
import russiannames
from petrovich.enums import Case, Gender, NamePart
from petrovich.main import Petrovich

SURNAMES = 1500
GIVEN = 300
PATRONYMICS = 300


def _rows(table: str) -> list[dict]:
    path = Path(russiannames.__file__).parent / "data" / f"{table}.parquet"
    rows = pq.read_table(path).to_pylist()
    rows.sort(key=lambda r: (-(r["count"] or 0), r["text"]))
    return rows


def _surname_type(nominative: str) -> str:
    low = nominative.lower()
    if low.endswith(("ых", "их", "ко", "о", "е", "и", "у", "ю", "э")):
        return "indeclinable"
    if low.endswith(("ий", "ый", "ой", "ая", "яя")):
        return "adjectival"
    if low.endswith(("ов", "ев", "ёв", "ин", "ын", "ова", "ева", "ёва", "ина", "ына")):
        return "-ов/-ин"
    if low.endswith(("а", "я")):
        return "-а/-я"
    return "consonant/-ь"


@lru_cache(maxsize=1)
def cases() -> list[tuple[str, str, str, str, str, str, str, str]]:
    """(sex, surname type, case, oblique text, surname, given, patronymic) per name and case,
    the last three in the nominative."""
    inflector = Petrovich()
    surnames = []
    for r in _rows("surnames"):
        if r["gender"] == "f" or not r["text"].isalpha():
            continue
        surnames.append(r)
        if len(surnames) >= SURNAMES:
            break
    given = {g: [r["text"] for r in _rows("names") if r["gender"] == g][:GIVEN] for g in "mf"}
    patr = {
        g: [r["text"] for r in _rows("midnames") if r["gender"] == g][:PATRONYMICS] for g in "mf"
    }
    out = []
    for i, r in enumerate(surnames):
        for sex, gender in (("m", Gender.MALE), ("f", Gender.FEMALE)):
            surname = r["text"]
            if sex == "f":
                if r["f_form"]:
                    surname = r["f_form"]
                elif _surname_type(surname) in ("adjectival", "-ов/-ин"):
                    continue  # a man's form with no woman's form in the table
            g = given[sex][i % GIVEN]
            p = patr[sex][(i * 7) % PATRONYMICS]
            kind = _surname_type(r["text"])
            for case in (
                Case.GENITIVE,
                Case.DATIVE,
                Case.ACCUSATIVE,
                Case.INSTRUMENTAL,
                Case.PREPOSITIONAL,
            ):
                text = " ".join(
                    (
                        inflector.inflect(surname, case, NamePart.LASTNAME, gender),
                        inflector.inflect(g, case, NamePart.FIRSTNAME, gender),
                        inflector.inflect(p, case, NamePart.MIDDLENAME, gender),
                    )
                )
                out.append((sex, kind, case.name.lower(), text, surname, g, p))
    return out


def measure() -> tuple[Counter, Counter, list[tuple]]:
    """(agreeing parts, all parts, failures) counted per (part, sex) and (surname, type)."""
    from kintrace.names import parse_name, parse_name_parts

    good: Counter = Counter()
    total: Counter = Counter()
    failures = []
    for sex, kind, case, text, surname, g, p in cases():
        want = parse_name_parts(surname, g, p)
        got = parse_name(text)
        for part, a, b in (
            ("surname", want.surname_key, got.surname_key),
            ("given", want.given_key, got.given_key),
            ("patronymic", want.patronymic_key, got.patronymic_key),
        ):
            for bucket in ((part, sex), (part, "all"), ("all", sex), ("all", "all")):
                total[bucket] += 1
                good[bucket] += a == b
            if part == "surname":
                total[("surname", kind)] += 1
                good[("surname", kind)] += a == b
            if a != b:
                failures.append((part, case, text, a, b))
    return good, total, failures


def test_oblique_cases_of_real_names_key_like_the_nominative():
    good, total, failures = measure()
    share = good[("all", "all")] / total[("all", "all")]
    assert share >= 0.97, (share, failures[:40])
    for bucket in (
        ("surname", "m"),
        ("surname", "f"),
        ("given", "m"),
        ("given", "f"),
        ("patronymic", "m"),
        ("patronymic", "f"),
    ):
        assert good[bucket] / total[bucket] >= 0.95, (bucket, good[bucket] / total[bucket])


if __name__ == "__main__":
    import sys
    import time

    start = time.perf_counter()
    good, total, failures = measure()
    for bucket in sorted(total, key=str):
        print(
            f"{bucket[0]:11} {bucket[1]:14} {good[bucket] / total[bucket]:7.2%}  of {total[bucket]}"
        )
    print(f"{time.perf_counter() - start:.1f} s")
    if len(sys.argv) > 1:
        shown = Counter()
        for f in failures:
            if sys.argv[1] in (f[0], "all") and shown[f[0]] < int(os.environ.get("SHOW", 60)):
                shown[f[0]] += 1
                print(*f, sep=" | ")
