"""Fitting a confidence calibrator from results (the apply side is ``agent.calibration``).

The target is "the decision is right": each row gives the verdict's raw confidence (before
any calibration) and whether its decision matched the label. Platt scaling fits
``sigmoid(a * logit(p) + b)`` by Newton's method on Platt's smoothed targets; isotonic
regression (pool adjacent violators) is offered only from ``ISOTONIC_MIN_CASES`` cases up,
where a step curve stops overfitting. ECE after calibration is measured out of fold
(stratified k-fold cross-validation), so it is an honest estimate, not the training fit.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from merchant_screen.errors import ConfigError
from merchant_screen.evaluation.results import ResultRow
from merchant_screen.evaluation.stats import DEFAULT_SEED, Estimate, estimate
from merchant_screen.evaluation.stats import expected_calibration_error as ece

__all__ = [
    "ISOTONIC_MIN_CASES",
    "CalibrationFit",
    "calibration_points",
    "fit_calibration",
    "fit_isotonic",
    "fit_platt",
    "platt_apply",
    "write_calibration",
]

ISOTONIC_MIN_CASES = 200
MAX_FOLDS = 5
Method = Literal["platt", "isotonic"]
_EPS = 1e-6


def _logit(p: float) -> float:
    p = min(1 - _EPS, max(_EPS, p))
    return math.log(p / (1 - p))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def platt_apply(a: float, b: float, p: float) -> float:
    return _sigmoid(a * _logit(p) + b)


def fit_platt(confidences: Sequence[float], outcomes: Sequence[bool]) -> tuple[float, float]:
    """Platt's (a, b): Newton steps with step halving on the smoothed-target log loss."""
    xs = [_logit(p) for p in confidences]
    positives = sum(1 for y in outcomes if y)
    negatives = len(outcomes) - positives
    hi, lo = (positives + 1) / (positives + 2), 1 / (negatives + 2)
    targets = [hi if y else lo for y in outcomes]

    def loss(a: float, b: float) -> float:
        total = 0.0
        for x, t in zip(xs, targets, strict=True):
            q = min(1 - 1e-12, max(1e-12, _sigmoid(a * x + b)))
            total -= t * math.log(q) + (1 - t) * math.log(1 - q)
        return total

    a, b = 1.0, 0.0
    current = loss(a, b)
    for _ in range(100):
        ga = gb = haa = hab = hbb = 0.0
        for x, t in zip(xs, targets, strict=True):
            q = _sigmoid(a * x + b)
            w = max(q * (1 - q), 1e-12)
            ga += (q - t) * x
            gb += q - t
            haa += w * x * x
            hab += w * x
            hbb += w
        haa += 1e-9
        hbb += 1e-9
        det = haa * hbb - hab * hab
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        step = 1.0
        while step > 1e-8:
            na, nb = a - step * da, b - step * db
            candidate = loss(na, nb)
            if candidate <= current:
                break
            step /= 2
        else:
            break
        moved = abs(na - a) + abs(nb - b)
        a, b, current = na, nb, candidate
        if moved < 1e-10:
            break
    return a, b


def fit_isotonic(
    confidences: Sequence[float], outcomes: Sequence[bool]
) -> tuple[list[float], list[float]]:
    """Non-decreasing step fit by pool adjacent violators; each pooled block contributes its
    lowest and highest confidence at the block's accuracy (the loader interpolates)."""
    blocks: list[list[float]] = []  # [sum_y, count, min_x, max_x]
    for p, y in sorted(zip(confidences, outcomes, strict=True)):
        if blocks and blocks[-1][3] == p:
            blocks[-1][0] += float(y)
            blocks[-1][1] += 1
        else:
            blocks.append([float(y), 1.0, p, p])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            last = blocks.pop()
            blocks[-1][0] += last[0]
            blocks[-1][1] += last[1]
            blocks[-1][3] = last[3]
    xs: list[float] = []
    ys: list[float] = []
    for total, count, low, high in blocks:
        for x in (low, high) if high > low else (low,):
            xs.append(round(x, 6))
            ys.append(round(total / count, 6))
    return xs, ys


def _isotonic_apply(xs: Sequence[float], ys: Sequence[float], p: float) -> float:
    if p <= xs[0]:
        return ys[0]
    for i in range(1, len(xs)):
        if p <= xs[i]:
            span = xs[i] - xs[i - 1]
            return ys[i - 1] + (ys[i] - ys[i - 1]) * ((p - xs[i - 1]) / span if span else 1.0)
    return ys[-1]


@dataclass(frozen=True)
class CalibrationFit:
    method: Method
    params: dict[str, Any]
    cases: int
    correct: int
    folds: int
    ece_before: Estimate
    ece_after: Estimate
    brier_before: float
    brier_after: float
    fitted_on: dict[str, Any] = field(default_factory=dict)


def calibration_points(rows: Sequence[ResultRow]) -> tuple[list[float], list[bool]]:
    """(raw confidence, decision correct) of every row that produced a verdict."""
    usable = [r for r in rows if r.error is None and r.confidence is not None]
    raw = [
        r.raw_confidence if r.raw_confidence is not None else r.confidence or 0.0 for r in usable
    ]
    return raw, [r.correct for r in usable]


def _folds(outcomes: Sequence[bool], k: int, seed: int) -> list[int]:
    """Stratified fold number per item, shuffled with ``seed``."""
    rng = random.Random(seed)
    fold = [0] * len(outcomes)
    for label in (True, False):
        members = [i for i, y in enumerate(outcomes) if y is label]
        rng.shuffle(members)
        for position, index in enumerate(members):
            fold[index] = position % k
    return fold


def _fit_apply(
    method: Method, train_p: list[float], train_y: list[bool], test_p: list[float]
) -> list[float]:
    if method == "platt":
        a, b = fit_platt(train_p, train_y)
        return [platt_apply(a, b, p) for p in test_p]
    xs, ys = fit_isotonic(train_p, train_y)
    return [_isotonic_apply(xs, ys, p) for p in test_p]


def _brier(ps: Sequence[float], ys: Sequence[bool]) -> float:
    return sum((p - float(y)) ** 2 for p, y in zip(ps, ys, strict=True)) / len(ps)


def fit_calibration(
    rows: Sequence[ResultRow], method: Method | Literal["auto"] = "auto", seed: int = DEFAULT_SEED
) -> CalibrationFit:
    """Fit on every row, and measure ECE before / after with out-of-fold predictions."""
    ps, ys = calibration_points(rows)
    n, positives = len(ps), sum(ys)
    chosen: Method = (
        ("isotonic" if n >= ISOTONIC_MIN_CASES else "platt") if method == "auto" else method
    )
    if chosen == "isotonic" and n < ISOTONIC_MIN_CASES:
        raise ConfigError(f"isotonic calibration needs {ISOTONIC_MIN_CASES} cases, got {n}")
    k = min(MAX_FOLDS, positives, n - positives)
    if k < 2:
        raise ConfigError(
            f"calibration needs at least 2 right and 2 wrong decisions, got {positives} right "
            f"and {n - positives} wrong in {n} verdicts"
        )
    fold = _folds(ys, k, seed)
    out_of_fold = [0.0] * n
    for f in range(k):
        train = [i for i in range(n) if fold[i] != f]
        test = [i for i in range(n) if fold[i] == f]
        predicted = _fit_apply(
            chosen, [ps[i] for i in train], [ys[i] for i in train], [ps[i] for i in test]
        )
        for i, value in zip(test, predicted, strict=True):
            out_of_fold[i] = value
    before = list(zip(ps, ys, strict=True))
    after = list(zip(out_of_fold, ys, strict=True))

    def stat(sample: Sequence[tuple[float, bool]]) -> float | None:
        return ece([p for p, _ in sample], [y for _, y in sample])

    if chosen == "platt":
        a, b = fit_platt(ps, ys)
        params: dict[str, Any] = {"a": round(a, 6), "b": round(b, 6)}
    else:
        xs, ys_fit = fit_isotonic(ps, ys)
        params = {"x": xs, "y": ys_fit}
    return CalibrationFit(
        method=chosen,
        params=params,
        cases=n,
        correct=positives,
        folds=k,
        ece_before=estimate(before, stat, seed=seed),
        ece_after=estimate(after, stat, seed=seed),
        brier_before=_brier(ps, ys),
        brier_after=_brier(out_of_fold, ys),
        fitted_on=_provenance(rows),
    )


def _provenance(rows: Sequence[ResultRow]) -> dict[str, Any]:
    def count(values: list[str]) -> dict[str, int]:
        return {v: values.count(v) for v in sorted(set(values))}

    return {
        "configs": count([r.config for r in rows]),
        "models": count([r.model for r in rows]),
        "strategies": count([r.strategy for r in rows]),
        "splits": count([r.split for r in rows]),
    }


def write_calibration(fit: CalibrationFit, path: Path) -> dict[str, Any]:
    """Write the calibration file ``load_calibrator`` reads (extra fields are provenance)."""

    def interval(e: Estimate) -> list[float] | None:
        return (
            [round(e.low, 4), round(e.high, 4)]
            if e.low is not None and e.high is not None
            else None
        )

    data: dict[str, Any] = {
        "method": fit.method,
        **fit.params,
        "fitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "fitted_on": {"cases": fit.cases, "correct": fit.correct, **fit.fitted_on},
        "target": "decision is right",
        "cv_folds": fit.folds,
        "ece_before": round(fit.ece_before.value or 0.0, 4),
        "ece_before_ci": interval(fit.ece_before),
        "ece_after": round(fit.ece_after.value or 0.0, 4),
        "ece_after_ci": interval(fit.ece_after),
        "brier_before": round(fit.brier_before, 4),
        "brier_after": round(fit.brier_after, 4),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return data
