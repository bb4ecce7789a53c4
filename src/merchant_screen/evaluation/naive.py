"""The ``naive`` baseline: what a user would write first.

Fetch the homepage only, put its visible text and the policy's category list into one
prompt (``naive.md``), make one model call with a JSON schema, take the one answer. No
re-ask, no other page, no lexicon, no tools. So that metrics compare like with like, the
answer goes through the same evidence rule as the pipeline: a category counts only with a
quote verified on the homepage, and the decision is the worst tier among verified findings;
with none verified it is the model's "allowed" or "unknown", and a claimed violation with no
verified quote becomes "allowed" (the model's own answer is kept as ``model_decision``).
"""

from __future__ import annotations

import hashlib
import time
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from merchant_screen.agent.evidence import Claim, PageIndex, verify_claims
from merchant_screen.agent.schemas import with_category_enum
from merchant_screen.agent.trace import Trace
from merchant_screen.api import Screener
from merchant_screen.errors import LLMOutputError
from merchant_screen.evaluation.assemble import (
    Outcome,
    Screened,
    StrategyName,
    assemble_verdict,
    declared_of,
    page_texts,
)
from merchant_screen.evaluation.dataset import Case
from merchant_screen.llm.port import LLMRequest, LLMResponse
from merchant_screen.llm.pricing import cost_usd
from merchant_screen.llm.structured import json_schema_for, parse_structured
from merchant_screen.policy.model import Policy
from merchant_screen.tools.crawl import CrawlResult, SiteCrawler
from merchant_screen.tools.fetch import Fetcher
from merchant_screen.tools.pages import ExtractedPage
from merchant_screen.verdict import Decision, Finding, Usage

__all__ = ["NaiveAnswer", "NaiveStrategy", "naive_outcome", "naive_prompt", "prompt_version"]

MAX_TEXT_CHARS = 5000
MAX_ANSWER_TOKENS = 400
_TIER_RANK = {"prohibited": 0, "restricted": 1}


class NaiveCategory(BaseModel):
    model_config = ConfigDict(extra="ignore")

    category: str = Field(description="a policy category id")
    quote: str = Field("", max_length=600, description="one sentence copied from the page")


class NaiveAnswer(BaseModel):
    """The one answer of the naive baseline."""

    model_config = ConfigDict(extra="ignore")

    decision: Literal["prohibited", "restricted", "allowed", "unknown"]
    categories: list[NaiveCategory] = Field(default_factory=list, max_length=6)
    confidence: float = Field(0.5, ge=0, le=1)
    summary: str = Field("", max_length=400)


@cache
def _template() -> str:
    return (resources.files("merchant_screen.evaluation") / "naive.md").read_text(encoding="utf-8")


def prompt_version() -> str:
    """Hash of the naive prompt file (the naive strategy's prompts version)."""
    return "sha256:" + hashlib.sha256(_template().encode()).hexdigest()[:16]


def _category_lines(policy: Policy, tier: Literal["prohibited", "restricted"]) -> str:
    lines = []
    for c in policy.categories:
        if c.tier == tier:
            first = c.definition.split(". ")[0].rstrip(".")
            lines.append(f"- {c.id}: {c.name}. {first}.")
    return "\n".join(lines)


def naive_prompt(policy: Policy, url: str, text: str) -> str:
    """The one prompt: categories by tier and the homepage text inside page markers."""
    clipped = text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS].rsplit(" ", 1)[0]
    return (
        Template(_template())
        .substitute(
            prohibited=_category_lines(policy, "prohibited"),
            restricted=_category_lines(policy, "restricted"),
            url=url,
            text=clipped.replace("«", "‹").replace("»", "›"),
        )
        .strip()
    )


def naive_outcome(
    answer: NaiveAnswer | None, home: ExtractedPage, policy: Policy, problem: str = ""
) -> Outcome:
    """Verify the answer's quotes on the homepage and apply the evidence rule."""
    if answer is None:
        return Outcome("unknown", 0.5, reasons=(f"the model's answer was unusable: {problem}",))
    known = [c for c in answer.categories if c.category in policy.ids]
    claims = [Claim(c.category, home.url, c.quote) for c in known]
    verified, rejected = verify_claims(claims, PageIndex([home]))
    findings: list[Finding] = []
    for category_id in dict.fromkeys(c.category for c in known):
        evidence = [v.evidence for v in verified if v.category == category_id]
        if evidence:
            category = policy.category(category_id)
            findings.append(
                Finding(
                    category=category_id,
                    tier=category.tier,
                    name=category.name,
                    confidence=answer.confidence,
                    rationale="named by the model from the homepage text",
                    evidence=evidence,
                )
            )
    findings.sort(key=lambda f: _TIER_RANK[f.tier])
    decision: Decision
    if findings:
        decision = findings[0].tier
        reason = f"{decision} by verified findings: " + ", ".join(f.category for f in findings)
    elif answer.decision in ("allowed", "unknown"):
        decision, reason = answer.decision, f"the model answered {answer.decision}"
    else:
        decision = "allowed"
        reason = f"the model answered {answer.decision} but none of its quotes verified"
    return Outcome(
        decision=decision,
        confidence=answer.confidence,
        findings=findings,
        rejected=rejected,
        reasons=(reason,),
        summary=answer.summary,
    )


class NaiveStrategy:
    """Homepage text, one prompt, one call, one answer, same model as the pipeline."""

    name: StrategyName = "naive"

    def __init__(self, screener: Screener, fetcher: Fetcher) -> None:
        self.screener = screener
        self.fetcher = fetcher
        self.settings = screener.settings.replace(max_pages=1)

    def config_parts(self) -> dict[str, str]:
        return {
            "strategy": self.name,
            "model": self.screener.llm.model_id,
            "prompts": prompt_version(),
            "policy": self.screener.policy.version_hash,
        }

    async def _ask(self, prompt: str) -> tuple[NaiveAnswer | None, LLMResponse, str]:
        schema = with_category_enum(json_schema_for(NaiveAnswer), self.screener.policy.ids)
        request = LLMRequest(
            [{"role": "user", "content": prompt}],
            purpose="naive",
            schema=schema,
            schema_name="naive_answer",
            max_tokens=MAX_ANSWER_TOKENS,
        )
        response = await self.screener.llm.complete(request)
        try:
            return parse_structured(response.content, NaiveAnswer), response, ""
        except LLMOutputError as exc:
            return None, response, str(exc)

    def _usage(self, response: LLMResponse | None) -> Usage:
        if response is None:
            return Usage()
        llm = self.screener.llm
        tokens = response.usage
        cost = cost_usd(
            self.screener.prices,
            llm.model_id,
            local=llm.is_local,
            input_tokens=tokens.input_tokens,
            cached_tokens=tokens.cached_tokens,
            output_tokens=tokens.output_tokens,
        )
        return Usage(
            llm_calls=1,
            input_tokens=tokens.input_tokens,
            output_tokens=tokens.output_tokens,
            cached_tokens=tokens.cached_tokens,
            cached_calls=int(response.cached),
            cost_usd=cost or 0.0,
            llm_seconds=round(response.seconds, 3),
        )

    async def screen(self, case: Case, trace_path: Path | None = None) -> Screened:
        started = time.monotonic()
        trace = Trace(case.id, trace_path)
        try:
            crawl = await SiteCrawler(case.url, self.settings, self.fetcher).run()
            home = _homepage(crawl)
            response: LLMResponse | None = None
            extra: dict[str, str] = {}
            if home is None or not home.text.strip():
                outcome = Outcome("unknown", 0.6, reasons=("the homepage has no readable text",))
            else:
                prompt = naive_prompt(self.screener.policy, home.url, home.text)
                answer, response, problem = await self._ask(prompt)
                trace.emit("naive", "answer", content=response.content, problem=problem)
                extra["model_decision"] = answer.decision if answer else "invalid"
                outcome = naive_outcome(answer, home, self.screener.policy, problem)
            verdict = assemble_verdict(
                outcome,
                crawl,
                self.screener.policy,
                declared=declared_of(case),
                usage=self._usage(response),
                versions={
                    "policy": self.screener.policy.version_hash,
                    "prompts": prompt_version(),
                    "model": self.screener.llm.model_id,
                    "settings": self.settings.fingerprint(),
                },
                started=started,
            )
        finally:
            trace.close()
        return Screened(verdict, page_texts(crawl), extra)


def _homepage(crawl: CrawlResult) -> ExtractedPage | None:
    for page in crawl.pages:
        if page.page is not None:
            return page.page
    return None
