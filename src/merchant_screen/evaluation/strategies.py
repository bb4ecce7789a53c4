"""Evaluation strategies: how one case is screened.

* ``agent``: the real pipeline (``Screener.screen``): crawl, signals, model, verification.
* ``naive``: homepage visible text only, one prompt, one model call (``naive.py``).
* ``keywords``: the same crawl as the pipeline, then the policy lexicon alone, no model: each
  category whose site score reaches ``KEYWORDS_MIN_SCORE`` has its best passage lines cited
  and verified like any quote.

All three return a schema-1 Verdict whose findings hold verified quotes only, so the same
metrics apply. ``open_strategy`` builds one inside a shared ``Screener``.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

from merchant_screen.agent.adjudicate import quote_for
from merchant_screen.agent.decide import decide, finding_confidence, overall_confidence
from merchant_screen.agent.evidence import Claim, PageIndex, verify_claims
from merchant_screen.agent.injection import find_injections
from merchant_screen.agent.injection_model import bundled_detector
from merchant_screen.agent.prompts import prompts_version
from merchant_screen.agent.signals import (
    declared_mismatch,
    hidden_offers,
    hidden_policy_passages,
    hidden_samples,
    select_candidates,
)
from merchant_screen.api import Screener
from merchant_screen.evaluation.assemble import (
    Outcome,
    Screened,
    StrategyName,
    assemble_verdict,
    declared_of,
    lexicon_interest,
    page_texts,
)
from merchant_screen.evaluation.dataset import Case
from merchant_screen.evaluation.naive import NaiveStrategy
from merchant_screen.llm.port import LLMClient
from merchant_screen.scoring.evidence import gather_evidence
from merchant_screen.settings import Settings
from merchant_screen.tools.crawl import CrawlResult, SiteCrawler, open_fetcher
from merchant_screen.tools.fetch import Fetcher
from merchant_screen.verdict import Declared, Finding, Signals, Usage

__all__ = [
    "STRATEGIES",
    "AgentStrategy",
    "KeywordsStrategy",
    "Strategy",
    "StrategyName",
    "keyword_outcome",
    "open_strategy",
]

STRATEGIES: tuple[StrategyName, ...] = ("agent", "naive", "keywords")
# The lexicon-only baseline flags a category at this site-level score: the value it does best
# at on the dev splits (0.5, the pipeline's candidate threshold, flags more hard negatives).
KEYWORDS_MIN_SCORE = 1.0
_TIER_RANK = {"prohibited": 0, "restricted": 1}


class Strategy(Protocol):
    name: StrategyName

    def config_parts(self) -> dict[str, str]:
        """What identifies this strategy's configuration (model, prompts, policy, mode)."""
        ...

    async def screen(self, case: Case, trace_path: Path | None = None) -> Screened: ...


class AgentStrategy:
    """The real pipeline; the crawl's page texts come back through ``on_crawl``."""

    name: StrategyName = "agent"

    def __init__(self, screener: Screener) -> None:
        self.screener = screener

    def config_parts(self) -> dict[str, str]:
        return {
            "strategy": self.name,
            "model": self.screener.llm.model_id,
            "mode": self.screener.mode(),
            "prompts": prompts_version(),
            "policy": self.screener.policy.version_hash,
            "scorer": self.screener.scorer.version
            if self.screener.mode() == "evidence"
            else "none",
        }

    async def screen(self, case: Case, trace_path: Path | None = None) -> Screened:
        seen: dict[str, dict[str, str]] = {}

        def keep(crawl: CrawlResult) -> None:
            seen["texts"] = page_texts(crawl)

        verdict = await self.screener.screen(
            case.url, declared=declared_of(case), trace_path=trace_path, on_crawl=keep
        )
        return Screened(verdict, seen.get("texts", {}))


class KeywordsStrategy:
    """Policy lexicon only: candidate categories whose best passage line verifies."""

    name: StrategyName = "keywords"

    def __init__(self, screener: Screener, fetcher: Fetcher) -> None:
        self.screener = screener
        self.fetcher = fetcher

    def config_parts(self) -> dict[str, str]:
        return {
            "strategy": self.name,
            "model": "none",
            "prompts": "none",
            "policy": self.screener.policy.version_hash,
        }

    async def screen(self, case: Case, trace_path: Path | None = None) -> Screened:
        started = time.monotonic()
        s = self.screener
        crawler = SiteCrawler(case.url, s.settings, self.fetcher, lexicon_interest(s.lexicon))
        crawl = await crawler.run()
        outcome = keyword_outcome(s, crawl, declared_of(case))
        verdict = assemble_verdict(
            outcome,
            crawl,
            s.policy,
            declared=declared_of(case),
            usage=Usage(),
            versions={
                "policy": s.policy.version_hash,
                "prompts": "none",
                "model": "none",
                "injection": bundled_detector().version,
                "settings": s.settings.fingerprint(),
            },
            started=started,
        )
        return Screened(verdict, page_texts(crawl))


def _lexicon_strength(score: float) -> float:
    return 1 - math.exp(-max(score, 0.0) / 2)


def keyword_outcome(screener: Screener, crawl: CrawlResult, declared: Declared | None) -> Outcome:
    """Lexicon candidates -> cited lines -> verification -> the pipeline's decision rules."""
    policy, lexicon = screener.policy, screener.lexicon
    pages = [p.page for p in crawl.ok_pages() if p.page is not None]
    site = gather_evidence(lexicon, pages)
    candidates = select_candidates(site, KEYWORDS_MIN_SCORE)
    scores = site.scores()
    claims = [Claim(c["category"], c["url"], quote_for(c)) for c in candidates]
    verified, rejected = verify_claims(claims, PageIndex(pages))
    findings: list[Finding] = []
    for category_id in dict.fromkeys(c["category"] for c in candidates):
        evidence = [v.evidence for v in verified if v.category == category_id]
        if not evidence:
            continue
        category = policy.category(category_id)
        score = scores.get(category_id, 0.0)
        findings.append(
            Finding(
                category=category_id,
                tier=category.tier,
                name=category.name,
                confidence=finding_confidence(_lexicon_strength(score), len(evidence), score),
                rationale=f"policy lexicon score {score:.2f}; no model consulted",
                evidence=evidence,
            )
        )
    findings.sort(key=lambda f: _TIER_RANK[f.tier])
    decided = decide(findings, crawl.coverage)
    all_pages = [p.page for p in crawl.pages if p.page is not None]
    injections = find_injections(all_pages, crawl.comments)
    hidden = hidden_samples(all_pages)
    mismatch = declared_mismatch(declared, findings, lexicon, policy) if declared else ""
    signals = Signals(
        injection_attempt=bool(injections),
        injection=injections[:10],
        hidden_text=bool(hidden),
        hidden_text_samples=hidden[:5],
        hidden_policy_text=hidden_policy_passages(lexicon, policy, all_pages),
        hidden_offers=hidden_offers(all_pages),
        offsite_sales=crawl.coverage.payment_domains,
        declared_mismatch=bool(mismatch),
        declared_mismatch_reason=mismatch,
        candidate_categories={k: round(v, 2) for k, v in scores.items()},
    )
    confidence = overall_confidence(
        decided.decision, findings, crawl.coverage, scores, partial=False
    )
    return Outcome(
        decision=decided.decision,
        confidence=confidence,
        findings=findings,
        rejected=rejected,
        signals=signals,
        reasons=decided.reasons,
    )


@contextlib.asynccontextmanager
async def open_strategy(
    name: StrategyName, settings: Settings, *, llm: LLMClient | None = None
) -> AsyncIterator[Strategy]:
    """The named strategy, sharing one Screener (and, for the baselines, one fetcher)."""
    async with Screener(settings, llm=llm) as screener:
        if name == "agent":
            yield AgentStrategy(screener)
            return
        async with open_fetcher(settings) as fetcher:
            if name == "naive":
                yield NaiveStrategy(screener, fetcher)
            else:
                yield KeywordsStrategy(screener, fetcher)
