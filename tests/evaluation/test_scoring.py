from __future__ import annotations

from merchant_screen.evaluation.dataset import Case
from merchant_screen.evaluation.scoring import error_row, score_case, url_key
from merchant_screen.verdict import Evidence, Finding, RejectedEvidence, Verdict, Versions

CASE = Case.model_validate(
    {
        "id": "shop",
        "url": "https://shop.test/",
        "expected": {"decision": "prohibited", "categories": ["weapons"]},
        "evidence": [
            {"url": "https://shop.test/ammo", "quote": "Box of 20   rounds of .308 ammunition."},
            {"url": "https://shop.test/faq", "quote": "We ship rifles to your dealer."},
        ],
        "tags": ["injection"],
        "split": "dev",
    }
)
PAGES = {
    "https://shop.test/": "Welcome to Shop\nOutdoor gear",
    "https://shop.test/ammo": "Ammo\nbox of 20 rounds of .308 AMMUNITION.\nAdd to cart",
}


def verdict(evidence: list[Evidence], decision: str = "prohibited") -> Verdict:
    return Verdict.model_validate(
        {
            "url": "https://shop.test/",
            "domain": "shop.test",
            "decision": decision,
            "action": "reject",
            "confidence": 0.8,
            "raw_confidence": 0.7,
            "findings": [
                Finding(category="weapons", tier="prohibited", confidence=0.8, evidence=evidence)
            ]
            if evidence
            else [],
            "rejected_evidence": [
                RejectedEvidence(url="https://shop.test/x", quote="made up", reason="not on page"),
                RejectedEvidence(url="", quote="", reason="the finding cites no quote"),
            ],
            "versions": Versions(package="0", policy="p", prompts="q", model="fake"),
            "run_id": "r",
            "screened_at": "2026-01-01T00:00:00+00:00",
        }
    )


def test_scores_a_right_verdict() -> None:
    shown = Evidence(url="https://shop.test/ammo", quote="box of 20 rounds of .308 AMMUNITION.")
    row = score_case(CASE, verdict([shown]), PAGES, config="c", strategy="agent", latency_s=1.23456)
    assert row.correct and row.valid
    assert row.decision == "prohibited"
    assert row.categories == ["weapons"]
    assert (row.shown_quotes, row.shown_unverified, row.cited_quotes) == (1, 0, 2)
    # The first labelled quote matches after collapsing whitespace and lowercasing; the
    # second is on a page the crawl never fetched.
    assert row.labelled_in_crawl == [True, False]
    assert row.labelled_page_cited == [True, False]
    assert row.raw_confidence == 0.7
    assert row.latency_s == 1.235
    assert row.verdict is not None and row.verdict["decision"] == "prohibited"
    assert row.tags == ["injection"] and row.split == "dev"


def test_counts_shown_quotes_that_are_not_on_the_page() -> None:
    not_on_page = Evidence(url="https://shop.test/ammo", quote="Buy a rifle today.")
    flagged_false = Evidence(url="https://shop.test/", quote="Outdoor gear", verified=False)
    wrong_page = Evidence(url="https://shop.test/", quote="Add to cart")
    row = score_case(
        CASE,
        verdict([not_on_page, flagged_false, wrong_page]),
        PAGES,
        config="c",
        strategy="agent",
        latency_s=0.0,
    )
    assert (row.shown_quotes, row.shown_unverified) == (3, 3)


def test_wrong_decision_and_error_rows() -> None:
    row = score_case(CASE, verdict([], "allowed"), PAGES, config="c", strategy="naive", latency_s=0)
    assert not row.correct
    failed = error_row(
        CASE, "TimeoutError: slow", config="c", strategy="agent", model="m", latency_s=2
    )
    assert failed.decision is None and not failed.valid and not failed.correct
    assert failed.labelled_in_crawl == [False, False]
    assert failed.error == "TimeoutError: slow"


def test_url_key_folds_equivalent_forms() -> None:
    assert url_key("https://www.Shop.test/faq/") == url_key("http://shop.test/faq")
    assert url_key("https://shop.test/") == url_key("https://shop.test")
    assert url_key("https://shop.test/a") != url_key("https://shop.test/b")
