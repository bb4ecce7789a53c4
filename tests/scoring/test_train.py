"""Fitting the scorer from labelled runs: examples, out-of-fold judgement, exported models
that reproduce scikit-learn in plain Python, thresholds, and the train command."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from merchant_screen.cli import main
from merchant_screen.errors import ConfigError
from merchant_screen.evaluation.results import ResultRow, append_row
from merchant_screen.scoring.features import FEATURES
from merchant_screen.scoring.model import load_scorer
from merchant_screen.scoring.train import (
    _export,
    _matrix,
    _new_model,
    examples_from_rows,
    fit_scorer,
)

COVERAGE = {"reachable": True, "homepage_state": "ok", "assessable": True, "text_chars": 5000,
            "evidence_kinds": {"products": True, "catalog": True, "terms": True}}  # fmt: skip


def features(rng: random.Random, applies: bool) -> dict[str, float]:
    values = {name: round(rng.random(), 3) for name in FEATURES}
    values["model_max"] = round(min(1.0, max(0.0, rng.gauss(0.8 if applies else 0.35, 0.15))), 3)
    values["chrome_share"] = round(rng.random() * (0.4 if applies else 1.0), 3)
    values["offer_near"] = float(rng.random() < (0.8 if applies else 0.3))
    return values


def row(i: int, rng: random.Random, split: str = "dev") -> ResultRow:
    tier = "prohibited" if i % 2 else "restricted"
    category = "weapons" if tier == "prohibited" else "alcohol"
    applies = rng.random() < 0.5
    decoy = {"category": "gambling", "tier": "prohibited", "probability": 0.1, "threshold": 0.5,
             "flagged": False, "features": features(rng, False), "answers": []}  # fmt: skip
    scores = [
        {
            "category": category,
            "tier": tier,
            "probability": 0.5,
            "threshold": 0.5,
            "flagged": False,
            "features": features(rng, applies),
            "answers": [],
        },
        decoy,
    ]
    return ResultRow(
        case_id=f"c{i}",
        config="cfg",
        strategy="agent",
        model="m",
        split=split,
        tags=[] if applies else ["hard_negative"],
        expected_decision=tier if applies else "allowed",
        expected_categories=[category] if applies else [],
        verdict={"scores": scores, "crawl": {"coverage": COVERAGE}},
    )


def rows(n: int = 160, seed: int = 1) -> list[ResultRow]:
    rng = random.Random(seed)
    return [row(i, rng) for i in range(n)]


def test_examples_come_from_scores_and_test_rows_are_left_out() -> None:
    data = rows(10)
    data.append(row(99, random.Random(0), split="test"))
    examples, cases = examples_from_rows(data)
    assert len(cases) == 10 and len(examples) == 20
    assert all(e.case_id != "c99" for e in examples)
    assert {c.fallback for c in cases} == {"allowed"}
    assert len(examples_from_rows(data, include_test=True)[1]) == 11


def test_a_case_in_two_runs_is_refused() -> None:
    with pytest.raises(ConfigError, match="more than one run"):
        examples_from_rows([*rows(3), *rows(3)])


@pytest.mark.parametrize("kind", ["logistic", "boosted_trees"])
def test_exported_models_reproduce_scikit_learn(kind: Any) -> None:
    examples, _ = examples_from_rows(rows(120))
    x = _matrix(examples)
    y = [int(e.label) for e in examples]
    model = _new_model(kind).fit(x, y)
    from merchant_screen.scoring.model import Scorer, ScorerArtifact

    artifact = ScorerArtifact(
        kind=kind,
        features=list(FEATURES),
        thresholds={"prohibited": 0.5, "restricted": 0.5},
        **_export(kind, model),
    )
    scorer = Scorer(artifact, "test")
    expected = model.predict_proba(x)[:, 1]
    for e, p in zip(examples, expected, strict=True):
        assert scorer.raw(e.features) == pytest.approx(float(p), abs=1e-6)


def test_fit_judges_out_of_fold_and_meets_the_precision_target() -> None:
    result = fit_scorer(rows(), target_precision=0.9)
    report = result.report
    assert report["cases"] == 160 and report["examples"] == 320
    assert set(report["kinds"]) == {"logistic", "boosted_trees"}
    assert all(v["oof_auc"] > 0.75 for v in report["kinds"].values())
    assert report["replayed_oof"]["prohibited_precision"] >= 0.9
    assert report["oof_ece_calibrated"] <= report["oof_ece_raw"] + 0.05
    assert result.artifact.fitted["splits"] == "dev"


def test_too_few_examples_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="too few labelled candidates"):
        fit_scorer(rows(4))


def test_train_command_writes_a_loadable_artifact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    for r in rows():
        append_row(run / "results.jsonl", r)
    out = tmp_path / "scorer.json"
    main(["train", str(run), "--out", str(out), "--kind", "logistic"])
    printed = capsys.readouterr().out
    assert "kept logistic" in printed and str(out) in printed
    scorer = load_scorer(out)
    assert scorer.artifact.kind == "logistic" and json.loads(out.read_text())["fitted"]["sources"]


def test_train_command_rejects_a_bad_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["train", str(tmp_path), "--kind", "forest"])
    assert exited.value.code == 2
    assert "--kind must be" in capsys.readouterr().err


def test_an_ablation_drops_features_from_the_artifact(tmp_path: Path) -> None:
    model = ("model_max", "model_mean", "model_asked")
    result = fit_scorer(rows(), kind="logistic", drop=model)
    assert not set(model) & set(result.artifact.features)
    assert result.artifact.fitted["dropped_features"] == list(model)
    scorer = write_artifact_and_load(result, tmp_path)
    assert scorer.probability({"model_max": 1.0}) == scorer.probability({"model_max": 0.0})
    with pytest.raises(ConfigError, match="no such feature to drop: mood"):
        fit_scorer(rows(), drop=("mood",))


def write_artifact_and_load(result: Any, tmp_path: Path) -> Any:
    from merchant_screen.scoring.train import write_artifact

    return write_artifact(result.artifact, tmp_path / "ablation.json")


def test_every_dataset_weighs_the_same_in_the_threshold_search() -> None:
    from merchant_screen.scoring.train import _weighted

    _, cases = examples_from_rows(rows(30))
    dataset_of = {c.case_id: ("big" if i < 24 else "small") for i, c in enumerate(cases)}
    weighted = _weighted(cases, dataset_of)
    big = sum(c.weight for c in weighted if dataset_of[c.case_id] == "big")
    small = sum(c.weight for c in weighted if dataset_of[c.case_id] == "small")
    assert big == pytest.approx(small) == pytest.approx(15.0)
    assert _weighted(cases, {}) == cases  # one dataset: unweighted
    result = fit_scorer(rows(), dataset_of={f"c{i}": "x" if i % 3 else "y" for i in range(160)})
    assert result.report["threshold_weights"] == {"x": 106, "y": 54}
