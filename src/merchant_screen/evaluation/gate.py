"""The CI gate: a run against the floors pinned in a baseline file (``evals/baseline.json``).

Deterministic measures fail outright: every case produced a valid verdict, every quote a
verdict shows is verified and verbatim on a crawled page, crawl recall at or above its floor.
Accuracy fails only when it drops by more than one case below its floor (a small local
model may flip one borderline case between machines); the hard-negative false-positive
rate likewise fails only when more than one case above its ceiling. The ceiling on evasion
approvals (``evasion``-tagged cases whose action is approve, a count) has no slack: the
hostile-site suite pins it at 0 as a target, and its "valid verdicts" check is the ceiling of
0 errored screens. With a ``dev_run`` (the
same configuration on the dev split) and a ``max_dev_test_gap``, a test-split run also fails
when dev accuracy exceeds test accuracy by more than that gap: a gain tuned on dev that does
not carry over shows at once. ``update_baseline`` pins a run's numbers as the new floors and
ceilings; loosening any of them needs ``allow_lower=True`` (and a note in the commit). A
floor or ceiling of null is not pinned yet and is not checked.

Baseline format::

    {"dataset": "smoke", "split": null, "strategy": "agent", "model": "local:...", "cases": 6,
     "floors": {"correct": 4, "accuracy": 0.6667, "crawl_recall": 1.0},
     "ceilings": {"fpr_hard_negative": 0.2, "evasion_approvals": 0},
     "max_dev_test_gap": null,
     "measured": {"run": "...", "at": "...", "note": "..."}}
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from merchant_screen.errors import ConfigError
from merchant_screen.evaluation.metrics import compute_metrics
from merchant_screen.evaluation.results import RunData

__all__ = ["Check", "GateResult", "check_gate", "load_baseline", "update_baseline"]

FLOORS = ("correct", "accuracy", "crawl_recall")
CEILINGS = ("fpr_hard_negative", "evasion_approvals")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class GateResult:
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(c.ok for c in self.checks)

    def lines(self) -> list[str]:
        return [f"{'PASS' if c.ok else 'FAIL'} {c.name}: {c.detail}" for c in self.checks]


def load_baseline(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read baseline {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("floors"), dict):
        raise ConfigError(f"baseline {path} has no 'floors' object")
    return data


def _measured(run: RunData) -> dict[str, float | int | None]:
    metrics = compute_metrics(run.rows)
    correct = sum(1 for r in run.rows if r.correct)
    return {
        "correct": correct,
        "accuracy": round(correct / len(run.rows), 4),
        "crawl_recall": _rounded(metrics.crawl_recall.value),
        "fpr_hard_negative": _rounded(metrics.fpr_hard_negative.value),
        "hard_negatives": metrics.fpr_hard_negative.count,
        "evasion_approvals": sum(
            1 for r in run.rows if "evasion" in r.tags and r.action == "approve"
        ),
        "evasion_cases": metrics.evasion_approvals.count,
    }


def _rounded(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _identity(baseline: dict[str, Any], run: RunData) -> list[Check]:
    checks = []
    dataset = baseline.get("dataset")
    if dataset is not None and run.meta.get("dataset_name") is not None:
        ran = run.meta["dataset_name"]
        checks.append(Check("dataset", ran == dataset, f"baseline {dataset}, run {ran}"))
    split = baseline.get("split")
    if split is not None:
        ran_split = (run.meta.get("selection") or {}).get("split")
        checks.append(Check("split", ran_split == split, f"baseline {split}, run {ran_split}"))
    if baseline.get("cases") is not None:
        wanted = int(baseline["cases"])
        checks.append(
            Check("cases", len(run.rows) >= wanted, f"{len(run.rows)} screened of {wanted}")
        )
    for key in ("strategy", "model"):
        pinned = baseline.get(key)
        actual = {r.strategy if key == "strategy" else r.model for r in run.rows}
        if pinned is not None:
            ok = actual == {pinned}
            checks.append(Check(key, ok, f"baseline {pinned}, run {', '.join(sorted(actual))}"))
    return checks


def check_gate(
    run: RunData, baseline: dict[str, Any], dev_run: RunData | None = None
) -> GateResult:
    """Every check of ``run`` against ``baseline``'s floors and ceilings (and, with
    ``dev_run``, against the dev/test gap the baseline allows)."""
    rows = run.rows
    floors = baseline["floors"]
    checks = _identity(baseline, run)
    invalid = [r.case_id for r in rows if not r.valid or r.error is not None]
    checks.append(
        Check(
            "valid verdicts",
            not invalid,
            f"{len(rows) - len(invalid)}/{len(rows)} valid"
            + (f"; failed: {', '.join(invalid)}" if invalid else ""),
        )
    )
    unverified = [r.case_id for r in rows if r.shown_unverified]
    shown = sum(r.shown_quotes for r in rows)
    checks.append(
        Check(
            "shown quotes verified",
            not unverified,
            f"{shown - sum(r.shown_unverified for r in rows)}/{shown} verified"
            + (f"; unverified in: {', '.join(unverified)}" if unverified else ""),
        )
    )
    measured = _measured(run)
    recall, floor = measured["crawl_recall"], floors.get("crawl_recall")
    if floor is not None:
        ok = recall is not None and recall >= floor - 1e-9
        checks.append(Check("crawl recall", ok, f"{recall} (floor {floor})"))
    if floors.get("accuracy") is not None:
        expected = floors["accuracy"] * len(rows)
        required = max(0, math.ceil(expected - 1e-9) - 1)
        correct = int(measured["correct"] or 0)
        checks.append(
            Check(
                "accuracy",
                correct >= required,
                f"{correct}/{len(rows)} correct (floor {floors['accuracy']:.4f} = "
                f"{expected:.1f} cases; one case of slack: at least {required})",
            )
        )
    ceiling = (baseline.get("ceilings") or {}).get("fpr_hard_negative")
    if ceiling is not None:
        hard = int(measured["hard_negatives"] or 0)
        flagged = round(float(measured["fpr_hard_negative"] or 0.0) * hard)
        allowed = math.floor(ceiling * hard + 1e-9) + 1
        checks.append(
            Check(
                "hard-negative false positives",
                flagged <= allowed,
                f"{flagged}/{hard} flagged (ceiling {ceiling:.4f} = {ceiling * hard:.1f} cases; "
                f"one case of slack: at most {allowed})",
            )
        )
    approvals_ceiling = (baseline.get("ceilings") or {}).get("evasion_approvals")
    if approvals_ceiling is not None:
        approved = [r.case_id for r in rows if "evasion" in r.tags and r.action == "approve"]
        checks.append(
            Check(
                "evasion approvals",
                len(approved) <= int(approvals_ceiling),
                f"{len(approved)}/{measured['evasion_cases']} evasion cases approved "
                f"(ceiling {int(approvals_ceiling)}, no slack)"
                + (f"; approved: {', '.join(approved)}" if approved else ""),
            )
        )
    gap = baseline.get("max_dev_test_gap")
    if gap is not None and dev_run is not None:
        dev = _measured(dev_run)["accuracy"] or 0.0
        test = measured["accuracy"] or 0.0
        checks.append(
            Check(
                "dev/test gap",
                dev - test <= gap + 1e-9,
                f"dev {dev:.4f} - test {test:.4f} = {dev - test:+.4f} (at most {gap})",
            )
        )
    return GateResult(checks)


def update_baseline(
    path: Path, run: RunData, *, allow_lower: bool = False, note: str = ""
) -> tuple[dict[str, Any], list[str]]:
    """Pin ``run``'s measures as the floors in ``path``; returns the new baseline and the
    floors that went down. Refuses (ConfigError) to lower a floor without ``allow_lower``."""
    old = load_baseline(path) if path.exists() else {"floors": {}}
    measured = _measured(run)
    old_ceilings = old.get("ceilings") or {}
    lowered = [
        f"{name}: {old['floors'][name]} -> {measured[name]}"
        for name in FLOORS
        if old["floors"].get(name) is not None
        and measured[name] is not None
        and float(measured[name] or 0) < float(old["floors"][name])
    ] + [
        f"{name} ceiling: {old_ceilings[name]} -> {measured[name]}"
        for name in CEILINGS
        if old_ceilings.get(name) is not None
        and measured[name] is not None
        and float(measured[name] or 0) > float(old_ceilings[name])
    ]
    if lowered and not allow_lower:
        raise ConfigError(
            "refusing to lower floors without --allow-lower-floor: " + "; ".join(lowered)
        )
    strategies = sorted({r.strategy for r in run.rows})
    models = sorted({r.model for r in run.rows})
    data = {
        "dataset": run.meta.get("dataset_name", old.get("dataset")),
        "split": (run.meta.get("selection") or {}).get("split", old.get("split")),
        "strategy": strategies[0] if len(strategies) == 1 else None,
        "model": models[0] if len(models) == 1 else None,
        "cases": len(run.rows),
        "floors": {name: measured[name] for name in FLOORS},
        "ceilings": {
            "fpr_hard_negative": measured["fpr_hard_negative"]
            if measured["hard_negatives"]
            else None,
            # a target set by hand (the hostile suite): re-pinning keeps it, never adds it
            **(
                {"evasion_approvals": measured["evasion_approvals"]}
                if old_ceilings.get("evasion_approvals") is not None
                else {}
            ),
        },
        "max_dev_test_gap": old.get("max_dev_test_gap"),
        "measured": {
            "run": run.name,
            "config": run.rows[0].config,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "note": note,
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return data, lowered
