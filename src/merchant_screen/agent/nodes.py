"""Graph nodes: crawl -> find_signals -> assess <-> run_tools -> verify -> decide -> calibrate.

``adjudicate`` replaces the assess/run_tools loop in evidence-first mode (small local models):
code gathers candidate passages, the model answers one narrow question per passage.
"""

from __future__ import annotations

import json
import time
from typing import Any, Literal

from langgraph.runtime import Runtime

from merchant_screen.agent.decide import (
    choose_action,
    decide,
    finding_confidence,
    overall_confidence,
    unresolved_prohibited,
)
from merchant_screen.agent.evidence import Claim as QuoteClaim
from merchant_screen.agent.evidence import PageIndex, evidence_by_category, verify_claims
from merchant_screen.agent.injection import find_injections
from merchant_screen.agent.prompts import render, spotlight
from merchant_screen.agent.schemas import AssessmentOut, NextAction, with_category_enum
from merchant_screen.agent.signals import (
    declared_mismatch,
    hidden_offers,
    hidden_policy_passages,
    hidden_samples,
    select_candidates,
)
from merchant_screen.agent.state import Candidate, Claim, RunContext, ScreenState
from merchant_screen.agent.toolbox import TOOL_SPECS, Toolbox
from merchant_screen.errors import LLMOutputError
from merchant_screen.llm.openai_compat import ToolsUnsupportedError
from merchant_screen.llm.port import LLMRequest, LLMResponse
from merchant_screen.llm.structured import json_schema_for, parse_structured
from merchant_screen.policy.lexicon import link_interest
from merchant_screen.scoring.evidence import gather_evidence
from merchant_screen.tools.crawl import SiteCrawler
from merchant_screen.verdict import Finding, RejectedEvidence, Signals

__all__ = [
    "assess",
    "calibrate",
    "crawl",
    "decide_verdict",
    "find_signals",
    "route_after_assess",
    "route_after_signals",
    "route_after_verify",
    "run_tools",
    "verify",
]

MAX_REASKS = 2
Ctx = Runtime[RunContext]


async def call_llm(ctx: RunContext, request: LLMRequest) -> LLMResponse | None:
    """One model call through the budget and the trace; None when the budget is spent."""
    if not ctx.budget.can_call_llm():
        return None
    started = time.monotonic()
    response = await ctx.llm.complete(request)
    ctx.budget.record_llm(response, request.purpose)
    ctx.trace.emit(
        "llm",
        "llm_call",
        purpose=request.purpose,
        model=response.model or ctx.llm.model_id,
        input_tokens=response.usage.input_tokens,
        output_tokens=response.usage.output_tokens,
        cached=response.cached,
        tool_calls=[c.name for c in response.tool_calls],
        seconds=round(time.monotonic() - started, 3),
    )
    return response


# --- crawl & signals ---------------------------------------------------------------------
async def crawl(state: ScreenState, runtime: Ctx) -> dict[str, Any]:
    ctx = runtime.context
    crawler = SiteCrawler(state["url"], ctx.settings, ctx.fetcher, link_interest(ctx.lexicon))
    ctx.crawler = crawler
    result = await crawler.run()
    ctx.trace.emit(
        "crawl",
        "crawled",
        pages=len(result.pages),
        fetched=result.fetched,
        seconds=result.crawl_s,
        assessable=result.coverage.assessable,
        budget_exhausted=result.budget_exhausted,
    )
    return {"crawl": result}


def find_signals(state: ScreenState, runtime: Ctx) -> dict[str, Any]:
    ctx = runtime.context
    result = state["crawl"]
    pages = [p.page for p in result.ok_pages() if p.page is not None]
    all_pages = [p.page for p in result.pages if p.page is not None]
    evidence = gather_evidence(ctx.lexicon, pages)
    candidates = select_candidates(evidence, ctx.policy.thresholds.candidate_min_score)
    scores = evidence.scores()
    injections = find_injections(all_pages, result.comments)
    hidden = hidden_samples(all_pages)
    language = result.language
    unsupported = language if language and language not in ctx.policy.lexicon_languages else None
    signals = Signals(
        injection_attempt=bool(injections),
        injection=injections[:10],
        hidden_text=bool(hidden),
        hidden_text_samples=hidden[:5],
        offsite_sales=result.coverage.payment_domains,
        unsupported_language=unsupported,
        candidate_categories={
            k: round(v, 2) for k, v in sorted(scores.items(), key=lambda i: -i[1])
        },
    )
    ctx.toolbox = Toolbox(result, ctx.policy, ctx.crawler)
    ctx.trace.emit(
        "find_signals",
        "signals",
        candidates=signals.candidate_categories,
        injection=len(injections),
        hidden=len(hidden),
        passages=len(candidates),
    )
    return {
        "signals": signals,
        "candidates": candidates,
        "evidence": evidence,
        "messages": [],
        "claims": [],
        "reasks": 0,
        "answered": False,
    }


def route_after_signals(
    state: ScreenState, runtime: Ctx
) -> Literal["assess", "adjudicate", "decide"]:
    coverage = state["crawl"].coverage
    if not coverage.ok_pages or (not coverage.assessable and not state["candidates"]):
        return "decide"
    return "adjudicate" if runtime.context.mode == "evidence" else "assess"


# --- agent loop --------------------------------------------------------------------------
def _overview(state: ScreenState) -> str:
    lines = []
    for page in state["crawl"].pages:
        if page.page is None or page.duplicate_of:
            continue
        lines.append(f"- {page.url} [{page.kind}, {page.state}] {page.title[:80]}")
    return "\n".join(lines[:40]) or "(no readable pages)"


def _candidates_text(candidates: list[Candidate], limit: int = 8) -> str:
    if not candidates:
        return "(none)"
    return "\n\n".join(
        f"[{c['category']}] {spotlight(c['url'], c['text'])}" for c in candidates[:limit]
    )


def _first_messages(state: ScreenState, ctx: RunContext) -> list[dict[str, Any]]:
    categories = "\n".join(
        f"- {c.id}: {c.name}. {c.definition.split('. ')[0].rstrip('.')}."
        for c in ctx.policy.categories
    )
    json_mode = ctx.protocol == "json"
    tools = render(
        "tools_json" if json_mode else "tools_native", max_tool_calls=ctx.settings.max_tool_calls
    )
    declared = ""
    if ctx.declared is not None:
        declared = (
            f"Declared at onboarding: name '{ctx.declared.name}', description "
            f"'{ctx.declared.description}' (the merchant's claim, to be checked).\n"
        )
    signals = state["signals"]
    signal_text = json.dumps(
        {
            "injection_attempt": signals.injection_attempt,
            "hidden_text": signals.hidden_text,
            "offsite_sales": signals.offsite_sales,
            "lexicon_scores": signals.candidate_categories,
        }
    )
    return [
        {
            "role": "system",
            "content": render("assess_system", categories=categories, tool_instructions=tools),
        },
        {
            "role": "user",
            "content": render(
                "assess_user",
                url=state["crawl"].final_url,
                declared=declared,
                overview=_overview(state),
                candidates=_candidates_text(state["candidates"]),
                signals=signal_text,
                finish_instructions=render("finish_json" if json_mode else "finish_native"),
            ),
        },
    ]


def _assessment_schema(ctx: RunContext, model: type[Any]) -> dict[str, Any]:
    return with_category_enum(json_schema_for(model), ctx.policy.ids)


def _claims_from(assessment: AssessmentOut) -> list[Claim]:
    return [
        Claim(
            category=f.category,
            confidence=f.confidence,
            rationale=f.rationale,
            quotes=[{"url": q.url, "quote": q.quote} for q in f.quotes],
        )
        for f in assessment.findings
    ]


async def assess(state: ScreenState, runtime: Ctx) -> dict[str, Any]:
    ctx = runtime.context
    messages = list(state.get("messages") or []) or _first_messages(state, ctx)
    json_mode = ctx.protocol == "json"
    tools_left = ctx.budget.can_call_tool()
    if json_mode:
        request = LLMRequest(
            list(messages),
            purpose="assess",
            schema=_assessment_schema(ctx, NextAction),
            schema_name="next_action",
            max_tokens=1200,
        )
    elif tools_left:
        request = LLMRequest(list(messages), purpose="assess", tools=TOOL_SPECS, max_tokens=1200)
    else:
        request = LLMRequest(
            list(messages),
            purpose="assess",
            schema=_assessment_schema(ctx, AssessmentOut),
            schema_name="assessment",
            max_tokens=1200,
        )
    try:
        response = await call_llm(ctx, request)
    except ToolsUnsupportedError:
        ctx.protocol = "json"
        ctx.notes.append("endpoint rejected native tool calls; switched to the JSON tool protocol")
        return {"messages": [], "pending": []}
    if response is None:
        return {"pending": [], "partial_reason": ctx.budget.exhausted or "budget used up"}
    if response.finish_reason == "refusal" or (
        response.content is None and not response.tool_calls
    ):
        ctx.trace.emit("assess", "refusal")
        return {
            "pending": [],
            "answered": True,
            "claims": [],
            "partial_reason": "the model refused or gave no answer",
        }
    if response.tool_calls and not json_mode:
        messages.append(
            {
                "role": "assistant",
                "content": response.content or None,
                "tool_calls": [
                    {
                        "id": c.id,
                        "type": "function",
                        "function": {"name": c.name, "arguments": c.arguments},
                    }
                    for c in response.tool_calls
                ],
            }
        )
        pending = [
            {"id": c.id, "name": c.name, "arguments": c.arguments} for c in response.tool_calls
        ]
        return {"messages": messages, "pending": pending}
    messages.append({"role": "assistant", "content": response.content or ""})
    try:
        if json_mode:
            step = parse_structured(response.content, NextAction)
            assert isinstance(step, NextAction)
            if step.action != "finish":
                pending = [
                    {
                        "id": f"json-{ctx.budget.tool_calls}",
                        "name": step.action,
                        "arguments": json.dumps(step.arguments()),
                    }
                ]
                return {"messages": messages, "pending": pending}
            assessment = step.assessment or AssessmentOut()
        else:
            parsed = parse_structured(response.content, AssessmentOut)
            assert isinstance(parsed, AssessmentOut)
            assessment = parsed
    except LLMOutputError as exc:
        fixes = state.get("fixes", 0)
        ctx.trace.emit("assess", "invalid_output", reason=str(exc), fix=fixes + 1)
        if fixes >= MAX_REASKS:
            return {
                "messages": messages,
                "pending": [],
                "answered": True,
                "claims": [],
                "partial_reason": f"the model's answer was unusable: {exc}",
            }
        messages.append(
            {
                "role": "user",
                "content": f"Your reply was not valid: {exc}. Reply "
                "with only the JSON object in the required shape.",
            }
        )
        return {"messages": messages, "pending": [], "fixes": fixes + 1}
    return {
        "messages": messages,
        "pending": [],
        "answered": True,
        "claims": _claims_from(assessment),
        "summary": assessment.business_summary,
    }


def route_after_assess(state: ScreenState) -> Literal["run_tools", "assess", "verify"]:
    if state.get("pending"):
        return "run_tools"
    if state.get("answered") or state.get("partial_reason"):
        return "verify"
    return "assess"


async def run_tools(state: ScreenState, runtime: Ctx) -> dict[str, Any]:
    ctx = runtime.context
    assert ctx.toolbox is not None
    messages = list(state.get("messages") or [])
    for call in state.get("pending") or []:
        if ctx.budget.can_call_tool():
            ctx.budget.tool_calls += 1
            try:
                arguments = json.loads(call["arguments"] or "{}")
                if not isinstance(arguments, dict):
                    raise ValueError("arguments must be an object")
            except ValueError as exc:
                result = json.dumps({"error": f"arguments are not a JSON object: {exc}"})
            else:
                result = await ctx.toolbox.call(call["name"], arguments)
        else:
            result = json.dumps({"error": "tool budget used up; give your final answer now"})
        ctx.trace.emit(
            "run_tools",
            "tool_call",
            tool=call["name"],
            arguments=call["arguments"],
            result_chars=len(result),
            error=result.startswith('{"error"'),
        )
        if ctx.protocol == "json":
            messages.append({"role": "user", "content": f"Result of {call['name']}: {result}"})
        else:
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
    return {"messages": messages, "pending": [], "crawl": ctx.toolbox.crawl}


# --- verification, decision, confidence --------------------------------------------------
def verify(state: ScreenState, runtime: Ctx) -> dict[str, Any]:
    ctx = runtime.context
    crawl_result = ctx.toolbox.crawl if ctx.toolbox else state["crawl"]
    index = PageIndex(p.page for p in crawl_result.ok_pages() if p.page is not None)
    claims = state.get("claims") or []
    quote_claims, unknown = [], []
    for claim in claims:
        if claim["category"] not in ctx.policy.ids:
            unknown.append(claim)
            continue
        quote_claims += [
            QuoteClaim(claim["category"], q.get("url", ""), q.get("quote", ""))
            for q in claim["quotes"]
        ]
    verified, rejected = verify_claims(quote_claims, index)
    for claim in unknown:
        rejected += [
            _reject(q, f"'{claim['category']}' is not a policy category", claim["category"])
            for q in claim["quotes"]
        ]
    for claim in claims:
        if claim["category"] in ctx.policy.ids and not claim["quotes"]:
            rejected.append(
                _reject({"url": "", "quote": ""}, "the finding cites no quote", claim["category"])
            )
    ctx.trace.emit(
        "verify",
        "verified",
        verified=len(verified),
        rejected=len(rejected),
        reasons=[r.reason for r in rejected][:10],
    )
    findings: list[Finding] = []
    scores = state["signals"].candidate_categories
    grouped = evidence_by_category(verified)
    for claim in claims:
        evidence = grouped.get(claim["category"], [])
        if not evidence or claim["category"] not in ctx.policy.ids:
            continue
        if any(f.category == claim["category"] for f in findings):
            continue
        category = ctx.policy.category(claim["category"])
        confidence = claim["confidence"]  # evidence mode: the scorer's calibrated probability
        if ctx.mode == "agent":
            confidence = finding_confidence(confidence, len(evidence), scores.get(category.id, 0.0))
        findings.append(
            Finding(
                category=category.id,
                tier=category.tier,
                name=category.name,
                confidence=confidence,
                rationale=claim["rationale"],
                evidence=evidence,
            )
        )
    reask = (
        ctx.mode == "agent"
        and rejected
        and state.get("reasks", 0) < MAX_REASKS
        and not state.get("partial_reason")
        and ctx.budget.can_call_llm()
    )
    update: dict[str, Any] = {"findings": findings, "rejected": rejected, "retry": bool(reask)}
    if reask:
        failures = "\n".join(
            f'- [{r.category}] {r.url}: "{r.quote[:200]}" -> {r.reason}' for r in rejected
        )
        messages = list(state.get("messages") or [])
        messages.append({"role": "user", "content": render("reask", failures=failures)})
        update |= {
            "messages": messages,
            "reasks": state.get("reasks", 0) + 1,
            "answered": False,
            "pending": [],
            "claims": [],
        }
        ctx.trace.emit("verify", "reask", failures=len(rejected))
    return update


def route_after_verify(state: ScreenState, runtime: Ctx) -> Literal["assess", "decide"]:
    return "assess" if state.get("retry") else "decide"


def _reject(quote: dict[str, str], reason: str, category: str) -> RejectedEvidence:
    return RejectedEvidence(
        url=quote.get("url", ""), quote=quote.get("quote", ""), reason=reason, category=category
    )


def decide_verdict(state: ScreenState, runtime: Ctx) -> dict[str, Any]:
    ctx = runtime.context
    crawl_result = ctx.toolbox.crawl if ctx.toolbox else state["crawl"]
    findings = state.get("findings") or []
    outcome = decide(findings, crawl_result.coverage)
    signals = state.get("signals") or Signals()
    partial = state.get("partial_reason") or (ctx.budget.exhausted or "")
    mismatch = (
        declared_mismatch(ctx.declared, findings, ctx.lexicon, ctx.policy) if ctx.declared else ""
    )
    # Over the final crawl (agent tools may have added pages): hidden text never makes a
    # finding, but hidden text that reads as a policy category sends the verdict to review.
    pages = [p.page for p in crawl_result.pages if p.page is not None]
    hidden_policy = hidden_policy_passages(ctx.lexicon, ctx.policy, pages)
    signals = signals.model_copy(
        update={
            "partial": bool(partial),
            "partial_reason": partial,
            "declared_mismatch": bool(mismatch),
            "declared_mismatch_reason": mismatch,
            "unresolved_prohibited": (
                unresolved_prohibited(signals.candidate_categories, findings, ctx.policy)
                if ctx.mode == "agent"
                else {}
            ),
            "hidden_policy_text": hidden_policy,
            "hidden_offers": hidden_offers(pages),
        }
    )
    ctx.trace.emit(
        "decide",
        "decided",
        decision=outcome.decision,
        reasons=list(outcome.reasons),
        hidden_policy=sorted({h.category for h in hidden_policy}),
    )
    return {
        "decision": outcome.decision,
        "reasons": list(outcome.reasons),
        "signals": signals,
        "crawl": crawl_result,
        "partial_reason": partial,
    }


def calibrate(state: ScreenState, runtime: Ctx) -> dict[str, Any]:
    ctx = runtime.context
    signals = state["signals"]
    findings = state.get("findings") or []
    decision: Any = state["decision"]
    raw = overall_confidence(
        decision,
        findings,
        state["crawl"].coverage,
        signals.candidate_categories,
        partial=signals.partial,
        scores=state.get("scores"),
    )
    confidence = ctx.calibrator.apply(raw) if ctx.calibrator is not None else raw
    action, reasons = choose_action(decision, confidence, ctx.policy.thresholds, signals)
    ctx.trace.emit("calibrate", "calibrated", raw=raw, confidence=confidence, action=action)
    return {
        "raw_confidence": raw,
        "confidence": confidence,
        "action": action,
        "reasons": list(state.get("reasons") or []) + reasons,
    }
