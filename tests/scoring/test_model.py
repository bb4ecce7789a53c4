"""The scorer artifact: validation, inference in plain Python, calibration, versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from merchant_screen.errors import ConfigError
from merchant_screen.scoring.features import FEATURES
from merchant_screen.scoring.model import Calibration, load_scorer, sigmoid


def logistic(coef: dict[str, float], intercept: float = 0.0, **extra: object) -> dict[str, object]:
    return {
        "kind": "logistic",
        "features": list(FEATURES),
        "logistic": {
            "mean": [0.0] * len(FEATURES),
            "scale": [1.0] * len(FEATURES),
            "coef": [coef.get(f, 0.0) for f in FEATURES],
            "intercept": intercept,
        },
        "thresholds": {"prohibited": 0.6, "restricted": 0.5},
        **extra,
    }


def write(tmp_path: Path, data: object, name: str = "s.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def test_the_bundled_scorer_loads_and_has_a_content_version() -> None:
    scorer = load_scorer()
    assert scorer.version.startswith("sha256:") and len(scorer.version) == 23
    assert 0 < scorer.threshold("prohibited") < 1 and 0 < scorer.threshold("restricted") < 1
    p = scorer.probability(dict.fromkeys(FEATURES, 0.0))
    assert 0.0 <= p <= 1.0


def test_logistic_probability_and_thresholds(tmp_path: Path) -> None:
    scorer = load_scorer(write(tmp_path, logistic({"model_max": 2.0}, intercept=-1.0)))
    assert scorer.probability({"model_max": 0.9}) == round(sigmoid(0.8), 4)
    assert scorer.threshold("prohibited") == 0.6 and scorer.threshold("restricted") == 0.5


def test_trees_walk_left_at_or_below_the_threshold(tmp_path: Path) -> None:
    index = FEATURES.index("offer_near")
    tree = {"feature": [index, 0, 0], "threshold": [0.5, 0, 0], "left": [1, -1, -1],
            "right": [2, -1, -1], "value": [0.0, -1.0, 3.0]}  # fmt: skip
    data = {
        "kind": "boosted_trees",
        "features": list(FEATURES),
        "boosted": {"init": 0.0, "learning_rate": 0.5, "trees": [tree]},
        "thresholds": {"prohibited": 0.5, "restricted": 0.5},
    }
    scorer = load_scorer(write(tmp_path, data))
    assert scorer.raw({"offer_near": 0.5}) == pytest.approx(sigmoid(-0.5))
    assert scorer.raw({"offer_near": 1.0}) == pytest.approx(sigmoid(1.5))


def test_calibration_maps() -> None:
    assert Calibration(kind="platt", a=1.0, b=0.0).apply(0.7) == pytest.approx(0.7)
    iso = Calibration(kind="isotonic", x=[0.1, 0.5, 0.9], y=[0.0, 0.4, 1.0])
    assert iso.apply(0.05) == 0.0 and iso.apply(0.7) == pytest.approx(0.7) and iso.apply(1) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not a valid artifact"),
        ({"kind": "logistic", "features": ["x"], "thresholds": {}}, "not a valid artifact"),
        (logistic({}, pickle="yes"), "not a valid artifact"),
        ({**logistic({}), "features": [*FEATURES[:-1], "mystery"]}, "does not compute"),
    ],
)
def test_bad_artifacts_are_one_line_config_errors(
    tmp_path: Path, data: object, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    with pytest.raises(ConfigError, match=message) as caught:
        load_scorer(path)
    assert "\n" not in str(caught.value)


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read scorer"):
        load_scorer(tmp_path / "nope.json")


def test_the_version_changes_with_the_content(tmp_path: Path) -> None:
    a = load_scorer(write(tmp_path, logistic({"model_max": 1.0}), "a.json"))
    b = load_scorer(write(tmp_path, logistic({"model_max": 1.5}), "b.json"))
    assert a.version != b.version
