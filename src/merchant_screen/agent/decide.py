"""Decision, action and confidence from verified findings (pure functions).

The model judged facts; here code applies the policy: decision = worst tier among findings;
``unknown`` when the site cannot be assessed or what the merchant sells was never seen;
action from decision + confidence + the policy's thresholds. Escalation signals (injection
attempt, hidden text that reads as a policy category, a hidden offer, in agent mode a strong
prohibited candidate the model left unresolved, selling on another domain, an
unsupported language, a partial run, a declared business that does not match) can only push
towards review, never away from it: they never make a finding, so never a reject on their own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from merchant_screen.policy.model import Policy, Thresholds
from merchant_screen.tools.coverage import Coverage
from merchant_screen.verdict import Action, CategoryScore, Decision, Finding, Signals

__all__ = [
    "Outcome",
    "allowed_coverage_ok",
    "choose_action",
    "decide",
    "finding_confidence",
    "overall_confidence",
    "unresolved_prohibited",
]

_TIER_RANK = {"prohibited": 2, "restricted": 1}
# A lexicon score from which a candidate the model left unresolved counts against "allowed"
# (several terms, or one specific term such as "kratom"): the value agent-mode confidence
# already used for unresolved candidates, and the hidden-text floor.
UNRESOLVED_MIN_SCORE = 2.0


@dataclass(frozen=True)
class Outcome:
    decision: Decision
    reasons: tuple[str, ...]


def allowed_coverage_ok(coverage: Coverage) -> tuple[bool, str]:
    """``allowed`` needs to have seen what is sold and how the merchant trades."""
    kinds = coverage.evidence_kinds
    sells = kinds.get("products") or kinds.get("catalog")
    trades = any(kinds.get(k) for k in ("terms", "refund", "about", "shipping", "faq"))
    if not sells:
        return False, "no products or catalogue were seen, so what is sold is unknown"
    if not trades:
        return False, "no terms, refund, shipping, FAQ or about page was seen"
    if coverage.text_chars < 1500:
        return False, f"too little readable text to clear the site ({coverage.text_chars} chars)"
    return True, ""


def decide(findings: Sequence[Finding], coverage: Coverage) -> Outcome:
    if findings:
        worst = max(findings, key=lambda f: _TIER_RANK[f.tier])
        names = ", ".join(sorted({f.category for f in findings if f.tier == worst.tier}))
        return Outcome(worst.tier, (f"{worst.tier} by verified findings: {names}",))
    if not coverage.assessable:
        return Outcome("unknown", (f"site cannot be assessed: {coverage.reason}",))
    ok, why = allowed_coverage_ok(coverage)
    if not ok:
        return Outcome("unknown", (f"cannot clear the site: {why}",))
    return Outcome("allowed", ("no policy category was shown by verified evidence",))


def unresolved_prohibited(
    candidate_scores: Mapping[str, float], findings: Sequence[Finding], policy: Policy
) -> dict[str, float]:
    """Prohibited categories the lexicon scores at least ``UNRESOLVED_MIN_SCORE`` that no
    verified finding covers. In agent mode the model's silence is not a calibrated "no" (a
    merchant may have talked it out of one), so these send an ``allowed`` to review; in
    evidence mode the scorer's calibrated probabilities decide instead."""
    found = {f.category for f in findings}
    return {
        category: round(score, 2)
        for category, score in candidate_scores.items()
        if score >= UNRESOLVED_MIN_SCORE
        and category not in found
        and policy.category(category).tier == "prohibited"
    }


def escalations(signals: Signals) -> list[str]:
    out = []
    if signals.injection_attempt:
        out.append("the site contains text addressed to automated reviewers")
    if signals.hidden_policy_text:
        hidden = signals.hidden_policy_text
        categories = ", ".join(dict.fromkeys(h.category for h in hidden))
        pages = len({h.url for h in hidden})
        out.append(
            f"text hidden from visitors on {pages} page(s) reads as {categories}; "
            "hidden text never proves a finding, so a person must look"
        )
    if signals.unresolved_prohibited:
        named = ", ".join(f"{c} ({s:.1f})" for c, s in signals.unresolved_prohibited.items())
        out.append(
            f"the model found no verified evidence for {named} though the policy lexicon "
            "scores it strongly: a person must look"
        )
    if signals.hidden_offers:
        pages = len({h.url for h in signals.hidden_offers})
        out.append(
            f"an offer (a price and a buy button) is hidden from visitors on {pages} page(s) "
            "and shown on none: a person must look at what the site hides"
        )
    if signals.offsite_sales:
        out.append(f"sells or takes payment on another domain: {', '.join(signals.offsite_sales)}")
    if signals.unsupported_language:
        out.append(
            f"site language '{signals.unsupported_language}' is not covered by the policy lexicon"
        )
    if signals.partial:
        out.append(f"the assessment is partial: {signals.partial_reason}")
    if signals.declared_mismatch:
        out.append(f"declared business does not match the site: {signals.declared_mismatch_reason}")
    return out


def choose_action(
    decision: Decision, confidence: float, thresholds: Thresholds, signals: Signals
) -> tuple[Action, list[str]]:
    """The policy's action for the decision, pushed to review (never away) by signals."""
    action = thresholds.action_for(decision, confidence)
    reasons: list[str] = []
    if decision == "prohibited" and action == "review":
        reasons.append(
            f"confidence {confidence:.2f} is below the reject threshold "
            f"{thresholds.reject_min_confidence:.2f}"
        )
    if decision == "allowed" and action == "review":
        reasons.append(
            f"confidence {confidence:.2f} is below the approve threshold "
            f"{thresholds.approve_min_confidence:.2f}"
        )
    raised = escalations(signals)
    if raised and action == "approve":
        action = "review"
    reasons += raised
    return action, reasons


def _clip(p: float) -> float:
    return min(0.99, max(0.01, p))


def finding_confidence(
    model_confidence: float, verified_quotes: int, lexicon_score: float, agreeing_answers: int = 1
) -> float:
    """Combine the model's stated confidence with agreement signals into 0..1.

    Weights are a prior (evaluation fits a calibrator on top): model judgement dominates,
    extra verified quotes and an independent lexicon match add support.
    """
    quotes = min(verified_quotes, 3) / 3
    lexicon = 1 - math.exp(-max(lexicon_score, 0.0) / 2)
    agree = min(max(agreeing_answers, 1), 3) / 3
    raw = 0.55 * _clip(model_confidence) + 0.2 * quotes + 0.15 * lexicon + 0.1 * agree
    return round(_clip(raw), 4)


def overall_confidence(
    decision: Decision,
    findings: Sequence[Finding],
    coverage: Coverage,
    candidate_scores: dict[str, float],
    *,
    partial: bool,
    scores: Sequence[CategoryScore] | None = None,
) -> float:
    """Probability-like confidence that ``decision`` is right (before calibration).

    With the scorer's probabilities (``scores``, evidence-first mode): ``prohibited`` is as
    likely as its most probable prohibited finding; ``restricted`` as its most probable
    restricted finding times the chance that no prohibited candidate applies; ``allowed`` as
    the chance that no candidate applies, scaled by how much of the site was seen. Without
    them (agent mode) the lexicon scores of unresolved candidates lower ``allowed``.
    """
    none_apply = {"prohibited": 1.0, "restricted": 1.0}
    for s in scores or ():
        none_apply[s.tier] *= 1 - s.probability
    if decision in ("prohibited", "restricted"):
        top = max((f.confidence for f in findings if f.tier == decision), default=0.5)
        value = top * (none_apply["prohibited"] if decision == "restricted" and scores else 1)
    elif decision == "unknown":
        strong_states = {"parked", "bot_wall", "login_wall", "under_construction", "js_required"}
        value = 0.85 if (coverage.homepage_state or "") in strong_states else 0.6
    else:
        kinds = sum(1 for v in coverage.evidence_kinds.values() if v)
        value = 0.55 + 0.04 * min(kinds, 7)
        if scores is not None:
            value *= none_apply["prohibited"] * none_apply["restricted"]
        else:
            unresolved = sum(1 for s in candidate_scores.values() if s >= UNRESOLVED_MIN_SCORE)
            value -= 0.08 * min(unresolved, 4)
    if partial:
        value -= 0.15
    return round(_clip(value), 4)
