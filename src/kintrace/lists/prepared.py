"""The registry side of a match run, normalised once and kept on disk.

Normalising a name (order, inflection, diminutives, cross-script keys) costs about a
millisecond per new surname; a registry of a million persons would spend most of every match
run on names it normalised the run before. The prepared records are kept in
DATA_DIR/lists/registry-prepared.parquet, keyed by PersonName id plus a fingerprint of what the
engine reads (name, birth date, facility, region); a run prepares only names added or changed
since. The file also records a digest of the normalising code, so a change to kintrace.names
or the engine's preparation throws the whole cache away.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

import pandas as pd
from django.conf import settings

import kintrace.linkage.initials as initials
import kintrace.linkage.prepare as prep
import kintrace.linkage.written as written
import kintrace.names as names_pkg
from kintrace.linkage.prepare import PREPARED_COLUMNS, die_with_parent, prepare
from kintrace.registry.models import PersonName

CACHE_NAME = "registry-prepared.parquet"
CHUNK = 100_000
SEP = "\x1f"


@cache
def code_digest() -> str:
    """Digest of the source files whose change alters prepared records."""
    h = hashlib.sha256()
    files = sorted(Path(names_pkg.__file__).parent.rglob("*")) + [
        Path(prep.__file__),
        Path(written.__file__),
        Path(initials.__file__),
    ]
    for path in files:
        if path.is_file() and path.suffix in (".py", ".tsv", ".csv", ".json", ".txt"):
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def prepare_parallel(
    frame: pd.DataFrame, *, workers: int | None = None, min_rows: int = 20000
) -> pd.DataFrame:
    """The engine's `prepare`, in one process per core for large frames: parsing names is pure
    Python and CPU-bound. Processes are spawned, not forked: the web process has threads (and
    DuckDB's), and a fork of a threaded process can deadlock on a lock some thread held."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(frame) < min_rows:
        return prepare(frame)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Sorting by name puts equal names in the same part, so each is parsed once.
    order = frame["name"].argsort(kind="stable") if "name" in frame else None
    ordered = frame.iloc[order] if order is not None else frame
    # Parts of at most CHUNK rows, so a worker holds one part (not half a million-person
    # registry) at a time and peak memory stays flat.
    n_parts = max(workers, -(-len(ordered) // CHUNK))
    bounds = [len(ordered) * i // n_parts for i in range(n_parts + 1)]
    parts = [ordered.iloc[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    from concurrent.futures.process import BrokenProcessPool

    try:
        # die_with_parent: a kill -9 of the web process or of `kintrace lists match` takes
        # the workers with it instead of leaving them parsing for no one.
        with ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"), initializer=die_with_parent
        ) as pool:
            # The workers get linkage's own `prepare`: unpickling it imports only the pure
            # kintrace.linkage.prepare, never this module, whose Django models a spawned
            # process (no django.setup()) could not import.
            out = pd.concat(list(pool.map(prepare, parts)), ignore_index=True)
    except (BrokenProcessPool, OSError):
        # A host that cannot spawn (or a main module without the __main__ guard): one
        # process, the same result, only slower.
        return prepare(frame)
    if order is not None:  # back to the input's order
        out.index = order.to_numpy() if hasattr(order, "to_numpy") else order
        out = out.sort_index().reset_index(drop=True)
    return out


def _date_text(y: pd.Series, m: pd.Series, d: pd.Series) -> pd.Series:
    ys = y.astype("Int64").astype(str).where(y.notna(), "")
    ms = m.astype("Int64").astype(str).str.zfill(2).where(m.notna(), "")
    ds = d.astype("Int64").astype(str).str.zfill(2).where(d.notna(), "")
    out = ys.where(ms == "", ys + "-" + ms)
    return out.where(ds == "", out + "-" + ds).where(ys != "", "")


def _approximate_text(dates: pd.Series, approx: pd.Series) -> pd.Series:
    """ "около 1985" for a date marked approximate: the linkage reads it as a range of years
    (never as the year 1985, which the clustering would hold against a real one)."""
    marked = approx.fillna(False).astype(bool) & (dates != "")
    return dates.where(~marked, "около " + dates)


def registry_frame() -> pd.DataFrame:
    """One contract-shaped record per name variant of every person not merged away, with the
    person's id alongside (column `person`)."""
    cols = ["id", "person", "name", "by", "bm", "bd", "approx", "ftype", "fnum", "region"]
    rows = (
        PersonName.objects.filter(person__merged_into__isnull=True)
        .order_by()
        .values_list(
            "id",
            "person_id",
            "full_text",
            "person__birth_year",
            "person__birth_month",
            "person__birth_day",
            "person__birth_approximate",
            "person__last_facility__type",
            "person__last_facility__number",
            "person__last_facility__region__name_ru",
        )
        .iterator(chunk_size=50000)
    )
    f = pd.DataFrame.from_records(rows, columns=cols, coerce_float=False)
    region = f["region"].fillna("")
    facility = (f["ftype"].fillna("") + "-" + f["fnum"].fillna("") + " " + region).str.strip()
    return pd.DataFrame(
        {
            "id": f["id"].astype("int64"),
            "person": f["person"].astype("int64"),
            "name": f["name"].astype(str),
            "birth_date": _approximate_text(_date_text(f["by"], f["bm"], f["bd"]), f["approx"]),
            "facility": facility.where(f["ftype"].notna(), ""),
            "region": region,
        }
    )


def _cache_path() -> Path:
    return Path(settings.MEDIA_ROOT) / "lists" / CACHE_NAME


def registry_prepared(progress=None) -> tuple[pd.DataFrame, dict[str, int], int]:
    """(prepared registry records with unique_id = PersonName id, name id → person id,
    how many names had to be normalised this time)."""
    frame = registry_frame()
    fp = frame["name"] + SEP + frame["birth_date"] + SEP + frame["facility"] + SEP + frame["region"]
    frame["fp"] = pd.util.hash_pandas_object(fp, index=False).astype("int64")
    path = _cache_path()
    digest = code_digest()
    cached = None
    if path.exists():
        try:
            cached = pd.read_parquet(path)
            if "digest" not in cached.columns or not (cached["digest"] == digest).all():
                cached = None
        except (OSError, ValueError):
            cached = None
    if cached is not None:
        keep = frame[["id", "fp"]].merge(
            cached.drop(columns=["digest"]), on=["id", "fp"], how="inner"
        )
        stale = frame[~frame["id"].isin(keep["id"])]
    else:
        keep = pd.DataFrame(columns=["id", "fp", *PREPARED_COLUMNS])
        stale = frame
    if progress:
        progress(f"registry: {len(frame)} name records, {len(stale)} to normalise")
    fresh = (
        prepare_parallel(stale.reset_index(drop=True))
        if len(stale)
        else pd.DataFrame(columns=PREPARED_COLUMNS)
    )
    fresh = fresh.assign(id=stale["id"].to_numpy(), fp=stale["fp"].to_numpy())
    parts = [p for p in (keep, fresh) if len(p)]
    allp = pd.concat(parts, ignore_index=True) if parts else fresh
    if len(stale) or cached is None or len(keep) != len(cached):
        _save(allp.assign(digest=digest), path)
    prepared = allp[["id", *[c for c in PREPARED_COLUMNS if c != "unique_id"]]].copy()
    prepared.insert(0, "unique_id", prepared.pop("id").astype(str))
    prepared = prepared[PREPARED_COLUMNS]
    for col in ("birth_year", "birth_month", "birth_day", "birth_year_min", "birth_year_max"):
        prepared[col] = prepared[col].astype("Int32")
    person_of = dict(zip(frame["id"].astype(str), frame["person"].tolist(), strict=True))
    return prepared, person_of, len(stale)


def _save(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)
