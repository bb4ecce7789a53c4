import pytest

from merchant_screen.agent.decide import (
    allowed_coverage_ok,
    choose_action,
    decide,
    finding_confidence,
    overall_confidence,
    unresolved_prohibited,
)
from merchant_screen.policy.loader import load_policy
from merchant_screen.policy.model import Thresholds
from merchant_screen.tools.coverage import EVIDENCE_KINDS, Coverage
from merchant_screen.verdict import Evidence, Finding, HiddenPassage, Signals, SuspiciousText

EV = [Evidence(url="https://a.test/p", quote="a quote that proves it", verified=True)]


def coverage(
    assessable: bool = True,
    kinds: tuple[str, ...] = ("products", "terms"),
    text: int = 5000,
    home: str = "ok",
    reason: str = "",
) -> Coverage:
    return Coverage(
        reachable=True,
        homepage_state=home,
        assessable=assessable,
        reason=reason,
        evidence_kinds={k: k in kinds for k in EVIDENCE_KINDS},
        ok_pages=5,
        text_chars=text,
    )


def finding(category: str, tier: str, confidence: float = 0.9) -> Finding:
    return Finding(category=category, tier=tier, confidence=confidence, evidence=EV)  # type: ignore[arg-type]


def test_worst_tier_wins() -> None:
    outcome = decide(
        [finding("alcohol", "restricted"), finding("weapons", "prohibited")], coverage()
    )
    assert outcome.decision == "prohibited"
    assert "weapons" in outcome.reasons[0]


def test_findings_beat_an_unassessable_homepage() -> None:
    assert (
        decide([finding("alcohol", "restricted")], coverage(assessable=False, reason="x")).decision
        == "restricted"
    )


@pytest.mark.parametrize(
    ("cov", "expected"),
    [
        (coverage(assessable=False, reason="homepage is parked"), "unknown"),
        (coverage(kinds=("terms", "about")), "unknown"),  # never saw what is sold
        (coverage(kinds=("products",)), "unknown"),  # nothing on how it trades
        (coverage(text=900), "unknown"),
        (coverage(), "allowed"),
    ],
)
def test_allowed_needs_coverage(cov: Coverage, expected: str) -> None:
    assert decide([], cov).decision == expected


def test_allowed_coverage_reason() -> None:
    ok, why = allowed_coverage_ok(coverage(kinds=("terms",)))
    assert not ok and "products" in why


T = Thresholds()
HIDDEN = HiddenPassage(
    url="https://a.test/",
    reason="display_none",
    category="unlicensed_pharmacy",
    tier="prohibited",
    terms=["oxycodone"],
    text="Buy oxycodone 30mg without prescription",
)
OFFER = SuspiciousText(
    url="https://a.test/", text="Display shells, from $39.00. Add to cart", where="hidden"
)


@pytest.mark.parametrize(
    ("decision", "confidence", "action"),
    [
        ("prohibited", 0.95, "reject"),
        ("prohibited", 0.5, "review"),
        ("restricted", 0.99, "review"),
        ("allowed", 0.9, "approve"),
        ("allowed", 0.5, "review"),
        ("unknown", 0.99, "review"),
    ],
)
def test_action_from_thresholds(decision: str, confidence: float, action: str) -> None:
    assert choose_action(decision, confidence, T, Signals())[0] == action  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "signals",
    [
        Signals(injection_attempt=True),
        Signals(offsite_sales=["etsy.com"]),
        Signals(unsupported_language="ja"),
        Signals(partial=True, partial_reason="budget"),
        Signals(declared_mismatch=True, declared_mismatch_reason="x"),
        Signals(hidden_policy_text=[HIDDEN]),
        Signals(hidden_offers=[OFFER]),
    ],
)
def test_escalations_push_approve_to_review_only(signals: Signals) -> None:
    action, reasons = choose_action("allowed", 0.99, T, signals)
    assert action == "review" and reasons
    assert choose_action("prohibited", 0.99, T, signals)[0] == "reject"  # never lowered


def test_confidences_stay_in_range_and_move_the_right_way() -> None:
    weak = finding_confidence(0.3, 1, 0.0)
    strong = finding_confidence(0.95, 3, 4.0)
    assert 0 < weak < strong < 1
    assert 0 < finding_confidence(-5, 0, -1) < 1
    assert overall_confidence(
        "unknown", [], coverage(home="parked"), {}, partial=False
    ) > overall_confidence("unknown", [], coverage(home="ok"), {}, partial=False)
    clean = overall_confidence("allowed", [], coverage(), {}, partial=False)
    doubtful = overall_confidence("allowed", [], coverage(), {"weapons": 3.0}, partial=False)
    assert doubtful < clean
    assert overall_confidence("allowed", [], coverage(), {}, partial=True) < clean


def test_hidden_policy_text_is_named_in_the_reasons_and_never_rejects_on_its_own() -> None:
    signals = Signals(
        hidden_policy_text=[HIDDEN, HIDDEN.model_copy(update={"url": "https://a.test/b"})]
    )
    action, reasons = choose_action("allowed", 0.99, T, signals)
    assert action == "review"
    assert reasons == [
        "text hidden from visitors on 2 page(s) reads as unlicensed_pharmacy; hidden text "
        "never proves a finding, so a person must look"
    ]
    for decision in ("allowed", "unknown", "restricted"):
        assert choose_action(decision, 0.99, T, signals)[0] == "review"  # type: ignore[arg-type]
    assert choose_action("prohibited", 0.5, T, signals)[0] == "review"  # not raised to reject


def test_a_hidden_offer_is_named_in_the_reasons_and_only_reviews() -> None:
    signals = Signals(hidden_offers=[OFFER])
    action, reasons = choose_action("allowed", 0.99, T, signals)
    assert action == "review"
    assert reasons == [
        "an offer (a price and a buy button) is hidden from visitors on 1 page(s) and shown "
        "on none: a person must look at what the site hides"
    ]
    assert choose_action("prohibited", 0.5, T, signals)[0] == "review"  # not raised to reject


def test_unresolved_prohibited_candidates_are_strong_prohibited_ones_without_a_finding() -> None:
    policy = load_policy(None)
    scores = {"weapons": 6.25, "alcohol": 5.0, "gambling": 1.5, "unlicensed_pharmacy": 3.0}
    pharmacy = Finding(
        category="unlicensed_pharmacy",
        tier="prohibited",
        name="x",
        confidence=0.9,
        rationale="r",
        evidence=[Evidence(url="https://a.test/", quote="q", verified=True)],
    )
    # restricted (alcohol), weak (gambling) and found (pharmacy) candidates are not unresolved
    assert unresolved_prohibited(scores, [pharmacy], policy) == {"weapons": 6.25}
    signals = Signals(unresolved_prohibited={"weapons": 6.25})
    action, reasons = choose_action("allowed", 0.99, T, signals)
    assert action == "review"
    assert reasons == [
        "the model found no verified evidence for weapons (6.2) though the policy lexicon "
        "scores it strongly: a person must look"
    ]
