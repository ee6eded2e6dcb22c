"""Turn contract records (id, name or surname/given_name/patronymic, birth_date, facility,
region) into the normalised columns the model compares.

A million records hold far fewer distinct strings, so every column is factorised first,
each distinct value is parsed once, and the results are joined back by index.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from kintrace.config import envint
from kintrace.linkage.initials import letters as initial_letters
from kintrace.linkage.written import written_keys
from kintrace.names.dates import DateError, parse_date_or_none, parse_date_range
from kintrace.names.facilities import parse_facility
from kintrace.names.parse import ParsedName, name_key, parse_name, parse_name_parts
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
    "birth_year_min",
    "birth_year_max",
    "facility_key",
    "facility_number",
    "region",
    "surname_head",
    "surname_tail",
    "surname_first",
    "surname_written",
    "given_written",
    "given_letters",
    "patronymic_letters",
]


class _NameFields(NamedTuple):  # a tuple: workers send back a million of them cheaply
    surname_key: str | None
    given_key: str | None
    given_initial: str | None
    given_alts: str | None
    patronymic_key: str | None
    patronymic_initial: str | None
    # Blocking keys for surname typos: one typo leaves the first or the last letters intact
    surname_head: str | None
    surname_tail: str | None
    surname_first: str | None
    # The Cyrillic letters each initial can stand for (kintrace.linkage.initials)
    given_letters: str | None
    patronymic_letters: str | None


_EMPTY_NAME = _NameFields(None, None, None, None, None, None, None, None, None, None, None)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip()


@lru_cache(maxsize=4096)
def _initial_key(letter: str | None) -> str | None:
    """Initials compare in the same ASCII space as the keys, so "A." (Latin) meets "А." ."""
    if not letter:
        return None
    key = name_key(letter)
    return key[:1] if key else None


@lru_cache(maxsize=1 << 16)
def _given_alts(given_key: str | None, alternatives: tuple[str, ...]) -> str | None:
    """The keys of a given name and of the other names it may stand for, "|"-joined. Cached:
    a few thousand given names and their alternatives make up every row."""
    alts = {k for k in map(name_key, filter(None, alternatives)) if k}
    if given_key:
        alts.add(given_key)
    return "|".join(sorted(alts)) if alts else None


def _name_fields(parsed: ParsedName | None) -> _NameFields:
    if parsed is None:
        return _EMPTY_NAME
    given_key = parsed.given_key or None
    alternatives = getattr(parsed, "given_alternatives", ()) or ()
    given_initial = (given_key[:1] if given_key else None) or _initial_key(parsed.given_initial)
    patr_key = parsed.patronymic_key or None
    patr_initial = (patr_key[:1] if patr_key else None) or _initial_key(parsed.patronymic_initial)
    surname_key = parsed.surname_key or None
    latin = parsed.script != "cyrl"
    return _NameFields(  # in the order of the fields
        surname_key,
        given_key,
        given_initial,
        _given_alts(given_key, tuple(alternatives)),
        patr_key,
        patr_initial,
        surname_key[:4] if surname_key else None,
        surname_key[-4:] if surname_key else None,
        surname_key[:1] if surname_key else None,
        initial_letters(parsed.given_initial, latin and not given_key),
        initial_letters(parsed.patronymic_initial, latin and not patr_key),
    )


# The parsers without their caches of whole names: prepare parses each distinct value once,
# and a million of them would only churn (and fill) caches the application keeps for repeats.
_parse_name = parse_name.__wrapped__
_parse_name_parts = parse_name_parts.__wrapped__


def _parse_full_name(text: str) -> _NameFields:
    try:
        return _name_fields(_parse_name(text))
    except ValueError:
        return _EMPTY_NAME


def _parse_name_triple(triple: tuple[str, str, str]) -> _NameFields:
    surname, given, patronymic = triple
    try:
        return _name_fields(_parse_name_parts(surname or None, given or None, patronymic or None))
    except ValueError:
        return _EMPTY_NAME


def _parse_joined_triple(joined: str) -> _NameFields:
    surname, given, patronymic = joined.split("\x1f")
    return _parse_name_triple((surname, given, patronymic))


# "около 1985", "1985?": the man was born within this many years of the year written.
APPROXIMATE_YEARS = 2
# A stated range wider than this ("1950-2000") says nothing useful: no known year.
WIDEST_RANGE = 15


def _date_parts(text: str) -> tuple[float, float, float, float, float]:
    """Year, month, day of a known date, and the first and last year the man can have been
    born in: the year itself for a known date; for an approximate one ("около 1985", "1985?")
    its year ± APPROXIMATE_YEARS, for a period ("1980-е", "в начале 1980-х") its years."""
    if len(text) == 8 and text.isdigit():  # compact YYYYMMDD, as registers export it
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        date = parse_date_or_none(text)
    except DateError:  # approximate, a period, or impossible (which says nothing reliable)
        return (np.nan, np.nan, np.nan, *_year_range(text))
    if date is None:
        return (np.nan, np.nan, np.nan, np.nan, np.nan)
    return (
        float(date.year),
        float(date.month) if date.month is not None else np.nan,
        float(date.day) if date.day is not None else np.nan,
        float(date.year),
        float(date.year),
    )


def _year_range(text: str) -> tuple[float, float]:
    """(first, last) birth year an approximate date or a period allows; NaN when none."""
    try:
        start, end = parse_date_range(text, approximate=True)
    except DateError:
        return (np.nan, np.nan)
    first = start.year - (APPROXIMATE_YEARS if start.approximate else 0)
    last = end.year + (APPROXIMATE_YEARS if end.approximate else 0)
    if last - first > WIDEST_RANGE:
        return (np.nan, np.nan)
    return (float(first), float(last))


def _date_columns(text: str) -> tuple[float, float, float, str | None, float, float]:
    """Year, month, day, "YYYYMMDD" when the day is known (the digits typos swap), and the
    range of years the man can have been born in (see `_date_parts`)."""
    year, month, day, first, last = _date_parts(text)
    if np.isnan(day):
        return (year, month, day, None, first, last)
    return (year, month, day, f"{int(year):04d}{int(month):02d}{int(day):02d}", first, last)


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


# Below this many distinct names one process is faster than starting workers
PARALLEL_MIN_DISTINCT = 20_000
# Share of the distinct values parsed before forking: the parsers' per-token caches fill up
# once in the parent, and every worker inherits them instead of analysing the same tokens.
# Small: the common given names and patronymics show up in the first few thousand names,
# and while the parent warms up, the other cores wait.
WARM_SHARE = 0.005
_NAME_WIDTH = len(_NameFields._fields)


def _workers(requested: int | None) -> int:
    if requested is not None:
        return max(1, requested)
    env = envint("KINTRACE_WORKERS", "0", minimum=0)
    if env:
        return env
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# A parser of one distinct value to a tuple of fields (_NameFields)
_Parser = Callable[[Any], tuple[Any, ...]]

# What the forked workers parse, per group: (fn, values in the order the chunks cut them).
# Set just before the fork, so that a task is only (group, start, stop): the values reach
# the workers through the fork instead of being pickled to them.
_FORKED: list[tuple[_Parser, list[Any]]] = []


def _apply_chunk(task: tuple[int, int, int]) -> tuple[tuple[Any, ...], ...]:
    """One chunk of a group, sent back column-wise: a few tuples of strings pickle far
    faster than a hundred thousand small tuples, and pickle's memo sends a string repeated
    within the chunk (the same given-name key object) once."""
    group, start, stop = task
    fn, values = _FORKED[group]
    return tuple(zip(*map(fn, values[start:stop]), strict=True))


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[np.ndarray]:
    """Tuples of `width` values to `width` object arrays."""
    if not rows:
        return [np.empty(0, dtype=object) for _ in range(width)]
    return [_objects(column) for column in zip(*rows, strict=True)]


class _Jobs:
    """Distinct names to parse, of both kinds (full names and surname/given/patronymic
    triples), parsed in one pass over one pool: a worker that met a word in a full name
    reuses its analysis in the triples, and the pool starts once."""

    def __init__(self) -> None:
        self.groups: list[tuple[_Parser, list[Any]]] = []

    def add(self, fn: _Parser, values: list[Any]) -> int:
        self.groups.append((fn, values))
        return len(self.groups) - 1

    def run(
        self, workers: int, meanwhile: Callable[[], dict[str, Any]]
    ) -> tuple[list[list[np.ndarray]], dict[str, Any]]:
        """The columns of each group's results (in its values' order), and what `meanwhile`
        returned: the parent's own work (dates, facilities), done while the workers parse."""
        total = sum(len(values) for _, values in self.groups)
        if workers < 2 or total < PARALLEL_MIN_DISTINCT:
            results = [_columns([fn(v) for v in values], _NAME_WIDTH) for fn, values in self.groups]
            return results, meanwhile()
        heads: list[list[tuple[Any, ...]]] = []
        orders: list[np.ndarray] = []
        chunks: list[tuple[int, int, int]] = []
        # About 8 chunks per worker: small enough that the last one leaves little of a tail
        # on one core, large enough that few words are analysed by both workers
        size = max(1000, int(total * (1 - WARM_SHARE)) // (workers * 8) + 1)
        for g, (fn, values) in enumerate(self.groups):
            warm = int(len(values) * WARM_SHARE)
            heads.append([fn(v) for v in values[:warm]])
            # The rest in sorted order, in contiguous chunks: values sharing their first word
            # ("Иванов …", "IVANOV …") land in the same chunk, so a word first seen after the
            # fork is mostly analysed by one worker, not by each of them.
            order = sorted(range(warm, len(values)), key=values.__getitem__)
            orders.append(np.array(order, dtype=np.intp))
            _FORKED.append((fn, [values[i] for i in order]))
            chunks += [(g, i, min(i + size, len(order))) for i in range(0, len(order), size)]
        results = []
        for g, (_fn, values) in enumerate(self.groups):
            columns = [np.empty(len(values), dtype=object) for _ in range(_NAME_WIDTH)]
            for arr, head in zip(columns, _columns(heads[g], _NAME_WIDTH), strict=True):
                arr[: len(heads[g])] = head
            results.append(columns)
        gc.freeze()  # the warmed caches stay shared with the workers (no copy-on-write by gc)
        try:
            with multiprocessing.get_context("fork").Pool(
                workers, initializer=die_with_parent
            ) as pool:
                parts = pool.imap(_apply_chunk, chunks, chunksize=1)
                extra = meanwhile()
                # Each chunk's results go in place as they arrive, while the workers go on
                for (g, start, stop), part in zip(chunks, parts, strict=True):
                    where = orders[g][start:stop]
                    for arr, column in zip(results[g], part, strict=True):
                        arr[where] = _objects(column)
        finally:
            gc.unfreeze()
            _FORKED.clear()
        return results, extra


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Pool initializer: this worker process ends when the process that started it does.

    A pool's workers wait on a pipe whose other end they hold themselves, so a parent killed
    with SIGKILL (or dying of the OOM killer) would leave them running, parsing for no one.
    On Linux the kernel sends SIGKILL to the worker when its parent dies (PR_SET_PDEATHSIG);
    elsewhere, and to cover a parent that died before this ran, a thread watches the parent
    pid and exits when it changes."""
    import ctypes
    import signal
    import sys
    import threading
    import time

    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent or parent == 1:  # already orphaned
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="die-with-parent").start()


def _objects(values: Sequence[Any]) -> np.ndarray:
    """A 1-d object array of `values` (np.array would read a tuple of equal-length strings
    or tuples as more dimensions; filling an empty array never does)."""
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return arr


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The parsers build millions of small long-lived objects (cached words and results):
    the cyclic collector would rescan them all at every full collection, for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _factorize(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, list[str]]:
    """Per row, the index of its value among the column's distinct values, which come as
    stripped strings (a missing column: every row is ""). Converting and stripping the
    distinct values, not the million rows, is the cheaper way to the same values."""
    if name not in frame.columns:
        return np.zeros(len(frame), dtype=np.intp), [""]
    # Missing cells get code -1, which numpy reads as the last value: "" (as fillna("") did)
    codes, uniques = pd.factorize(frame[name], use_na_sentinel=True)
    return codes, [*(str(u).strip() for u in uniques), ""]


def _per_distinct(uniques: list[str], fn: _Parser, empty: tuple[Any, ...]) -> list[np.ndarray]:
    """The columns of `fn` of each distinct value (blank values get `empty`); rows take
    theirs by code afterwards, so per-row work is numpy indexing only."""
    return _columns([empty if _blank(u) else fn(u) for u in uniques], len(empty))


def prepare(frame: pd.DataFrame, *, workers: int | None = 1) -> pd.DataFrame:
    """Normalised comparison columns for contract-shaped records (one row per record).

    `workers`: processes for parsing distinct names (None: KINTRACE_WORKERS or every core).
    More than one forks this process, which is safe in a batch command before any database
    connection exists (the CLI) but not inside a threaded server: the default is 1."""
    with _gc_paused():
        return _prepare(frame, _workers(workers))


def _prepare(frame: pd.DataFrame, workers: int) -> pd.DataFrame:
    n = len(frame)
    full_codes, full_uniques = _factorize(frame, "name")
    # Rows with a full name parse it; the others parse their three columns
    has_full = np.array([u != "" for u in full_uniques], dtype=bool)[full_codes]
    full_idx = np.flatnonzero(has_full)
    triple_idx = np.flatnonzero(~has_full)
    jobs = _Jobs()
    # Distinct full names (none of them blank: blank ones are the triple rows)
    full_rows, full_values = pd.factorize(full_codes[full_idx])
    full_group = jobs.add(_parse_full_name, [full_uniques[c] for c in full_values])
    triple_rows = np.zeros(0, dtype=np.intp)
    triple_group = None
    if len(triple_idx):
        rows = frame.iloc[triple_idx] if len(triple_idx) < n else frame
        parts = []
        for c in ("surname", "given_name", "patronymic"):
            codes, uniques = _factorize(rows, c)
            parts.append(_objects(uniques)[codes])
        joined = parts[0] + "\x1f" + parts[1] + "\x1f" + parts[2]
        triple_rows, triple_uniques = pd.factorize(joined)
        triple_blank = [_blank(u) for u in triple_uniques]
        triple_group = jobs.add(
            _parse_joined_triple,
            [u for u, b in zip(triple_uniques, triple_blank, strict=False) if not b],
        )

    def meanwhile() -> dict[str, Any]:  # the parent's share while the workers parse names
        other = _other_columns(frame, n)
        written = written_keys(frame, free_form=has_full)
        other["surname_written"] = written["surname_written"].to_numpy()
        other["given_written"] = written["given_written"].to_numpy()
        return other

    results, other = jobs.run(workers, meanwhile)
    # Each row's name fields, gathered from the distinct values' (full names, then
    # triples, then one empty slot for rows with no name at all)
    where = np.empty(n, dtype=np.intp)
    where[full_idx] = full_rows
    distinct = [results[full_group]]
    if triple_group is not None:
        todo = np.flatnonzero(~np.array(triple_blank, dtype=bool))
        slot = np.full(len(triple_blank), -1, dtype=np.intp)  # blank triples: the empty slot
        slot[todo] = np.arange(len(todo)) + len(full_values)
        where[triple_idx] = slot[triple_rows]
        distinct.append(results[triple_group])
    columns: dict[str, Any] = {"unique_id": frame["id"].astype(str).to_numpy()}
    for k, attr in enumerate(_NameFields._fields):
        gathered = np.concatenate([*(group[k] for group in distinct), _objects([None])])
        columns[attr] = gathered[where]
    columns.update(other)
    if not n:  # no records: these columns keep the float64 dtype empty lists gave them
        for name in (
            *_NameFields._fields,
            "facility_key",
            "facility_number",
            "region",
            "surname_written",
            "given_written",
        ):
            columns[name] = np.empty(0, dtype=float)
    # Built in one go: inserting 16 columns one by one and then reordering them copied each
    return pd.DataFrame({name: columns[name] for name in PREPARED_COLUMNS}, copy=False)


def _other_columns(frame: pd.DataFrame, n: int) -> dict[str, Any]:
    """Birth date, facility and region columns."""
    other: dict[str, Any] = {}
    codes, uniques = _factorize(frame, "birth_date")
    year, month, day, digits, first, last = _per_distinct(
        uniques, _date_columns, (np.nan, np.nan, np.nan, None, np.nan, np.nan)
    )
    for name, part in (
        ("birth_year", year),
        ("birth_month", month),
        ("birth_day", day),
        ("birth_year_min", first),
        ("birth_year_max", last),
    ):
        other[name] = pd.array(part.astype(float), dtype="Int32")[codes]
    other["birth_digits"] = digits[codes]
    codes, uniques = _factorize(frame, "facility")
    fac_key, fac_region = _per_distinct(uniques, _facility_parts, (None, None))
    # "IK-17" -> "17": relatives write "колония 17" or "ik17" whatever the colony's type
    fac_number = _objects([f.rsplit("-", 1)[-1] if f else None for f in fac_key])
    other["facility_key"] = fac_key[codes]
    other["facility_number"] = fac_number[codes]
    fac_region = fac_region[codes]
    codes, uniques = _factorize(frame, "region")
    (region,) = _per_distinct(uniques, lambda text: (_region(text),), (None,))
    # The region column when it names one, else the facility's region
    unnamed = np.array([r is None for r in region], dtype=bool)[codes]
    region = region[codes]
    region[unnamed] = fac_region[unnamed]
    other["region"] = region
    return other


def records_to_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
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
