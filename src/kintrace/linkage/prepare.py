"""Turn contract records (id, name or surname/given_name/patronymic, birth_date, facility,
region) into the normalised columns the model compares.

A million records hold far fewer distinct strings, so every column is factorised first,
each distinct value is parsed once, and the results are joined back by index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
import contextlib
import gc
import multiprocessing
import os
import re
from typing import NamedTuple

import numpy as np
import pandas as pd

from kintrace.names.dates import DateError, parse_date_or_none
from kintrace.names.facilities import parse_facility
from kintrace.names.parse import parse_name, parse_name_parts
from kintrace.linkage.written import written_keys
from kintrace.names.regions import normalise_region

NAME_COLUMNS = ("name", "surname", "given_name", "patronymic")
OPTIONAL_COLUMNS = ("birth_date", "facility", "region")

# Columns the model reads; the order is the order of the table handed to Splink.
PREPARED_COLUMNS = [
    "unique_id",
    "surname_key",
    "given_key",
    "given_initial",
    "given_alts",
    "patronymic_key",
    "patronymic_initial",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_digits",
    "facility_key",
    "facility_number",
    "region",
    "surname_head",
    "surname_tail",
    "surname_first",
    "surname_written",
    "given_written",
]


class _NameFields(NamedTuple):  # a tuple: workers send back a million of them cheaply
    surname_key: str | None
    given_key: str | None
    given_initial: str | None
    given_alts: str | None
    patronymic_key: str | None
    patronymic_initial: str | None


_EMPTY_NAME = _NameFields(None, None, None, None, None, None)


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip()


def _initial_key(letter: str | None) -> str | None:
    """Initials compare in the same ASCII space as the keys, so "A." (Latin) meets "А." ."""
    if not letter:
        return None
    from kintrace.names.parse import name_key

    key = name_key(letter)
    return key[:1] if key else None


def _name_fields(parsed) -> _NameFields:
    if parsed is None:
        return _EMPTY_NAME
    given_key = parsed.given_key or None
    alts = set()
    for alt in getattr(parsed, "given_alternatives", ()) or ():
        from kintrace.names.parse import name_key

        k = name_key(alt) if alt else None
        if k:
            alts.add(k)
    if given_key:
        alts.add(given_key)
    given_initial = (given_key[:1] if given_key else None) or _initial_key(parsed.given_initial)
    patr_key = parsed.patronymic_key or None
    patr_initial = (patr_key[:1] if patr_key else None) or _initial_key(parsed.patronymic_initial)
    return _NameFields(
        surname_key=parsed.surname_key or None,
        given_key=given_key,
        given_initial=given_initial,
        given_alts="|".join(sorted(alts)) if alts else None,
        patronymic_key=patr_key,
        patronymic_initial=patr_initial,
    )


_INITIALS = re.compile(r"(?<![^\s.,])([^\W\d_])(?:\.|(?=\s|$))")


def _with_initials(fields: _NameFields, text: str) -> _NameFields:
    """Initials the parser dropped: "МИХЕЕВ Г.В." loses "Г" (read as the "г." of "г.р.").
    Work-around until kintrace.names keeps it: the one-letter tokens after the surname are
    the given-name and patronymic initials, in that order."""
    if fields.given_key or not fields.surname_key:
        return fields
    letters = _INITIALS.findall(text)
    if not letters or len(letters) > 2:
        return fields
    given = _initial_key(letters[0])
    patr = _initial_key(letters[1]) if len(letters) == 2 else fields.patronymic_initial
    return fields._replace(given_initial=given, patronymic_initial=patr)


def _parse_full_name(text: str) -> _NameFields:
    try:
        return _with_initials(_name_fields(parse_name(text)), text)
    except ValueError:
        return _EMPTY_NAME


def _parse_name_triple(triple: tuple[str, str, str]) -> _NameFields:
    surname, given, patronymic = triple
    try:
        return _name_fields(
            parse_name_parts(surname=surname or None, given=given or None,
                             patronymic=patronymic or None)
        )
    except ValueError:
        return _EMPTY_NAME


def _parse_joined_triple(joined: str) -> _NameFields:
    return _parse_name_triple(tuple(joined.split("\x1f")))


def _date_parts(text: str) -> tuple[float, float, float]:
    if len(text) == 8 and text.isdigit():  # compact YYYYMMDD, as registers export it
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        date = parse_date_or_none(text)
    except DateError:  # an impossible date says nothing reliable about the man
        date = None
    if date is None:
        return (np.nan, np.nan, np.nan)
    return (
        float(date.year),
        float(date.month) if date.month is not None else np.nan,
        float(date.day) if date.day is not None else np.nan,
    )


def _facility_parts(text: str) -> tuple[str | None, str | None]:
    """("IK-17", "RU-MO") from "ИК-17 Мордовия"; the number is what identifies a colony."""
    try:
        ref = parse_facility(text)
    except ValueError:
        return (None, None)
    if ref is None:
        return (None, None)
    if ref.number is None or ref.type is None:
        return (None, ref.region_code)
    return (ref.key().split("@")[0], ref.region_code)


def _region(text: str) -> str | None:
    """ISO code for a known region; anything else (a state abroad) compares as written."""
    try:
        code = normalise_region(text)
    except ValueError:
        code = None
    return code or text.strip().casefold() or None


# Below this many distinct values one process is faster than starting workers
PARALLEL_MIN_DISTINCT = 20_000
# Share of the distinct values parsed before forking: the parsers' per-token caches fill up
# once in the parent, and every worker inherits them instead of analysing the same tokens
WARM_SHARE = 0.02


def _workers(requested: int | None) -> int:
    if requested is not None:
        return max(1, requested)
    env = os.environ.get("KINTRACE_WORKERS")
    if env:
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _apply_chunk(args: tuple[Callable, list]) -> list:
    fn, chunk = args
    return [fn(v) for v in chunk]


def _apply_all(fn: Callable, values: list, workers: int) -> list:
    """`fn` over `values`, on `workers` processes when the list is long (fork: no pickling of
    the parsers' dictionaries, and the warmed caches come along)."""
    if workers < 2 or len(values) < PARALLEL_MIN_DISTINCT:
        return [fn(v) for v in values]
    warm = int(len(values) * WARM_SHARE)
    head = [fn(v) for v in values[:warm]]
    # The rest in sorted order, in a few contiguous chunks per worker: values sharing their
    # first word ("Иванов …", "IVANOV …") land in the same chunk, so a word first seen
    # after the fork is mostly analysed by one worker, not by each of them.
    order = sorted(range(warm, len(values)), key=values.__getitem__)
    rest = [values[i] for i in order]
    size = max(1000, -(-len(rest) // (workers * 4)))
    chunks = [(fn, rest[i:i + size]) for i in range(0, len(rest), size)]
    gc.freeze()  # the warmed caches stay shared with the workers (no copy-on-write by gc)
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        parts = pool.map(_apply_chunk, chunks, chunksize=1)
    gc.unfreeze()
    out = head + [None] * len(rest)
    for i, x in zip(order, (x for part in parts for x in part), strict=True):
        out[i] = x
    return out


@contextlib.contextmanager
def _gc_paused():
    """The parsers build millions of small long-lived objects (cached words and results):
    the cyclic collector would rescan them all at every full collection, for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _map_distinct(values: pd.Series, fn: Callable, empty, workers: int = 1) -> list:
    """Apply `fn` once per distinct non-blank value of `values`; blank values get `empty`."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    todo = [i for i, u in enumerate(uniques) if not _blank(u)]
    parsed = [empty] * (len(uniques) + 1)  # the last position (code -1, missing) stays empty
    for i, result in zip(todo, _apply_all(fn, [uniques[i] for i in todo], workers), strict=True):
        parsed[i] = result
    return [parsed[c] for c in codes.tolist()]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].fillna("").astype(str).str.strip()
    return pd.Series([""] * len(frame), index=frame.index, dtype=object)


def prepare(frame: pd.DataFrame, *, workers: int | None = 1) -> pd.DataFrame:
    """Normalised comparison columns for contract-shaped records (one row per record).

    `workers`: processes for parsing distinct names (None: KINTRACE_WORKERS or every core).
    More than one forks this process, which is safe in a batch command before any database
    connection exists (the CLI) but not inside a threaded server: the default is 1."""
    with _gc_paused():
        return _prepare(frame, _workers(workers))


def _prepare(frame: pd.DataFrame, workers: int) -> pd.DataFrame:
    n = len(frame)
    out = pd.DataFrame({"unique_id": frame["id"].astype(str).to_numpy()})
    full = _column(frame, "name")
    parts = [_column(frame, c) for c in ("surname", "given_name", "patronymic")]
    has_full = full != ""
    names: list[_NameFields] = [_EMPTY_NAME] * n
    if has_full.any():
        idx = np.flatnonzero(has_full.to_numpy())
        for i, fields in zip(idx, _map_distinct(full[has_full], _parse_full_name, _EMPTY_NAME, workers),
                             strict=True):
            names[i] = fields
    if (~has_full).any():
        idx = np.flatnonzero((~has_full).to_numpy())
        joined = (parts[0] + "\x1f" + parts[1] + "\x1f" + parts[2])[~has_full]
        fields = _map_distinct(joined, _parse_joined_triple, _EMPTY_NAME, workers)
        for i, f in zip(idx, fields, strict=True):
            names[i] = f
    for attr, column in zip(_NameFields._fields, zip(*names) if n else [()] * 6, strict=True):
        out[attr] = list(column)
    dates = _map_distinct(_column(frame, "birth_date"), _date_parts, (np.nan, np.nan, np.nan),
                          workers)
    date_arr = np.array(dates, dtype=float).reshape(n, 3) if n else np.empty((0, 3))
    out["birth_year"] = pd.array(date_arr[:, 0], dtype="Int32") if n else pd.array([], "Int32")
    out["birth_month"] = pd.array(date_arr[:, 1], dtype="Int32") if n else pd.array([], "Int32")
    out["birth_day"] = pd.array(date_arr[:, 2], dtype="Int32") if n else pd.array([], "Int32")
    full_date = ~(np.isnan(date_arr[:, 2]) if n else np.empty(0, dtype=bool))
    digits = pd.Series([None] * n, dtype=object)
    if full_date.any():
        d = date_arr[full_date].astype(int)
        digits[full_date] = [f"{y:04d}{m:02d}{dd:02d}" for y, m, dd in d.tolist()]
    out["birth_digits"] = digits.to_numpy()
    fac = _map_distinct(_column(frame, "facility"), _facility_parts, (None, None), workers)
    out["facility_key"] = [f[0] for f in fac]
    # "IK-17" -> "17": relatives write "колония 17" or "ik17" whatever the colony's type
    out["facility_number"] = [f.rsplit("-", 1)[-1] if f else None for f in out["facility_key"]]
    fac_region = [f[1] for f in fac]
    region = _map_distinct(_column(frame, "region"), _region, None)
    out["region"] = [r or fr for r, fr in zip(region, fac_region, strict=True)]
    # Blocking keys for surname typos: one typo leaves the first or the last letters intact
    out["surname_head"] = [s[:4] if s else None for s in out["surname_key"]]
    out["surname_tail"] = [s[-4:] if s else None for s in out["surname_key"]]
    out["surname_first"] = [s[:1] if s else None for s in out["surname_key"]]
    written = written_keys(frame)
    out["surname_written"] = written["surname_written"].to_numpy()
    out["given_written"] = written["given_written"].to_numpy()
    return out[PREPARED_COLUMNS]


def records_to_frame(records: Iterable[dict]) -> pd.DataFrame:
    """Contract-shaped dicts (as the Python API receives them) to a frame `prepare` reads."""
    rows = [dict(r) for r in records]
    frame = pd.DataFrame(rows, dtype=object)
    if len(rows) and "id" not in frame.columns:
        raise ValueError("every record needs an 'id'")
    if not len(rows):
        frame = pd.DataFrame({"id": pd.Series([], dtype=object)})
    frame["id"] = frame["id"].astype(str)
    if frame["id"].duplicated().any():
        dup = frame["id"][frame["id"].duplicated()].iloc[0]
        raise ValueError(f"duplicate id {dup!r}")
    return frame
