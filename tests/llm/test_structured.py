"""Tolerant JSON parsing, schema rendering and the bounded re-ask loop."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from merchant_screen.errors import LLMOutputError
from merchant_screen.llm.fake import ScriptedLLM
from merchant_screen.llm.port import LLMRequest, LLMResponse
from merchant_screen.llm.structured import (
    complete_structured,
    extract_json_object,
    json_schema_for,
    parse_structured,
)


class Quote(BaseModel):
    """A quote from a page."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="The page the quote is on.")
    title: str = Field("", max_length=80, description="A field that happens to be named title.")


class Verdict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["allowed", "prohibited", "unknown"] = Field(description="The outcome.")
    quotes: list[Quote] = Field(default_factory=list, max_length=3)
    main: Quote | None = None


class Node(BaseModel):
    children: list[Node] = []


GOOD = '{"decision": "prohibited", "quotes": [{"url": "/p", "title": "Guns"}]}'


@pytest.mark.parametrize(
    "text",
    [
        GOOD,
        f"```json\n{GOOD}\n```",
        f"Sure! Here it is:\n```\n{GOOD}\n```\nAnything else?",
        f"{GOOD} I hope this helps {{not json}}",
        f"  \n{GOOD}\n\n",
    ],
    ids=["bare", "fenced", "prose-around-fence", "trailing-text", "whitespace"],
)
def test_parse_tolerates_wrapping(text: str) -> None:
    verdict = parse_structured(text, Verdict)
    assert verdict.decision == "prohibited"
    assert verdict.quotes == [Quote(url="/p", title="Guns")]


def test_braces_inside_strings_do_not_confuse_the_scanner() -> None:
    text = '{"decision": "unknown", "main": {"url": "/a}b{c", "title": "say \\"}\\""}} tail}'
    verdict = parse_structured(text, Verdict)
    assert verdict.main == Quote(url="/a}b{c", title='say "}"')


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (None, "invalid JSON: the answer was empty"),
        ("   ", "invalid JSON: the answer was empty"),
        ("no json here", "invalid JSON: no JSON object found"),
        ('{"decision": "allowed", "quotes": [', "invalid JSON: the object is not closed"),
        ("{'decision': 'allowed'}", "invalid JSON: Expecting property name enclosed in double"),
    ],
)
def test_invalid_json_reasons(text: str | None, reason: str) -> None:
    with pytest.raises(LLMOutputError) as caught:
        extract_json_object(text)
    assert str(caught.value).startswith(reason)


def test_schema_errors_name_the_field() -> None:
    with pytest.raises(LLMOutputError) as caught:
        parse_structured('{"decision": "maybe", "extra": 1}', Verdict)
    reason = str(caught.value)
    assert reason.startswith("schema: field 'decision' input should be 'allowed'")
    assert '(got "maybe")' in reason
    assert "field 'extra' is not allowed" in reason
    assert "\n" not in reason

    with pytest.raises(LLMOutputError, match=r"schema: field 'main\.url' is required but missing"):
        parse_structured('{"decision": "allowed", "main": {}}', Verdict)


def test_json_schema_for_is_flat_and_keeps_constraints() -> None:
    schema = json_schema_for(Verdict)
    text = repr(schema)
    assert "$ref" not in text
    assert "$defs" not in schema
    assert "title" not in schema
    quote = schema["properties"]["quotes"]["items"]
    assert "title" not in quote
    assert set(quote["properties"]) == {"url", "title"}  # a field named title survives
    assert quote["properties"]["title"]["maxLength"] == 80
    assert quote["properties"]["url"]["description"] == "The page the quote is on."
    assert quote["additionalProperties"] is False
    assert schema["properties"]["quotes"]["maxItems"] == 3
    decision = schema["properties"]["decision"]
    assert decision["enum"] == ["allowed", "prohibited", "unknown"]
    assert decision["description"] == "The outcome."
    assert schema["required"] == ["decision"]
    main_options = schema["properties"]["main"]["anyOf"]
    assert main_options[0]["properties"]["url"]["type"] == "string"
    assert main_options[1] == {"type": "null"}


def test_recursive_models_cannot_be_inlined() -> None:
    with pytest.raises(ValueError, match="recursive"):
        json_schema_for(Node)


def request() -> LLMRequest:
    return LLMRequest(
        messages=[
            {"role": "system", "content": "Judge the merchant."},
            {"role": "user", "content": "Page text: guns for sale"},
        ],
        purpose="assess",
        schema_name="verdict",
    )


async def test_reask_flow_bad_json_then_schema_error_then_valid() -> None:
    llm = ScriptedLLM(
        [
            "I think it is prohibited",
            '{"decision": "banned"}',
            '```json\n{"decision": "prohibited"}\n```',
        ]
    )

    verdict, responses = await complete_structured(llm, request(), Verdict)

    assert verdict == Verdict(decision="prohibited")
    assert len(responses) == 3
    first, second, third = llm.requests
    assert first.schema == json_schema_for(Verdict)
    assert len(first.messages) == 2
    assert second.messages[2] == {"role": "assistant", "content": "I think it is prohibited"}
    reask = second.messages[3]
    assert reask["role"] == "user"
    assert "invalid JSON: no JSON object found" in reask["content"]
    assert "corrected JSON object only" in reask["content"]
    assert third.messages[4] == {"role": "assistant", "content": '{"decision": "banned"}'}
    assert "schema: field 'decision'" in third.messages[5]["content"]
    assert len(third.messages) == 6


async def test_reasks_are_bounded() -> None:
    llm = ScriptedLLM(["nope", "still nope", "never asked"])
    with pytest.raises(LLMOutputError, match=r"no valid verdict after 2 answers: invalid JSON"):
        await complete_structured(llm, request(), Verdict, reasks=1)
    assert len(llm.requests) == 2


async def test_zero_reasks_means_one_answer() -> None:
    llm = ScriptedLLM(["nope"])
    with pytest.raises(LLMOutputError, match=r"after 1 answer: "):
        await complete_structured(llm, request(), Verdict, reasks=0)


async def test_refusal_is_not_reasked() -> None:
    llm = ScriptedLLM([LLMResponse(content=None, finish_reason="refusal"), GOOD])
    with pytest.raises(LLMOutputError, match="refused"):
        await complete_structured(llm, request(), Verdict)
    assert len(llm.requests) == 1


async def test_truncated_answer_asks_for_a_shorter_one() -> None:
    cut = LLMResponse(
        content='{"decision": "prohibited", "quotes": [{"url": ', finish_reason="length"
    )
    llm = ScriptedLLM([cut, GOOD])
    verdict, _ = await complete_structured(llm, request(), Verdict)
    assert verdict.decision == "prohibited"
    assert "cut off; keep it shorter" in llm.requests[1].messages[-1]["content"]


async def test_caller_schema_is_kept() -> None:
    custom: dict[str, Any] = {"type": "object"}
    llm = ScriptedLLM([GOOD])
    base = request()
    await complete_structured(
        llm, LLMRequest(messages=base.messages, schema=custom, schema_name="verdict"), Verdict
    )
    assert llm.requests[0].schema is custom
