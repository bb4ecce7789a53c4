"""CachingLLM: hits, misses, what goes into the key, and what is never stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from merchant_screen.errors import LLMUnavailableError
from merchant_screen.llm.fake import ScriptedLLM
from merchant_screen.llm.port import (
    LLMRequest,
    LLMResponse,
    TokenUsage,
    ToolCall,
    ToolProtocol,
    ToolSpec,
)
from merchant_screen.llm.response_cache import CachingLLM, response_key
from merchant_screen.tools.cache import JsonBlobCache

SALT = "prompt:abc123|policy:v7"
TOOL = ToolSpec("lookup", "Look something up.", {"type": "object", "properties": {}})


def request(text: str = "Is this shop allowed?", **options: Any) -> LLMRequest:
    return LLMRequest(messages=[{"role": "user", "content": text}], **options)


def caching(inner: ScriptedLLM, directory: Path, salt: str = SALT) -> CachingLLM:
    return CachingLLM(inner, directory, ttl=3600, size_limit=10_000_000, salt=salt)


async def test_miss_then_hit_keeps_original_usage(tmp_path: Path) -> None:
    answer = LLMResponse(
        content='{"decision": "allowed"}',
        usage=TokenUsage(1200, 40, 300),
        model="gpt-x-2025",
        finish_reason="stop",
        seconds=2.5,
    )
    inner = ScriptedLLM([answer])
    llm = caching(inner, tmp_path)

    first = await llm.complete(request())
    second = await llm.complete(request(purpose="another-purpose"))

    assert first == answer
    assert second.cached is True
    assert second.seconds == 0.0
    assert second.usage == TokenUsage(1200, 40, 300)
    assert (second.content, second.model, second.finish_reason) == (
        answer.content,
        "gpt-x-2025",
        "stop",
    )
    assert len(inner.requests) == 1
    assert (llm.hits, llm.misses) == (1, 1)
    await llm.aclose()


async def test_tool_calls_round_trip_through_the_cache(tmp_path: Path) -> None:
    answer = LLMResponse(content=None, tool_calls=(ToolCall("c9", "lookup", '{"q": "x"}'),))
    llm = caching(ScriptedLLM([answer]), tmp_path)
    await llm.complete(request(tools=(TOOL,)))
    hit = await llm.complete(request(tools=(TOOL,)))
    assert hit.cached
    assert hit.tool_calls == answer.tool_calls
    await llm.aclose()


async def test_entries_survive_a_new_instance(tmp_path: Path) -> None:
    first = caching(ScriptedLLM(["stored"]), tmp_path)
    await first.complete(request())
    await first.aclose()

    inner = ScriptedLLM([])
    second = caching(inner, tmp_path)
    hit = await second.complete(request())
    assert hit.content == "stored"
    assert hit.cached
    assert inner.requests == []
    await second.aclose()


@pytest.mark.parametrize(
    "change",
    ["salt", "model", "messages", "max_tokens", "tools", "schema", "protocol"],
)
async def test_anything_that_changes_the_answer_misses(tmp_path: Path, change: str) -> None:
    base = request()
    llm = caching(ScriptedLLM(["first"]), tmp_path)
    await llm.complete(base)
    await llm.aclose()

    model_id = "other-model" if change == "model" else "fake"
    protocol: ToolProtocol = "json" if change == "protocol" else "native"
    inner = ScriptedLLM(["second"], model_id=model_id, tool_protocol=protocol)
    changed = caching(inner, tmp_path, salt="prompt:def456|policy:v7" if change == "salt" else SALT)
    variants = {
        "messages": request("Is this other shop allowed?"),
        "max_tokens": request(max_tokens=801),
        "tools": request(tools=(TOOL,)),
        "schema": request(schema={"type": "object"}),
    }
    response = await changed.complete(variants.get(change, base))

    assert response.content == "second"
    assert not response.cached
    assert len(inner.requests) == 1
    await changed.aclose()


def test_key_ignores_purpose_only() -> None:
    base = request()
    assert response_key("m", SALT, "native", base) == response_key(
        "m", SALT, "native", request(purpose="summarise")
    )
    assert response_key("m", SALT, "native", base) != response_key("m", SALT + "x", "native", base)


@pytest.mark.parametrize(
    "unstored",
    [
        LLMResponse(content=None, finish_reason="refusal"),
        LLMResponse(content="partial", finish_reason="content_filter"),
        LLMResponse(content=None),
    ],
    ids=["refusal", "content-filter", "empty"],
)
async def test_refusals_and_empty_answers_are_not_stored(
    tmp_path: Path, unstored: LLMResponse
) -> None:
    inner = ScriptedLLM([unstored, "real answer"])
    llm = caching(inner, tmp_path)
    await llm.complete(request())
    again = await llm.complete(request())
    assert again.content == "real answer"
    assert not again.cached
    assert len(inner.requests) == 2
    await llm.aclose()


async def test_errors_are_not_stored(tmp_path: Path) -> None:
    inner = ScriptedLLM([LLMUnavailableError("down"), "recovered"])
    llm = caching(inner, tmp_path)
    with pytest.raises(LLMUnavailableError):
        await llm.complete(request())
    assert (await llm.complete(request())).content == "recovered"
    await llm.aclose()


async def test_entries_are_json_and_foreign_entries_are_ignored(tmp_path: Path) -> None:
    inner = ScriptedLLM(["fresh", "fresh again"])
    llm = caching(inner, tmp_path)
    await llm.complete(request())
    await llm.aclose()

    key = response_key("fake", SALT, "native", request())
    store = JsonBlobCache(tmp_path, size_limit=10_000_000, ttl=None)
    entry = store.get(key)
    assert entry is not None
    meta, _ = entry
    assert json.loads(json.dumps(meta)) == meta
    assert meta["content"] == "fresh"
    store.set(key, {"format": 999, "content": "from another version"})
    store.close()

    reopened = caching(inner, tmp_path)
    response = await reopened.complete(request())
    assert response.content == "fresh again"
    assert not response.cached
    await reopened.aclose()


async def test_delegates_identity_and_closes_inner(tmp_path: Path) -> None:
    inner = ScriptedLLM([], model_id="m-1", tool_protocol="json")
    llm = caching(inner, tmp_path)
    assert (llm.model_id, llm.tool_protocol, llm.is_local) == ("m-1", "json", False)
    await llm.aclose()
    assert inner.closed
