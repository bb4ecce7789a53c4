"""Applying a fitted confidence calibrator (fitting lives in the evaluation package).

File format (JSON): {"method": "platt", "a": float, "b": float, ...} maps a raw confidence p
to sigmoid(a * logit(p) + b); {"method": "isotonic", "x": [...], "y": [...]} interpolates
a monotone step curve. The file's hash is the calibration version on every verdict.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

from merchant_screen.errors import ConfigError

__all__ = ["Calibrator", "load_calibrator"]


@dataclass(frozen=True)
class Calibrator:
    method: str
    version: str
    a: float = 1.0
    b: float = 0.0
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()

    def apply(self, p: float) -> float:
        p = min(1 - 1e-6, max(1e-6, p))
        if self.method == "platt":
            z = self.a * math.log(p / (1 - p)) + self.b
            return round(1 / (1 + math.exp(-z)), 4)
        i = bisect.bisect_right(self.x, p)
        if i == 0:
            return round(self.y[0], 4)
        if i >= len(self.x):
            return round(self.y[-1], 4)
        x0, x1, y0, y1 = self.x[i - 1], self.x[i], self.y[i - 1], self.y[i]
        return round(y0 + (y1 - y0) * (p - x0) / ((x1 - x0) or 1.0), 4)


def load_calibrator(path: Path) -> Calibrator:
    try:
        raw = path.read_bytes()
        data = json.loads(raw)
        method = data["method"]
        version = "sha256:" + hashlib.sha256(raw).hexdigest()[:16]
        if method == "platt":
            return Calibrator("platt", version, a=float(data["a"]), b=float(data["b"]))
        if method == "isotonic":
            xs = tuple(float(v) for v in data["x"])
            ys = tuple(float(v) for v in data["y"])
            if not xs or len(xs) != len(ys) or list(xs) != sorted(xs):
                raise ValueError("x must be sorted and as long as y")
            return Calibrator("isotonic", version, x=xs, y=ys)
        raise ValueError(f"unknown method {method!r}")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"calibration file {path} is invalid: {exc}") from None
