"""Evidence-first assessment: code finds candidate passages, the model answers one narrow
question per passage (``agent.judge``), and the learned scorer (``merchant_screen.scoring``)
turns the context of each candidate category plus the model's probabilities into a
calibrated probability. Categories at or above their tier's threshold become claims whose
quotes are then verified like any other.

Measured on this project's machines: small local models get 1-2 of 8 merchants right when
asked for a whole verdict, and say "yes" to nearly every passage when asked "does this
passage show X?"; a forced choice against the category's exclusions, read from the answer
token's log-probabilities, and context features weighed by a fitted scorer are what separate
a merchant selling a thing from a page that merely names it.

Every candidate category is scored, asked about or not: nothing the merchant writes removes
one; exclusion phrases only enter as features.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from merchant_screen.agent.judge import ask_about, read_answer
from merchant_screen.agent.nodes import call_llm
from merchant_screen.agent.state import Asked, Claim, RunContext, ScreenState
from merchant_screen.llm.port import LLMRequest
from merchant_screen.policy.lexicon import find_hits, score_categories
from merchant_screen.scoring.evidence import Candidate
from merchant_screen.scoring.features import category_features
from merchant_screen.tools.text import find_quote
from merchant_screen.verdict import Answer, CategoryScore

__all__ = ["adjudicate", "pick_questions", "quote_for", "score"]

PASSAGES_PER_CATEGORY = 2
QUOTES_PER_CLAIM = 2
TOP_LOGPROBS = 20


def pick_questions(candidates: list[Candidate], limit: int) -> list[Candidate]:
    """Up to ``limit`` passages: at most two per category, every category's best passage
    before any category's second (categories in the order given)."""
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


def quote_for(candidate: Candidate, model_quote: str = "") -> str:
    """The model's quote if it is in the passage, else the passage's best line (main content
    before chrome, then the most lexicon hits; see ``gather_evidence``), else the line holding
    the most lexicon terms (cut at 300 characters on a word boundary)."""
    if model_quote and find_quote(model_quote, candidate["text"]):
        return model_quote
    best = candidate.get("line", "")
    if best:
        return best if len(best) <= 300 else best[:300].rsplit(" ", 1)[0]
    lines = [line.strip() for line in candidate["text"].split("\n") if line.strip()]
    if not lines:
        return ""
    terms = [t.lower() for t in candidate["terms"]]

    def weight(line: str) -> tuple[int, int]:
        low = line.lower()
        return sum(1 for t in terms if t in low), min(len(line), 300)

    best = max(lines, key=weight)
    return best if len(best) <= 300 else best[:300].rsplit(" ", 1)[0]


async def adjudicate(state: ScreenState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Ask the model about the best passages of each candidate category."""
    ctx = runtime.context
    style: Any = ctx.settings.question_style
    limit = min(ctx.settings.max_questions, ctx.settings.max_llm_calls)
    asked: list[Asked] = []
    partial = ""
    for candidate in pick_questions(state.get("candidates") or [], limit):
        category = ctx.policy.category(candidate["category"])
        question = ask_about(category, candidate, style)
        request = LLMRequest(
            [{"role": "user", "content": question.prompt}],
            purpose="adjudicate",
            max_tokens=1,
            top_logprobs=TOP_LOGPROBS,
        )
        response = await call_llm(ctx, request)
        if response is None:
            partial = ctx.budget.exhausted or "budget used up"
            break
        reading = read_answer(response, question)
        answer = Answer(
            url=candidate["url"],
            probability=reading.probability,
            source=reading.source,
            answer=reading.token,
        )
        ctx.trace.emit(
            "adjudicate",
            "answer",
            category=category.id,
            url=candidate["url"],
            probability=reading.probability,
            source=reading.source,
            token=reading.token,
        )
        asked.append(Asked(candidate=candidate, answer=answer))
    update: dict[str, Any] = {"asked": asked, "summary": _homepage_summary(state)}
    if partial:
        update["partial_reason"] = partial
    return update


def score(state: ScreenState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Score every candidate category; those at or above their threshold become claims."""
    ctx = runtime.context
    assert ctx.scorer is not None, "evidence mode needs a scorer"
    evidence = state["evidence"]
    asked = state.get("asked") or []
    declared = ""
    if ctx.declared is not None:
        declared = f"{ctx.declared.name}. {ctx.declared.description}"
    declared_scores = score_categories(find_hits(ctx.lexicon, declared)) if declared else {}
    minimum = ctx.policy.thresholds.candidate_min_score
    scores: list[CategoryScore] = []
    claims: list[Claim] = []
    for category_id, found in evidence.categories.items():
        if found.site_score < minimum:
            continue
        category = ctx.policy.category(category_id)
        mine = [a for a in asked if a["candidate"]["category"] == category_id]
        features = category_features(
            found,
            model_probabilities=[a["answer"].probability for a in mine],
            declared_score=declared_scores.get(category_id, 0.0),
            prohibited=category.tier == "prohibited",
        )
        probability = ctx.scorer.probability(features)
        threshold = ctx.scorer.threshold(category.tier)
        flagged = probability >= threshold
        scores.append(
            CategoryScore(
                category=category_id,
                tier=category.tier,
                probability=probability,
                threshold=threshold,
                flagged=flagged,
                features=features,
                answers=[a["answer"] for a in mine],
            )
        )
        if flagged:
            claims.append(
                Claim(
                    category=category_id,
                    confidence=probability,
                    rationale=_rationale(probability, features, len(mine)),
                    quotes=_quotes(mine, found.ranked()),
                )
            )
    scores.sort(key=lambda s: (-s.probability, s.category))
    ctx.trace.emit(
        "score",
        "scored",
        scorer=ctx.scorer.version,
        scores={s.category: s.probability for s in scores},
        flagged=[s.category for s in scores if s.flagged],
    )
    return {"scores": scores, "claims": claims, "answered": True}


def _quotes(mine: list[Asked], ranked: list[Candidate]) -> list[dict[str, str]]:
    """Quotes from the passages the model rated highest, then the lexicon's best."""
    passages = [a["candidate"] for a in sorted(mine, key=lambda a: -a["answer"].probability)]
    passages += ranked
    quotes: list[dict[str, str]] = []
    for candidate in passages:
        quote = quote_for(candidate)
        item = {"url": candidate["url"], "quote": quote}
        if quote and item not in quotes:
            quotes.append(item)
        if len(quotes) == QUOTES_PER_CLAIM:
            break
    return quotes


def _rationale(probability: float, features: dict[str, float], asked: int) -> str:
    parts = [f"scorer probability {probability:.2f}"]
    if asked:
        parts.append(f"model {features['model_max']:.2f} on {asked} passage(s)")
    if features["offer_near"]:
        parts.append("a price beside it")
    if features["offer_page"]:
        parts.append("on a page that sells")
    if features["negative_terms"]:
        parts.append("exclusion wording nearby (weighed, not trusted)")
    return "; ".join(parts)


def _homepage_summary(state: ScreenState) -> str:
    pages = state["crawl"].ok_pages()
    if not pages or pages[0].page is None:
        return ""
    page = pages[0].page
    text = page.meta_description or " - ".join(x for x in (page.title, *page.headings[:1]) if x)
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:300].rsplit(" ", 1)[0]
