"""Command line of the evaluation: ``eval run | report | compare | gate`` and ``calibrate``.

Wired into the main app by ``app.add_typer(eval_app, name="eval")`` and
``app.command("calibrate")(calibrate_command)``. Heavy imports (matplotlib, the pipeline)
happen inside the commands, so other commands start fast.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from rich.console import Console

from merchant_screen.settings import Settings

if TYPE_CHECKING:
    from merchant_screen.evaluation.dataset import Split
    from merchant_screen.evaluation.runner import Progress

__all__ = ["calibrate_command", "eval_app"]

eval_app = typer.Typer(
    help="Evaluate the screener on a labelled dataset: run, report, compare, gate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stderr = Console(stderr=True, highlight=False)

RunDir = Annotated[Path, typer.Argument(help="A run folder (or its results.jsonl).")]


def _say(text: str) -> None:
    stderr.print(text, markup=False, soft_wrap=True)


def _progress(event: Progress) -> None:
    row = event.row
    if row is None:
        _say(
            f"{event.total} cases, {event.done} already done; results in {event.out} "
            f"(configuration {event.config})"
        )
        return
    if row.error is not None:
        outcome = f"ERROR {row.error[:100]}"
    else:
        mark = "ok " if row.correct else "WRONG"
        outcome = f"{mark} labelled {row.expected_decision}, got {row.decision}"
    calls = int(row.usage.get("llm_calls", 0))
    plural = "s" if calls != 1 else ""
    _say(
        f"[{event.done}/{event.total}] {event.case_id}: {outcome} "
        f"({row.latency_s:.1f}s, {calls} LLM call{plural})"
    )


def _policy_ids(settings: Settings) -> tuple[str, ...]:
    from merchant_screen.policy.loader import load_policy

    return load_policy(settings.policy).ids


@eval_app.command("run")
def run_command(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder (cases.jsonl + sites/).")],
    model: Annotated[
        str | None, typer.Option("--model", help="'local' (default), 'fake' or a model name.")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint.")
    ] = None,
    strategy: Annotated[
        str, typer.Option("--strategy", help="agent (the pipeline), naive or keywords.")
    ] = "agent",
    split: Annotated[str | None, typer.Option("--split", help="dev or test.")] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Cases at once.")] = 1,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="First N cases.")] = None,
    tags: Annotated[
        list[str] | None, typer.Option("--tags", help="Only cases with any of these tags.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Run folder [default: evals/runs/<time>-<model>-<strategy>]."),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Skip cases already done with the same configuration."),
    ] = False,
    policy: Annotated[Path | None, typer.Option("--policy", help="Policy YAML file.")] = None,
    calibration: Annotated[
        Path | None, typer.Option("--calibration", help="Calibration file the pipeline applies.")
    ] = None,
    llm_cache: Annotated[
        bool,
        typer.Option("--llm-cache", help="Reuse cached model answers (latency then means little)."),
    ] = False,
    trace: Annotated[
        bool, typer.Option("--trace", help="Write each case's steps to OUT/traces/.")
    ] = False,
    gate: Annotated[
        Path | None, typer.Option("--gate", help="Then check the run against this baseline.")
    ] = None,
) -> None:
    """Screen every selected case of DATASET and write results.jsonl and the report."""
    from merchant_screen.errors import ConfigError
    from merchant_screen.evaluation.report import write_report
    from merchant_screen.evaluation.runner import RunOptions, run_eval
    from merchant_screen.evaluation.strategies import STRATEGIES

    if strategy not in STRATEGIES:
        raise ConfigError(f"--strategy must be one of {', '.join(STRATEGIES)}, not {strategy!r}")
    if split not in (None, "dev", "test"):
        raise ConfigError(f"--split must be dev or test, not {split!r}")
    settings = Settings.from_env(
        model=model,
        base_url=base_url,
        policy=policy,
        calibration=calibration,
        llm_cache=llm_cache,
    )
    wanted = tuple(t.strip() for item in tags or [] for t in item.split(",") if t.strip())
    options = RunOptions(
        strategy=strategy,
        split=cast("Split | None", split),
        tags=wanted,
        limit=limit,
        concurrency=concurrency,
        resume=resume,
        traces=trace,
    )
    outcome = asyncio.run(run_eval(dataset, settings, options, out=out, progress=_progress))
    metrics = write_report(outcome.out, outcome.rows, outcome.meta, _policy_ids(settings))
    _say(
        f"{outcome.ran} screened, {outcome.skipped} already done, in {outcome.seconds:.1f}s. "
        f"Accuracy {metrics.accuracy.show()}; crawl recall {metrics.crawl_recall.show()}."
    )
    _say(f"report: {outcome.out / 'report.html'}")
    if gate is not None:
        gate_command(outcome.out, baseline=gate)


@eval_app.command("report")
def report_command(run: RunDir) -> None:
    """Rewrite report.md and report.html of a run from its results."""
    from merchant_screen.evaluation.report import write_report
    from merchant_screen.evaluation.results import load_run

    data = load_run(run)
    folder = run if run.is_dir() else run.parent
    write_report(folder, data.rows, data.meta, _policy_ids(Settings.from_env()))
    _say(f"report: {folder / 'report.html'}")


@eval_app.command("compare")
def compare_command(
    run_a: Annotated[Path, typer.Argument(help="Run A (the reference).")],
    run_b: Annotated[Path, typer.Argument(help="Run B (the change).")],
    out: Annotated[Path | None, typer.Option("--out", help="Also write the Markdown here.")] = None,
) -> None:
    """Per-case differences, McNemar's exact test and paired bootstrap intervals (B - A)."""
    from merchant_screen.evaluation.compare import compare_runs, comparison_markdown
    from merchant_screen.evaluation.results import load_run

    text = comparison_markdown(compare_runs(load_run(run_a), load_run(run_b)))
    sys.stdout.write(text)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")


@eval_app.command("gate")
def gate_command(
    run: RunDir,
    baseline: Annotated[
        Path, typer.Option("--baseline", help="Baseline file with the floors.")
    ] = Path("evals/baseline.json"),
    update: Annotated[
        bool, typer.Option("--update", help="Pin this run's numbers as the new floors.")
    ] = False,
    allow_lower_floor: Annotated[
        bool, typer.Option("--allow-lower-floor", help="Let --update lower a floor.")
    ] = False,
    note: Annotated[str, typer.Option("--note", help="Why the floors changed.")] = "",
    dev_run: Annotated[
        Path | None,
        typer.Option("--dev-run", help="The same configuration on dev: check the dev/test gap."),
    ] = None,
) -> None:
    """Fail (exit 1) when RUN breaks a deterministic check, drops below a floor or rises
    above a ceiling."""
    from merchant_screen.evaluation.gate import check_gate, load_baseline, update_baseline
    from merchant_screen.evaluation.results import load_run

    data = load_run(run)
    if update:
        _, lowered = update_baseline(baseline, data, allow_lower=allow_lower_floor, note=note)
        _say(f"floors pinned in {baseline}")
        for line in lowered:
            _say(f"lowered {line}: say why in the commit message")
        return
    dev = load_run(dev_run) if dev_run is not None else None
    result = check_gate(data, load_baseline(baseline), dev)
    for line in result.lines():
        _say(line)
    if not result.passed:
        raise typer.Exit(1)


def calibrate_command(
    results: Annotated[list[Path], typer.Argument(help="Run folders or results.jsonl files.")],
    out: Annotated[Path, typer.Option("--out", help="Calibration file to write.")] = Path(
        "calibration.json"
    ),
    method: Annotated[
        str, typer.Option("--method", help="auto (isotonic from 200 cases), platt or isotonic.")
    ] = "auto",
    split: Annotated[
        str | None, typer.Option("--split", help="Fit on this split only (tune on dev).")
    ] = None,
) -> None:
    """Fit a confidence calibrator on results; report ECE before / after (k-fold CV)."""
    from merchant_screen.errors import ConfigError
    from merchant_screen.evaluation.calibration_fit import fit_calibration, write_calibration
    from merchant_screen.evaluation.results import load_run

    if method not in ("auto", "platt", "isotonic"):
        raise ConfigError(f"--method must be auto, platt or isotonic, not {method!r}")
    merged: dict[tuple[str, str], Any] = {}
    for path in results:
        for row in load_run(path).rows:
            if split is None or row.split == split:
                merged[(row.config, row.case_id)] = row
    fit = fit_calibration(list(merged.values()), method)  # type: ignore[arg-type]
    if len(fit.fitted_on["configs"]) > 1:
        _say(
            f"note: fitted across {len(fit.fitted_on['configs'])} configurations "
            f"({', '.join(fit.fitted_on['strategies'])}); a calibrator fits one pipeline best"
        )
    data = write_calibration(fit, out)
    sys.stdout.write(
        f"{fit.method} calibration fitted on {fit.cases} verdicts ({fit.correct} right), "
        f"{fit.folds}-fold cross-validation\n"
        f"ECE before {fit.ece_before.show(3)}\n"
        f"ECE after  {fit.ece_after.show(3)} (out of fold)\n"
        f"Brier {fit.brier_before:.4f} -> {fit.brier_after:.4f}\n"
        f"wrote {out}: {json.dumps({k: data[k] for k in data if k in ('method', 'a', 'b')})}\n"
    )
