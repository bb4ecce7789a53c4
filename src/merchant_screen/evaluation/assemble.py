"""Shared pieces of the baseline strategies: what a strategy returns, the crawl's page texts,
and a Verdict built the same way the pipeline builds one (so metrics compare like with like).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from merchant_screen.agent.decide import choose_action
from merchant_screen.api import package_version
from merchant_screen.evaluation.dataset import Case
from merchant_screen.policy.lexicon import Lexicon, find_hits, score_categories
from merchant_screen.policy.model import Policy
from merchant_screen.tools.crawl import CrawlResult
from merchant_screen.verdict import (
    Business,
    CrawlPageRecord,
    CrawlSummary,
    Decision,
    Declared,
    Finding,
    RejectedEvidence,
    Signals,
    Timings,
    Usage,
    Verdict,
    Versions,
)

__all__ = [
    "Outcome",
    "Screened",
    "StrategyName",
    "assemble_verdict",
    "declared_of",
    "lexicon_interest",
    "page_texts",
]

StrategyName = Literal["agent", "naive", "keywords"]


@dataclass(frozen=True)
class Screened:
    """A strategy's answer for one case: the verdict, the visible text of every crawled page
    (final URL -> text, for crawl recall and quote checks) and strategy-specific extras."""

    verdict: Verdict
    page_texts: dict[str, str]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What a baseline strategy decided, before it becomes a Verdict."""

    decision: Decision
    confidence: float
    findings: Sequence[Finding] = ()
    rejected: Sequence[RejectedEvidence] = ()
    signals: Signals = field(default_factory=Signals)
    reasons: Sequence[str] = ()
    summary: str = ""


def declared_of(case: Case) -> Declared | None:
    """The case's declared business in the verdict's shape."""
    if case.declared is None:
        return None
    return Declared(name=case.declared.name, description=case.declared.description)


def page_texts(crawl: CrawlResult) -> dict[str, str]:
    """Visible text of every crawled page that was extracted, by final URL."""
    return {p.url: p.page.text for p in crawl.pages if p.page is not None}


def lexicon_interest(lexicon: Lexicon) -> Callable[[str], float]:
    """The pipeline's link interest: anchors and paths naming a policy category come first."""

    def interest(text: str) -> float:
        readable = text.replace("-", " ").replace("_", " ").replace("/", " ")
        return min(3.0, sum(score_categories(find_hits(lexicon, readable)).values()))

    return interest


def _crawl_summary(crawl: CrawlResult) -> CrawlSummary:
    return CrawlSummary(
        pages=[
            CrawlPageRecord(
                url=p.url,
                status=p.status,
                state=p.state,
                bytes=p.bytes,
                fetched_at=p.fetched_at,
                sha256=p.sha256,
                title=p.title,
                kind=p.kind,
            )
            for p in crawl.pages
        ],
        fetched=crawl.fetched,
        skipped=crawl.skipped,
        blocked=crawl.blocked,
        coverage=crawl.coverage.model_dump(mode="json"),
        outbound_domains=crawl.outbound_domains,
        language=crawl.language,
        robots=crawl.robots,
        budget_exhausted=crawl.budget_exhausted,
        error=crawl.homepage_error,
        error_transient=crawl.homepage_error_transient,
    )


def assemble_verdict(
    outcome: Outcome,
    crawl: CrawlResult,
    policy: Policy,
    *,
    declared: Declared | None,
    usage: Usage,
    versions: dict[str, str],
    started: float,
) -> Verdict:
    """A schema-1 Verdict for a baseline: the policy's thresholds choose the action, and
    signals can only push it towards review, exactly as in the pipeline."""
    action, action_reasons = choose_action(
        outcome.decision, outcome.confidence, policy.thresholds, outcome.signals
    )
    home = crawl.ok_pages()[0].page if crawl.ok_pages() else None
    return Verdict(
        url=crawl.url,
        domain=crawl.domain,
        decision=outcome.decision,
        action=action,
        confidence=outcome.confidence,
        raw_confidence=outcome.confidence,
        findings=list(outcome.findings),
        rejected_evidence=list(outcome.rejected),
        signals=outcome.signals,
        business=Business(
            summary=outcome.summary,
            declared=declared,
            platform=home.platform if home else None,
            languages=crawl.coverage.languages,
        ),
        crawl=_crawl_summary(crawl),
        usage=usage,
        versions=Versions(package=package_version(), calibration="none", **versions),
        reasons=[*outcome.reasons, *action_reasons],
        run_id=uuid.uuid4().hex,
        screened_at=datetime.now(UTC).isoformat(timespec="seconds"),
        timings=Timings(
            total_s=round(time.monotonic() - started, 3),
            crawl_s=crawl.crawl_s,
            llm_s=usage.llm_seconds,
        ),
    )
