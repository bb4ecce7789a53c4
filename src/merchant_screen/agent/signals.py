"""Deterministic signals computed before (and beside) the model: the candidate passages to
ask about, hidden-text samples, and declared-vs-observed mismatches."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from merchant_screen.policy.lexicon import Lexicon, find_hits, score_categories
from merchant_screen.policy.model import Policy
from merchant_screen.scoring.evidence import Candidate, SiteEvidence
from merchant_screen.tools.pages import ExtractedPage
from merchant_screen.verdict import Declared, Finding, SuspiciousText

__all__ = ["declared_mismatch", "hidden_samples", "select_candidates"]

PASSAGES_PER_CATEGORY = 3
_HIDDEN_REASONS_THAT_COUNT = frozenset(
    {
        "display_none",
        "visibility_hidden",
        "zero_size",
        "offscreen",
        "same_colour",
        "hidden_attribute",
        "aria_hidden",
    }
)


def select_candidates(evidence: SiteEvidence, min_score: float) -> list[Candidate]:
    """The passages to ask about: for every category whose site-level lexicon score reaches
    ``min_score``, its best passages (page-specific text before site-wide chrome), at most
    three; categories by descending score."""
    chosen: list[Candidate] = []
    for category, score in evidence.scores().items():
        if score >= min_score:
            chosen += evidence.categories[category].ranked()[:PASSAGES_PER_CATEGORY]
    return chosen


def hidden_samples(pages: Iterable[ExtractedPage], min_chars: int = 20) -> list[SuspiciousText]:
    """Substantial text hidden from visitors (comments and noscript do not count here)."""
    out = []
    for page in pages:
        for hidden in page.hidden:
            text = " ".join(hidden.text.split())
            if hidden.reason in _HIDDEN_REASONS_THAT_COUNT and len(text) >= min_chars:
                out.append(
                    SuspiciousText(
                        url=page.url, text=text[:300], where="hidden", reason=hidden.reason
                    )
                )
    return out


def declared_mismatch(
    declared: Declared | None, findings: Sequence[Finding], lexicon: Lexicon, policy: Policy
) -> str:
    """Why the declared business does not cover what the site was found to sell ("" if it does)."""
    if declared is None or not findings:
        return ""
    declared_scores = score_categories(
        find_hits(lexicon, f"{declared.name}. {declared.description}")
    )
    missing = [f for f in findings if declared_scores.get(f.category, 0.0) <= 0.0]
    if not missing:
        return ""
    names = ", ".join(policy.category(f.category).name for f in missing)
    described = declared.description or declared.name
    return f"declared as '{described[:120]}', but the site shows {names}"
