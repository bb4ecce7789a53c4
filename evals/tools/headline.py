"""Render the README's headline table from the evaluation reports in ``evals/reports/``.

Run from the repository root::

    python evals/tools/headline.py            # print the table
    python evals/tools/headline.py --write    # replace it in README.md (between the markers)

``evals/reports/headline.json`` names the report folder behind every cell (a report folder is
an ``eval run`` output: ``run.json`` + ``results.jsonl``). Every number is computed here from
those rows, so the README cannot cite a run that is not committed; a test checks that the
README's table is what this script renders.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from merchant_screen.evaluation.compare import compare_runs
from merchant_screen.evaluation.metrics import compute_metrics
from merchant_screen.evaluation.results import ResultRow, RunData, load_run
from merchant_screen.scoring.model import load_scorer

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "evals" / "reports"
MANIFEST = REPORTS / "headline.json"
README = ROOT / "README.md"
START, END = "<!-- headline:start -->", "<!-- headline:end -->"
FLAGGED = ("prohibited", "restricted")


def _pct(hit: int, total: int) -> str:
    return f"{hit}/{total} ({hit / total:.2f})" if total else "-"


def _rate(
    rows: Sequence[ResultRow], keep: Callable[[ResultRow], bool], hit: Callable[[ResultRow], bool]
) -> str:
    chosen = [r for r in rows if keep(r)]
    return _pct(sum(1 for r in chosen if hit(r)), len(chosen))


def _acc(run: RunData) -> float:
    return sum(r.correct for r in run.rows) / len(run.rows)


def _versions(run: RunData) -> str:
    parts = run.meta.get("config_parts", {})
    scorer = next(
        (r.verdict["versions"].get("scorer", "none") for r in run.rows if r.verdict), "none"
    )
    return (
        f"policy {parts.get('policy', '-')}, prompts {parts.get('prompts', '-')}, "
        f"scorer {scorer}, model {parts.get('model', '-')}"
    )


def render(manifest: dict[str, dict[str, str]], reports: Path = REPORTS) -> str:
    runs = {
        slot: {strategy: load_run(reports / name) for strategy, name in names.items()}
        for slot, names in manifest.items()
    }
    kw, ag = runs["fresh_test"]["keywords"], runs["fresh_test"]["agent"]
    scorer = load_scorer()
    mk, ma = compute_metrics(kw.rows), compute_metrics(ag.rows)
    paired = compare_runs(kw, ag)

    def both(fn: Callable[[RunData], str]) -> str:
        return f"{fn(kw)} | {fn(ag)}"

    def est(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    def real(
        strategy: str, tag: str, expected: str | None, hit: Callable[[ResultRow], bool]
    ) -> str:
        rows = runs["real_dev"][strategy].rows
        return _rate(
            rows,
            lambda r: tag in r.tags and (expected is None or r.expected_decision == expected),
            hit,
        )

    def real_both(tag: str, expected: str | None, hit: Callable[[ResultRow], bool]) -> str:
        return f"{real('keywords', tag, expected, hit)} | {real('agent', tag, expected, hit)}"

    def gap(slot_dev: str, slot_test: str, strategy: str) -> str:
        return f"{_acc(runs[slot_dev][strategy]) - _acc(runs[slot_test][strategy]):+.2f}"

    tokens_kw = mk.usage["tokens"].value or 0.0
    tokens_ag = ma.usage["tokens"].value or 0.0
    lines = [
        "| measure | keywords (lexicon only) | agent (embedded model + scorer) | target |",
        "|---|---|---|---|",
        f"| decision accuracy, fresh test ({len(ag.rows)} sites) | {_acc(kw):.2f} "
        f"[{est(mk.accuracy.low)}, {est(mk.accuracy.high)}] | {_acc(ag):.2f} "
        f"[{est(ma.accuracy.low)}, {est(ma.accuracy.high)}]; McNemar p = "
        f"{paired.mcnemar_p:.2g} ({paired.b_only_right} vs {paired.a_only_right} discordant) "
        "| agent >= keywords + 0.10, p < 0.05 |",
        "| hard-negative false-positive rate, fresh test | "
        + both(lambda run: _rate(run.rows, _hard_negative, _flagged))
        + " | <= 0.15 |",
        "| `prohibited` precision, fresh test | "
        + both(lambda run: _rate(run.rows, lambda r: r.decision == "prohibited", _is_prohibited))
        + " | >= 0.95 |",
        "| `prohibited` recall, fresh test | "
        + both(lambda run: _rate(run.rows, _is_prohibited, lambda r: r.decision == "prohibited"))
        + " | >= 0.90 |",
        "| evasion cases caught, fresh test | "
        + both(lambda run: _rate(run.rows, lambda r: "evasion" in r.tags, lambda r: r.correct))
        + " | all |",
        "| injection attempts flagged, fresh test | "
        + both(lambda run: _rate(run.rows, _injection, lambda r: r.injection_detected))
        + " | >= 0.95 |",
        f"| hostile sites approved, hostile suite ({len(runs['hostile']['agent'].rows)} sites, "
        "test) | "
        + " | ".join(
            _rate(runs["hostile"][s].rows, lambda r: "evasion" in r.tags, _approved)
            for s in ("keywords", "agent")
        )
        + " | 0 |",
        "| hostile suite: labelled decision and an allowed action / injection attempts flagged | "
        + " | ".join(
            _rate(runs["hostile"][s].rows, lambda r: True, lambda r: r.correct)
            + " / "
            + _rate(runs["hostile"][s].rows, _injection, lambda r: r.injection_detected)
            for s in ("keywords", "agent")
        )
        + " | all / >= 0.95 |",
        f"| decision accuracy, core test ({len(runs['core_test']['agent'].rows)} sites) | "
        f"{_acc(runs['core_test']['keywords']):.2f} | {_acc(runs['core_test']['agent']):.2f} | |",
        "| dev - test accuracy gap, fresh / core | "
        + " | ".join(
            f"{gap('fresh_dev', 'fresh_test', s)} / {gap('core_dev', 'core_test', s)}"
            for s in ("keywords", "agent")
        )
        + " | <= 0.05 |",
        "| real retail pages (zyte, dev half) flagged prohibited | "
        + real_both("zyte", "allowed", lambda r: r.decision == "prohibited")
        + " | 0 |",
        "| real retail pages (zyte, dev half) flagged restricted, ordinary goods | "
        + real_both("zyte", "allowed", lambda r: r.decision == "restricted")
        + " | only restricted goods |",
        "| real eBay listings (dev, all ours) that are allowed, flagged | "
        + real_both("ebay", "allowed", _flagged)
        + " | |",
        "| real drug-shop pages (DUTA, dev half) recall of `prohibited` | "
        + real_both("duta", "prohibited", lambda r: r.decision == "prohibited")
        + " | >= 0.97 |",
        "| precision of `reject` actions, fresh test | "
        + both(lambda run: _rate(run.rows, lambda r: r.action == "reject", _is_prohibited))
        + " | |",
        f"| expected calibration error of the scorer, out of fold on dev ({scorer.version}) | - | "
        f"{scorer.artifact.fitted.get('oof_ece_calibrated', '-')} | <= 0.05 |",
        f"| expected calibration error of the verdict's confidence, fresh test | "
        f"{est(mk.ece.value)} | {est(ma.ece.value)} | |",
        f"| tokens per screen (mean) / p50 latency, fresh test | {tokens_kw:.0f} / "
        f"{est(mk.latency_p50.value)} s | {tokens_ag:.0f} / {est(ma.latency_p50.value)} s "
        "| <= 1,500 / <= 20 s |",
    ]
    sources = sorted({f"`{name}`" for names in manifest.values() for name in names.values()})
    footer = [
        "",
        f"Agent run versions: {_versions(ag)}. Keywords: {_versions(kw)}.",
        "Reports (in `evals/reports/`): " + ", ".join(sources) + ".",
    ]
    return "\n".join(lines + footer) + "\n"


def _hard_negative(r: ResultRow) -> bool:
    return r.expected_decision == "allowed" and "hard_negative" in r.tags


def _injection(r: ResultRow) -> bool:
    return "injection" in r.tags


def _approved(r: ResultRow) -> bool:
    return r.action == "approve"


def _flagged(r: ResultRow) -> bool:
    return r.decision in FLAGGED


def _is_prohibited(r: ResultRow) -> bool:
    return r.expected_decision == "prohibited"


def readme_table(text: str) -> str:
    start, end = text.index(START) + len(START), text.index(END)
    return text[start:end].strip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="replace the table in README.md")
    args = parser.parse_args(argv)
    table = render(json.loads(MANIFEST.read_text(encoding="utf-8")))
    if not args.write:
        sys.stdout.write(table)
        return 0
    text = README.read_text(encoding="utf-8")
    start, end = text.index(START) + len(START), text.index(END)
    README.write_text(text[:start] + "\n" + table + text[end:], encoding="utf-8")
    sys.stdout.write(f"wrote the headline table into {README}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
