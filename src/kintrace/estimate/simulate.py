"""Simulated populations of known size seen by overlapping lists: what the estimator is
tested on (tests/estimate, bench/estimate.py).

Each man has a catchability drawn once (a normal on the logit scale with standard deviation
`heterogeneity`; 0 is every man alike) that shifts his chance to be on every list. Lists may
depend on each other: `dependence` maps a pair (a, b) of list indices to an odds ratio by which
being on list a multiplies the odds of being on list b (a < b; >1 is a list that copies or
follows another, <1 lists that avoid each other's men).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .mse import History

__all__ = ["simulate"]


def simulate(
    *,
    population: int,
    probabilities: Sequence[float],
    rng: np.random.Generator,
    heterogeneity: float = 0.0,
    dependence: Mapping[tuple[int, int], float] | None = None,
) -> dict[History, int]:
    """Counts of the observed capture histories of one simulated population.

    `population`: number of men (≥ 0); `probabilities`: each list's chance to record an
    average man (0 < p < 1); `heterogeneity`: standard deviation of catchability on the logit
    scale; `dependence`: odds ratios as described in the module. Raises ValueError for a
    probability outside (0, 1), a negative population or a dependence on a later list.
    """
    if population < 0:
        raise ValueError("population must not be negative")
    if any(not 0 < p < 1 for p in probabilities):
        raise ValueError("each list's probability lies strictly between 0 and 1")
    dependence = dict(dependence or {})
    if any(not 0 <= a < b < len(probabilities) for a, b in dependence):
        raise ValueError("a dependence (a, b) needs a < b, both lists")
    base = np.log(np.asarray(probabilities) / (1 - np.asarray(probabilities)))
    eta = rng.normal(0.0, heterogeneity, size=population) if heterogeneity else None
    seen = np.zeros((population, len(probabilities)), dtype=np.int8)
    for j, b in enumerate(base):
        logit = np.full(population, b, dtype=np.float64)
        if eta is not None:
            logit += eta
        for (a, c), odds in dependence.items():
            if c == j:
                logit += np.log(odds) * seen[:, a]
        seen[:, j] = rng.random(population) < 1 / (1 + np.exp(-logit))
    counts: dict[History, int] = {}
    for row in seen[seen.any(axis=1)]:
        h = tuple(int(v) for v in row)
        counts[h] = counts.get(h, 0) + 1
    return counts
