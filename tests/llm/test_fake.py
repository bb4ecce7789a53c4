"""The scripted and rule-based fakes behind the LLM port."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from merchant_screen.errors import LLMOutputError, LLMUnavailableError
from merchant_screen.llm.fake import (
    RuleBasedFake,
    ScriptedLLM,
    estimate_tokens,
    minimal_instance,
    request_text,
)
from merchant_screen.llm.port import LLMClient, LLMRequest, LLMResponse, TokenUsage, ToolCall
from merchant_screen.llm.structured import json_schema_for


def request(text: str = "hello there", **options: Any) -> LLMRequest:
    return LLMRequest(messages=[{"role": "user", "content": text}], **options)


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["allowed", "restricted", "prohibited", "unknown"]
    confidence: float = Field(ge=0.2, le=1)
    summary: str = Field(min_length=3, max_length=40)


async def test_script_steps_of_every_kind() -> None:
    tool_answer = LLMResponse(content=None, tool_calls=(ToolCall("c1", "lookup", "{}"),))
    llm = ScriptedLLM(
        [
            "plain text",
            {"decision": "allowed"},
            Answer(decision="unknown", confidence=0.5, summary="abc"),
            tool_answer,
            lambda req: f"echo: {req.messages[-1]['content']}",
        ]
    )
    assert isinstance(llm, LLMClient)

    answers = [await llm.complete(request(f"q{i}")) for i in range(5)]

    assert answers[0].content == "plain text"
    assert answers[0].finish_reason == "stop"
    assert answers[1].content == '{"decision": "allowed"}'
    assert answers[2].content == '{"decision":"unknown","confidence":0.5,"summary":"abc"}'
    assert answers[3].tool_calls == tool_answer.tool_calls
    assert answers[3].finish_reason == "tool_calls"
    assert answers[4].content == "echo: q4"
    assert all(answer.model == "fake" for answer in answers)
    assert [r.messages[0]["content"] for r in llm.requests] == ["q0", "q1", "q2", "q3", "q4"]
    assert llm.remaining == 0


async def test_exceptions_in_the_script_are_raised() -> None:
    llm = ScriptedLLM([LLMUnavailableError("down"), TimeoutError, "after"])
    with pytest.raises(LLMUnavailableError, match="down"):
        await llm.complete(request())
    with pytest.raises(TimeoutError):
        await llm.complete(request())
    assert (await llm.complete(request())).content == "after"
    assert len(llm.requests) == 3


async def test_running_past_the_end() -> None:
    llm = ScriptedLLM(["only"])
    await llm.complete(request())
    with pytest.raises(LLMOutputError, match="script exhausted"):
        await llm.complete(request())


@pytest.mark.parametrize("default", ["same", lambda req: "same"])
async def test_default_answers_when_the_script_runs_out(default: Any) -> None:
    llm = ScriptedLLM(["first"], default=default)
    contents = [(await llm.complete(request())).content for _ in range(3)]
    assert contents == ["first", "same", "same"]


async def test_callable_returning_a_callable_is_a_mistake() -> None:
    def nested(req: LLMRequest) -> Any:
        return lambda again: "x"

    llm = ScriptedLLM([nested])
    with pytest.raises(TypeError, match="must return an answer"):
        await llm.complete(request())


async def test_usage_is_estimated_from_text_length() -> None:
    llm = ScriptedLLM(["x" * 40, LLMResponse(content="y", usage=TokenUsage(7, 8, 9))])
    prompt = request("a" * 100)
    estimated = await llm.complete(prompt)
    assert estimated.usage == TokenUsage(input_tokens=25, output_tokens=10)
    assert estimate_tokens(request_text(prompt)) == 25
    explicit = await llm.complete(prompt)
    assert explicit.usage == TokenUsage(7, 8, 9)


def test_request_text_includes_tool_traffic() -> None:
    call = {"id": "c", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}
    req = LLMRequest(
        messages=[
            {"role": "system", "content": "sys"},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c", "content": "result"},
        ]
    )
    text = request_text(req)
    assert text.startswith("sys\n")
    assert '"lookup"' in text
    assert text.endswith("result")


async def test_protocol_and_identity() -> None:
    llm = ScriptedLLM([], model_id="scripted-1", tool_protocol="json")
    assert (llm.model_id, llm.tool_protocol, llm.is_local) == ("scripted-1", "json", False)
    await llm.aclose()
    assert llm.closed


async def test_rule_based_fake_prefers_rules() -> None:
    def allowed_rule(req: LLMRequest) -> Any:
        if "shoes" in req.messages[-1]["content"]:
            return {"decision": "allowed", "confidence": 0.9, "summary": "shoe shop"}
        return None

    fake = RuleBasedFake([allowed_rule])
    schema = json_schema_for(Answer)
    shoes = await fake.complete(request("we sell shoes", schema=schema))
    other = await fake.complete(request("we sell things", schema=schema))

    assert Answer.model_validate_json(shoes.content or "").summary == "shoe shop"
    fallback = Answer.model_validate_json(other.content or "")
    assert fallback.decision == "allowed"  # first enum value
    assert fallback.confidence == 0.2
    assert fallback.summary == "xxx"
    assert len(fake.requests) == 2
    assert isinstance(fake, LLMClient)


async def test_rule_based_fake_without_schema_answers_text() -> None:
    response = await RuleBasedFake().complete(request())
    assert response.content
    assert response.usage.input_tokens == len("hello there") // 4


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    quote: str = Field(min_length=1, max_length=300)


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Literal["weapons", "gambling"]
    tier: Literal["prohibited", "restricted"] = "prohibited"
    evidence: list[Evidence] = Field(min_length=1, max_length=3)
    pages: int = Field(gt=0, lt=10)
    score: float = Field(gt=0.5, lt=0.6)
    note: str | None
    seen: datetime
    flag: bool


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid")

    findings: list[Finding] = Field(min_length=2)
    main: Finding
    negative: int = Field(le=-3)
    optional: str = "kept default"


@pytest.mark.parametrize("model", [Answer, Evidence, Finding, Report])
def test_minimal_instance_is_valid_for_any_model(model: type[BaseModel]) -> None:
    value = minimal_instance(json_schema_for(model))
    model.model_validate(value)


def test_minimal_instance_also_follows_raw_refs_free_schemas() -> None:
    schema = {
        "type": "object",
        "required": ["kind", "tags", "count", "either"],
        "properties": {
            "kind": {"const": "verdict"},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
            "count": {"type": ["integer", "null"]},
            "either": {"oneOf": [{"type": "number", "minimum": 3}, {"type": "string"}]},
            "skipped": {"type": "string"},
        },
    }
    assert minimal_instance(schema) == {
        "kind": "verdict",
        "tags": ["", ""],
        "count": None,
        "either": 3,
    }
