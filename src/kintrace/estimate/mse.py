"""Multiple systems estimation: how many men no list has recorded.

Each man seen on at least one of k lists has a capture history, a tuple of k zeros and ones
(1: he is on that list). The counts of the 2^k − 1 observed histories are modelled as a Poisson
log-linear model — an intercept, one main effect per list and some pairwise list interactions
(a positive interaction: two lists tend to record the same men) — fitted with statsmodels' GLM.
The unobserved cell (all zeros) is the exponent of the intercept (Fienberg 1972; Bishop, Fienberg
& Holland 1975, *Discrete Multivariate Analysis*, ch. 6; the approach of the International
Working Group for Disease Monitoring and Forecasting 1995, and of HRDAG's estimates for Peru,
Ball et al. 2003).

Every model with at least one residual degree of freedom is fitted (all subsets of the pairwise
interactions for three lists; forward selection from four), models whose estimates do not exist
(a zero margin drives a parameter to infinity) or do not converge are set aside, and the one with
the lowest information criterion is chosen (BIC by default, with the log of the number of men
observed as the penalty; AIC on request). Higher-order interactions are left out: with three
lists the three-way term is the one the data cannot estimate, and pairwise terms are what
Rcapture's and the UK Home Office's analyses use (Baillargeon & Rivest 2007; Silverman 2014).

The 95 % interval is the multinomial profile likelihood interval of Cormack (1992), as in
Rcapture's `closedpCI.t`: for each candidate total N the model is refitted to the complete table
with N − n in the unobserved cell, and the interval is every N whose multinomial log-likelihood
lies within χ²₁(0.95)/2 of the maximum. It is chosen over a bootstrap because it is
deterministic (the same data always give the same interval, which a published number needs),
costs a few dozen fits of a 2^k-cell table instead of thousands, and is asymmetric as the
likelihood is (the upper limit of an estimate of the unseen is further than the lower). It
does not include the uncertainty of choosing the model; bench/estimate.py measures what that
costs in coverage.

Beside the model, Chao's lower bound (Chao 1987, Biometrics 43:783–791; Chao et al. 2001,
Statistics in Medicine 20:3123–3157): n + ((k − 1)/k)·f₁²/(2f₂), f₁ and f₂ the men seen on
exactly one and exactly two lists — what heterogeneity alone implies at least.

Where the data cannot carry an estimate the answer is a `Refusal` with a reason code:
fewer than three lists with anyone on them, too few men, too little overlap between the lists,
no model that converges, or an estimate that explodes (the total or the interval's upper limit
beyond `max_ratio` times the men observed).

Pure Python (numpy, scipy, statsmodels): no Django, so the benchmark and the tests run it alone.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import combinations, product

import numpy as np
import statsmodels.api as sm
from numpy.typing import NDArray
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2

__all__ = [
    "Estimate",
    "ModelFit",
    "Refusal",
    "RefusalReason",
    "chao_lower_bound",
    "estimate",
    "fit",
    "histories_from_memberships",
]

History = tuple[int, ...]
Pair = tuple[int, int]

# A log-linear parameter beyond this (in absolute value) means the maximum likelihood estimate
# does not exist: a zero margin pushes it to infinity and the fit stops somewhere arbitrary.
_PARAM_LIMIT = 25.0
# Full subset search up to this many lists (8 models for three; 64 for four would cost a second
# per estimate on a loaded two-core machine); forward selection above.
_EXHAUSTIVE_LISTS = 3


class RefusalReason(StrEnum):
    TOO_FEW_LISTS = "too_few_lists"
    TOO_FEW_OBSERVED = "too_few_observed"
    TOO_LITTLE_OVERLAP = "too_little_overlap"
    NOT_CONVERGED = "not_converged"
    UNSTABLE = "unstable"


@dataclass(frozen=True)
class ModelFit:
    """One fitted log-linear model: its pairwise interactions (list indices), the men it
    expects on no list, its deviance, residual degrees of freedom, AIC and BIC."""

    interactions: tuple[Pair, ...]
    unseen: float
    deviance: float
    df: int
    aic: float
    bic: float


@dataclass(frozen=True)
class Estimate:
    """The chosen model's estimate of the whole population (men on no list included).

    `total` is n + the unseen cell of the Poisson fit (as Rcapture prints it); `lower` and
    `upper` the 95 % profile likelihood interval (Cormack 1992); `chao` Chao's lower bound.
    All counts are numbers of men.
    """

    lists: int
    observed: int
    total: float
    lower: float
    upper: float
    chao: float
    criterion: str
    model: ModelFit
    candidates: tuple[ModelFit, ...] = field(default=(), repr=False)

    @property
    def disagrees_with_chao(self) -> bool:
        """The whole interval lies below Chao's lower bound. They rest on different
        assumptions — Chao's, that each man's chances of being on the lists are independent
        (heterogeneity allowed); the model's, that its chosen list interactions describe the
        dependence — so at least one fails here and neither number is firm. (A lower bound
        above the truth happens under negative list dependence: Chao 1987, section 4.)"""
        return self.upper < self.chao

    @property
    def unseen(self) -> float:
        return self.total - self.observed


@dataclass(frozen=True)
class Refusal:
    """No estimate: `reason` says why (a RefusalReason); `chao` is still given when it exists."""

    reason: RefusalReason
    lists: int
    observed: int
    chao: float | None = None


def histories_from_memberships(memberships: Iterable[Iterable[bool]]) -> dict[History, int]:
    """Count capture histories: one iterable of k booleans per man (True: on list j).

    Men on no list are dropped (they cannot be observed). Raises ValueError when the men do
    not all have the same number of lists.
    """
    counts: dict[History, int] = {}
    width: int | None = None
    for row in memberships:
        h = tuple(1 if x else 0 for x in row)
        if width is None:
            width = len(h)
        elif len(h) != width:
            raise ValueError("every man needs one membership per list")
        if any(h):
            counts[h] = counts.get(h, 0) + 1
    return counts


def chao_lower_bound(histories: Mapping[History, int], lists: int) -> float | None:
    """Chao's lower bound n + ((k−1)/k)·f₁²/(2f₂) (bias-corrected f₁(f₁−1)/2 when f₂ = 0).

    Chao (1987), Biometrics 43:783–791; the (k−1)/k factor for k lists: Chao et al. (2001),
    Statistics in Medicine 20:3123–3157. None when nobody was observed.
    """
    n = sum(histories.values())
    if n == 0 or lists < 2:
        return None
    f1 = sum(c for h, c in histories.items() if sum(h) == 1)
    f2 = sum(c for h, c in histories.items() if sum(h) == 2)
    factor = (lists - 1) / lists
    extra = f1 * f1 / (2 * f2) if f2 else f1 * (f1 - 1) / 2
    return float(n + factor * extra)


def _cells(k: int) -> list[History]:
    return [h for h in product((1, 0), repeat=k) if any(h)]


def _design(cells: Sequence[History], k: int, pairs: Sequence[Pair]) -> NDArray[np.float64]:
    rows = [[1.0, *map(float, h), *(float(h[a] * h[b]) for a, b in pairs)] for h in cells]
    return np.asarray(rows, dtype=np.float64)


@dataclass
class _Fitted:
    fit: ModelFit
    params: NDArray[np.float64]


def _glm(
    y: NDArray[np.float64], x: NDArray[np.float64], start: NDArray[np.float64] | None = None
) -> NDArray[np.float64] | None:
    """Poisson GLM parameters, or None when the fit fails or the MLE does not exist.
    `start`: parameters to start from (the profile's neighbouring fit)."""
    if np.linalg.matrix_rank(x) < x.shape[1]:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = sm.GLM(y, x, family=sm.families.Poisson()).fit(maxiter=100, start_params=start)
        except (ValueError, np.linalg.LinAlgError, FloatingPointError):
            return None
    params = np.asarray(res.params, dtype=np.float64)
    if not res.converged or not np.all(np.isfinite(params)):
        return None
    if np.max(np.abs(params[1:])) > _PARAM_LIMIT:
        return None
    return params


def _poisson_llf(y: NDArray[np.float64], mu: NDArray[np.float64]) -> float:
    return float(np.sum(y * np.log(mu) - mu - gammaln(y + 1)))


def _fit_model(
    cells: Sequence[History],
    y: NDArray[np.float64],
    k: int,
    pairs: tuple[Pair, ...],
    n: int,
    min_df: int = 1,
) -> _Fitted | None:
    x = _design(cells, k, pairs)
    df = len(cells) - x.shape[1]
    if df < min_df:
        return None
    params = _glm(y, x)
    if params is None:
        return None
    mu = np.exp(x @ params)
    llf = _poisson_llf(y, mu)
    with np.errstate(divide="ignore", invalid="ignore"):
        dev_terms = np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)
    deviance = float(2 * np.sum(dev_terms))
    p = x.shape[1]
    return _Fitted(
        ModelFit(
            interactions=tuple(sorted(pairs)),
            unseen=float(math.exp(params[0])),
            deviance=deviance,
            df=df,
            aic=-2 * llf + 2 * p,
            bic=-2 * llf + p * math.log(n),
        ),
        params,
    )


def _score(fit: ModelFit, criterion: str) -> float:
    return fit.bic if criterion == "bic" else fit.aic


def _candidates(
    cells: Sequence[History], y: NDArray[np.float64], k: int, n: int, criterion: str
) -> list[_Fitted]:
    pairs = list(combinations(range(k), 2))
    out: list[_Fitted] = []
    if k <= _EXHAUSTIVE_LISTS:
        for m in range(len(pairs) + 1):
            for chosen in combinations(pairs, m):
                f = _fit_model(cells, y, k, chosen, n)
                if f is not None:
                    out.append(f)
        return out
    # Forward selection: add the interaction that lowers the criterion most, while one does.
    current = _fit_model(cells, y, k, (), n)
    if current is None:
        return out
    out.append(current)
    while True:
        trials = [
            _fit_model(cells, y, k, (*current.fit.interactions, p), n)
            for p in pairs
            if p not in current.fit.interactions
        ]
        fitted = [t for t in trials if t is not None]
        out.extend(fitted)
        if not fitted:
            return out
        best = min(fitted, key=lambda t: _score(t.fit, criterion))
        if _score(best.fit, criterion) >= _score(current.fit, criterion):
            return out
        current = best


def _profile_llf(
    cells: Sequence[History],
    y: NDArray[np.float64],
    k: int,
    pairs: tuple[Pair, ...],
    total: float,
    start: NDArray[np.float64] | None = None,
) -> float:
    """The multinomial log-likelihood of total N, the model's other parameters at their
    maximum given N (Cormack 1992): the model refitted to the complete table with N − n men
    in the unobserved cell."""
    n = float(np.sum(y))
    y0 = max(total - n, 0.0)
    full_cells = [*cells, tuple([0] * k)]
    x = _design(full_cells, k, pairs)
    yy = np.append(y, y0)
    params = _glm(yy, x, start)
    if params is None:
        return -math.inf
    mu = np.exp(x @ params)
    prob = mu / np.sum(mu)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(yy > 0, yy * np.log(prob), 0.0)
    return float(
        gammaln(total + 1) - gammaln(y0 + 1) - np.sum(gammaln(y + 1)) + float(np.sum(terms))
    )


def _profile_interval(
    cells: Sequence[History],
    y: NDArray[np.float64],
    k: int,
    pairs: tuple[Pair, ...],
    point: float,
    cap: float,
    level: float,
    start: NDArray[np.float64] | None = None,
) -> tuple[float, float] | None:
    """(lower, upper) of the profile likelihood interval, or None when the upper limit lies
    beyond `cap` (the likelihood is too flat to bound the estimate)."""
    n = float(np.sum(y))

    def llf(total: float) -> float:
        return _profile_llf(cells, y, k, pairs, total, start)

    hi0 = max(point * 2.0, n + 10.0)
    best = minimize_scalar(
        lambda t: -llf(t), bounds=(n, min(hi0, cap)), method="bounded", options={"xatol": 0.5}
    )
    top_at = float(best.x)
    top = -float(best.fun)
    if not math.isfinite(top):
        return None
    drop = float(chi2.ppf(level, 1)) / 2.0

    def gap(total: float) -> float:
        return top - llf(total) - drop

    lower = n if gap(n) <= 0 else float(brentq(gap, n, top_at, xtol=0.5))
    hi = max(top_at * 1.5, top_at + 10.0)
    while gap(hi) <= 0:
        if hi >= cap:
            return None
        hi = min(hi * 2.0, cap)
    upper = float(brentq(gap, top_at, hi, xtol=0.5))
    return lower, upper


def estimate(
    histories: Mapping[History, int],
    *,
    criterion: str = "bic",
    min_observed: int = 20,
    min_overlap: int = 10,
    min_list_overlap: int = 3,
    max_ratio: float = 20.0,
    level: float = 0.95,
) -> Estimate | Refusal:
    """Estimate the population from the counts of observed capture histories.

    `histories` maps tuples of k zeros and ones (one per list) to numbers of men; the all-zero
    history must not be given. Lists nobody is on are dropped first. The answer is an
    `Estimate`, or a `Refusal` when: fewer than three lists remain (TOO_FEW_LISTS), fewer
    than `min_observed` men are observed (TOO_FEW_OBSERVED), fewer than `min_overlap` men are
    on two lists or more or some list shares fewer than `min_list_overlap` men with the
    others (TOO_LITTLE_OVERLAP), no model converges (NOT_CONVERGED), or the total or the
    interval's upper limit exceeds `max_ratio` times the men observed (UNSTABLE). An
    Estimate whose interval ends below Chao's bound says so (`disagrees_with_chao`).

    `criterion` is "bic" or "aic". Raises ValueError for histories of unequal length, a
    history that is not zeros and ones, the all-zero history, a negative count or an unknown
    criterion.
    """
    if criterion not in ("aic", "bic"):
        raise ValueError("criterion must be 'aic' or 'bic'")
    widths = {len(h) for h in histories}
    if len(widths) > 1:
        raise ValueError("every history needs one entry per list")
    for h, c in histories.items():
        if any(v not in (0, 1) for v in h):
            raise ValueError("a history is zeros and ones")
        if not any(h):
            raise ValueError("the all-zero history cannot be observed")
        if c < 0:
            raise ValueError("counts are never negative")
    k_all = widths.pop() if widths else 0
    used = [j for j in range(k_all) if any(c and h[j] for h, c in histories.items())]
    reduced: dict[History, int] = {}
    for h, c in histories.items():
        if c:
            key = tuple(h[j] for j in used)
            reduced[key] = reduced.get(key, 0) + c
    k = len(used)
    n = sum(reduced.values())
    chao = chao_lower_bound(reduced, k)
    if k < 3:
        return Refusal(RefusalReason.TOO_FEW_LISTS, k, n, chao)
    if n < min_observed:
        return Refusal(RefusalReason.TOO_FEW_OBSERVED, k, n, chao)
    multiple = sum(c for h, c in reduced.items() if sum(h) >= 2)
    per_list = [sum(c for h, c in reduced.items() if h[j] and sum(h) >= 2) for j in range(k)]
    if multiple < min_overlap or min(per_list) < min_list_overlap:
        return Refusal(RefusalReason.TOO_LITTLE_OVERLAP, k, n, chao)

    cells = _cells(k)
    y = np.asarray([float(reduced.get(h, 0)) for h in cells], dtype=np.float64)
    fitted = _candidates(cells, y, k, n, criterion)
    if not fitted:
        return Refusal(RefusalReason.NOT_CONVERGED, k, n, chao)
    best = min(fitted, key=lambda f: (_score(f.fit, criterion), len(f.fit.interactions)))
    if n + best.fit.unseen > n * max_ratio:
        return Refusal(RefusalReason.UNSTABLE, k, n, chao)
    result = _with_interval(cells, y, k, best, chao, level, max_ratio, criterion)
    if result is None:
        return Refusal(RefusalReason.UNSTABLE, k, n, chao)
    return replace(result, candidates=tuple(f.fit for f in fitted))


def _with_interval(
    cells: Sequence[History],
    y: NDArray[np.float64],
    k: int,
    fitted: _Fitted,
    chao: float | None,
    level: float,
    max_ratio: float,
    criterion: str,
) -> Estimate | None:
    """The Estimate of a fitted model with its profile interval; None when the interval has
    no upper limit below `max_ratio` times the men observed."""
    n = int(np.sum(y))
    total = n + fitted.fit.unseen
    pairs = fitted.fit.interactions
    interval = _profile_interval(cells, y, k, pairs, total, n * max_ratio, level, fitted.params)
    if interval is None:
        return None
    return Estimate(
        lists=k,
        observed=n,
        total=total,
        lower=interval[0],
        upper=interval[1],
        chao=float(chao) if chao is not None else float(n),
        criterion=criterion,
        model=fitted.fit,
    )


def fit(
    histories: Mapping[History, int],
    interactions: Sequence[Pair] = (),
    *,
    level: float = 0.95,
    max_ratio: float = 1000.0,
) -> Estimate | None:
    """Fit one given model (no selection, no refusal rules; a saturated model is allowed), as
    Rcapture's `closedpCI.t` with a design `mX` does: the check against published numbers.

    None when the model cannot be fitted or its interval has no upper limit below
    `max_ratio` times the men observed. Raises ValueError for histories of unequal length.
    """
    widths = {len(h) for h in histories}
    if len(widths) != 1:
        raise ValueError("every history needs one entry per list")
    k = widths.pop()
    n = sum(histories.values())
    cells = _cells(k)
    y = np.asarray([float(histories.get(h, 0)) for h in cells], dtype=np.float64)
    pairs = tuple(sorted((min(a, b), max(a, b)) for a, b in interactions))
    fitted = _fit_model(cells, y, k, pairs, n, min_df=0)
    if fitted is None:
        return None
    return _with_interval(cells, y, k, fitted, chao_lower_bound(histories, k), level, max_ratio, "")
