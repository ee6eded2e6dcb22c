"""The microdata release: one row per man, no name, no free text — offered only when it passes
a k-anonymity and l-diversity check (pyCANON; Sweeney 2002, Machanavajjhala et al. 2007).

Quasi-identifiers: region of his last colony, the colony, birth year, the year and month of
the event that set his status; the sensitive attribute is the outcome (his status). The rows
are generalised step by step (`LEVELS`: birth year to 5 then 10 years, month to quarter then
year, colony dropped, region to federal district) until, after removing the men in groups of
fewer than k or whose group all share one outcome (at most `MAX_DROPPED` of them), pyCANON
finds k-anonymity ≥ k and l-diversity ≥ 2. If no level passes, there is no microdata release,
and the reason says so.
"""

from dataclasses import dataclass

import pandas as pd
from pycanon import anonymity

from kintrace.registry.models import Person

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


def microdata(k: int) -> Microdata:
    """The least generalised microdata that passes k-anonymity ≥ k and l-diversity ≥ 2, or a
    Microdata with `refused` set (and no rows)."""
    raw = _raw()
    if raw.empty:
        return Microdata([], -1, 0, 0, 0, refused="no men")
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
            return Microdata(kept.to_dict("records"), i, int(k_found), int(l_found), dropped)
    return Microdata(
        [], -1, 0, 0, 0, refused="no generalisation passes k-anonymity and l-diversity"
    )
