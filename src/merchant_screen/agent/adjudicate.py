"""Evidence-first assessment for small models: code has already found candidate passages;
the model answers one narrow, schema-constrained question per passage.

Measured on this project's machines: small local models get 1-2 of 8 merchants right when
asked for a whole verdict, but most right when asked "does this passage show category X?"
with the category described. The quote a "yes" answer cites must come from the passage;
when the model's quote is not in it, the passage line holding the strongest lexicon term is
used instead (still verified against the page like any quote).
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from merchant_screen.agent.nodes import call_llm
from merchant_screen.agent.prompts import render
from merchant_screen.agent.schemas import PassageAnswer
from merchant_screen.agent.state import Candidate, Claim, RunContext, ScreenState
from merchant_screen.errors import LLMOutputError
from merchant_screen.llm.port import LLMRequest
from merchant_screen.llm.structured import json_schema_for, parse_structured
from merchant_screen.tools.text import find_quote

__all__ = ["adjudicate", "pick_questions", "quote_for"]

MAX_QUESTIONS = 6
PASSAGES_PER_CATEGORY = 2


def pick_questions(candidates: list[Candidate], limit: int) -> list[Candidate]:
    """Up to ``limit`` passages: best first, at most two per category, categories interleaved."""
    per_category: dict[str, list[Candidate]] = {}
    for c in candidates:
        bucket = per_category.setdefault(c["category"], [])
        if len(bucket) < PASSAGES_PER_CATEGORY:
            bucket.append(c)
    order: list[Candidate] = []
    rounds = max((len(v) for v in per_category.values()), default=0)
    for i in range(rounds):
        order += [bucket[i] for bucket in per_category.values() if len(bucket) > i]
    return order[:limit]


def quote_for(answer: PassageAnswer, candidate: Candidate) -> str:
    """The model's quote if it is in the passage, else the line with the first lexicon term."""
    if answer.quote and find_quote(answer.quote, candidate["text"]):
        return answer.quote
    lines = [line.strip() for line in candidate["text"].split("\n") if line.strip()]
    if not lines:
        return ""
    terms = [t.lower() for t in candidate["terms"]]

    def weight(line: str) -> tuple[int, int]:
        low = line.lower()
        return sum(1 for t in terms if t in low), min(len(line), 300)

    best = max(lines, key=weight)
    return best if len(best) <= 300 else best[:300].rsplit(" ", 1)[0]


def _trim(text: str, limit: int = 900) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]


async def adjudicate(state: ScreenState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    ctx = runtime.context
    limit = min(MAX_QUESTIONS, max(0, ctx.settings.max_llm_calls))
    schema = json_schema_for(PassageAnswer)
    answers: dict[str, list[tuple[PassageAnswer, Candidate]]] = {}
    partial = ""
    for candidate in pick_questions(state.get("candidates") or [], limit):
        category = ctx.policy.category(candidate["category"])
        prompt = render(
            "adjudicate",
            name=category.name,
            definition=category.definition,
            includes="; ".join(category.includes[:6]),
            excludes="; ".join(category.excludes[:6]),
            url=candidate["url"],
            passage=_trim(candidate["text"]).replace("«", "‹").replace("»", "›"),
        )
        request = LLMRequest(
            [{"role": "user", "content": prompt}],
            purpose="adjudicate",
            schema=schema,
            schema_name="passage_answer",
            max_tokens=160,
        )
        response = await call_llm(ctx, request)
        if response is None:
            partial = ctx.budget.exhausted or "budget used up"
            break
        try:
            parsed = parse_structured(response.content, PassageAnswer)
        except LLMOutputError as exc:
            ctx.trace.emit("adjudicate", "invalid_output", reason=str(exc))
            continue
        assert isinstance(parsed, PassageAnswer)
        ctx.trace.emit(
            "adjudicate",
            "answer",
            category=category.id,
            url=candidate["url"],
            applies=parsed.applies,
            confidence=parsed.confidence,
        )
        answers.setdefault(category.id, []).append((parsed, candidate))
    claims: list[Claim] = []
    for category_id, pairs in answers.items():
        yes = [(a, c) for a, c in pairs if a.applies == "yes"]
        if not yes:
            continue
        confidence = max(a.confidence for a, _ in yes)
        quotes = [{"url": c["url"], "quote": quote_for(a, c)} for a, c in yes]
        terms = sorted({t for _, c in yes for t in c["terms"] if t.replace(" ", "").isalnum()})
        rationale = (
            f"{len(yes)} of {len(pairs)} passage(s) judged to show "
            f"{ctx.policy.category(category_id).name}"
            + (f" (terms: {', '.join(terms[:6])})" if terms else "")
        )
        claims.append(
            Claim(category=category_id, confidence=confidence, rationale=rationale, quotes=quotes)
        )
    summary = _homepage_summary(state)
    update: dict[str, Any] = {"claims": claims, "answered": True, "summary": summary}
    if partial:
        update["partial_reason"] = partial
    return update


def _homepage_summary(state: ScreenState) -> str:
    pages = state["crawl"].ok_pages()
    if not pages or pages[0].page is None:
        return ""
    page = pages[0].page
    text = page.meta_description or " - ".join(x for x in (page.title, *page.headings[:1]) if x)
    return _trim(" ".join(text.split()), 300)
