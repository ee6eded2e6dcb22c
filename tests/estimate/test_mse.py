"""Multiple systems estimation (kintrace.estimate.mse) against known answers and simulations."""

from itertools import product

import numpy as np
import pytest

from kintrace.estimate.mse import (
    Estimate,
    Refusal,
    RefusalReason,
    chao_lower_bound,
    estimate,
    fit,
    histories_from_memberships,
)
from kintrace.estimate.simulate import simulate

# Bruno et al. (1994), four sources of diabetes cases in Casale Monferrato, as printed in
# Rcapture's closedpCI example (histories in the order 1111, 1110, 1101, ... 0001).
DIABETES = dict(
    zip(
        [h for h in product((1, 0), repeat=4) if any(h)],
        (58, 157, 18, 104, 46, 650, 12, 709, 14, 20, 7, 74, 8, 182, 10),
        strict=True,
    )
)


def test_two_lists_under_independence_give_the_lincoln_petersen_estimate_rcapture_prints():
    # Seber (1982) p. 107, Rcapture's closedp example: model Mt, 2389.9.
    result = fit({(1, 1): 167, (1, 0): 781, (0, 1): 254})
    assert result is not None
    assert result.total == pytest.approx(948 * 421 / 167, rel=1e-6)
    assert round(result.total, 1) == 2389.9
    assert result.lower < result.total < result.upper


def test_bic_chooses_the_interactions_rivest_chose_for_the_diabetes_survey():
    result = estimate(DIABETES)
    assert isinstance(result, Estimate)
    assert result.observed == 2069
    assert result.model.interactions == ((0, 2), (1, 3), (2, 3))
    assert result.lower < result.total < result.upper
    assert 2300 < result.total < 2600


def test_the_independence_model_interval_holds_the_published_diabetes_completeness():
    # Bruno et al. reported 2,069 cases found and a completeness of 91 %.
    result = fit(DIABETES)
    assert result is not None
    assert result.lower <= 2069 / 0.91 <= result.upper


def test_chao_lower_bound_follows_the_formula_for_k_lists():
    histories = {(1, 0, 0): 30, (0, 1, 0): 20, (1, 1, 0): 10, (1, 1, 1): 5}
    f1, f2, n = 50, 10, 65
    assert chao_lower_bound(histories, 3) == pytest.approx(n + (2 / 3) * f1 * f1 / (2 * f2))


def test_chao_lower_bound_without_doubles_uses_the_bias_corrected_form():
    histories = {(1, 0, 0): 4, (1, 1, 1): 1}
    assert chao_lower_bound(histories, 3) == pytest.approx(5 + (2 / 3) * 4 * 3 / 2)


def test_fewer_than_three_lists_are_refused_with_the_reason():
    result = estimate({(1, 0): 50, (0, 1): 40, (1, 1): 20})
    assert isinstance(result, Refusal)
    assert result.reason is RefusalReason.TOO_FEW_LISTS


def test_a_list_nobody_is_on_does_not_count_as_a_list():
    result = estimate({(1, 0, 0): 50, (0, 1, 0): 40, (1, 1, 0): 20})
    assert isinstance(result, Refusal)
    assert result.reason is RefusalReason.TOO_FEW_LISTS
    assert result.lists == 2


def test_lists_that_barely_overlap_are_refused():
    result = estimate({(1, 0, 0): 50, (0, 1, 0): 40, (0, 0, 1): 30, (1, 1, 0): 2, (0, 1, 1): 1})
    assert isinstance(result, Refusal)
    assert result.reason is RefusalReason.TOO_LITTLE_OVERLAP
    assert result.chao is not None


def test_too_few_men_are_refused():
    result = estimate({(1, 0, 0): 5, (0, 1, 0): 4, (1, 1, 1): 3})
    assert isinstance(result, Refusal)
    assert result.reason is RefusalReason.TOO_FEW_OBSERVED


def test_an_estimate_beyond_the_ratio_is_refused_as_unstable():
    # Plenty of men on each list, almost none on two: the unseen cell explodes.
    histories = {(1, 0, 0): 400, (0, 1, 0): 400, (0, 0, 1): 400}
    histories.update({(1, 1, 0): 4, (1, 0, 1): 4, (0, 1, 1): 4})
    result = estimate(histories, max_ratio=5)
    assert isinstance(result, Refusal)
    assert result.reason is RefusalReason.UNSTABLE


def test_histories_that_are_not_zeros_and_ones_are_refused():
    with pytest.raises(ValueError):
        estimate({(1, 2, 0): 5})
    with pytest.raises(ValueError):
        estimate({(0, 0, 0): 5})
    with pytest.raises(ValueError):
        estimate({(1, 0): 5, (1, 0, 0): 3})


def test_memberships_become_history_counts_without_the_unseen():
    counts = histories_from_memberships([(True, False, True), (True, False, True), (False,) * 3])
    assert counts == {(1, 0, 1): 2}


def test_the_interval_covers_the_true_size_of_dependent_simulated_lists_most_times():
    rng = np.random.default_rng(7)
    covered = 0
    runs = 12
    for _ in range(runs):
        counts = simulate(
            population=800,
            probabilities=(0.3, 0.25, 0.2),
            rng=rng,
            dependence={(0, 1): 3.0},
        )
        result = estimate(counts)
        assert isinstance(result, Estimate)
        covered += result.lower <= 800 <= result.upper
    assert covered >= 9


def test_simulation_refuses_probabilities_outside_zero_and_one():
    with pytest.raises(ValueError):
        simulate(population=10, probabilities=(0.5, 1.0, 0.2), rng=np.random.default_rng(1))


def test_an_estimate_whose_interval_ends_below_chao_s_bound_says_they_disagree():
    # Every model's interval ends below 201 (the independence model: 152, 129–188); Chao's
    # bound (n + (2/3)·f1²/2f2 = 116 + 103.8) says at least 220. The page once showed
    # "125 (122–134)" beside a lower bound of 243 without a word.
    histories = {(0, 1, 0): 80, (0, 0, 1): 10, (1, 1, 0): 5, (1, 0, 1): 1, (0, 1, 1): 20}
    result = estimate(histories)
    assert isinstance(result, Estimate)
    assert result.chao == pytest.approx(116 + (2 / 3) * 90**2 / (2 * 26))
    assert result.upper < result.chao and result.disagrees_with_chao
    agreeing = estimate({(1, 0, 0): 40, (0, 1, 0): 40, (0, 0, 1): 40, (1, 1, 0): 20,
                         (1, 0, 1): 20, (0, 1, 1): 20, (1, 1, 1): 10})  # fmt: skip
    assert isinstance(agreeing, Estimate) and not agreeing.disagrees_with_chao
