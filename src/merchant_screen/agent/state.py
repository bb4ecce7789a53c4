"""Graph state (plain data only) and the per-run context handed to every node."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from merchant_screen.agent.toolbox import Toolbox
from merchant_screen.agent.trace import Budget, Trace
from merchant_screen.llm.port import LLMClient, Message, ToolProtocol
from merchant_screen.policy.lexicon import Lexicon
from merchant_screen.policy.model import Policy
from merchant_screen.scoring.evidence import Candidate, SiteEvidence
from merchant_screen.scoring.model import Scorer
from merchant_screen.settings import Settings
from merchant_screen.tools.crawl import CrawlResult, SiteCrawler
from merchant_screen.tools.fetch import Fetcher
from merchant_screen.verdict import (
    Answer,
    CategoryScore,
    Declared,
    Finding,
    RejectedEvidence,
    Signals,
)

__all__ = ["Asked", "Candidate", "Claim", "Mode", "RunContext", "ScreenState"]

Mode = Literal["agent", "evidence"]


class Asked(TypedDict):
    """One question the model answered: the passage it was about and what it said."""

    candidate: Candidate
    answer: Answer


class Claim(TypedDict):
    category: str
    confidence: float
    rationale: str
    quotes: list[dict[str, str]]


class ScreenState(TypedDict, total=False):
    url: str
    crawl: CrawlResult
    signals: Signals
    candidates: list[Candidate]
    evidence: SiteEvidence
    asked: list[Asked]
    scores: list[CategoryScore]
    messages: list[Message]
    pending: list[dict[str, Any]]
    summary: str
    claims: list[Claim]
    answered: bool
    findings: list[Finding]
    rejected: list[RejectedEvidence]
    reasks: int
    fixes: int
    retry: bool
    partial_reason: str
    decision: str
    action: str
    confidence: float
    raw_confidence: float
    reasons: list[str]


@dataclass
class RunContext:
    """Everything a run needs besides its state; one per merchant, never shared."""

    settings: Settings
    llm: LLMClient
    policy: Policy
    lexicon: Lexicon
    fetcher: Fetcher
    trace: Trace
    budget: Budget
    mode: Mode
    protocol: ToolProtocol
    declared: Declared | None = None
    calibrator: Any = None
    scorer: Scorer | None = None
    crawler: SiteCrawler | None = None
    toolbox: Toolbox | None = None
    notes: list[str] = field(default_factory=list)
