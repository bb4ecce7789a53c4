"""Metrics over result rows (pure): each with its count and a 95% bootstrap interval.

Definitions (a row whose screen failed counts as a wrong answer with no categories):

* accuracy: predicted decision == labelled decision; confusion: labelled x predicted.
* per category (multi-label, over all rows): tp / fp / fn of the categories of findings
  against the labelled categories; macro-F1 averages F1 over the categories that are labelled
  or predicted at least once in the rows (others are undefined, not zero).
* prohibited precision: labelled prohibited among rows predicted prohibited; prohibited
  recall: predicted prohibited among rows labelled prohibited; reject precision: labelled
  prohibited among rows whose action is reject.
* evasion caught: ``evasion`` rows whose decision is the labelled one (and whose action the
  label does not forbid); evasion approvals: ``evasion`` rows whose action is approve (the
  target is none: every evasion site is one a careful analyst would not approve); evasion
  errors: ``evasion`` rows with no verdict (target none). ``evasion_scores`` breaks these down
  by kind (the sub-tags of ``EVASION_KINDS``), with injection attempts flagged per kind.
* FPR on allowed (and on ``hard_negative`` allowed): predicted prohibited or restricted.
* unknown handled: labelled-unknown rows predicted unknown.
* injection caught: ``injection`` rows whose decision is still the labelled one.
* evidence precision: verified shown quotes / cited quotes (shown + rejected), pooled.
* evidence recall: labelled quotes whose page a finding cites / labelled quotes.
* crawl recall: labelled quotes present in the crawled text at all / labelled quotes — the
  ceiling any model can reach; ``crawl_recall_cases``: rows with any labelled quote found.
* ECE of the verdict confidence as the probability that the decision is right.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from merchant_screen.evaluation.results import ResultRow
from merchant_screen.evaluation.stats import (
    Estimate,
    ReliabilityBin,
    estimate,
    expected_calibration_error,
    percentile,
    reliability_bins,
)

__all__ = [
    "DECISIONS",
    "EVASION_KINDS",
    "CategoryScore",
    "EvasionScore",
    "Metrics",
    "category_scores",
    "compute_metrics",
    "evasion_scores",
    "macro_f1",
]

DECISIONS = ("prohibited", "restricted", "allowed", "unknown")
# Sub-tags of ``evasion`` cases: the way the merchant tries to get past the screen.
EVASION_KINDS = ("hidden", "negation", "injection", "crash", "bomb")
FLAGGED = frozenset({"prohibited", "restricted"})
USAGE_FIELDS = ("tokens", "input_tokens", "output_tokens", "llm_calls", "tool_calls", "cost_usd")
Rows = Sequence[ResultRow]


@dataclass(frozen=True)
class CategoryScore:
    category: str
    support: int
    predicted: int
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """F1 with an undefined precision or recall counted as 0; None when never seen."""
        if self.tp + self.fp + self.fn == 0:
            return None
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)


@dataclass(frozen=True)
class EvasionScore:
    """Counts over the ``evasion`` rows of one kind (``kind`` "all": every evasion row)."""

    kind: str
    cases: int
    caught: int
    approvals: int
    errors: int
    injection_cases: int
    injection_flagged: int


def _is_evasion(row: ResultRow) -> bool:
    return "evasion" in row.tags


def _approved(row: ResultRow) -> bool:
    return row.action == "approve"


def _errored(row: ResultRow) -> bool:
    return row.error is not None or row.decision is None


def _evasion_score(kind: str, rows: Rows) -> EvasionScore:
    injection = [r for r in rows if "injection" in r.tags]
    return EvasionScore(
        kind=kind,
        cases=len(rows),
        caught=sum(1 for r in rows if r.correct),
        approvals=sum(1 for r in rows if _approved(r)),
        errors=sum(1 for r in rows if _errored(r)),
        injection_cases=len(injection),
        injection_flagged=sum(1 for r in injection if r.injection_detected),
    )


def evasion_scores(rows: Rows) -> list[EvasionScore]:
    """ "all" over the ``evasion`` rows, then each kind of ``EVASION_KINDS`` present, then any
    other tag they carry; empty when no row is tagged ``evasion``."""
    evasion = [r for r in rows if _is_evasion(r)]
    if not evasion:
        return []
    others = sorted({t for r in evasion for t in r.tags} - {"evasion", *EVASION_KINDS})
    kinds = [k for k in (*EVASION_KINDS, *others) if any(k in r.tags for r in evasion)]
    return [
        _evasion_score("all", evasion),
        *(_evasion_score(k, [r for r in evasion if k in r.tags]) for k in kinds),
    ]


@dataclass(frozen=True)
class Metrics:
    cases: int
    errors: int
    valid: int
    accuracy: Estimate
    confusion: dict[str, dict[str, int]]
    categories: list[CategoryScore]
    macro_f1: Estimate
    prohibited_precision: Estimate
    prohibited_recall: Estimate
    reject_precision: Estimate
    fpr_allowed: Estimate
    fpr_hard_negative: Estimate
    unknown_handled: Estimate
    injection_caught: Estimate
    injection_detected: Estimate
    evasion_caught: Estimate
    evasion_approvals: Estimate
    evasion_errors: Estimate
    evidence_precision: Estimate
    evidence_recall: Estimate
    crawl_recall: Estimate
    crawl_recall_cases: Estimate
    shown_quotes: int
    shown_unverified: int
    usage: dict[str, Estimate]
    usage_total: dict[str, float]
    latency_p50: Estimate
    latency_p95: float | None
    pages: Estimate
    ece: Estimate
    reliability: list[ReliabilityBin]
    model_decision_accuracy: Estimate | None = None
    by_split: dict[str, int] = field(default_factory=dict)
    evasion: list[EvasionScore] = field(default_factory=list)


def _rate(
    rows: Rows, keep: Callable[[ResultRow], bool], hit: Callable[[ResultRow], bool]
) -> Estimate:
    chosen = [r for r in rows if keep(r)]

    def stat(sample: Sequence[ResultRow]) -> float | None:
        return sum(1 for r in sample if hit(r)) / len(sample) if sample else None

    return estimate(chosen, stat)


def _pooled(
    rows: Rows, num: Callable[[ResultRow], int], den: Callable[[ResultRow], int]
) -> Estimate:
    """sum(num) / sum(den) over rows with den > 0; bootstrap over those rows."""
    chosen = [r for r in rows if den(r) > 0]

    def stat(sample: Sequence[ResultRow]) -> float | None:
        total = sum(den(r) for r in sample)
        return sum(num(r) for r in sample) / total if total else None

    return estimate(chosen, stat, count=sum(den(r) for r in chosen))


def category_scores(rows: Rows, categories: Sequence[str] = ()) -> list[CategoryScore]:
    """Scores for ``categories`` plus every category labelled or predicted in ``rows``."""
    names = list(dict.fromkeys([*categories, *sorted(_seen_categories(rows))]))
    out = []
    for name in names:
        expected = [name in r.expected_categories for r in rows]
        predicted = [name in r.categories for r in rows]
        pairs = list(zip(expected, predicted, strict=True))
        out.append(
            CategoryScore(
                category=name,
                support=sum(expected),
                predicted=sum(predicted),
                tp=sum(1 for e, p in pairs if e and p),
                fp=sum(1 for e, p in pairs if p and not e),
                fn=sum(1 for e, p in pairs if e and not p),
            )
        )
    return out


def _seen_categories(rows: Rows) -> set[str]:
    return {c for r in rows for c in (*r.expected_categories, *r.categories)}


def macro_f1(rows: Rows) -> float | None:
    """Mean F1 over the categories labelled or predicted at least once in ``rows``."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for r in rows:
        expected, predicted = set(r.expected_categories), set(r.categories)
        tp.update(expected & predicted)
        fp.update(predicted - expected)
        fn.update(expected - predicted)
    names = set(tp) | set(fp) | set(fn)
    if not names:
        return None
    return sum(2 * tp[c] / (2 * tp[c] + fp[c] + fn[c]) for c in names) / len(names)


def _confusion(rows: Rows) -> dict[str, dict[str, int]]:
    columns = [*DECISIONS, "error"]
    table = {e: dict.fromkeys(columns, 0) for e in DECISIONS}
    for r in rows:
        table.setdefault(r.expected_decision, dict.fromkeys(columns, 0))
        table[r.expected_decision][r.decision or "error"] += 1
    return table


def _mean(values: Callable[[ResultRow], float]) -> Callable[[Sequence[ResultRow]], float | None]:
    def stat(sample: Sequence[ResultRow]) -> float | None:
        return sum(values(r) for r in sample) / len(sample) if sample else None

    return stat


def _usage(row: ResultRow, name: str) -> float:
    return row.tokens if name == "tokens" else float(row.usage.get(name, 0.0))


def _usage_of(name: str) -> Callable[[ResultRow], float]:
    return lambda row: _usage(row, name)


def _median_latency(sample: Sequence[ResultRow]) -> float | None:
    return percentile([r.latency_s for r in sample], 50) if sample else None


def _calibration(rows: Rows) -> tuple[Estimate, list[ReliabilityBin]]:
    scored = [r for r in rows if r.confidence is not None]

    def stat(sample: Sequence[ResultRow]) -> float | None:
        return expected_calibration_error(
            [r.confidence or 0.0 for r in sample], [r.correct for r in sample]
        )

    bins = reliability_bins([r.confidence or 0.0 for r in scored], [r.correct for r in scored])
    return estimate(scored, stat), bins


def compute_metrics(rows: Rows, categories: Sequence[str] = ()) -> Metrics:
    """Every report metric over ``rows`` (one per case)."""
    done = [r for r in rows if r.error is None]
    ece, bins = _calibration(rows)
    with_model_decision = [r for r in rows if "model_decision" in r.extra]
    return Metrics(
        cases=len(rows),
        errors=len(rows) - len(done),
        valid=sum(1 for r in rows if r.valid),
        accuracy=_rate(rows, lambda r: True, lambda r: r.correct),
        confusion=_confusion(rows),
        categories=category_scores(rows, categories),
        macro_f1=estimate(list(rows), macro_f1),
        prohibited_precision=_rate(
            rows,
            lambda r: r.decision == "prohibited",
            lambda r: r.expected_decision == "prohibited",
        ),
        prohibited_recall=_rate(
            rows,
            lambda r: r.expected_decision == "prohibited",
            lambda r: r.decision == "prohibited",
        ),
        reject_precision=_rate(
            rows, lambda r: r.action == "reject", lambda r: r.expected_decision == "prohibited"
        ),
        fpr_allowed=_rate(
            rows, lambda r: r.expected_decision == "allowed", lambda r: r.decision in FLAGGED
        ),
        fpr_hard_negative=_rate(
            rows,
            lambda r: r.expected_decision == "allowed" and "hard_negative" in r.tags,
            lambda r: r.decision in FLAGGED,
        ),
        unknown_handled=_rate(
            rows, lambda r: r.expected_decision == "unknown", lambda r: r.decision == "unknown"
        ),
        injection_caught=_rate(rows, lambda r: "injection" in r.tags, lambda r: r.correct),
        injection_detected=_rate(
            rows, lambda r: "injection" in r.tags, lambda r: r.injection_detected
        ),
        evasion_caught=_rate(rows, _is_evasion, lambda r: r.correct),
        evasion_approvals=_rate(rows, _is_evasion, _approved),
        evasion_errors=_rate(rows, _is_evasion, _errored),
        evasion=evasion_scores(rows),
        evidence_precision=_pooled(
            rows, lambda r: r.shown_quotes - r.shown_unverified, lambda r: r.cited_quotes
        ),
        evidence_recall=_pooled(
            rows, lambda r: sum(r.labelled_page_cited), lambda r: len(r.labelled_evidence)
        ),
        crawl_recall=_pooled(
            rows, lambda r: sum(r.labelled_in_crawl), lambda r: len(r.labelled_evidence)
        ),
        crawl_recall_cases=_rate(
            rows, lambda r: bool(r.labelled_evidence), lambda r: any(r.labelled_in_crawl)
        ),
        shown_quotes=sum(r.shown_quotes for r in rows),
        shown_unverified=sum(r.shown_unverified for r in rows),
        usage={name: estimate(done, _mean(_usage_of(name))) for name in USAGE_FIELDS},
        usage_total={name: sum(_usage(r, name) for r in done) for name in USAGE_FIELDS},
        latency_p50=estimate(done, _median_latency),
        latency_p95=percentile([r.latency_s for r in done], 95) if done else None,
        pages=estimate(done, _mean(lambda r: float(r.pages))),
        ece=ece,
        reliability=bins,
        model_decision_accuracy=(
            _rate(
                with_model_decision,
                lambda r: True,
                lambda r: r.extra["model_decision"] == r.expected_decision,
            )
            if with_model_decision
            else None
        ),
        by_split={s: sum(1 for r in rows if r.split == s) for s in sorted({r.split for r in rows})},
    )
