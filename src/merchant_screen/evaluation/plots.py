"""Report plots as PNG bytes (matplotlib's object API with the Agg canvas: no pyplot, no
global state, no display needed)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from merchant_screen.evaluation.metrics import DECISIONS, CategoryScore
from merchant_screen.evaluation.results import ResultRow
from merchant_screen.evaluation.stats import ReliabilityBin

__all__ = ["categories_png", "confusion_png", "cost_png", "reliability_png"]


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


def confusion_png(confusion: dict[str, dict[str, int]]) -> bytes:
    """Labelled decision (rows) against predicted decision (columns; "error" if any)."""
    columns = list(DECISIONS) + (
        ["error"] if any(r.get("error") for r in confusion.values()) else []
    )
    rows = list(DECISIONS)
    values = [[confusion.get(r, {}).get(c, 0) for c in columns] for r in rows]
    figure = Figure(figsize=(5.2, 4.2))
    ax = figure.add_subplot()
    ax.imshow(values, cmap="Blues")
    peak = max((v for row in values for v in row), default=0)
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            colour = "white" if peak and value > peak / 2 else "black"
            ax.text(j, i, str(value), ha="center", va="center", color=colour)
    ax.set_xticks(range(len(columns)), labels=columns)
    ax.set_yticks(range(len(rows)), labels=rows)
    ax.set_xlabel("predicted")
    ax.set_ylabel("labelled")
    ax.set_title("Decision confusion matrix")
    figure.tight_layout()
    return _png(figure)


def reliability_png(bins: Sequence[ReliabilityBin], ece: float | None) -> bytes:
    """Share of decisions right against mean confidence per bin, each point labelled with
    its bin's count."""
    figure = Figure(figsize=(4.6, 4.4))
    ax = figure.add_subplot()
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    filled = [b for b in bins if b.count and b.mean_confidence is not None]
    if filled:
        ax.plot(
            [b.mean_confidence or 0.0 for b in filled],
            [b.accuracy or 0.0 for b in filled],
            marker="o",
            color="tab:blue",
            label="this run",
        )
        for b in filled:
            ax.annotate(str(b.count), (b.mean_confidence or 0, b.accuracy or 0), fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("confidence")
    ax.set_ylabel("share of decisions right")
    title = "Reliability" + (f" (ECE {ece:.3f})" if ece is not None else "")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    return _png(figure)


def categories_png(scores: Sequence[CategoryScore]) -> bytes:
    """Precision, recall and F1 per category that was labelled or predicted."""
    shown = [s for s in scores if s.support or s.predicted]
    figure = Figure(figsize=(7.5, max(2.5, 0.32 * len(shown) + 1.2)))
    ax = figure.add_subplot()
    height = 0.27
    series = {
        "precision": [s.precision or 0.0 for s in shown],
        "recall": [s.recall or 0.0 for s in shown],
        "F1": [s.f1 or 0.0 for s in shown],
    }
    for offset, (name, values) in enumerate(series.items()):
        positions = [i + (offset - 1) * height for i in range(len(shown))]
        ax.barh(positions, values, height=height, label=name)
    ax.set_yticks(range(len(shown)), labels=[f"{s.category} ({s.support})" for s in shown])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("score (labelled cases in brackets)")
    ax.set_title("Per-category precision / recall / F1")
    ax.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    return _png(figure)


def cost_png(rows: Sequence[ResultRow]) -> bytes:
    """Tokens (input / output) and latency per case."""
    done = [r for r in rows if r.error is None]
    labels = [r.case_id for r in done]
    figure = Figure(figsize=(8, 5.2))
    top, bottom = figure.subplots(2, 1, sharex=True)
    inputs = [r.usage.get("input_tokens", 0.0) for r in done]
    outputs = [r.usage.get("output_tokens", 0.0) for r in done]
    top.bar(range(len(done)), inputs, label="input tokens")
    top.bar(range(len(done)), outputs, bottom=inputs, label="output tokens")
    top.set_ylabel("tokens")
    top.set_title("Cost per case")
    top.legend(fontsize=8)
    bottom.bar(range(len(done)), [r.latency_s for r in done], color="tab:green")
    bottom.set_ylabel("latency (s)")
    bottom.set_xticks(range(len(done)), labels=labels, rotation=90, fontsize=6)
    figure.tight_layout()
    return _png(figure)
