from __future__ import annotations

import math
from collections.abc import Sequence

import pytest

from merchant_screen.evaluation.stats import (
    Estimate,
    bootstrap_ci,
    estimate,
    expected_calibration_error,
    mcnemar_exact,
    paired_bootstrap,
    percentile,
    reliability_bins,
)


@pytest.mark.parametrize(
    ("b", "c", "p"),
    [
        (0, 0, 1.0),
        (3, 3, 1.0),
        (0, 6, 2 / 64),  # all six discordant cases one way: 2 * 0.5**6
        (1, 5, 2 * 7 / 64),  # 2 * (C(6,0) + C(6,1)) / 2**6
        (5, 1, 2 * 7 / 64),  # symmetric
        (2, 10, 2 * (1 + 12 + 66) / 4096),
        (0, 1, 1.0),  # one discordant case can never be significant
    ],
)
def test_mcnemar_exact_known_values(b: int, c: int, p: float) -> None:
    assert mcnemar_exact(b, c) == pytest.approx(p)


def test_mcnemar_matches_binomial_test_for_larger_counts() -> None:
    # Reference: two-sided exact binomial test, n=25, k=6 -> 0.014633 (R binom.test).
    assert mcnemar_exact(6, 19) == pytest.approx(0.014633, abs=1e-6)
    with pytest.raises(ValueError, match="negative"):
        mcnemar_exact(-1, 2)


def test_percentile_interpolates() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5
    assert percentile([1, 2, 3, 4, 5, 6], 95) == pytest.approx(5.75)
    assert percentile([3, 1, 2], 0) == 1
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def test_bootstrap_of_a_constant_is_the_constant() -> None:
    assert bootstrap_ci([0.7] * 12, mean) == (pytest.approx(0.7), pytest.approx(0.7))
    assert bootstrap_ci([], mean) is None


def test_bootstrap_interval_of_a_mean_matches_the_normal_approximation() -> None:
    # 40 Bernoulli outcomes, 30 successes: SE = sqrt(.75 * .25 / 40) = 0.0685;
    # the percentile interval is close to 0.75 +- 1.96 * SE = [0.616, 0.884].
    data = [1.0] * 30 + [0.0] * 10
    low, high = bootstrap_ci(data, mean, resamples=4000, seed=7) or (0.0, 0.0)
    se = math.sqrt(0.75 * 0.25 / 40)
    assert low == pytest.approx(0.75 - 1.96 * se, abs=0.03)
    assert high == pytest.approx(0.75 + 1.96 * se, abs=0.03)
    assert bootstrap_ci(data, mean, seed=7) == bootstrap_ci(data, mean, seed=7)


def test_bootstrap_skips_undefined_resamples() -> None:
    def needs_two_kinds(sample: Sequence[int]) -> float | None:
        return mean(sample) if len(set(sample)) > 1 else None

    interval = bootstrap_ci([0, 1], needs_two_kinds, resamples=200, seed=1)
    assert interval == (pytest.approx(0.5), pytest.approx(0.5))
    assert bootstrap_ci([1, 1], needs_two_kinds) is None


def test_estimate_and_show() -> None:
    e = estimate([1.0, 0.0, 1.0, 1.0], mean, seed=3)
    assert e.value == 0.75
    assert e.count == 4
    assert e.low is not None and e.high is not None
    assert 0.0 <= e.low <= 0.75 <= e.high <= 1.0
    assert Estimate(0.5, 10, 0.25, 0.75).show() == "0.50 [0.25, 0.75] (n=10)"
    assert Estimate(0.5, 10, 0.25, 0.75).show(3, percent=True) == "50.0% [25.0%, 75.0%] (n=10)"
    assert Estimate(None, 0).show() == "n/a (n=0)"


def test_paired_bootstrap_cancels_case_difficulty() -> None:
    # B is exactly A + 1 on every case: every joint resample gives a difference of 1.
    pairs = [(float(i), float(i) + 1) for i in range(20)]

    def diff(sample: Sequence[tuple[float, float]]) -> float:
        return mean([b for _, b in sample]) - mean([a for a, _ in sample])

    e = paired_bootstrap(pairs, diff)
    assert (e.value, e.low, e.high) == (pytest.approx(1.0), pytest.approx(1.0), pytest.approx(1.0))


def test_ece_and_reliability_bins() -> None:
    confidences = [0.95, 0.95, 0.15, 0.55, 1.0]
    outcomes = [True, False, False, True, True]
    bins = reliability_bins(confidences, outcomes)
    assert [b.count for b in bins] == [0, 1, 0, 0, 0, 1, 0, 0, 0, 3]
    top = bins[-1]
    assert top.mean_confidence == pytest.approx((0.95 + 0.95 + 1.0) / 3)
    assert top.accuracy == pytest.approx(2 / 3)
    expected = (1 * 0.15 + 1 * 0.45 + 3 * abs((2.9 / 3) - 2 / 3)) / 5
    assert expected_calibration_error(confidences, outcomes) == pytest.approx(expected)
    assert expected_calibration_error([1.0, 0.0], [True, False]) == 0.0
    assert expected_calibration_error([], []) is None
    with pytest.raises(ValueError, match="length"):
        reliability_bins([0.5], [])
