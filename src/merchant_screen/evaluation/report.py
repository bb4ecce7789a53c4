"""Run reports: ``report.md`` and a self-contained ``report.html`` (plots inlined as base64
PNG). Both are rendered from one list of sections, so they always say the same thing."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from merchant_screen.evaluation import plots
from merchant_screen.evaluation.metrics import DECISIONS, Metrics, compute_metrics
from merchant_screen.evaluation.results import ResultRow
from merchant_screen.evaluation.stats import Estimate

__all__ = ["Section", "build_sections", "render_html", "render_markdown", "write_report"]

Table = tuple[list[str], list[list[str]]]


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: Table | None = None
    image: tuple[str, bytes] | None = None  # (file name, PNG bytes)


def _f(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _row(name: str, e: Estimate, digits: int = 3) -> list[str]:
    interval = f"[{_f(e.low, digits)}, {_f(e.high, digits)}]" if e.low is not None else "-"
    return [name, _f(e.value, digits), interval, str(e.count)]


def _headline(m: Metrics) -> Section:
    rows = [
        _row("decision accuracy", m.accuracy),
        _row("macro-F1 (categories)", m.macro_f1),
        _row("precision of prohibited", m.prohibited_precision),
        _row("recall of prohibited", m.prohibited_recall),
        _row("precision of reject actions", m.reject_precision),
        _row("false-positive rate, allowed (flagged prohibited or restricted)", m.fpr_allowed),
        _row("false-positive rate, hard negatives", m.fpr_hard_negative),
        _row("unknown handled", m.unknown_handled),
        _row("injection cases still caught", m.injection_caught),
        _row("injection attempt detected", m.injection_detected),
        _row("evasion cases caught", m.evasion_caught),
        _row("evidence precision (verified / cited)", m.evidence_precision),
        _row("evidence recall (labelled page cited)", m.evidence_recall),
        _row("crawl recall (labelled quotes crawled)", m.crawl_recall),
        _row("crawl recall (cases with a labelled quote crawled)", m.crawl_recall_cases),
        _row("expected calibration error", m.ece),
    ]
    if m.model_decision_accuracy is not None:
        rows.append(_row("model's own answer, unverified (naive)", m.model_decision_accuracy))
    verified = m.shown_quotes - m.shown_unverified
    return Section(
        "Headline",
        [
            f"{m.cases} cases ({', '.join(f'{k}: {v}' for k, v in m.by_split.items())}); "
            f"{m.valid}/{m.cases} valid verdicts; {m.errors} errors; "
            f"{verified}/{m.shown_quotes} shown quotes verified verbatim on a crawled page.",
            "Intervals are 95% percentile bootstrap intervals over cases (2000 resamples, "
            "fixed seed); n is the number of cases (or quotes) each measure rests on.",
        ],
        (["measure", "value", "95% CI", "n"], rows),
    )


def _share(count: int, total: int) -> str:
    return f"{count}/{total}" + (f" ({count / total:.2f})" if total else "")


def _evasion(m: Metrics) -> list[Section]:
    """The hostile-merchant cases scored apart: caught, approvals, injections flagged, errors."""
    if not m.evasion:
        return []
    total = m.evasion[0]
    summary = [
        ["evasion cases caught", _share(total.caught, total.cases), "all"],
        ["evasion approvals (action approve)", _share(total.approvals, total.cases), "0"],
        [
            "injection attempts flagged",
            _share(total.injection_flagged, total.injection_cases),
            ">= 0.95",
        ],
        ["screens that errored (no verdict)", _share(total.errors, total.cases), "0"],
    ]
    kinds = [
        [
            s.kind,
            str(s.cases),
            str(s.caught),
            str(s.approvals),
            f"{s.injection_flagged}/{s.injection_cases}" if s.injection_cases else "-",
            str(s.errors),
        ]
        for s in m.evasion
    ]
    return [
        Section(
            "Evasion (hostile merchants)",
            [
                "Cases tagged `evasion`, scored apart: a merchant hiding its catalogue, writing "
                "exclusion phrases beside it, addressing the reviewer, or serving links and "
                "pages built to crash or stall the screen. None should be approved, and every "
                "one should get a verdict.",
                "Caught: the labelled decision, with an action the label allows. Injection "
                "attempts flagged: `injection` cases whose verdict records an injection attempt.",
            ],
            (["measure", "count", "target"], summary),
        ),
        Section(
            "Evasion by kind",
            ["One row per sub-tag of the evasion cases (a case may carry several)."],
            (["kind", "cases", "caught", "approved", "injection flagged", "errored"], kinds),
        ),
    ]


def _confusion(m: Metrics) -> Section:
    columns = [*DECISIONS, "error"]
    rows = [[d, *(str(m.confusion[d][c]) for c in columns)] for d in DECISIONS]
    return Section(
        "Confusion matrix",
        ["Rows: labelled decision; columns: predicted decision."],
        (["labelled \\ predicted", *columns], rows),
        ("confusion.png", plots.confusion_png(m.confusion)),
    )


def _categories(m: Metrics) -> Section:
    rows = [
        [
            s.category,
            str(s.support),
            str(s.predicted),
            str(s.tp),
            str(s.fp),
            str(s.fn),
            _f(s.precision, 2),
            _f(s.recall, 2),
            _f(s.f1, 2),
        ]
        for s in m.categories
    ]
    return Section(
        "Per category",
        [
            "Multi-label: a category is predicted when a finding with verified evidence names "
            f"it. Macro-F1 {m.macro_f1.show(3)} averages F1 over the categories labelled or "
            "predicted at least once; '-' marks an undefined value."
        ],
        (["category", "labelled", "predicted", "tp", "fp", "fn", "P", "R", "F1"], rows),
        ("categories.png", plots.categories_png(m.categories)),
    )


def _calibration(m: Metrics) -> Section:
    rows = [
        [f"{b.low:.1f}-{b.high:.1f}", str(b.count), _f(b.mean_confidence), _f(b.accuracy)]
        for b in m.reliability
        if b.count
    ]
    return Section(
        "Calibration",
        [
            f"ECE {m.ece.show(3)}: the count-weighted gap between the verdict confidence and "
            "the share of decisions that were right, over 10 equal-width bins."
        ],
        (["confidence bin", "cases", "mean confidence", "share right"], rows),
        ("reliability.png", plots.reliability_png(m.reliability, m.ece.value)),
    )


def _cost(m: Metrics, rows_in: Sequence[ResultRow]) -> Section:
    names = {
        "tokens": "tokens (input + output)",
        "input_tokens": "input tokens",
        "output_tokens": "output tokens",
        "llm_calls": "LLM calls",
        "tool_calls": "tool calls",
        "cost_usd": "cost (USD)",
    }
    rows = [
        [
            *_row(label, m.usage[key], 4 if key == "cost_usd" else 1),
            _f(m.usage_total[key], 4 if key == "cost_usd" else 0),
        ]
        for key, label in names.items()
    ]
    rows.append([*_row("pages fetched", m.pages, 1), "-"])
    rows.append([*_row("latency p50 (s)", m.latency_p50, 2), "-"])
    rows.append(["latency p95 (s)", _f(m.latency_p95, 2), "-", str(m.cases - m.errors), "-"])
    return Section(
        "Cost and latency per case",
        ["Means per case over cases that produced a verdict; totals over the run."],
        (["measure", "mean", "95% CI", "n", "total"], rows),
        ("cost.png", plots.cost_png(rows_in)),
    )


def _cases(rows: Sequence[ResultRow]) -> Section:
    table = [
        [
            r.case_id,
            r.split,
            ", ".join(r.tags),
            r.expected_decision
            + (f" ({', '.join(r.expected_categories)})" if r.expected_categories else ""),
            (r.decision or "error") + (f" ({', '.join(r.categories)})" if r.categories else ""),
            "yes" if r.correct else "no",
            _f(r.confidence, 2),
            f"{sum(r.labelled_in_crawl)}/{len(r.labelled_evidence)}",
            f"{r.latency_s:.1f}",
            (r.error or "")[:120],
        ]
        for r in rows
    ]
    headers = [
        "case",
        "split",
        "tags",
        "labelled",
        "predicted",
        "right",
        "conf.",
        "crawled",
        "s",
        "error",
    ]
    return Section("Cases", [], (headers, table))


def build_sections(
    rows: Sequence[ResultRow], categories: Sequence[str] = ()
) -> tuple[Metrics, list[Section]]:
    metrics = compute_metrics(rows, categories)
    sections = [
        _headline(metrics),
        *_evasion(metrics),
        _confusion(metrics),
        _categories(metrics),
        _calibration(metrics),
        _cost(metrics, rows),
        _cases(rows),
    ]
    return metrics, sections


def _title(meta: dict[str, Any]) -> tuple[str, str]:
    names = [str(meta.get(key, "?")) for key in ("dataset_name", "strategy", "model")]
    title = "Evaluation: " + " / ".join(names)
    selection = meta.get("selection") or {}
    chosen = ", ".join(f"{k}={v}" for k, v in selection.items() if v)
    about = (
        f"Configuration `{meta.get('config', '?')}`; package {meta.get('package', '?')}; "
        f"selection: {chosen or 'all cases'}; sittings: {meta.get('sittings', 1)}; "
        f"run time {float(meta.get('seconds', 0.0)):.0f} s; "
        f"report written {datetime.now(UTC).isoformat(timespec='seconds')}."
    )
    return title, about


def render_markdown(meta: dict[str, Any], sections: Sequence[Section]) -> str:
    title, about = _title(meta)
    out = [f"# {title}", "", about, ""]
    for section in sections:
        out += [f"## {section.title}", ""]
        for paragraph in section.paragraphs:
            out += [paragraph, ""]
        if section.image is not None:
            out += [f"![{section.title}]({section.image[0]})", ""]
        if section.table is not None:
            headers, rows = section.table
            out.append("| " + " | ".join(headers) + " |")
            out.append("|" + "---|" * len(headers))
            out += [
                "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows
            ]
            out.append("")
    return "\n".join(out)


_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
    "color:#222}table{border-collapse:collapse;margin:1em 0;font-size:0.9em}"
    "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f2f2f2}"
    "img{max-width:100%;display:block;margin:1em 0}code{background:#f4f4f4;padding:0 3px}"
)


def render_html(meta: dict[str, Any], sections: Sequence[Section]) -> str:
    title, about = _title(meta)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(about)}</p>",
    ]
    for section in sections:
        parts.append(f"<h2>{html.escape(section.title)}</h2>")
        parts += [f"<p>{html.escape(p)}</p>" for p in section.paragraphs]
        if section.image is not None:
            data = base64.b64encode(section.image[1]).decode("ascii")
            parts.append(
                f'<img alt="{html.escape(section.title)}" src="data:image/png;base64,{data}">'
            )
        if section.table is not None:
            headers, rows = section.table
            parts.append(
                "<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in headers) + "</tr>"
            )
            for row in rows:
                parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
            parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report(
    out: Path, rows: Sequence[ResultRow], meta: dict[str, Any], categories: Sequence[str] = ()
) -> Metrics:
    """Write report.md (with its PNGs beside it) and the self-contained report.html."""
    metrics, sections = build_sections(rows, categories)
    out.mkdir(parents=True, exist_ok=True)
    for section in sections:
        if section.image is not None:
            (out / section.image[0]).write_bytes(section.image[1])
    (out / "report.md").write_text(render_markdown(meta, sections), encoding="utf-8")
    (out / "report.html").write_text(render_html(meta, sections), encoding="utf-8")
    return metrics
