"""Fit the scorer from labelled evaluation runs (``merchant-screen train``).

A training example is one candidate category of one screened case: its features (recorded
in the verdict's ``scores``) and whether the case's label lists that category. Runs made
with any scorer can be used: the features do not depend on the scorer, only on the crawl,
the lexicon and the model's answers.

Both model kinds are fitted and judged out of fold, with folds grouped by case so a site's
categories never straddle train and test: a logistic regression (standardised, L2) and
gradient-boosted trees (depth 2). The one with the lower out-of-fold log loss is kept unless
a kind is asked for. A calibration map (none, Platt, or isotonic from ``ISOTONIC_MIN``
examples, whichever has the lowest out-of-fold ECE when cross-fitted) is fitted on the
out-of-fold probabilities, and the per-tier thresholds are chosen on the
calibrated out-of-fold probabilities by replaying the pipeline's decision rule on every case:
the most cases flagged right (or rightly left unflagged) whose ``prohibited`` precision reaches
the target (see ``_replay``).

Only rows of the ``dev`` split are used unless ``include_test`` is set: the test split is for
reporting. scikit-learn is needed here only; screening reads the JSON artifact in pure Python.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

from merchant_screen.agent.decide import decide
from merchant_screen.errors import ConfigError
from merchant_screen.evaluation.calibration_fit import fit_isotonic, fit_platt
from merchant_screen.evaluation.results import ResultRow
from merchant_screen.evaluation.stats import expected_calibration_error
from merchant_screen.scoring.features import FEATURES
from merchant_screen.scoring.model import (
    ARTIFACT_FORMAT,
    Boosted,
    Calibration,
    Logistic,
    Scorer,
    ScorerArtifact,
    Tree,
)
from merchant_screen.tools.coverage import Coverage

__all__ = [
    "Example",
    "TrainResult",
    "examples_from_rows",
    "fit_scorer",
    "write_artifact",
]

Kind = Literal["logistic", "boosted_trees"]
ISOTONIC_MIN = 300
REAL_SOURCES = ("zyte", "duta", "ebay")
FOLDS = 5
SEED = 20261207
_THRESHOLDS = [round(0.05 + 0.01 * i, 2) for i in range(91)]


@dataclass(frozen=True)
class Example:
    case_id: str
    category: str
    tier: str
    features: dict[str, float]
    label: bool


@dataclass(frozen=True)
class Case:
    """What the threshold search needs of a case: its label and what it would be without
    findings (allowed, or unknown when coverage forbids clearing it)."""

    case_id: str
    expected: str
    hard_negative: bool
    fallback: str
    examples: tuple[int, ...]  # indexes into the example list
    source: str = ""  # real-page source tag (zyte, duta, ebay) or the id's series letter
    weight: float = 1.0  # in the threshold search: every dataset weighs the same in all


@dataclass
class TrainResult:
    artifact: ScorerArtifact
    report: dict[str, Any] = field(default_factory=dict)


def examples_from_rows(
    rows: Iterable[ResultRow], *, include_test: bool = False
) -> tuple[list[Example], list[Case]]:
    """Training examples and cases from result rows that carry a verdict with scores."""
    examples: list[Example] = []
    cases: list[Case] = []
    seen: set[str] = set()
    for row in rows:
        if row.verdict is None or (row.split == "test" and not include_test):
            continue
        if row.case_id in seen:
            raise ConfigError(f"case {row.case_id} appears in more than one run given")
        seen.add(row.case_id)
        first = len(examples)
        for score in row.verdict.get("scores") or []:
            examples.append(
                Example(
                    case_id=row.case_id,
                    category=score["category"],
                    tier=score["tier"],
                    features={k: float(v) for k, v in score["features"].items()},
                    label=score["category"] in row.expected_categories,
                )
            )
        coverage = Coverage.model_validate(row.verdict["crawl"]["coverage"])
        cases.append(
            Case(
                case_id=row.case_id,
                expected=row.expected_decision,
                hard_negative="hard_negative" in row.tags,
                fallback=decide([], coverage).decision,
                examples=tuple(range(first, len(examples))),
                source=_source(row),
            )
        )
    return examples, cases


def _source(row: ResultRow) -> str:
    real = [tag for tag in row.tags if tag in REAL_SOURCES]
    return real[0] if real else row.case_id.split("-", 1)[0]


def _weighted(cases: list[Case], dataset_of: Mapping[str, str]) -> list[Case]:
    """Each case weighted so every dataset's cases sum to the same total (mean weight 1)."""
    counts = Counter(dataset_of.get(c.case_id, "") for c in cases)
    if len(counts) < 2:
        return cases
    share = len(cases) / len(counts)
    return [replace(c, weight=share / counts[dataset_of.get(c.case_id, "")]) for c in cases]


def _matrix(examples: Sequence[Example], names: Sequence[str] = FEATURES) -> list[list[float]]:
    return [[e.features.get(name, 0.0) for name in names] for e in examples]


def _folds(examples: Sequence[Example], k: int) -> list[int]:
    """Fold of each example, grouped by case, cases dealt in a seeded shuffled order."""
    import random

    cases = sorted({e.case_id for e in examples})
    random.Random(SEED).shuffle(cases)
    fold_of = {case: i % k for i, case in enumerate(cases)}
    return [fold_of[e.case_id] for e in examples]


def _new_model(kind: Kind) -> Any:
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if kind == "logistic":
        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))
    return GradientBoostingClassifier(
        n_estimators=150, max_depth=2, learning_rate=0.05, subsample=0.8, random_state=SEED
    )


def _out_of_fold(kind: Kind, x: list[list[float]], y: list[int], folds: list[int]) -> list[float]:
    k = max(folds) + 1
    predicted = [0.0] * len(y)
    for f in range(k):
        train = [i for i in range(len(y)) if folds[i] != f]
        test = [i for i in range(len(y)) if folds[i] == f]
        labels = {y[i] for i in train}
        if len(labels) < 2:
            only = float(labels.pop()) if labels else 0.5
            for i in test:
                predicted[i] = only
            continue
        model = _new_model(kind).fit([x[i] for i in train], [y[i] for i in train])
        for i, p in zip(test, model.predict_proba([x[i] for i in test])[:, 1], strict=True):
            predicted[i] = float(p)
    return predicted


def _log_loss(ps: Sequence[float], ys: Sequence[int]) -> float:
    eps = 1e-6
    return -sum(
        math.log(min(max(p, eps), 1 - eps)) if y else math.log(min(max(1 - p, eps), 1 - eps))
        for p, y in zip(ps, ys, strict=True)
    ) / max(len(ys), 1)


def _auc(ps: Sequence[float], ys: Sequence[int]) -> float | None:
    pos = [p for p, y in zip(ps, ys, strict=True) if y]
    neg = [p for p, y in zip(ps, ys, strict=True) if not y]
    if not pos or not neg:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def _export(kind: Kind, model: Any) -> dict[str, Any]:
    """The fitted model as artifact fields (plain lists, no pickles)."""
    if kind == "logistic":
        scaler, lr = model.steps[0][1], model.steps[1][1]
        return {
            "logistic": Logistic(
                mean=[float(v) for v in scaler.mean_],
                scale=[float(v) for v in scaler.scale_],
                coef=[float(v) for v in lr.coef_[0]],
                intercept=float(lr.intercept_[0]),
            )
        }
    prior = float(model.init_.class_prior_[1])
    trees = []
    for estimator in model.estimators_[:, 0]:
        t = estimator.tree_
        trees.append(
            Tree(
                feature=[max(int(f), 0) for f in t.feature],
                threshold=[float(v) for v in t.threshold],
                left=[int(v) for v in t.children_left],
                right=[int(v) for v in t.children_right],
                value=[float(v[0][0]) for v in t.value],
            )
        )
    return {
        "boosted": Boosted(
            init=math.log(prior / (1 - prior)),
            learning_rate=float(model.learning_rate),
            trees=trees,
        )
    }


CalibrationKind = Literal["none", "platt", "isotonic"]


def _calibrate(raw: Sequence[float], ys: Sequence[int], kind: CalibrationKind) -> Calibration:
    labels = [bool(y) for y in ys]
    if kind == "isotonic":
        xs, fitted = fit_isotonic(raw, labels)
        return Calibration(kind="isotonic", x=list(xs), y=list(fitted))
    if kind == "platt":
        a, b = fit_platt(raw, labels)
        return Calibration(kind="platt", a=a, b=b)
    return Calibration(kind="none")


def _cross_calibrated(
    raw: Sequence[float], ys: Sequence[int], folds: Sequence[int], kind: CalibrationKind
) -> list[float]:
    """Each fold's out-of-fold probabilities mapped by a calibration fitted on the others."""
    calibrated = [0.0] * len(ys)
    for f in set(folds):
        train = [i for i in range(len(ys)) if folds[i] != f]
        fold_map = _calibrate([raw[i] for i in train], [ys[i] for i in train], kind)
        for i in range(len(ys)):
            if folds[i] == f:
                calibrated[i] = fold_map.apply(raw[i])
    return calibrated


def _replay(
    cases: Sequence[Case],
    examples: Sequence[Example],
    probabilities: Sequence[float],
    thresholds: dict[str, float],
) -> dict[str, float]:
    """Decision accuracy, flag accuracy, prohibited precision / recall and hard-negative FPR
    when the pipeline flags each category at or above its tier's threshold.

    Flag accuracy counts a case right when its flagged tier is its labelled one, or when
    nothing is flagged and it is labelled allowed or unknown: the part of the decision the
    thresholds control (a single real product page that rightly ends ``unknown`` by the
    coverage rule still rewards not flagging it)."""
    correct = flag_correct = predicted_prohibited = true_prohibited = labelled_prohibited = 0.0
    hard = hard_flagged = total = 0.0
    for case in cases:
        w = case.weight
        total += w
        flagged = {
            examples[i].tier
            for i in case.examples
            if probabilities[i] >= thresholds[examples[i].tier]
        }
        decision = (
            "prohibited"
            if "prohibited" in flagged
            else "restricted"
            if "restricted" in flagged
            else case.fallback
        )
        correct += w * (decision == case.expected)
        flag_correct += w * (
            decision == case.expected
            if decision in ("prohibited", "restricted")
            else case.expected in ("allowed", "unknown")
        )
        predicted_prohibited += w * (decision == "prohibited")
        true_prohibited += w * (decision == "prohibited" and case.expected == "prohibited")
        labelled_prohibited += w * (case.expected == "prohibited")
        if case.hard_negative and case.expected == "allowed":
            hard += w
            hard_flagged += w * (decision in ("prohibited", "restricted"))
    return {
        "accuracy": correct / total if total else 0.0,
        "flag_accuracy": flag_correct / total if total else 0.0,
        "prohibited_precision": true_prohibited / predicted_prohibited
        if predicted_prohibited
        else 1.0,
        "prohibited_recall": true_prohibited / labelled_prohibited if labelled_prohibited else 1.0,
        "hard_negative_fpr": hard_flagged / hard if hard else 0.0,
    }


def _flagged_share(
    cases: Sequence[Case],
    examples: Sequence[Example],
    probabilities: Sequence[float],
    thresholds: dict[str, float],
) -> float:
    """Share of cases with any category at or above its threshold."""
    flagged = sum(
        any(probabilities[i] >= thresholds[examples[i].tier] for i in c.examples) for c in cases
    )
    return flagged / max(len(cases), 1)


def choose_thresholds(
    cases: Sequence[Case],
    examples: Sequence[Example],
    probabilities: Sequence[float],
    target_precision: float,
) -> tuple[dict[str, float], dict[str, float]]:
    """Per-tier thresholds with the best replayed flag accuracy among those whose prohibited
    precision reaches ``target_precision`` (the most precise ones when none does); ties go
    to higher decision accuracy, then to higher prohibited recall, then to thresholds
    nearest 0.5."""
    best: tuple[tuple[float, ...], dict[str, float], dict[str, float]] | None = None
    for tp in _THRESHOLDS:
        for tr in _THRESHOLDS:
            thresholds = {"prohibited": tp, "restricted": tr}
            m = _replay(cases, examples, probabilities, thresholds)
            feasible = m["prohibited_precision"] >= target_precision
            key = (
                float(feasible),
                m["flag_accuracy"] if feasible else m["prohibited_precision"],
                m["accuracy"],
                m["prohibited_recall"],
                -abs(tp - 0.5) - abs(tr - 0.5),
            )
            if best is None or key > best[0]:
                best = (key, thresholds, m)
    assert best is not None
    return best[1], best[2]


def fit_scorer(
    rows: Iterable[ResultRow],
    *,
    kind: Kind | Literal["auto"] = "auto",
    target_precision: float = 0.9,
    include_test: bool = False,
    sources: Sequence[str] = (),
    drop: Sequence[str] = (),
    dataset_of: Mapping[str, str] | None = None,
) -> TrainResult:
    """Fit, judge out of fold, calibrate, choose thresholds; see the module docstring.
    ``drop`` leaves features out (an ablation: e.g. the model's answers). ``dataset_of``
    names each case's dataset: in the threshold search every dataset then weighs the same,
    so hundreds of single real pages do not outvote the multi-page merchant sites."""
    unknown = sorted(set(drop) - set(FEATURES))
    if unknown:
        raise ConfigError(f"no such feature to drop: {', '.join(unknown)}")
    names = [name for name in FEATURES if name not in drop]
    examples, cases = examples_from_rows(rows, include_test=include_test)
    cases = _weighted(cases, dataset_of or {})
    y = [int(e.label) for e in examples]
    if len(examples) < 20 or sum(y) < 5 or len(y) - sum(y) < 5:
        raise ConfigError(
            f"too few labelled candidates to fit a scorer: {len(examples)} candidates, "
            f"{sum(y)} that apply, from {len(cases)} cases (need 20, with 5 of each)"
        )
    x = _matrix(examples, names)
    folds = _folds(examples, min(FOLDS, len(cases)))
    judged: dict[str, dict[str, Any]] = {}
    kinds: list[Kind] = ["logistic", "boosted_trees"] if kind == "auto" else [kind]
    for candidate in kinds:
        oof = _out_of_fold(candidate, x, y, folds)
        judged[candidate] = {
            "oof": oof,
            "log_loss": round(_log_loss(oof, y), 4),
            "auc": _auc(oof, y),
        }
    chosen: Kind = min(kinds, key=lambda k: judged[k]["log_loss"])
    raw_oof = judged[chosen]["oof"]
    # Calibration is judged out of fold too (each fold mapped by a calibration fitted on the
    # others); the map with the lowest out-of-fold ECE is kept, "none" included.
    labels = [bool(v) for v in y]
    maps: list[CalibrationKind] = ["none", "platt"]
    if len(y) >= ISOTONIC_MIN:
        maps.append("isotonic")
    crossed = {kind: _cross_calibrated(raw_oof, y, folds, kind) for kind in maps}
    eces = {k: expected_calibration_error(v, labels) or 0.0 for k, v in crossed.items()}
    best_map = min(maps, key=lambda k: (round(eces[k], 4), maps.index(k)))
    calibration = _calibrate(raw_oof, y, best_map)
    calibrated_oof = crossed[best_map]
    thresholds, replayed = choose_thresholds(cases, examples, calibrated_oof, target_precision)
    curve = [
        {
            "prohibited_threshold": tp,
            **{
                k: round(v, 4)
                for k, v in _replay(
                    cases,
                    examples,
                    calibrated_oof,
                    {"prohibited": tp, "restricted": thresholds["restricted"]},
                ).items()
            },
        }
        for tp in _THRESHOLDS[::5]
    ]
    model = _new_model(chosen).fit(x, y)
    report = {
        "examples": len(examples),
        "positives": sum(y),
        "cases": len(cases),
        "folds": max(folds) + 1,
        "kinds": {
            k: {"oof_log_loss": v["log_loss"], "oof_auc": v["auc"]} for k, v in judged.items()
        },
        "chosen": chosen,
        "oof_ece_raw": round(expected_calibration_error(raw_oof, labels) or 0.0, 4),
        "oof_ece_calibrated": round(eces[best_map], 4),
        "calibration": best_map,
        "oof_ece_by_calibration": {k: round(v, 4) for k, v in eces.items()},
        "oof_auc_calibrated": _auc(calibrated_oof, y),
        "thresholds": thresholds,
        "target_prohibited_precision": target_precision,
        "replayed_oof": {k: round(v, 4) for k, v in replayed.items()},
        "threshold_weights": dict(Counter(dataset_of.values())) if dataset_of else "equal",
        "prohibited_curve_oof": curve,
        "replayed_oof_by_source": {
            source: {
                "cases": len(group),
                **{
                    k: round(v, 4)
                    for k, v in _replay(group, examples, calibrated_oof, thresholds).items()
                },
                "flagged": round(_flagged_share(group, examples, calibrated_oof, thresholds), 4),
            }
            for source in sorted({c.source for c in cases})
            for group in [[c for c in cases if c.source == source]]
        },
    }
    artifact = ScorerArtifact(
        format=ARTIFACT_FORMAT,
        kind=chosen,
        features=names,
        calibration=calibration,
        thresholds={"prohibited": thresholds["prohibited"], "restricted": thresholds["restricted"]},
        fitted={
            **report,
            "sources": list(sources),
            "dropped_features": list(drop),
            "splits": "dev and test" if include_test else "dev",
            "scikit_learn": version("scikit-learn"),
            "fitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
        **_export(chosen, model),
    )
    return TrainResult(artifact, report)


def write_artifact(artifact: ScorerArtifact, path: Path) -> Scorer:
    """Write the artifact as stable JSON and load it back (its version is the file hash)."""
    from merchant_screen.scoring.model import load_scorer

    data = artifact.model_dump(mode="json", exclude_none=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return load_scorer(path)
