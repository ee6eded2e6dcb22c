"""Best-first clustering of scored pairs, with the merges no evidence can justify refused.

Plain connected components chain namesakes together through records without a birth date:
"Иванов А.С., 1984" - "Иванов А.С." - "Иванов А.С., 1991" becomes one man. Here the strongest
pairs merge first, and a merge that would put two different birth years or two different
facilities into one cluster is refused. A record that carries only a common name (no date,
no facility, no region) is never merged: nobody can place it with confidence, so its pairs
go to review instead.
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


def name_only_common(prepared: pd.DataFrame, common_surnames: set[str]) -> np.ndarray:
    """Records that hold nothing but a name, and a common one."""
    no_date = prepared["birth_year"].isna().to_numpy()
    no_fac = prepared["facility_key"].isna().to_numpy()
    no_region = prepared["region"].isna().to_numpy()
    sur = prepared["surname_key"]
    common = sur.isna().to_numpy() | sur.isin(common_surnames).to_numpy()
    return no_date & no_fac & no_region & common


def cluster(
    prepared: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    threshold: float,
    hold_back: np.ndarray | None = None,
) -> ClusterResult:
    """Cluster `prepared` records using `pairs` (unique_id_l, unique_id_r, match_probability)."""
    ids = prepared["unique_id"].to_numpy()
    n = len(ids)
    index = pd.Index(ids)
    parent = np.arange(n)
    years = prepared["birth_year"].to_numpy(dtype="float64", na_value=np.nan)
    facs = prepared["facility_key"].to_numpy(dtype=object)
    year = [None if np.isnan(y) else int(y) for y in years]
    fac = [f if isinstance(f, str) else None for f in facs]
    hold = hold_back if hold_back is not None else np.zeros(n, dtype=bool)

    strong = pairs[pairs["match_probability"] >= threshold]
    order = np.argsort(-strong["match_probability"].to_numpy(), kind="stable")
    li = index.get_indexer(strong["unique_id_l"].to_numpy())[order]
    ri = index.get_indexer(strong["unique_id_r"].to_numpy())[order]
    pos = strong.index.to_numpy()[order]

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    refused, review = [], []
    for a, b, p in zip(li.tolist(), ri.tolist(), pos.tolist(), strict=True):
        if hold[a] or hold[b]:
            review.append(p)
            continue
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ya, yb = year[ra], year[rb]
        fa, fb = fac[ra], fac[rb]
        if (ya is not None and yb is not None and ya != yb) or (
            fa is not None and fb is not None and fa != fb
        ):
            refused.append(p)
            continue
        if ra > rb:
            ra, rb = rb, ra
        parent[rb] = ra
        year[ra] = ya if ya is not None else yb
        fac[ra] = fa if fa is not None else fb

    roots = np.fromiter((find(i) for i in range(n)), dtype=np.int64, count=n)
    return ClusterResult(
        cluster_of=dict(zip(ids.tolist(), ids[roots].tolist(), strict=True)),
        refused=refused,
        review=review,
    )
