from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from merchant_screen.agent.calibration import load_calibrator
from merchant_screen.errors import ConfigError
from merchant_screen.evaluation.calibration_fit import (
    ISOTONIC_MIN_CASES,
    fit_calibration,
    fit_isotonic,
    fit_platt,
    platt_apply,
    write_calibration,
)
from merchant_screen.evaluation.results import ResultRow
from tests.evaluation.factories import make_row


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def overconfident(n: int, seed: int = 11) -> tuple[list[float], list[bool]]:
    """Raw confidences whose true probability is sigmoid(0.5 * logit(p) - 0.4)."""
    rng = random.Random(seed)
    ps, ys = [], []
    for _ in range(n):
        p = rng.uniform(0.55, 0.99)
        ps.append(round(p, 4))
        ys.append(rng.random() < sigmoid(0.5 * logit(p) - 0.4))
    return ps, ys


def rows_from(ps: list[float], ys: list[bool]) -> list[ResultRow]:
    return [
        make_row(
            f"c{i}",
            "prohibited",
            "prohibited" if y else "allowed",
            confidence=p,
            raw_confidence=p,
        )
        for i, (p, y) in enumerate(zip(ps, ys, strict=True))
    ]


def test_platt_recovers_known_parameters() -> None:
    ps, ys = overconfident(4000)
    a, b = fit_platt(ps, ys)
    assert a == pytest.approx(0.5, abs=0.12)
    assert b == pytest.approx(-0.4, abs=0.15)


def test_platt_is_identity_on_calibrated_data() -> None:
    rng = random.Random(5)
    ps = [rng.uniform(0.05, 0.95) for _ in range(4000)]
    ys = [rng.random() < p for p in ps]
    a, b = fit_platt(ps, ys)
    assert (a, b) == (pytest.approx(1.0, abs=0.12), pytest.approx(0.0, abs=0.12))


def test_platt_stays_finite_on_separable_data() -> None:
    a, b = fit_platt([0.9, 0.8, 0.3, 0.2], [True, True, False, False])
    assert math.isfinite(a) and math.isfinite(b)
    assert platt_apply(a, b, 0.9) > 0.5 > platt_apply(a, b, 0.2)


def test_isotonic_pools_adjacent_violators() -> None:
    xs, ys = fit_isotonic([0.1, 0.2, 0.3, 0.4, 0.5], [False, True, False, True, True])
    # 0.2 (right) and 0.3 (wrong) violate monotonicity and pool to 0.5.
    assert xs == [0.1, 0.2, 0.3, 0.4, 0.5]
    assert ys == [0.0, 0.5, 0.5, 1.0, 1.0]
    assert ys == sorted(ys)
    tied_x, tied_y = fit_isotonic([0.5, 0.5, 0.7], [True, False, True])
    assert (tied_x, tied_y) == ([0.5, 0.7], [0.5, 1.0])


def test_fit_lowers_ece_out_of_fold_and_round_trips(tmp_path: Path) -> None:
    ps, ys = overconfident(150)
    fit = fit_calibration(rows_from(ps, ys))
    assert fit.method == "platt"
    assert fit.folds == 5
    assert fit.cases == 150
    assert fit.ece_before.value is not None and fit.ece_after.value is not None
    assert fit.ece_after.value < fit.ece_before.value / 2
    assert fit.brier_after < fit.brier_before
    assert fit.ece_before.low is not None and fit.ece_before.high is not None
    assert fit.ece_before.low <= fit.ece_before.value <= fit.ece_before.high

    path = tmp_path / "calibration.json"
    data = write_calibration(fit, path)
    saved = json.loads(path.read_text())
    assert saved["method"] == "platt"
    assert saved["fitted_on"]["cases"] == 150
    assert saved["ece_after"] == data["ece_after"]
    assert len(saved["ece_before_ci"]) == 2
    calibrator = load_calibrator(path)
    assert calibrator.method == "platt"
    assert calibrator.version.startswith("sha256:")
    a, b = saved["a"], saved["b"]
    for p in (0.6, 0.8, 0.95):
        assert calibrator.apply(p) == pytest.approx(platt_apply(a, b, p), abs=1e-4)
        assert calibrator.apply(p) < p  # overconfident input is pulled down


def test_isotonic_only_from_200_cases(tmp_path: Path) -> None:
    ps, ys = overconfident(120)
    with pytest.raises(ConfigError, match="200 cases"):
        fit_calibration(rows_from(ps, ys), "isotonic")
    ps, ys = overconfident(ISOTONIC_MIN_CASES)
    fit = fit_calibration(rows_from(ps, ys))
    assert fit.method == "isotonic"
    path = tmp_path / "iso.json"
    write_calibration(fit, path)
    calibrator = load_calibrator(path)
    assert calibrator.method == "isotonic"
    low, high = calibrator.apply(0.56), calibrator.apply(0.98)
    assert low <= high


def test_fit_needs_both_outcomes() -> None:
    rows = rows_from([0.9, 0.8, 0.7, 0.6], [True, True, True, False])
    with pytest.raises(ConfigError, match="at least 2 right and 2 wrong"):
        fit_calibration(rows)


def test_fit_uses_raw_confidence_and_skips_errors() -> None:
    ps, ys = overconfident(60)
    rows = rows_from(ps, ys)
    shifted = [r.model_copy(update={"confidence": 0.5}) for r in rows]
    errors = [make_row(f"e{i}", "allowed", None) for i in range(5)]
    fit = fit_calibration(shifted + errors)
    assert fit.cases == 60
    assert fit.ece_before.value == pytest.approx(fit_calibration(rows).ece_before.value)
