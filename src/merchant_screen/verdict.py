"""The verdict: the structured output of a screen (JSON ``schema_version`` "1").

Every piece of evidence in ``findings`` is a verbatim quote found in the visible text of a
page the crawl fetched; what the model cited that failed that check is in
``rejected_evidence`` with the reason, never in a finding.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Action",
    "Answer",
    "Business",
    "CategoryScore",
    "CrawlPageRecord",
    "CrawlSummary",
    "Decision",
    "Declared",
    "Evidence",
    "Finding",
    "HiddenPassage",
    "RejectedEvidence",
    "Signals",
    "SuspiciousText",
    "Timings",
    "Usage",
    "Verdict",
    "Versions",
    "Where",
]

Decision = Literal["prohibited", "restricted", "allowed", "unknown"]
Action = Literal["approve", "review", "reject"]
Tier = Literal["prohibited", "restricted"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    url: str = Field(description="a page in crawl.pages")
    quote: str = Field(description="exactly as it stands in that page's visible text")
    verified: bool = True


class RejectedEvidence(_Model):
    url: str
    quote: str
    reason: str
    category: str | None = None


class Finding(_Model):
    category: str
    tier: Tier
    name: str = ""
    confidence: float = Field(ge=0, le=1)
    rationale: str = ""
    evidence: list[Evidence] = Field(default_factory=list)


class Answer(_Model):
    """The model's answer about one passage of a candidate category."""

    url: str
    probability: float = Field(ge=0, le=1, description="P(the passage shows the category)")
    source: Literal["logprobs", "stated", "none"] = Field(
        description="logprobs: read from token log-probabilities; stated: the answer token "
        "only (the endpoint gave no log-probabilities); none: the answer was not an option"
    )
    answer: str = Field("", description="the token the model answered")


class CategoryScore(_Model):
    """The learned scorer's view of one candidate category (evidence-first mode)."""

    category: str
    tier: Tier
    probability: float = Field(ge=0, le=1, description="calibrated P(the merchant offers it)")
    threshold: float = Field(ge=0, le=1, description="the tier's finding threshold")
    flagged: bool = Field(description="probability >= threshold: a finding was proposed")
    features: dict[str, float] = Field(default_factory=dict)
    answers: list[Answer] = Field(default_factory=list)


Where = Literal[
    "visible",
    "title",
    "heading",
    "meta",
    "alt",
    "json_ld",
    "hidden",
    "comment",
    "robots",
    "sitemap",
]


class SuspiciousText(_Model):
    """Text addressed to reviewers or AI, or hidden from visitors."""

    url: str
    text: str
    where: Where
    reason: str = ""


class HiddenPassage(_Model):
    """Hidden text that the policy lexicon reads as a category. It sends the verdict to
    review and never verifies a quote: a person must look at what the site hides."""

    url: str = Field(description="the page the text is hidden on")
    reason: str = Field(description="why a visitor does not see it, e.g. display_none")
    category: str
    tier: Tier
    terms: list[str] = Field(default_factory=list, description="the lexicon terms it holds")
    text: str = Field(description="the hidden passage, at most 300 characters of it")


class Signals(_Model):
    injection_attempt: bool = False
    injection: list[SuspiciousText] = Field(default_factory=list)
    hidden_text: bool = False
    hidden_text_samples: list[SuspiciousText] = Field(default_factory=list)
    hidden_policy_text: list[HiddenPassage] = Field(
        default_factory=list,
        description="hidden passages the policy lexicon reads as a category: at least "
        "review, never evidence",
    )
    unresolved_prohibited: dict[str, float] = Field(
        default_factory=dict,
        description="agent mode: prohibited categories the policy lexicon scores strongly "
        "(at least 2) that the model left without a verified finding; at least review",
    )
    hidden_offers: list[SuspiciousText] = Field(
        default_factory=list,
        description="hidden text with a price and a buy button that no crawled page shows: "
        "a hidden catalogue, whatever it sells; at least review, never evidence",
    )
    declared_mismatch: bool = False
    declared_mismatch_reason: str = ""
    offsite_sales: list[str] = Field(default_factory=list)
    unsupported_language: str | None = None
    candidate_categories: dict[str, float] = Field(
        default_factory=dict, description="policy lexicon score per category (before the model)"
    )
    partial: bool = False
    partial_reason: str = ""


class Declared(_Model):
    name: str = ""
    description: str = ""


class Business(_Model):
    summary: str = ""
    declared: Declared | None = None
    platform: str | None = None
    languages: list[str] = Field(default_factory=list)


class CrawlPageRecord(_Model):
    url: str
    status: int | None
    state: str
    bytes: int = 0
    fetched_at: str | None = None
    sha256: str | None = None
    title: str = ""
    kind: str = ""
    snapshot: str | None = Field(None, description="path of the stored copy, for cited pages")


class CrawlSummary(_Model):
    pages: list[CrawlPageRecord] = Field(default_factory=list)
    fetched: int = 0
    skipped: int = 0
    blocked: int = 0
    coverage: dict[str, Any] = Field(default_factory=dict)
    outbound_domains: list[str] = Field(default_factory=list)
    language: str | None = None
    robots: dict[str, Any] = Field(default_factory=dict)
    budget_exhausted: str | None = None
    error: str | None = None
    error_transient: bool = Field(
        False, description="the homepage error may pass on retry (timeout, reset, 5xx)"
    )


class Usage(_Model):
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cached_calls: int = 0
    tool_calls: int = 0
    cost_usd: float = 0.0
    llm_seconds: float = 0.0


class Versions(_Model):
    package: str
    policy: str
    prompts: str
    model: str
    calibration: str = "none"
    scorer: str = Field("none", description="sha256 of the scorer artifact, 'none' if not used")
    injection: str = Field(
        "none", description="sha256 of the injection detector artifact, 'none' if not used"
    )
    answer_probability: Literal["logprobs", "stated", "mixed", "none"] = Field(
        "none",
        description="where the model's probabilities came from: token log-probabilities, "
        "the stated answers only (endpoint without log-probabilities), both, or no question",
    )
    settings: str = ""


class Timings(_Model):
    total_s: float = 0.0
    crawl_s: float = 0.0
    llm_s: float = 0.0


class Verdict(_Model):
    schema_version: Literal["1"] = "1"
    url: str
    domain: str
    decision: Decision
    action: Action
    confidence: float = Field(ge=0, le=1)
    raw_confidence: float | None = Field(None, ge=0, le=1, description="before calibration")
    findings: list[Finding] = Field(default_factory=list)
    rejected_evidence: list[RejectedEvidence] = Field(default_factory=list)
    scores: list[CategoryScore] = Field(
        default_factory=list, description="every candidate category the scorer weighed"
    )
    signals: Signals = Field(default_factory=Signals)
    business: Business = Field(default_factory=Business)
    crawl: CrawlSummary = Field(default_factory=CrawlSummary)
    usage: Usage = Field(default_factory=Usage)
    versions: Versions
    reasons: list[str] = Field(default_factory=list, description="why this decision and action")
    run_id: str
    screened_at: str
    timings: Timings = Field(default_factory=Timings)

    @property
    def categories(self) -> list[str]:
        return [f.category for f in self.findings]
