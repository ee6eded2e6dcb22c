"""Best-first clustering of scored pairs, with the merges no evidence can justify refused.

Plain connected components chain namesakes together through records without a birth date:
"Иванов А.С., 1984" - "Иванов А.С." - "Иванов А.С., 1991" becomes one man. Here the strongest
pairs merge first, and a merge that would put two different birth years into one cluster is
refused. A man moves (СИЗО-1 → ИК-17 → a training camp), so another facility is evidence, not
a veto: clusters that name different facilities merge when both know the full birth date and
it is the same (the model's probability already weighed the facilities); without that strong
identifier the merge is refused. Refused pairs are returned for a person to review, never
dropped. A record that carries only a common name (no date, no facility, no region) is never
merged: nobody can place it with confidence, so its pairs go to review instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class ClusterResult:
    cluster_of: dict[str, str]  # record id -> cluster id (the smallest member id's position)
    refused: list[int]  # indices into the pairs frame that were refused by a conflict
    review: list[int]  # indices of pairs that touch a name-only record with a common name


# A registry stands for at least this many men, however few records one run compares
POPULATION = 100_000
# Share of men a name counts for when only its initial is known
INITIAL_SHARE = 0.1


def expected_namesakes(
    prepared: pd.DataFrame, surname_tf: pd.DataFrame, frequencies: dict[str, dict[str, float]]
) -> np.ndarray:
    """How many men of each record's name a registry of this size is expected to hold:
    population x share(surname) x share(given name) x share(patronymic), from the packaged
    Russian name tables. Unknown names count as the rarest known; a missing part as 1, an
    initial as INITIAL_SHARE; a missing surname makes the name as common as it gets."""
    n = max(len(prepared), POPULATION)
    tf = dict(zip(surname_tf["surname_key"], surname_tf["tf_surname_key"], strict=True))
    rarest = min(tf.values(), default=1e-6)

    def share(keys: pd.Series, initials: pd.Series, table: dict[str, float]) -> np.ndarray:
        known = keys.map(table).astype(float)
        out = np.where(keys.notna(), known.fillna(min(table.values(), default=1e-6)), 1.0)
        return np.where(keys.isna() & initials.notna(), INITIAL_SHARE, out)

    sur = prepared["surname_key"]
    s = np.where(sur.isna(), 1.0, sur.map(tf).astype(float).fillna(rarest))
    g = share(prepared["given_key"], prepared["given_initial"], frequencies.get("given", {}))
    p = share(
        prepared["patronymic_key"],
        prepared["patronymic_initial"],
        frequencies.get("patronymic", {}),
    )
    return np.asarray(n * s * g * p)


def name_only_common(prepared: pd.DataFrame, namesakes: np.ndarray) -> np.ndarray:
    """Records that hold nothing but a name that other men are expected to share."""
    no_date = prepared["birth_year"].isna().to_numpy()
    no_fac = prepared["facility_key"].isna().to_numpy()
    no_region = prepared["region"].isna().to_numpy()
    return np.asarray(no_date & no_fac & no_region & (namesakes >= 1.0))


def _ambiguous(
    index: pd.Index, strong: pd.DataFrame, years: np.ndarray, fac: np.ndarray
) -> np.ndarray:
    li = index.get_indexer(strong["unique_id_l"].to_numpy())
    ri = index.get_indexer(strong["unique_id_r"].to_numpy())
    me = np.concatenate([li, ri])
    partner = np.concatenate([ri, li])
    out = np.zeros(len(index), dtype=bool)
    for values, missing in ((years, np.isnan(years)), (fac, pd.isna(fac))):
        keep = missing[me] & ~missing[partner]
        if not keep.any():
            continue
        seen = pd.DataFrame({"me": me[keep], "v": values[partner[keep]]})
        counts = seen.groupby("me")["v"].nunique()
        out[counts.index[counts.to_numpy() > 1].to_numpy()] = True
    return out


def _full_dates(prepared: pd.DataFrame) -> list[int | None]:
    """YYYYMMDD of each record whose birth day is known, else None."""
    parts = [
        prepared[c].to_numpy(dtype="float64", na_value=np.nan)
        for c in ("birth_year", "birth_month", "birth_day")
    ]
    known = ~(np.isnan(parts[0]) | np.isnan(parts[1]) | np.isnan(parts[2]))
    value = np.where(
        known,
        np.nan_to_num(parts[0]) * 10000 + np.nan_to_num(parts[1]) * 100 + np.nan_to_num(parts[2]),
        0,
    ).astype(np.int64)
    return [int(v) if k else None for v, k in zip(value.tolist(), known.tolist(), strict=True)]


def cluster(
    prepared: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    threshold: float,
    hold_back: np.ndarray | None = None,
    hold_ambiguous: bool = False,
) -> ClusterResult:
    """Cluster `prepared` records using `pairs` (unique_id_l, unique_id_r, match_probability).

    `hold_ambiguous`: a record without a birth year whose strong partners carry two different
    years (or without a facility whose partners name two colonies) points at two men; which
    one it belongs to is a person's call, so its pairs go to review too."""
    ids = prepared["unique_id"].to_numpy()
    n = len(ids)
    index = pd.Index(ids)
    parent = np.arange(n)
    years = prepared["birth_year"].to_numpy(dtype="float64", na_value=np.nan)
    # the number identifies the colony; "ik7" for КП-7 is the same place written loosely
    facs = prepared["facility_key"].to_numpy(dtype=object)
    year = [None if np.isnan(y) else int(y) for y in years]
    fac = [f.rsplit("-", 1)[-1] if isinstance(f, str) else None for f in facs]
    # per cluster root: one facility it names, every facility when it names several (a man
    # who moved), and the full birth date if known
    more_facs: dict[int, frozenset[str]] = {}
    day = _full_dates(prepared)
    hold = hold_back if hold_back is not None else np.zeros(n, dtype=bool)

    strong = pairs[pairs["match_probability"] >= threshold]
    if hold_ambiguous and len(strong):
        hold = hold | _ambiguous(index, strong, years, np.array(fac, dtype=object))
    li = index.get_indexer(strong["unique_id_l"].to_numpy())
    ri = index.get_indexer(strong["unique_id_r"].to_numpy())
    # Strongest first; equal probabilities in the records' input order, never in the order
    # the backend's threads happened to return the pairs: the same input, the same clusters.
    order = np.lexsort(
        (np.maximum(li, ri), np.minimum(li, ri), -strong["match_probability"].to_numpy())
    )
    li, ri = li[order], ri[order]
    pos = strong.index.to_numpy()[order]

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def facilities_of(root: int) -> frozenset[str]:
        one = fac[root]
        return more_facs.get(root) or (frozenset((one,)) if one is not None else frozenset())

    refused, review = [], []
    for a, b, p in zip(li.tolist(), ri.tolist(), pos.tolist(), strict=True):
        if hold[a] or hold[b]:
            review.append(p)
            continue
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ya, yb = year[ra], year[rb]
        if ya is not None and yb is not None and ya != yb:
            refused.append(p)
            continue
        fa, fb = fac[ra], fac[rb]
        both = None
        if fa is not None and fb is not None and fa != fb:
            sa, sb = more_facs.get(ra, frozenset((fa,))), more_facs.get(rb, frozenset((fb,)))
            if not sa & sb and (day[ra] is None or day[ra] != day[rb]):
                refused.append(p)  # two facilities and no shared birth day to say he moved
                continue
            both = sa | sb
        if ra > rb:
            ra, rb = rb, ra
        parent[rb] = ra
        year[ra] = ya if ya is not None else yb
        if both is None and (ra in more_facs or rb in more_facs):
            both = facilities_of(ra) | facilities_of(rb)
        if fac[ra] is None:
            fac[ra] = fac[rb]
        if both is not None:
            more_facs[ra] = both
        if day[ra] is None:
            day[ra] = day[rb]

    roots = np.fromiter((find(i) for i in range(n)), dtype=np.int64, count=n)
    return ClusterResult(
        cluster_of=dict(zip(ids.tolist(), ids[roots].tolist(), strict=True)),
        refused=refused,
        review=review,
    )
