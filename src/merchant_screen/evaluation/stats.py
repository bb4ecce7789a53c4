"""Small-sample statistics (pure Python): percentile bootstrap intervals, paired bootstrap,
McNemar's exact test, expected calibration error and reliability bins.

Every resampling function takes a seed, so a report is reproducible to the digit.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

__all__ = [
    "Estimate",
    "ReliabilityBin",
    "bootstrap_ci",
    "estimate",
    "expected_calibration_error",
    "mcnemar_exact",
    "paired_bootstrap",
    "percentile",
    "reliability_bins",
]

T = TypeVar("T")
DEFAULT_RESAMPLES = 2000
DEFAULT_SEED = 20250101


@dataclass(frozen=True)
class Estimate:
    """A statistic with the number of items it rests on and a 95% bootstrap interval."""

    value: float | None
    count: int
    low: float | None = None
    high: float | None = None

    def show(self, digits: int = 2, *, percent: bool = False) -> str:
        """``0.83 [0.67, 0.95] (n=12)``; percentages with ``percent``."""
        if self.value is None:
            return f"n/a (n={self.count})"
        interval = ""
        if self.low is not None and self.high is not None:
            interval = f" [{_fmt(self.low, digits, percent)}, {_fmt(self.high, digits, percent)}]"
        return f"{_fmt(self.value, digits, percent)}{interval} (n={self.count})"


def _fmt(value: float, digits: int, percent: bool) -> str:
    return f"{100 * value:.{max(digits - 2, 0)}f}%" if percent else f"{value:.{digits}f}"


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) with linear interpolation between order statistics."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    fraction = position - lower
    return ordered[lower] + (ordered[upper] - ordered[lower]) * fraction


def bootstrap_ci(
    items: Sequence[T],
    statistic: Callable[[Sequence[T]], float | None],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> tuple[float, float] | None:
    """Percentile bootstrap interval of ``statistic`` over ``items`` resampled with
    replacement; resamples where the statistic is undefined (None) are skipped."""
    if not items:
        return None
    rng = random.Random(seed)
    n = len(items)
    values = []
    for _ in range(resamples):
        sample = [items[rng.randrange(n)] for _ in range(n)]
        value = statistic(sample)
        if value is not None:
            values.append(value)
    if not values:
        return None
    tail = (1 - level) / 2 * 100
    return percentile(values, tail), percentile(values, 100 - tail)


def estimate(
    items: Sequence[T],
    statistic: Callable[[Sequence[T]], float | None],
    *,
    count: int | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> Estimate:
    """``statistic`` on ``items`` with its bootstrap interval; ``count`` defaults to len."""
    value = statistic(items) if items else None
    n = len(items) if count is None else count
    if value is None:
        return Estimate(None, n)
    interval = bootstrap_ci(items, statistic, resamples=resamples, seed=seed)
    if interval is None:
        return Estimate(value, n)
    return Estimate(value, n, interval[0], interval[1])


def paired_bootstrap(
    pairs: Sequence[T],
    difference: Callable[[Sequence[T]], float | None],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> Estimate:
    """Interval of a difference between two runs, resampling *cases* jointly (each item holds
    both runs' results for one case), so case difficulty cancels out."""
    return estimate(pairs, difference, resamples=resamples, seed=seed)


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value from the discordant counts: ``b`` cases right only in
    run A, ``c`` right only in run B. Under the null each discordant case is a fair coin."""
    if b < 0 or c < 0:
        raise ValueError("discordant counts cannot be negative")
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    tail: float = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    count: int
    mean_confidence: float | None
    accuracy: float | None


def reliability_bins(
    confidences: Sequence[float], outcomes: Sequence[bool], bins: int = 10
) -> list[ReliabilityBin]:
    """Equal-width confidence bins over [0, 1] (the last bin includes 1.0)."""
    if len(confidences) != len(outcomes):
        raise ValueError("confidences and outcomes differ in length")
    grouped: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for p, ok in zip(confidences, outcomes, strict=True):
        index = min(int(p * bins), bins - 1) if p >= 0 else 0
        grouped[index].append((p, ok))
    out = []
    for i, members in enumerate(grouped):
        if members:
            mean = sum(p for p, _ in members) / len(members)
            accuracy = sum(1 for _, ok in members if ok) / len(members)
            out.append(ReliabilityBin(i / bins, (i + 1) / bins, len(members), mean, accuracy))
        else:
            out.append(ReliabilityBin(i / bins, (i + 1) / bins, 0, None, None))
    return out


def expected_calibration_error(
    confidences: Sequence[float], outcomes: Sequence[bool], bins: int = 10
) -> float | None:
    """ECE: the count-weighted mean gap between confidence and accuracy over the bins, i.e.
    the sum over bins of |sum of confidences - number right|, divided by the total."""
    total = len(confidences)
    if total == 0:
        return None
    gaps = [0.0] * bins
    for p, ok in zip(confidences, outcomes, strict=True):
        index = min(int(p * bins), bins - 1) if p >= 0 else 0
        gaps[index] += p - (1.0 if ok else 0.0)
    return sum(abs(g) for g in gaps) / total
