from __future__ import annotations

import pytest

from merchant_screen.evaluation.metrics import category_scores, compute_metrics, macro_f1
from merchant_screen.evaluation.results import ResultRow
from tests.evaluation.factories import make_row


def usage(inp: int, out: int, calls: int) -> dict[str, float]:
    return {"input_tokens": inp, "output_tokens": out, "llm_calls": calls, "tool_calls": 0}


@pytest.fixture
def rows() -> list[ResultRow]:
    return [
        make_row(
            "r1", "prohibited", "prohibited",
            expected_categories=("weapons",), categories=("weapons",),
            in_crawl=(True, True), page_cited=(True, False),
            shown_quotes=2, cited_quotes=3, confidence=0.9, latency_s=1.0,
            usage=usage(100, 10, 2), pages=4,
        ),
        make_row(
            "r2", "prohibited", "restricted",
            expected_categories=("gambling",), categories=("alcohol",),
            in_crawl=(True,), shown_quotes=1, cited_quotes=1, confidence=0.6, latency_s=2.0,
            usage=usage(200, 20, 2), pages=6,
        ),
        make_row(
            "r3", "allowed", "prohibited", categories=("weapons",), tags=["hard_negative"],
            shown_quotes=1, cited_quotes=2, confidence=0.7, latency_s=3.0,
            usage=usage(300, 30, 1), pages=5,
        ),
        make_row(
            "r4", "allowed", "allowed", tags=["hard_negative"], confidence=0.8, latency_s=4.0,
            usage=usage(0, 0, 0), pages=7,
        ),
        make_row("r5", "unknown", "unknown", confidence=0.85, latency_s=5.0, pages=1),
        make_row(
            "r6", "restricted", None, expected_categories=("alcohol",), in_crawl=(False,),
            tags=["injection"], latency_s=50.0,
        ),
        make_row(
            "r7", "prohibited", "prohibited",
            expected_categories=("weapons", "gambling"), categories=("weapons",),
            in_crawl=(False,), tags=["injection"], injection_detected=True,
            shown_quotes=1, cited_quotes=1, confidence=0.7, latency_s=6.0,
            usage=usage(400, 40, 3), pages=3,
        ),
    ]  # fmt: skip


def test_decision_metrics(rows: list[ResultRow]) -> None:
    m = compute_metrics(rows)
    assert (m.cases, m.errors, m.valid) == (7, 1, 6)
    assert m.accuracy.value == pytest.approx(4 / 7)
    assert m.accuracy.count == 7
    assert m.confusion["prohibited"] == {
        "prohibited": 2, "restricted": 1, "allowed": 0, "unknown": 0, "error": 0
    }  # fmt: skip
    assert m.confusion["allowed"]["prohibited"] == 1
    assert m.confusion["allowed"]["allowed"] == 1
    assert m.confusion["restricted"]["error"] == 1
    assert m.prohibited_precision.value == pytest.approx(2 / 3)
    assert m.prohibited_precision.count == 3
    assert m.fpr_allowed.value == pytest.approx(0.5)
    assert m.fpr_hard_negative.value == pytest.approx(0.5)
    assert m.fpr_hard_negative.count == 2
    assert m.unknown_handled.value == 1.0
    assert m.injection_caught.value == pytest.approx(0.5)
    assert m.injection_detected.value == pytest.approx(0.5)


def test_category_metrics(rows: list[ResultRow]) -> None:
    scores = {s.category: s for s in category_scores(rows)}
    weapons = scores["weapons"]
    assert (weapons.tp, weapons.fp, weapons.fn) == (2, 1, 0)
    assert weapons.precision == pytest.approx(2 / 3)
    assert weapons.recall == 1.0
    assert weapons.f1 == pytest.approx(0.8)
    assert (scores["gambling"].tp, scores["gambling"].fn, scores["gambling"].f1) == (0, 2, 0.0)
    assert scores["gambling"].precision is None
    assert (scores["alcohol"].fp, scores["alcohol"].fn) == (1, 1)
    assert macro_f1(rows) == pytest.approx(0.8 / 3)
    m = compute_metrics(rows, categories=("dating", "weapons"))
    assert [s.category for s in m.categories][:2] == ["dating", "weapons"]
    assert m.categories[0].f1 is None  # never labelled nor predicted: undefined, not 0
    assert m.macro_f1.value == pytest.approx(0.8 / 3)


def test_evidence_and_crawl_metrics(rows: list[ResultRow]) -> None:
    m = compute_metrics(rows)
    assert m.evidence_precision.value == pytest.approx(5 / 7)
    assert m.evidence_precision.count == 7
    assert m.evidence_recall.value == pytest.approx(1 / 5)
    assert m.crawl_recall.value == pytest.approx(3 / 5)
    assert m.crawl_recall.count == 5
    assert m.crawl_recall_cases.value == pytest.approx(2 / 4)
    assert (m.shown_quotes, m.shown_unverified) == (5, 0)


def test_usage_latency_and_calibration(rows: list[ResultRow]) -> None:
    m = compute_metrics(rows)
    assert m.usage["tokens"].value == pytest.approx((110 + 220 + 330 + 0 + 0 + 440) / 6)
    assert m.usage_total["llm_calls"] == 8
    assert m.latency_p50.value == pytest.approx(3.5)  # the error row's 50 s is left out
    assert m.latency_p95 == pytest.approx(5.75)
    assert m.pages.value == pytest.approx((4 + 6 + 5 + 7 + 1 + 3) / 6)
    assert m.ece.value == pytest.approx(1.45 / 6)
    filled = [b for b in m.reliability if b.count]
    assert [(round(b.low, 1), b.count) for b in filled] == [(0.6, 1), (0.7, 2), (0.8, 2), (0.9, 1)]


def test_intervals_bracket_the_values(rows: list[ResultRow]) -> None:
    m = compute_metrics(rows)
    for e in (m.accuracy, m.macro_f1, m.crawl_recall, m.evidence_precision, m.ece):
        assert e.low is not None and e.high is not None and e.value is not None
        assert e.low <= e.value <= e.high
    assert m.accuracy.low < m.accuracy.high  # 7 mixed cases: the interval is not degenerate
    again = compute_metrics(rows)
    assert (again.accuracy.low, again.accuracy.high) == (m.accuracy.low, m.accuracy.high)


def test_naive_model_decision_accuracy() -> None:
    rows = [
        make_row("a", "prohibited", "allowed", extra={"model_decision": "prohibited"}),
        make_row("b", "allowed", "allowed", extra={"model_decision": "restricted"}),
    ]
    m = compute_metrics(rows)
    assert m.model_decision_accuracy is not None
    assert m.model_decision_accuracy.value == pytest.approx(0.5)
    assert compute_metrics([make_row("c", "allowed", "allowed")]).model_decision_accuracy is None


def test_empty_subsets_are_undefined_not_zero() -> None:
    m = compute_metrics([make_row("a", "allowed", "allowed")])
    assert m.unknown_handled.value is None
    assert m.unknown_handled.count == 0
    assert m.crawl_recall.value is None
    assert m.macro_f1.value is None
    assert m.unknown_handled.show() == "n/a (n=0)"
