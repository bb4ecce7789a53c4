"""``merchant-screen train``: rebuild the scorer artifact from labelled evaluation runs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["train_command"]


def train_command(
    runs: Annotated[list[Path], typer.Argument(help="Run folders or results.jsonl files.")],
    out: Annotated[Path, typer.Option("--out", help="Scorer artifact (JSON) to write.")] = Path(
        "scorer.json"
    ),
    kind: Annotated[
        str,
        typer.Option("--kind", help="auto (lower out-of-fold log loss), logistic or trees."),
    ] = "auto",
    target_precision: Annotated[
        float,
        typer.Option(
            "--target-precision", min=0.5, max=1.0, help="prohibited precision thresholds aim at"
        ),
    ] = 0.9,
    drop: Annotated[
        list[str] | None,
        typer.Option("--drop-feature", help="Leave a feature out (repeat); for ablations."),
    ] = None,
    include_test: Annotated[
        bool,
        typer.Option(
            "--include-test", help="Also learn from test-split rows (then report elsewhere)."
        ),
    ] = False,
) -> None:
    """Fit the scorer on labelled runs (dev split by default); use it with --scorer or
    MERCHANT_SCREEN_SCORER."""
    from merchant_screen.errors import ConfigError
    from merchant_screen.evaluation.results import load_run
    from merchant_screen.scoring.train import fit_scorer, write_artifact

    kinds = {"auto": "auto", "logistic": "logistic", "trees": "boosted_trees"}
    if kind not in kinds:
        raise ConfigError(f"--kind must be auto, logistic or trees, not {kind!r}")
    loaded = [load_run(path) for path in runs]
    rows = [row for run in loaded for row in run.rows]
    dataset_of = {
        row.case_id: str(run.meta.get("dataset_name") or run.path)
        for run in loaded
        for row in run.rows
    }
    result = fit_scorer(
        rows,
        dataset_of=dataset_of,
        kind=kinds[kind],  # type: ignore[arg-type]
        target_precision=target_precision,
        include_test=include_test,
        sources=[str(p) for p in runs],
        drop=drop or (),
    )
    scorer = write_artifact(result.artifact, out)
    r = result.report
    lines = [
        f"fitted on {r['examples']} candidate categories ({r['positives']} that apply) "
        f"from {r['cases']} cases, {r['folds']}-fold out of fold, grouped by case",
        *(
            f"  {name}: log loss {v['oof_log_loss']}, AUC {v['oof_auc']:.3f}"
            for name, v in r["kinds"].items()
        ),
        f"kept {r['chosen']}; calibration {r['calibration']} (out-of-fold ECE by map: "
        f"{r['oof_ece_by_calibration']}); ECE {r['oof_ece_raw']} raw -> "
        f"{r['oof_ece_calibrated']} calibrated",
        f"thresholds {r['thresholds']} (replayed out of fold: {r['replayed_oof']})",
        "prohibited precision / recall out of fold by threshold: "
        + ", ".join(
            f"{c['prohibited_threshold']:.2f}: {c['prohibited_precision']:.2f}/"
            f"{c['prohibited_recall']:.2f}"
            for c in r["prohibited_curve_oof"]
        ),
        f"wrote {out} ({scorer.version})",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
