"""Paired comparison of two runs on the cases both screened.

McNemar's exact test on decision correctness (only the cases where exactly one run is right
carry information); paired bootstrap intervals (cases resampled jointly) for the differences
B - A in macro-F1, tokens per case and latency per case. This is how a prompt, policy or
model change is accepted: by the size and interval of the difference, not by one number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from merchant_screen.evaluation.metrics import macro_f1
from merchant_screen.evaluation.results import ResultRow, RunData
from merchant_screen.evaluation.stats import Estimate, estimate, mcnemar_exact, paired_bootstrap

__all__ = ["CaseDiff", "Comparison", "compare_runs", "comparison_markdown"]

Pair = tuple[ResultRow, ResultRow]


@dataclass(frozen=True)
class CaseDiff:
    case_id: str
    expected: str
    decision_a: str
    decision_b: str
    correct_a: bool
    correct_b: bool
    categories_a: tuple[str, ...]
    categories_b: tuple[str, ...]

    @property
    def change(self) -> str:
        if self.correct_a != self.correct_b:
            return "fixed" if self.correct_b else "broken"
        return "changed"


@dataclass(frozen=True)
class Comparison:
    name_a: str
    name_b: str
    config_a: str
    config_b: str
    common: int
    only_a: list[str]
    only_b: list[str]
    accuracy_a: Estimate
    accuracy_b: Estimate
    accuracy_diff: Estimate
    a_only_right: int
    b_only_right: int
    mcnemar_p: float
    macro_f1_a: float | None
    macro_f1_b: float | None
    macro_f1_diff: Estimate
    tokens_diff: Estimate
    latency_diff: Estimate
    tokens_a: float = 0.0
    tokens_b: float = 0.0
    latency_a: float = 0.0
    latency_b: float = 0.0
    diffs: list[CaseDiff] = field(default_factory=list)


def _accuracy(rows: Sequence[ResultRow]) -> Estimate:
    return estimate(list(rows), lambda s: sum(r.correct for r in s) / len(s) if s else None)


def _diff(
    value: Callable[[Sequence[ResultRow]], float | None],
) -> Callable[[Sequence[Pair]], float | None]:
    def stat(pairs: Sequence[Pair]) -> float | None:
        a = value([p[0] for p in pairs])
        b = value([p[1] for p in pairs])
        return None if a is None or b is None else b - a

    return stat


def _share_right(rows: Sequence[ResultRow]) -> float:
    return sum(1 for r in rows if r.correct) / len(rows) if rows else 0.0


def _tokens(rows: Sequence[ResultRow]) -> float:
    return sum(r.tokens for r in rows) / len(rows) if rows else 0.0


def _latency(rows: Sequence[ResultRow]) -> float:
    return sum(r.latency_s for r in rows) / len(rows) if rows else 0.0


def compare_runs(a: RunData, b: RunData) -> Comparison:
    """Compare run ``b`` against run ``a`` (differences are B - A)."""
    rows_a = {r.case_id: r for r in a.rows}
    rows_b = {r.case_id: r for r in b.rows}
    common = [case for case in rows_a if case in rows_b]
    pairs = [(rows_a[c], rows_b[c]) for c in common]
    diffs = [
        CaseDiff(
            case_id=ra.case_id,
            expected=ra.expected_decision,
            decision_a=ra.decision or "error",
            decision_b=rb.decision or "error",
            correct_a=ra.correct,
            correct_b=rb.correct,
            categories_a=tuple(sorted(ra.categories)),
            categories_b=tuple(sorted(rb.categories)),
        )
        for ra, rb in pairs
        if ra.decision != rb.decision or sorted(ra.categories) != sorted(rb.categories)
    ]
    a_only = sum(1 for ra, rb in pairs if ra.correct and not rb.correct)
    b_only = sum(1 for ra, rb in pairs if rb.correct and not ra.correct)
    return Comparison(
        name_a=a.name,
        name_b=b.name,
        config_a=a.rows[0].config,
        config_b=b.rows[0].config,
        common=len(pairs),
        only_a=[c for c in rows_a if c not in rows_b],
        only_b=[c for c in rows_b if c not in rows_a],
        accuracy_a=_accuracy([p[0] for p in pairs]),
        accuracy_b=_accuracy([p[1] for p in pairs]),
        accuracy_diff=paired_bootstrap(pairs, _diff(_share_right)),
        a_only_right=a_only,
        b_only_right=b_only,
        mcnemar_p=mcnemar_exact(a_only, b_only),
        macro_f1_a=macro_f1([p[0] for p in pairs]),
        macro_f1_b=macro_f1([p[1] for p in pairs]),
        macro_f1_diff=paired_bootstrap(pairs, _diff(macro_f1)),
        tokens_diff=paired_bootstrap(pairs, _diff(_tokens)),
        latency_diff=paired_bootstrap(pairs, _diff(_latency)),
        tokens_a=_tokens([p[0] for p in pairs]),
        tokens_b=_tokens([p[1] for p in pairs]),
        latency_a=_latency([p[0] for p in pairs]),
        latency_b=_latency([p[1] for p in pairs]),
        diffs=sorted(diffs, key=lambda d: (d.change != "broken", d.change != "fixed", d.case_id)),
    )


def _signed(e: Estimate, digits: int = 3) -> str:
    if e.value is None:
        return "n/a"
    interval = (
        f" [{e.low:+.{digits}f}, {e.high:+.{digits}f}]"
        if e.low is not None and e.high is not None
        else ""
    )
    return f"{e.value:+.{digits}f}{interval}"


def _f(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def comparison_markdown(c: Comparison) -> str:
    """The comparison as a Markdown report."""
    lines = [
        f"# Comparison: A = {c.name_a}, B = {c.name_b}",
        "",
        f"Configurations: A `{c.config_a}`, B `{c.config_b}`. Cases in both runs: {c.common}"
        + (f"; only in A: {len(c.only_a)}" if c.only_a else "")
        + (f"; only in B: {len(c.only_b)}" if c.only_b else "")
        + ".",
        "",
        "| measure | A | B | B - A (95% paired bootstrap) |",
        "|---|---|---|---|",
        f"| decision accuracy | {c.accuracy_a.show(3)} | {c.accuracy_b.show(3)} | "
        f"{_signed(c.accuracy_diff)} |",
        f"| macro-F1 | {_f(c.macro_f1_a)} | {_f(c.macro_f1_b)} | {_signed(c.macro_f1_diff)} |",
        f"| tokens per case (mean) | {c.tokens_a:.1f} | {c.tokens_b:.1f} | "
        f"{_signed(c.tokens_diff, 1)} |",
        f"| latency per case (mean s) | {c.latency_a:.2f} | {c.latency_b:.2f} | "
        f"{_signed(c.latency_diff, 2)} |",
        "",
        f"McNemar exact test on decision correctness: A right only {c.a_only_right}, "
        f"B right only {c.b_only_right}, p = {c.mcnemar_p:.4f}"
        + (" (significant at 0.05)." if c.mcnemar_p < 0.05 else " (not significant at 0.05)."),
        "",
        f"## Cases whose decision or categories differ ({len(c.diffs)})",
        "",
    ]
    if not c.diffs:
        lines.append("None.")
    else:
        lines += ["| case | expected | A | B | change |", "|---|---|---|---|---|"]
        for d in c.diffs:
            a = d.decision_a + (f" ({', '.join(d.categories_a)})" if d.categories_a else "")
            b = d.decision_b + (f" ({', '.join(d.categories_b)})" if d.categories_b else "")
            lines.append(f"| {d.case_id} | {d.expected} | {a} | {b} | {d.change} |")
    return "\n".join(lines) + "\n"
