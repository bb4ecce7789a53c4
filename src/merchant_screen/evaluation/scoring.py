"""Per-case scores (pure): a case's label against a verdict and the text the crawl saw.

Crawl recall needs the crawled pages' visible text, which the verdict does not carry; the
runner hands it in as ``page_texts`` (final URL -> visible text). A labelled quote is found
when it occurs in any crawled page's text after collapsing whitespace and lowercasing (the
dataset's matching rule). A verdict is right when its decision is the labelled one and its
action is not one the label forbids (``expected.forbid_actions``). A shown quote counts as
verified only when its finding marks it verified *and* it stands exactly in the visible text
of the page it cites.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from merchant_screen.errors import ScreenError
from merchant_screen.evaluation.dataset import Case
from merchant_screen.evaluation.results import ResultRow
from merchant_screen.tools.text import collapse_ws
from merchant_screen.tools.urls import dedupe_key
from merchant_screen.verdict import Verdict

__all__ = ["error_row", "match_key", "score_case", "url_key"]


def match_key(text: str) -> str:
    """The dataset's matching form: whitespace collapsed, lowercased."""
    return collapse_ws(text).lower()


def url_key(url: str) -> str:
    """A comparable form of a page URL (scheme, ``www.``, trailing slash and case folded)."""
    try:
        key = dedupe_key(url)
    except (ScreenError, ValueError):
        key = url.strip().lower()
    key = key.split("://", 1)[-1].removeprefix("www.")
    return key.rstrip("/")


def _label_fields(case: Case) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "split": case.split,
        "tags": list(case.tags),
        "expected_decision": case.expected.decision,
        "expected_categories": list(case.expected.categories),
        "labelled_evidence": [{"url": e.url, "quote": e.quote} for e in case.evidence],
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def score_case(
    case: Case,
    verdict: Verdict,
    page_texts: Mapping[str, str],
    *,
    config: str,
    strategy: str,
    latency_s: float,
    extra: Mapping[str, Any] | None = None,
) -> ResultRow:
    """Score one verdict against its case."""
    texts = {url_key(url): text for url, text in page_texts.items()}
    crawled = [match_key(text) for text in page_texts.values()]
    shown = [e for f in verdict.findings for e in f.evidence]
    unverified = sum(
        1 for e in shown if not e.verified or e.quote not in texts.get(url_key(e.url), "")
    )
    rejected = sum(1 for r in verdict.rejected_evidence if r.quote.strip())
    cited_pages = {url_key(e.url) for e in shown if e.verified}
    in_crawl = [any(match_key(e.quote) in text for text in crawled) for e in case.evidence]
    page_cited = [url_key(e.url) in cited_pages for e in case.evidence]
    # Re-validate: the row records whether the verdict JSON holds up as schema version 1.
    valid = Verdict.model_validate_json(verdict.model_dump_json()) == verdict
    return ResultRow(
        **_label_fields(case),
        config=config,
        strategy=strategy,
        model=verdict.versions.model,
        decision=verdict.decision,
        categories=verdict.categories,
        correct=verdict.decision == case.expected.decision and case.expected.allows(verdict.action),
        confidence=verdict.confidence,
        raw_confidence=verdict.raw_confidence,
        valid=valid,
        shown_quotes=len(shown),
        shown_unverified=unverified,
        cited_quotes=len(shown) + rejected,
        labelled_in_crawl=in_crawl,
        labelled_page_cited=page_cited,
        pages=verdict.crawl.fetched,
        injection_detected=verdict.signals.injection_attempt,
        action=verdict.action,
        usage=verdict.usage.model_dump(),
        latency_s=round(latency_s, 3),
        extra=dict(extra or {}),
        verdict=verdict.model_dump(mode="json"),
        finished_at=_now(),
    )


def error_row(
    case: Case, error: str, *, config: str, strategy: str, model: str, latency_s: float
) -> ResultRow:
    """A row for a case whose screen raised: no verdict, counted wrong and invalid."""
    return ResultRow(
        **_label_fields(case),
        config=config,
        strategy=strategy,
        model=model,
        error=error,
        labelled_in_crawl=[False] * len(case.evidence),
        labelled_page_cited=[False] * len(case.evidence),
        latency_s=round(latency_s, 3),
        finished_at=_now(),
    )
