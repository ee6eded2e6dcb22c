"""The microdata release: one row per man, no name, no free text — offered only when it passes
a k-anonymity and l-diversity check (pyCANON; Sweeney 2002, Machanavajjhala et al. 2007).

Quasi-identifiers: region of his last colony, the colony, birth year, the year and month of
the event that set his status; the sensitive attribute is the outcome (his status). The rows
are generalised step by step (`LEVELS`: birth year to 5 then 10 years, month to quarter then
year, colony dropped, region to federal district) until, after removing the men in groups of
fewer than k or whose group all share one outcome (at most `MAX_DROPPED` of them), pyCANON
finds k-anonymity ≥ k and l-diversity ≥ 2. If no level passes, there is no microdata release,
and the reason says so.

A level that passes must also pass the check against other releases (`crosscheck`), or the
next, coarser level is tried. The levels are nested (each coarsens the one before), so an
attacker can bring any two microdata releases to the coarser of their levels and compare
them row by row, and can sum microdata rows into the tables' rows (place × outcome, place ×
year × outcome, colony × outcome). A level is refused when

- summed into a table's rows it shows a count from 1 to k − 1 (a cell the table would hide);
- it differs from the true count of a table row — of this release's tables or of an approved
  release's (its ledger) — by 1 to k − 1: the difference would be that few men (e.g. the men
  left out of the microdata, or the men whose status changed since), singled out by where
  they are and what happened to them;
- brought to a common level with an approved microdata release, some row (its
  quasi-identifiers and outcome) differs in count by 1 to k − 1, e.g. two releases with
  different generalisations, whose difference isolates the men left out of one of them.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from pycanon import anonymity

from kintrace.registry.models import Person, Region

QI = ["region", "colony", "birth", "when"]
SENSITIVE = ["outcome"]
MAX_DROPPED = 0.05
MIN_L = 2

# (birth-year band, date: "month" | "quarter" | "year", keep colony, place: "region" | "district")
LEVELS = (
    (5, "quarter", True, "region"),
    (10, "year", True, "region"),
    (10, "year", False, "region"),
    (10, "year", False, "district"),
    (20, "year", False, "district"),
)


@dataclass(frozen=True)
class Microdata:
    rows: list[dict]
    level: int
    k: int
    l: int  # noqa: E741 (the l of l-diversity)
    dropped: int
    refused: str = ""
    # Which check refused each level, with the cell: for the ledger only (it would tell an
    # attacker which count moved by fewer than k).
    why: tuple[str, ...] = ()


def _raw() -> pd.DataFrame:
    rows = Person.objects.filter(merged_into__isnull=True).values_list(
        "last_facility__region_id",
        "last_facility__region__federal_district",
        "last_facility__type",
        "last_facility__number",
        "birth_year",
        "status_event__start_year",
        "status_event__start_month",
        "status",
    )
    return pd.DataFrame(
        list(rows),
        columns=["region", "district", "ftype", "fnumber", "by", "ey", "em", "outcome"],
    )


def _generalise(df: pd.DataFrame, level: tuple) -> pd.DataFrame:
    band, date, keep_colony, place = level

    def birth(y):
        if pd.isna(y):
            return "unknown"
        lo = int(y) // band * band
        return f"{lo}-{lo + band - 1}"

    def when(row):
        if pd.isna(row.ey):
            return "unknown"
        y = int(row.ey)
        if date == "quarter" and not pd.isna(row.em):
            return f"{y}-Q{(int(row.em) - 1) // 3 + 1}"
        return str(y)

    out = pd.DataFrame(
        {
            "region": (df["region"] if place == "region" else df["district"])
            .fillna("unknown")
            .astype(str),
            "colony": [
                f"{t}-{n}" if keep_colony and isinstance(t, str) else "*"
                for t, n in zip(df["ftype"], df["fnumber"], strict=True)
            ],
            "birth": [birth(y) for y in df["by"]],
            "when": [when(r) for r in df.itertuples()],
            "outcome": df["outcome"].astype(str),
        }
    )
    return out


Cells = Counter[tuple[str, ...]]
CROSS_REFUSED = (
    "every generalisation that passes k-anonymity and l-diversity would, beside the tables "
    "or an earlier release, single out fewer than k men"
)
UNKNOWN = "unknown"


def _project_row(row: Mapping[str, str], frm: int, to: int, district: Mapping[str, str]) -> dict:
    """A generalised row of level `frm` as level `to` (to ≥ frm) would have written it."""
    band, date, keep_colony, place = LEVELS[to]
    out = dict(row)
    if row["birth"] != UNKNOWN:
        lo = int(row["birth"].split("-", 1)[0]) // band * band
        out["birth"] = f"{lo}-{lo + band - 1}"
    if date == "year" and row["when"] != UNKNOWN:
        out["when"] = row["when"][:4]
    if not keep_colony:
        out["colony"] = "*"
    if place == "district" and LEVELS[frm][3] == "region" and row["region"] != UNKNOWN:
        out["region"] = district.get(row["region"]) or UNKNOWN
    return out


def _full_cells(rows: Iterable[Mapping[str, str]]) -> Cells:
    return Counter(tuple(r[c] for c in (*QI, *SENSITIVE)) for r in rows)


def _differs_by_few(a: Cells, b: Cells, k: int) -> tuple[str, ...] | None:
    for cell in a.keys() | b.keys():
        if 0 < abs(a[cell] - b[cell]) < k:
            return cell
    return None


def table_projections(level: int) -> tuple[str, ...]:
    """The table rows a microdata release of this level can be summed into."""
    out = ("place", "place_year")
    return (*out, "colony") if LEVELS[level][2] else out


def micro_projections(rows: Iterable[Mapping[str, str]], level: int) -> dict[str, Cells]:
    """Microdata rows summed as the tables' rows: {projection: {(key..., outcome): men}}."""
    out: dict[str, Cells] = {name: Counter() for name in table_projections(level)}
    for r in rows:
        year = r["when"][:4] if r["when"] != UNKNOWN else UNKNOWN
        out["place"][(r["region"], r["outcome"])] += 1
        out["place_year"][(r["region"], year, r["outcome"])] += 1
        if "colony" in out:
            colony = UNKNOWN if r["colony"] == "*" else r["colony"]
            out["colony"][(colony, r["outcome"])] += 1
    return out


def ledger_projections(
    ledger: Mapping[str, Mapping], level: int, district: Mapping[str, str]
) -> dict[str, Cells]:
    """A release's true table counts (its ledger: region × month, colony) summed as the
    microdata of `level` can be: place (region or district) × outcome, place × year × outcome,
    colony × outcome."""
    by_district = LEVELS[level][3] == "district"
    out: dict[str, Cells] = {name: Counter() for name in table_projections(level)}

    def place(region: str) -> str:
        if by_district and region != UNKNOWN:
            return district.get(region) or UNKNOWN
        return region

    rm = ledger.get("region_month", {})
    meta = rm.get("__rows__", {})
    for key, (value, _hidden) in ((k, v) for k, v in rm.items() if k != "__rows__"):
        row, outcome = key.split("\t", 1)
        if row == "*" or outcome == "*" or not value:
            continue
        m = meta[row]
        year = m["month"][:4] if m["month"] != UNKNOWN else UNKNOWN
        out["place"][(place(m["region"]), outcome)] += value
        out["place_year"][(place(m["region"]), year, outcome)] += value
    if "colony" in out:
        col = ledger.get("colony", {})
        meta = col.get("__rows__", {})
        for key, (value, _hidden) in ((k, v) for k, v in col.items() if k != "__rows__"):
            row, outcome = key.split("\t", 1)
            if row == "*" or outcome == "*" or not value:
                continue
            out["colony"][(meta[row]["colony"], outcome)] += value
    return out


@dataclass(frozen=True)
class Earlier:
    """An approved release as the microdata check sees it: its table ledger and, if it had
    one, its microdata (level and rows)."""

    pk: int
    ledger: Mapping[str, Mapping]
    level: int = -1
    rows: tuple[Mapping[str, str], ...] = ()


def crosscheck(
    rows: list[dict],
    level: int,
    k: int,
    *,
    ledger: Mapping[str, Mapping],
    earlier: Iterable[Earlier],
    district: Mapping[str, str],
) -> str:
    """Why microdata `rows` of `level` may not go out beside this release's tables (its
    `ledger`) and the approved releases `earlier`; "" when they may (see the module)."""
    mine = micro_projections(rows, level)
    for name, cells in mine.items():
        for cell, n in cells.items():
            if 0 < n < k:
                return f"summed by {name} it shows a count under k ({'/'.join(cell)})"
    others = [("this release's tables", ledger)]
    others += [(f"release #{e.pk}", e.ledger) for e in earlier]
    for label, other in others:
        truth = ledger_projections(other, level, district)
        for name, cells in mine.items():
            moved = _differs_by_few(cells, truth[name], k)
            if moved is not None:
                return f"it differs from {label} by fewer than k men ({name} {'/'.join(moved)})"
    for e in earlier:
        if e.level < 0:
            continue
        common = max(e.level, level)
        a = _full_cells(_project_row(r, level, common, district) for r in rows)
        b = _full_cells(_project_row(r, e.level, common, district) for r in e.rows)
        moved = _differs_by_few(a, b, k)
        if moved is not None:
            return (
                f"combined with the microdata of release #{e.pk} it singles out fewer than k "
                f"men ({'/'.join(moved)})"
            )
    return ""


def districts() -> dict[str, str]:
    return dict(Region.objects.values_list("code", "federal_district"))


def microdata(
    k: int,
    *,
    ledger: Mapping[str, Mapping] | None = None,
    earlier: Iterable[Earlier] = (),
) -> Microdata:
    """The least generalised microdata that passes k-anonymity ≥ k and l-diversity ≥ 2 and
    the check against this release's tables (`ledger`) and the approved releases
    (`earlier`), or a Microdata with `refused` set (and no rows)."""
    earlier = list(earlier)
    district = districts()
    raw = _raw()
    if raw.empty:
        return Microdata([], -1, 0, 0, 0, refused="no men")
    reasons: list[str] = []
    for i, level in enumerate(LEVELS):
        df = _generalise(raw, level)
        groups = df.groupby(QI)["outcome"]
        sizes = groups.transform("size")
        kinds = groups.transform("nunique")
        kept = df[(sizes >= k) & (kinds >= MIN_L)]
        dropped = len(df) - len(kept)
        if kept.empty or dropped > MAX_DROPPED * len(df):
            continue
        kept = kept.reset_index(drop=True)
        k_found = anonymity.k_anonymity(kept, QI)
        l_found = anonymity.l_diversity(kept, QI, SENSITIVE)
        if k_found >= k and l_found >= MIN_L:
            rows = kept.to_dict("records")
            why = crosscheck(rows, i, k, ledger=ledger or {}, earlier=earlier, district=district)
            if why:
                reasons.append(f"level {i}: {why}")
                continue
            return Microdata(rows, i, int(k_found), int(l_found), dropped)
    if reasons:
        return Microdata([], -1, 0, 0, 0, refused=CROSS_REFUSED, why=tuple(reasons))
    return Microdata(
        [], -1, 0, 0, 0, refused="no generalisation passes k-anonymity and l-diversity"
    )
