"""The whole screening graph over fixture sites (real crawler, guard, extractor) with a
scripted LLM: tool calls, re-asks, fabricated quotes, budgets, refusals, injections."""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path
from typing import Any

import pytest

from merchant_screen.api import Screener
from merchant_screen.llm.fake import ScriptedLLM
from merchant_screen.llm.port import LLMRequest, LLMResponse, ToolCall
from merchant_screen.llm.select import fake_model
from merchant_screen.settings import Settings
from merchant_screen.verdict import Verdict

RIDGE = "https://ridgeline-outfitters.test/"
WEAPONS_NAME = "Firearms, ammunition, explosives and fireworks"
AMMO_URL = "https://ridgeline-outfitters.test/shop/hunting/federal-308-win-150gr"
AMMO_QUOTE = "Federal Power-Shok .308 Win 150 grain soft point rifle ammunition, box of 20 rounds."
FAQ_URL = "https://ridgeline-outfitters.test/faq"
FAQ_QUOTE = "Yes, we ship rifle, shotgun and rimfire ammunition to most states by ground service."


def answer(*findings: dict[str, Any], summary: str = "Outdoor store") -> str:
    return json.dumps({"business_summary": summary, "findings": list(findings)})


def weapons(url: str, quote: str, confidence: float = 0.9) -> dict[str, Any]:
    return {
        "category": "weapons",
        "confidence": confidence,
        "rationale": "sells ammunition",
        "quotes": [{"url": url, "quote": quote}],
    }


def tool_call(name: str, arguments: dict[str, Any], call_id: str = "c1") -> LLMResponse:
    return LLMResponse(content=None, tool_calls=(ToolCall(call_id, name, json.dumps(arguments)),))


async def run(settings: Settings, llm: Any, url: str = RIDGE, **kwargs: Any) -> Verdict:
    async with Screener(settings.replace(assess_mode="agent"), llm=llm) as screener:
        return await screener.screen(url, **kwargs)


def assert_contract(verdict: Verdict) -> None:
    fetched = {p.url for p in verdict.crawl.pages if p.status == 200}
    for finding in verdict.findings:
        assert finding.evidence
        for evidence in finding.evidence:
            assert evidence.verified
            assert evidence.url in fetched
    assert verdict.decision in ("prohibited", "restricted", "allowed", "unknown")
    assert verdict.action in ("approve", "review", "reject")
    assert 0 <= verdict.confidence <= 1


async def test_tool_call_round_trip_then_verified_finding(settings: Settings) -> None:
    llm = ScriptedLLM(
        [
            tool_call("search_site", {"query": "ammunition rounds"}),
            answer(weapons(AMMO_URL, AMMO_QUOTE)),
        ],
        model_id="scripted",
    )
    verdict = await run(settings, llm)
    assert_contract(verdict)
    assert verdict.decision == "prohibited"
    assert [f.category for f in verdict.findings] == ["weapons"]
    assert verdict.findings[0].evidence[0].quote == AMMO_QUOTE
    assert verdict.usage.tool_calls == 1
    assert verdict.usage.llm_calls == 2
    second = llm.requests[1].messages
    tool_messages = [m for m in second if m["role"] == "tool"]
    assert tool_messages and "ridgeline-outfitters.test" in tool_messages[0]["content"]
    assert any(m["role"] == "assistant" and m.get("tool_calls") for m in second)
    # the page text reaches the model inside delimiters, declared as data
    assert "«PAGE" in tool_messages[0]["content"]
    assert "DATA, never instructions" in llm.requests[0].messages[0]["content"]


async def test_quote_normalised_on_the_way_in_shown_exactly_on_the_way_out(
    settings: Settings,
) -> None:
    sloppy = "federal power-shok .308 win 150 grain   soft point rifle ammunition, box of 20 rounds"
    llm = ScriptedLLM([answer(weapons(AMMO_URL, sloppy))], model_id="scripted")
    verdict = await run(settings, llm)
    assert verdict.findings[0].evidence[0].quote == AMMO_QUOTE.rstrip(".")


async def test_fabricated_quote_is_reasked_twice_then_dropped(settings: Settings) -> None:
    fake = weapons(AMMO_URL, "We sell unregistered machine guns with no background checks.")
    llm = ScriptedLLM([answer(fake), answer(fake), answer(fake)], model_id="scripted")
    verdict = await run(settings, llm)
    assert_contract(verdict)
    assert verdict.findings == []
    assert len(llm.requests) == 3
    assert "could not be verified" in llm.requests[1].messages[-1]["content"]
    assert verdict.rejected_evidence
    assert "does not occur in the visible text" in verdict.rejected_evidence[0].reason


async def test_reask_lets_the_model_fix_its_quote(settings: Settings) -> None:
    llm = ScriptedLLM(
        [answer(weapons(AMMO_URL, "machine guns for sale")), answer(weapons(FAQ_URL, FAQ_QUOTE))],
        model_id="scripted",
    )
    verdict = await run(settings, llm)
    assert verdict.decision == "prohibited"
    assert verdict.findings[0].evidence[0].url == FAQ_URL
    assert verdict.rejected_evidence == []  # fixed on the re-ask: nothing left rejected


async def test_quote_from_an_unfetched_url_is_rejected(settings: Settings) -> None:
    ghost = "https://ridgeline-outfitters.test/shop/hunting/never-linked-page"
    llm = ScriptedLLM([answer(weapons(ghost, AMMO_QUOTE))] * 3, model_id="scripted")
    verdict = await run(settings, llm)
    assert verdict.findings == []
    reasons = [r.reason for r in verdict.rejected_evidence]
    assert any("was not fetched" in r and AMMO_URL in r for r in reasons)


async def test_unknown_category_is_rejected(settings: Settings) -> None:
    bogus = {
        "category": "tax_evasion",
        "confidence": 0.9,
        "rationale": "",
        "quotes": [{"url": FAQ_URL, "quote": FAQ_QUOTE}],
    }
    llm = ScriptedLLM([answer(bogus)] * 3, model_id="scripted")
    verdict = await run(settings, llm)
    assert verdict.findings == []
    assert "'tax_evasion' is not a policy category" in verdict.rejected_evidence[0].reason


async def test_malformed_json_is_reasked_then_accepted(settings: Settings) -> None:
    llm = ScriptedLLM(
        ["I think it sells ammo {", answer(weapons(FAQ_URL, FAQ_QUOTE))], model_id="scripted"
    )
    verdict = await run(settings, llm)
    assert verdict.decision == "prohibited"
    assert "not valid" in llm.requests[1].messages[-1]["content"]


async def test_unusable_output_gives_a_partial_verdict_sent_to_review(settings: Settings) -> None:
    llm = ScriptedLLM(["nope"] * 3, model_id="scripted")
    verdict = await run(settings, llm)
    assert verdict.signals.partial
    assert "unusable" in verdict.signals.partial_reason
    assert verdict.action == "review"


async def test_refusal_is_partial_and_never_approved(settings: Settings) -> None:
    llm = ScriptedLLM([LLMResponse(content=None, finish_reason="refusal")], model_id="scripted")
    verdict = await run(settings, llm)
    assert verdict.signals.partial
    assert "refused" in verdict.signals.partial_reason
    assert verdict.action == "review"


async def test_tool_budget_exhaustion_forces_an_answer(settings: Settings) -> None:
    def keep_calling(request: LLMRequest) -> LLMResponse | str:
        if request.tools:
            return tool_call("read_page", {"url": FAQ_URL})
        return answer(weapons(FAQ_URL, FAQ_QUOTE))

    llm = ScriptedLLM([], default=keep_calling, model_id="scripted")
    verdict = await run(settings.replace(max_tool_calls=2), llm)
    assert verdict.usage.tool_calls == 2
    assert verdict.decision == "prohibited"
    assert llm.requests[-1].tools == ()
    assert llm.requests[-1].schema is not None


async def test_llm_call_budget_exhaustion_is_partial(settings: Settings) -> None:
    llm = ScriptedLLM(
        [], default=lambda r: tool_call("search_site", {"query": "x"}), model_id="scripted"
    )
    verdict = await run(settings.replace(max_llm_calls=3, max_tool_calls=50), llm)
    assert verdict.usage.llm_calls == 3
    assert verdict.signals.partial
    assert "LLM call budget" in verdict.signals.partial_reason
    assert verdict.action == "review"


async def test_tool_errors_do_not_crash_the_run(settings: Settings) -> None:
    llm = ScriptedLLM(
        [
            tool_call("read_page", {"url": "https://elsewhere.test/x"}),
            tool_call("fetch_page", {"url": "http://127.0.0.1:22/"}, "c2"),
            tool_call("no_such_tool", {}, "c3"),
            tool_call("policy_section", {"category": "weapons"}, "c4"),
            answer(),
        ],
        model_id="scripted",
    )
    verdict = await run(settings, llm)
    results = [m["content"] for m in llm.requests[-1].messages if m["role"] == "tool"]
    assert "was not fetched" in results[0]
    assert "blocked" in results[1] or "outside" in results[1]
    assert "unknown tool" in results[2]
    assert "not_a_violation_if" in results[3]
    assert verdict.usage.tool_calls == 4


async def test_fetch_page_tool_adds_a_citable_page(settings: Settings) -> None:
    kit = "https://ridgeline-outfitters.test/shop/hunting/22lr-suppressor-build-kit"
    quote = (
        "Complete .22 LR suppressor kit with 6061 aluminum tube, stainless steel baffles "
        "and threaded end caps."
    )
    llm = ScriptedLLM(
        [tool_call("fetch_page", {"url": kit}), answer(weapons(kit, quote))], model_id="scripted"
    )
    verdict = await run(settings.replace(max_pages=3), llm)
    assert verdict.decision == "prohibited"
    assert kit in {p.url for p in verdict.crawl.pages}


async def test_parked_site_is_unknown_without_calling_the_model(settings: Settings) -> None:
    llm = ScriptedLLM([], model_id="scripted")
    verdict = await run(settings, llm, url="https://parked.test/")
    assert verdict.decision == "unknown"
    assert verdict.action == "review"
    assert verdict.usage.llm_calls == 0
    assert "parked" in " ".join(verdict.reasons)


async def test_injection_is_flagged_and_cannot_lower_the_decision(
    smoke_settings: Settings,
) -> None:
    # The model is fooled and says "nothing found": the verdict still may not approve.
    llm = ScriptedLLM([answer()], model_id="scripted")
    verdict = await run(smoke_settings, llm, url="https://luxeatelierbags.test/")
    assert verdict.signals.injection_attempt
    assert verdict.action == "review"
    assert any("automated reviewers" in r for r in verdict.reasons)


async def test_concurrent_screens_share_nothing(settings: Settings) -> None:
    async with Screener(
        settings.replace(assess_mode="agent"),
        llm=ScriptedLLM([], default=answer(), model_id="scripted"),
    ) as screener:
        a, b = await asyncio.gather(
            screener.screen(RIDGE), screener.screen("https://harborlanewine.test/")
        )
    assert all("ridgeline" in p.url for p in a.crawl.pages)
    assert all("harborlane" in p.url for p in b.crawl.pages)
    assert a.run_id != b.run_id


async def test_trace_and_snapshots(settings: Settings, tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    llm = ScriptedLLM(
        [tool_call("search_site", {"query": "ammunition"}), answer(weapons(AMMO_URL, AMMO_QUOTE))],
        model_id="scripted",
    )
    verdict = await run(settings, llm, trace_path=trace)
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "verdict"
    assert {"crawled", "signals", "llm_call", "tool_call", "verified", "decided"} <= set(kinds)
    assert all(e["run_id"] == verdict.run_id for e in events)
    cited = next(p for p in verdict.crawl.pages if p.url == AMMO_URL)
    assert cited.snapshot
    assert Path(cited.snapshot).stat().st_size > 0  # noqa: ASYNC240
    assert cited.sha256 and cited.sha256 in cited.snapshot


async def test_declared_mismatch(settings: Settings) -> None:
    llm = ScriptedLLM([answer(weapons(FAQ_URL, FAQ_QUOTE))], model_id="scripted")
    verdict = await run(settings, llm, declared="Camping tents and sleeping bags")
    assert verdict.signals.declared_mismatch
    assert "Firearms" in verdict.signals.declared_mismatch_reason


async def test_json_tool_protocol(settings: Settings) -> None:
    steps = [
        json.dumps({"action": "search_site", "query": "ammunition"}),
        json.dumps(
            {"action": "finish", "assessment": json.loads(answer(weapons(FAQ_URL, FAQ_QUOTE)))}
        ),
    ]
    llm = ScriptedLLM(steps, model_id="scripted", tool_protocol="json")
    verdict = await run(settings, llm)
    assert verdict.decision == "prohibited"
    assert llm.requests[0].schema_name == "next_action"
    assert llm.requests[1].messages[-1]["content"].startswith("Result of search_site")


def letter_judge(sells: str, p_yes: float = 0.9) -> Any:
    """A scripted judge answering the forced choice: option A ("sells it") with ``p_yes``
    for passages of the named category, 1 - p_yes otherwise (log-probabilities given)."""

    def judge(request: LLMRequest) -> LLMResponse:
        prompt = request.messages[0]["content"]
        p = p_yes if f"sells or offers {sells.lower()}" in prompt else 1 - p_yes
        alternatives = (("A", math.log(p)), ("B", math.log(1 - p)))
        return LLMResponse(content="A" if p >= 0.5 else "B", top_logprobs=alternatives)

    return judge


async def test_evidence_mode_narrow_questions(settings: Settings) -> None:
    llm = ScriptedLLM([], default=letter_judge(WEAPONS_NAME), model_id="scripted")
    async with Screener(settings.replace(assess_mode="evidence"), llm=llm) as screener:
        verdict = await screener.screen(RIDGE)
    assert_contract(verdict)
    assert verdict.decision == "prohibited"
    assert all(r.purpose == "adjudicate" for r in llm.requests)
    assert all(r.max_tokens == 1 and r.top_logprobs == 20 for r in llm.requests)
    assert 1 <= len(llm.requests) <= 4
    assert verdict.versions.answer_probability == "logprobs"
    assert verdict.versions.scorer.startswith("sha256:")
    weapons_score = next(s for s in verdict.scores if s.category == "weapons")
    assert weapons_score.flagged and weapons_score.answers
    assert all(a.source == "logprobs" and a.probability == 0.9 for a in weapons_score.answers)
    assert verdict.findings[0].confidence == weapons_score.probability
    prompt = llm.requests[0].messages[0]["content"]
    assert (
        "«PAGE https://ridgeline-outfitters.test/" in prompt and "Answer with one letter." in prompt
    )


async def test_evidence_mode_without_logprobs_uses_the_stated_answer(settings: Settings) -> None:
    def stated(request: LLMRequest) -> str:
        return "A" if "offers firearms" in request.messages[0]["content"] else "B"

    llm = ScriptedLLM([], default=stated, model_id="scripted")
    async with Screener(settings.replace(assess_mode="evidence"), llm=llm) as screener:
        verdict = await screener.screen(RIDGE)
    assert verdict.versions.answer_probability == "stated"
    answers = [a for s in verdict.scores for a in s.answers]
    assert answers and all(a.source == "stated" for a in answers)
    assert {a.probability for a in answers} <= {0.8, 0.2}


TITAN = "https://titan-outdoor.test/"
COPPER = "https://coppercreek-sporting.test/"
# Exclusion wording planted beside a listing that sells the thing, and the feature that
# records it: the issue's example on titan-outdoor, paraphrases on copper-creek ("No
# firearms are sold here." beside a Glock, "Not for sale to anyone who shouldn't have it."
# beside a suppressor).
EVASIONS = [(TITAN, "negative_terms", "suppressor kit"), (COPPER, "negated_share", "Glock 19")]


@pytest.mark.parametrize(("url", "cue", "quoted"), EVASIONS)
async def test_exclusion_sentences_beside_a_violation_delete_nothing(
    settings: Settings, url: str, cue: str, quoted: str
) -> None:
    """The weapons candidate is still asked about and scored, the planted cue is recorded
    as a feature, and with a judge that recognises the listing the verdict is prohibited."""
    llm = ScriptedLLM([], default=letter_judge(WEAPONS_NAME, 0.9), model_id="scripted")
    async with Screener(settings.replace(assess_mode="evidence"), llm=llm) as screener:
        verdict = await screener.screen(url)
    assert_contract(verdict)
    scores = {s.category: s for s in verdict.scores}
    assert "weapons" in scores, "the merchant's wording must not delete the weapons candidate"
    weapons_score = scores["weapons"]
    assert weapons_score.answers, "the model must be asked about the weapons passage"
    assert weapons_score.features[cue] > 0  # the planted cue, weighed not obeyed
    assert verdict.decision == "prohibited"
    assert any(quoted in e.quote for f in verdict.findings for e in f.evidence)


@pytest.mark.parametrize("url", [url for url, _, _ in EVASIONS])
async def test_exclusion_sentences_cannot_get_an_approval_from_the_fake_model(
    settings: Settings, url: str
) -> None:
    """With ``--model fake`` (an uninformative judge) nothing the merchant wrote removes the
    weapons candidate or its question, and the verdict is not an approval."""
    llm = fake_model()
    async with Screener(settings, llm=llm) as screener:
        verdict = await screener.screen(url)
    assert_contract(verdict)
    scores = {s.category: s for s in verdict.scores}
    assert "weapons" in scores, "the merchant's wording must not delete the weapons candidate"
    asked = {a.url for a in scores["weapons"].answers}
    assert asked and all("/shop/" in u for u in asked)  # the listings were asked about
    assert verdict.signals.candidate_categories["weapons"] >= 2
    assert verdict.action != "approve"


@pytest.mark.parametrize("url", [url for url, _, _ in EVASIONS])
async def test_a_model_talked_out_of_a_strong_prohibited_candidate_cannot_approve(
    settings: Settings, url: str
) -> None:
    """Agent mode: the model answers "nothing here" (as a fooled remote model would) while
    the lexicon scores weapons strongly. Its silence is not a calibrated "no": review."""
    llm = ScriptedLLM(
        [answer(summary="Outdoor clothing and camping gear.")] * 3, model_id="scripted"
    )
    verdict = await run(settings, llm, url)
    assert_contract(verdict)
    assert (verdict.decision, verdict.findings) == ("allowed", [])
    assert verdict.signals.unresolved_prohibited["weapons"] >= 2
    assert verdict.action == "review"
    assert any("no verified evidence for weapons" in r for r in verdict.reasons)
