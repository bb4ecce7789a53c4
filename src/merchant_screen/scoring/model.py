"""The learned scorer: features of a candidate category -> calibrated probability that the
merchant really sells or offers it.

The scorer is a JSON artifact (never pickle): a logistic regression (standardised
coefficients) or gradient-boosted trees (each tree as flat arrays), a calibration map fitted
out of fold (Platt or isotonic) and one threshold per tier. Its version is the sha256 of the
file, recorded in every verdict's ``versions.scorer``. ``merchant-screen train`` writes one
from labelled evaluation runs (``merchant_screen.scoring.train``); the one bundled with the
package was fitted on the development split only.

Inference is plain Python: no numpy or scikit-learn at screening time.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from merchant_screen.errors import ConfigError
from merchant_screen.scoring.features import FEATURES

__all__ = [
    "ARTIFACT_FORMAT",
    "Calibration",
    "Scorer",
    "ScorerArtifact",
    "Tree",
    "load_scorer",
    "sigmoid",
]

ARTIFACT_FORMAT: Literal["merchant-screen-scorer/1"] = "merchant-screen-scorer/1"
_BUNDLED = "scorer.json"
Tier = Literal["prohibited", "restricted"]


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Logistic(_Strict):
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float


class Tree(_Strict):
    """One regression tree in flat arrays; a leaf has ``left == right == -1``."""

    feature: list[int]
    threshold: list[float]
    left: list[int]
    right: list[int]
    value: list[float]

    def predict(self, x: Sequence[float]) -> float:
        """The leaf value for ``x``; features compare as float32, as scikit-learn's trees do."""
        node = 0
        while self.left[node] != -1:
            value = _float32(x[self.feature[node]])
            node = self.left[node] if value <= self.threshold[node] else self.right[node]
        return self.value[node]


class Boosted(_Strict):
    init: float = Field(description="raw score before the trees (log-odds)")
    learning_rate: float
    trees: list[Tree]


class Calibration(_Strict):
    """Maps the model's raw probability to a calibrated one."""

    kind: Literal["none", "platt", "isotonic"] = "none"
    a: float = 1.0
    b: float = 0.0
    x: list[float] = Field(default_factory=list)
    y: list[float] = Field(default_factory=list)

    def apply(self, p: float) -> float:
        if self.kind == "platt":
            logit = math.log(max(p, 1e-6) / max(1 - p, 1e-6))
            return sigmoid(self.a * logit + self.b)
        if self.kind == "isotonic" and self.x:
            return _interpolate(self.x, self.y, p)
        return p


class ScorerArtifact(_Strict):
    format: Literal["merchant-screen-scorer/1"] = ARTIFACT_FORMAT
    kind: Literal["logistic", "boosted_trees"]
    features: list[str]
    logistic: Logistic | None = None
    boosted: Boosted | None = None
    calibration: Calibration = Calibration()
    thresholds: dict[Tier, float] = Field(description="minimum probability for a finding")
    fitted: dict[str, Any] = Field(default_factory=dict, description="how it was trained")

    @model_validator(mode="after")
    def _consistent(self) -> ScorerArtifact:
        width = len(self.features)
        if self.kind == "logistic":
            lr = self.logistic
            if lr is None or not (len(lr.mean) == len(lr.scale) == len(lr.coef) == width):
                raise ValueError("logistic coefficients do not match the feature list")
        else:
            boosted = self.boosted
            if boosted is None or not boosted.trees:
                raise ValueError("boosted_trees needs its trees")
            for tree in boosted.trees:
                n = len(tree.left)
                if not (len(tree.right) == len(tree.feature) == len(tree.threshold) == n):
                    raise ValueError("a tree's arrays differ in length")
                if any(not -1 <= c < n for c in (*tree.left, *tree.right)) or any(
                    f >= width for f in tree.feature
                ):
                    raise ValueError("a tree points outside itself or the feature list")
        if set(self.thresholds) != {"prohibited", "restricted"}:
            raise ValueError("thresholds need 'prohibited' and 'restricted'")
        return self


@dataclass(frozen=True)
class Scorer:
    """A loaded artifact and its version (``sha256:`` + 16 hex of the file)."""

    artifact: ScorerArtifact
    version: str

    def raw(self, features: Mapping[str, float]) -> float:
        """The model's probability before calibration."""
        a = self.artifact
        x = [float(features.get(name, 0.0)) for name in a.features]
        if a.logistic is not None and a.kind == "logistic":
            lr = a.logistic
            z = lr.intercept + sum(
                c * (v - m) / (s or 1.0)
                for c, v, m, s in zip(lr.coef, x, lr.mean, lr.scale, strict=True)
            )
            return sigmoid(z)
        assert a.boosted is not None
        b = a.boosted
        return sigmoid(b.init + b.learning_rate * sum(tree.predict(x) for tree in b.trees))

    def probability(self, features: Mapping[str, float]) -> float:
        """Calibrated probability that the category really applies."""
        return round(min(1.0, max(0.0, self.artifact.calibration.apply(self.raw(features)))), 4)

    def threshold(self, tier: str) -> float:
        return self.artifact.thresholds["prohibited" if tier == "prohibited" else "restricted"]


def load_scorer(path: Path | None = None) -> Scorer:
    """The artifact at ``path``, else the bundled one; one-line ``ConfigError`` if unusable."""
    where = str(path) if path else "the bundled scorer"
    try:
        if path is None:
            data = resources.files("merchant_screen.scoring").joinpath(_BUNDLED).read_bytes()
        else:
            data = path.read_bytes()
        artifact = ScorerArtifact.model_validate(json.loads(data))
    except OSError as exc:
        raise ConfigError(f"cannot read scorer {where}: {exc.strerror or exc}") from None
    except (ValueError, ValidationError) as exc:
        first = str(exc).strip().splitlines()
        raise ConfigError(
            f"scorer {where} is not a valid artifact: {first[0] if first else exc}"
        ) from None
    missing = [name for name in artifact.features if name not in FEATURES]
    if missing:
        raise ConfigError(f"scorer {where} uses features this version does not compute: {missing}")
    return Scorer(artifact, "sha256:" + hashlib.sha256(data).hexdigest()[:16])


def _float32(value: float) -> float:
    return float(struct.unpack("f", struct.pack("f", value))[0])


def _interpolate(xs: Sequence[float], ys: Sequence[float], p: float) -> float:
    if p <= xs[0]:
        return ys[0]
    if p >= xs[-1]:
        return ys[-1]
    i = bisect_right(xs, p) - 1
    x0, x1, y0, y1 = xs[i], xs[i + 1], ys[i], ys[i + 1]
    return y0 if x1 == x0 else y0 + (y1 - y0) * (p - x0) / (x1 - x0)
