"""Multiple systems estimation on simulated populations of known size (issue 15, item 4).

For each scenario: RUNS populations of N men, each seen by overlapping lists
(kintrace.estimate.simulate), estimated by kintrace.estimate.mse.estimate. Prints, per
scenario, the refusal rate (and why), the mean relative bias of the total, the median interval
width and the share of 95 % intervals that contain N — over the populations it did estimate.
Then the published example: the four-source diabetes survey of Casale Monferrato (Bruno et al.
1994; the overlap table as printed in Rcapture's closedpCI example), whose authors reported
2,069 cases found and a completeness of 91 %.

    PYTHONPATH=src .venv/bin/python bench/estimate.py [--runs 200] [--seed 15]
"""

import argparse
import time
from collections import Counter
from itertools import product

import numpy as np

from kintrace.estimate.mse import Estimate, estimate, fit
from kintrace.estimate.simulate import simulate

# name, population, list probabilities, heterogeneity (logit sd), dependence, assumptions hold?
SCENARIOS = [
    ("3 lists, independent, alike", 1000, (0.3, 0.25, 0.2), 0.0, {}, True),
    (
        "4 lists, lists 1-2 dependent (OR 3), alike",
        1000,
        (0.3, 0.25, 0.2, 0.15),
        0.0,
        {(0, 1): 3.0},
        True,
    ),
    (
        "4 lists, 1-2 (OR 3) and 3-4 (OR 0.5) dependent, alike",
        1000,
        (0.3, 0.25, 0.2, 0.15),
        0.0,
        {(0, 1): 3.0, (2, 3): 0.5},
        True,
    ),
    (
        "4 lists, 1-2 dependent, mild heterogeneity (sd 0.5)",
        1000,
        (0.3, 0.25, 0.2, 0.15),
        0.5,
        {(0, 1): 3.0},
        False,
    ),
    ("3 lists, strong heterogeneity (sd 1.5)", 1000, (0.3, 0.25, 0.2), 1.5, {}, False),
    ("3 small lists (p 0.04), 300 men", 300, (0.04, 0.04, 0.04), 0.0, {}, False),
    ("2 lists only", 1000, (0.3, 0.3), 0.0, {}, False),
]

# Bruno G. et al. (1994), Diabetologia; cells in Rcapture's order (histpos.t(4): 1111, 1110, ...).
DIABETES = (58, 157, 18, 104, 46, 650, 12, 709, 14, 20, 7, 74, 8, 182, 10)


def run_scenario(name, population, probs, hetero, dep, holds, runs, rng):
    refusals: Counter[str] = Counter()
    rel_bias, covered, widths = [], 0, []
    t0 = time.perf_counter()
    for _ in range(runs):
        counts = simulate(
            population=population,
            probabilities=probs,
            rng=rng,
            heterogeneity=hetero,
            dependence=dep,
        )
        result = estimate(counts)
        if not isinstance(result, Estimate):
            refusals[result.reason.value] += 1
            continue
        rel_bias.append((result.total - population) / population)
        widths.append(result.upper - result.lower)
        covered += result.lower <= population <= result.upper
    done = len(rel_bias)
    secs = time.perf_counter() - t0
    print(f"\n{name}  (N={population}, assumptions {'hold' if holds else 'do not hold'})")
    print(
        f"  runs {runs}, estimated {done}, refused {runs - done}"
        + (f" ({dict(refusals)})" if refusals else "")
    )
    if done:
        print(
            f"  mean relative bias {np.mean(rel_bias):+.1%}, "
            f"median |bias| {np.median(np.abs(rel_bias)):.1%}, "
            f"median interval width {np.median(widths):.0f}, "
            f"coverage of the 95 % interval {covered / done:.1%}"
        )
    print(f"  {secs / runs * 1000:.0f} ms per population")


def published() -> None:
    cells = [h for h in product((1, 0), repeat=4) if any(h)]
    table = dict(zip(cells, DIABETES, strict=True))
    print("\nPublished: diabetes, Casale Monferrato, 4 sources (Bruno et al. 1994)")
    print(
        f"  found {sum(DIABETES)}; published completeness 91 % -> about "
        f"{sum(DIABETES) / 0.91:.0f} (2,261-2,286 for 90.5-91.5 %)"
    )
    for label, result in (
        ("chosen by BIC", estimate(table)),
        ("chosen by AIC", estimate(table, criterion="aic")),
        ("independence", fit(table)),
        ("Rivest 2011 set I (1-3, 2-4, 3-4)", fit(table, [(0, 2), (1, 3), (2, 3)])),
    ):
        assert isinstance(result, Estimate)
        terms = ", ".join(f"{a + 1}-{b + 1}" for a, b in result.model.interactions) or "none"
        print(
            f"  {label:36s} {result.total:7.0f}  95 % {result.lower:6.0f}-{result.upper:6.0f}"
            f"  interactions {terms}; Chao's lower bound {result.chao:.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    for scenario in SCENARIOS:
        run_scenario(*scenario, runs=args.runs, rng=rng)
    published()


if __name__ == "__main__":
    main()
