"""Deterministic signals computed before (and beside) the model: lexicon candidates with the
passages around them, hidden-text samples, and declared-vs-observed mismatches."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from merchant_screen.agent.state import Candidate
from merchant_screen.policy.lexicon import Lexicon, find_hits, passages_for, score_categories
from merchant_screen.policy.model import Policy
from merchant_screen.tools.pages import ExtractedPage
from merchant_screen.verdict import Declared, Finding, SuspiciousText

__all__ = ["candidate_passages", "declared_mismatch", "hidden_samples"]

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


def boilerplate_lines(pages: Sequence[ExtractedPage]) -> frozenset[str]:
    """Lines repeated on at least half of the pages (three or more): nav, footer, banners."""
    if len(pages) < 3:
        return frozenset()
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({line.strip() for line in page.text.split("\n") if line.strip()})
    threshold = max(3, len(pages) // 2)
    return frozenset(line for line, n in counts.items() if n >= threshold)


def candidate_passages(
    lexicon: Lexicon, pages: Iterable[ExtractedPage], min_score: float
) -> tuple[list[Candidate], dict[str, float]]:
    """Best passages per candidate category, and the site-level lexicon score per category.

    A category is a candidate when its site-level score reaches ``min_score``; its passages are
    ranked by score (negative terms in a passage lower it), at most three per category. Text
    repeated across the site (footer, nav) counts once for the site score and is ranked below
    page-specific text, and the same passage text on several pages is offered once.
    """
    pages = list(pages)
    shared = boilerplate_lines(pages)
    site_hits = []
    seen_boilerplate: set[tuple[str, str, str]] = set()
    by_category: dict[str, list[Candidate]] = defaultdict(list)
    seen_text: set[tuple[str, str]] = set()
    for page in pages:
        hits = find_hits(lexicon, page.text)
        for hit in hits:
            line = _line_at(page.text, hit.start)
            if line in shared:
                if (hit.category, hit.term, line) in seen_boilerplate:
                    continue
                seen_boilerplate.add((hit.category, hit.term, line))
            site_hits.append(hit)
        for passage in passages_for(hits, page.text):
            key = (passage.category, " ".join(passage.text.split()))
            if key in seen_text:
                continue
            seen_text.add(key)
            lines = [ln.strip() for ln in passage.text.split("\n") if ln.strip()]
            own = [ln for ln in lines if ln not in shared]
            score = passage.score if own else passage.score / 3
            by_category[passage.category].append(
                Candidate(
                    category=passage.category,
                    url=page.url,
                    text=passage.text,
                    score=round(score, 3),
                    terms=list(passage.terms),
                )
            )
    scores = score_categories(site_hits)
    chosen: list[Candidate] = []
    for category, score in scores.items():
        if score < min_score:
            continue
        ranked = sorted(by_category[category], key=lambda c: (-c["score"], c["url"]))
        chosen += [c for c in ranked[:PASSAGES_PER_CATEGORY] if c["score"] > 0]
    chosen.sort(key=lambda c: (-scores.get(c["category"], 0.0), -c["score"]))
    return chosen, scores


def _line_at(text: str, position: int) -> str:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start : end if end != -1 else len(text)].strip()


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
