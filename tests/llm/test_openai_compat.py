"""Contract tests: the real openai SDK over real HTTP against the loopback fake server."""

from __future__ import annotations

import asyncio
import json
import socket
import time
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx2
import openai
import pytest

from merchant_screen.errors import LLMUnavailableError
from merchant_screen.llm.openai_compat import OpenAICompatClient, ToolsUnsupportedError
from merchant_screen.llm.port import LLMClient, LLMRequest, TokenUsage, ToolCall, ToolSpec
from merchant_screen.llm.retry import (
    RetryPolicy,
    backoff_seconds,
    describe_error,
    is_transient,
    retry_after_seconds,
)
from tests.conftest import RealNetworkError
from tests.fakes.openai_server import (
    FakeOpenAIServer,
    Reply,
    chat,
    error,
    json_answer,
    quota_exhausted,
    rate_limited,
    refusal,
    schema_rejected,
    server_error,
    slow,
    tool_calls,
    tools_rejected,
)

MODEL = "tiny-model"
SCHEMA = {
    "type": "object",
    "properties": {"decision": {"type": "string", "enum": ["allowed", "prohibited"]}},
    "required": ["decision"],
}
LOOKUP = ToolSpec(
    name="fetch_page",
    description="Fetch a page of the merchant's site.",
    parameters={"type": "object", "properties": {"url": {"type": "string"}}, "required": ["url"]},
)


class SleepRecorder:
    """Stands in for asyncio.sleep: remembers the waits, never waits."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


MakeClient = Callable[..., OpenAICompatClient]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as running:
        yield running


@pytest.fixture
def recorder() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
async def make_client(
    server: FakeOpenAIServer, recorder: SleepRecorder
) -> AsyncIterator[MakeClient]:
    made: list[OpenAICompatClient] = []

    def make(**overrides: Any) -> OpenAICompatClient:
        options: dict[str, Any] = {
            "base_url": server.base_url,
            "api_key": "sk-test",
            "timeout": 5.0,
            "max_retries": 2,
            "retry_wait_scale": 0.0,
            "sleep": recorder,
        }
        options.update(overrides)
        client = OpenAICompatClient(MODEL, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


def ask(text: str = "Is this allowed?", **options: Any) -> LLMRequest:
    messages = [{"role": "system", "content": "You screen merchants."}]
    return LLMRequest(messages=[*messages, {"role": "user", "content": text}], **options)


async def test_plain_answer_with_explicit_settings_and_usage(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.enqueue(chat("hello", prompt_tokens=120, completion_tokens=7, cached_tokens=64))
    client = make_client()
    assert isinstance(client, LLMClient)

    response = await client.complete(ask(max_tokens=321))

    assert response.content == "hello"
    assert response.usage == TokenUsage(input_tokens=120, output_tokens=7, cached_tokens=64)
    assert response.model == "fake-model"
    assert response.finish_reason == "stop"
    assert response.seconds > 0
    assert not response.cached
    (body,) = server.requests
    assert body["model"] == MODEL
    assert body["temperature"] == 0
    assert body["max_tokens"] == 321
    assert "tools" not in body
    assert "response_format" not in body
    assert server.received[0].headers["authorization"] == "Bearer sk-test"


async def test_usage_without_details_has_zero_cached_tokens(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.enqueue(chat("x", prompt_tokens=9, completion_tokens=2))
    response = await make_client().complete(ask())
    assert response.usage == TokenUsage(9, 2, 0)


async def test_tool_call_round_trip(server: FakeOpenAIServer, make_client: MakeClient) -> None:
    server.enqueue(tool_calls(("fetch_page", {"url": "/about"})), chat("it sells shoes"))
    client = make_client(tool_protocol="native")
    first = ask(tools=(LOOKUP,))

    response = await client.complete(first)

    assert response.tool_calls == (ToolCall("call_0", "fetch_page", '{"url": "/about"}'),)
    assert response.content is None
    assert response.finish_reason == "tool_calls"
    assert server.requests[0]["tools"] == [LOOKUP.openai()]

    call = response.tool_calls[0]
    assistant = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
        ],
    }
    result = {"role": "tool", "tool_call_id": call.id, "content": "About us: we sell shoes."}
    second = ask(tools=(LOOKUP,))
    second = LLMRequest(messages=[*first.messages, assistant, result], tools=(LOOKUP,))
    answer = await client.complete(second)

    assert answer.content == "it sells shoes"
    sent = server.requests[1]["messages"]
    assert sent[-1] == result
    assert sent[-2]["tool_calls"][0]["id"] == "call_0"


@pytest.mark.parametrize(
    ("reply", "max_wait", "expected"),
    [
        (rate_limited(retry_after=2), 30.0, 2.0),
        (rate_limited(retry_after=None, retry_after_ms=1500), 30.0, 1.5),
        (rate_limited(retry_after=3600), 5.0, 5.0),
    ],
    ids=["retry-after", "retry-after-ms", "capped"],
)
async def test_rate_limit_waits_as_the_server_asks(
    server: FakeOpenAIServer,
    make_client: MakeClient,
    recorder: SleepRecorder,
    reply: Any,
    max_wait: float,
    expected: float,
) -> None:
    server.enqueue(reply, chat("after the wait"))
    client = make_client(retry_wait_scale=1.0, retry_max_wait=max_wait)

    response = await client.complete(ask())

    assert response.content == "after the wait"
    assert recorder.waits == [expected]
    assert len(server.requests) == 2


async def test_wait_scale_zero_means_no_waiting(
    server: FakeOpenAIServer, make_client: MakeClient, recorder: SleepRecorder
) -> None:
    server.enqueue(rate_limited(retry_after=60), server_error(), chat("ok"))
    response = await make_client(retry_wait_scale=0.0).complete(ask())
    assert response.content == "ok"
    assert recorder.waits == [0.0, 0.0]


async def test_insufficient_quota_is_not_retried(
    server: FakeOpenAIServer, make_client: MakeClient, recorder: SleepRecorder
) -> None:
    server.enqueue(quota_exhausted(), chat("never sent"))
    with pytest.raises(LLMUnavailableError, match="quota exhausted"):
        await make_client().complete(ask())
    assert len(server.requests) == 1
    assert recorder.waits == []


async def test_server_error_then_success(server: FakeOpenAIServer, make_client: MakeClient) -> None:
    server.enqueue(server_error(), chat("recovered"))
    response = await make_client().complete(ask())
    assert response.content == "recovered"
    assert len(server.requests) == 2


async def test_server_errors_until_attempts_run_out(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.enqueue(server_error(503, "overloaded"), server_error(503, "overloaded"))
    client = make_client(max_retries=1)
    with pytest.raises(LLMUnavailableError) as caught:
        await client.complete(ask())
    assert str(caught.value) == f"{server.base_url} failed after 2 attempts: HTTP 503: overloaded"
    assert len(server.requests) == 2


async def test_timeout_is_retried_then_reported(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.enqueue(slow(2.0), slow(2.0), chat("too late"))
    client = make_client(timeout=0.5, max_retries=1)
    started = time.perf_counter()
    with pytest.raises(LLMUnavailableError, match=r"failed after 2 attempts: request timed out"):
        await client.complete(ask())
    elapsed = time.perf_counter() - started
    assert len(server.requests) == 2
    assert 0.9 < elapsed < 1.9  # two 0.5 s timeouts, never the server's 2 s


async def test_connection_refused_is_reported_after_retries(make_client: MakeClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(base_url=f"http://127.0.0.1:{port}/v1", max_retries=1)
    with pytest.raises(LLMUnavailableError, match=r"failed after 2 attempts: connection error"):
        await client.complete(ask())


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            error(401, "Incorrect API key provided", code="invalid_api_key"),
            "API key rejected by {}",
        ),
        (
            error(404, "The model does not exist", code="model_not_found"),
            "model '{}' not found at {}",
        ),
        (
            error(403, "Country not supported"),
            "access denied by {}: HTTP 403: Country not supported",
        ),
        (error(400, "messages is empty"), "{} rejected the request: HTTP 400: messages is empty"),
    ],
    ids=["401", "404", "403", "400"],
)
async def test_client_errors_are_one_line_and_not_retried(
    server: FakeOpenAIServer, make_client: MakeClient, reply: Any, message: str
) -> None:
    server.enqueue(reply)
    with pytest.raises(LLMUnavailableError) as caught:
        await make_client().complete(ask())
    expected = (
        message.format(MODEL, server.base_url)
        if message.startswith("model")
        else message.format(server.base_url)
    )
    assert str(caught.value) == expected
    assert len(server.requests) == 1


@pytest.mark.parametrize("status", [400, 422, 500])
async def test_json_schema_rejected_falls_back_to_json_object(
    server: FakeOpenAIServer, make_client: MakeClient, status: int
) -> None:
    server.enqueue(schema_rejected(status), json_answer({"decision": "allowed"}))
    client = make_client()
    request = ask(schema=SCHEMA, schema_name="verdict")

    response = await client.complete(request)

    assert json.loads(response.content or "") == {"decision": "allowed"}
    first, second = server.requests
    assert first["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "verdict", "schema": SCHEMA, "strict": False},
    }
    assert second["response_format"] == {"type": "json_object"}
    system = second["messages"][0]
    assert system["role"] == "system"
    assert system["content"].startswith("You screen merchants.")
    assert json.dumps(SCHEMA, separators=(",", ":")) in system["content"]
    assert client.schema_mode == "json_object"

    server.enqueue(json_answer({"decision": "prohibited"}))
    await client.complete(request)
    assert server.requests[2]["response_format"] == {"type": "json_object"}
    assert len(server.requests) == 3


async def test_json_object_rejected_too_puts_schema_in_prompt_only(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    rejected = error(400, "response_format is not supported by this server")
    server.enqueue(rejected, rejected, json_answer({"decision": "allowed"}))
    client = make_client()
    response = await client.complete(ask(schema=SCHEMA))
    assert response.content is not None
    third = server.requests[2]
    assert "response_format" not in third
    assert "JSON schema" in third["messages"][0]["content"]
    assert client.schema_mode == "prompt"


async def test_native_tools_rejected_switches_to_json_protocol(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.enqueue(tools_rejected(), chat("planned without tools"))
    client = make_client(tool_protocol="auto", is_local=False)
    before = client.tool_protocol
    assert before == "native"

    with pytest.raises(ToolsUnsupportedError, match="does not support native tool calls"):
        await client.complete(ask(tools=(LOOKUP,)))

    assert client.tool_protocol == "json"
    response = await client.complete(ask(tools=(LOOKUP,)))
    assert response.content == "planned without tools"
    assert "tools" in server.requests[0]
    assert "tools" not in server.requests[1]


async def test_a_bad_tool_message_is_not_mistaken_for_missing_tool_support(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.enqueue(
        error(
            400,
            "Invalid parameter: messages with role 'tool' must be a response to a preceding "
            "message with 'tool_calls'.",
            param="messages.[2].role",
        )
    )
    client = make_client(tool_protocol="native")
    with pytest.raises(LLMUnavailableError, match="rejected the request: HTTP 400: Invalid"):
        await client.complete(ask(tools=(LOOKUP,)))
    assert client.tool_protocol == "native"
    assert len(server.requests) == 1


async def test_max_tokens_rejected_switches_to_max_completion_tokens(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.enqueue(
        error(
            400,
            "Unsupported parameter: 'max_tokens' is not supported with this model. "
            "Use 'max_completion_tokens' instead.",
            param="max_tokens",
            code="unsupported_parameter",
        ),
        chat("fine"),
    )
    response = await make_client().complete(ask(max_tokens=99))
    assert response.content == "fine"
    retried = server.requests[1]
    assert retried["max_completion_tokens"] == 99
    assert "max_tokens" not in retried


async def test_first_token_logprobs_are_asked_for_and_read(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.enqueue(chat("A", logprobs=[("A", -0.2), (" B", -1.9), ("C", -4.0)]))
    response = await make_client().complete(ask(max_tokens=1, top_logprobs=25))
    sent = server.requests[0]
    assert sent["logprobs"] is True and sent["top_logprobs"] == 20  # the API's limit
    assert response.top_logprobs == (("A", -0.2), (" B", -1.9), ("C", -4.0))


async def test_no_logprobs_asked_means_none_sent_or_read(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.enqueue(chat("hello"))
    response = await make_client().complete(ask())
    assert "logprobs" not in server.requests[0] and response.top_logprobs is None


async def test_logprobs_rejected_are_dropped_for_the_client_lifetime(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.enqueue(
        error(400, "logprobs is not supported by this model", param="logprobs"),
        chat("A"),
        chat("B"),
    )
    client = make_client()
    first = await client.complete(ask(max_tokens=1, top_logprobs=20))
    second = await client.complete(ask(max_tokens=1, top_logprobs=20))
    assert (first.content, first.top_logprobs, second.content) == ("A", None, "B")
    assert [("logprobs" in r) for r in server.requests] == [True, False, False]


async def test_a_non_openai_endpoint_is_reported(
    server: FakeOpenAIServer, make_client: MakeClient
) -> None:
    server.enqueue(Reply(body="<html>Please log in to the proxy</html>"))
    with pytest.raises(LLMUnavailableError, match="did not answer with a chat completion"):
        await make_client().complete(ask())


async def test_refusal(server: FakeOpenAIServer, make_client: MakeClient) -> None:
    server.enqueue(refusal())
    response = await make_client().complete(ask())
    assert response.content is None
    assert response.finish_reason == "refusal"
    assert response.usage.input_tokens == 10


@pytest.mark.parametrize(
    ("setting", "is_local", "expected"),
    [
        ("auto", False, "native"),
        ("auto", True, "json"),
        ("native", True, "native"),
        ("json", False, "json"),
    ],
)
async def test_tool_protocol_resolution(
    make_client: MakeClient, setting: str, is_local: bool, expected: str
) -> None:
    client = make_client(tool_protocol=setting, is_local=is_local)
    assert client.tool_protocol == expected
    assert client.is_local is is_local


async def test_model_label_is_the_model_id(make_client: MakeClient) -> None:
    assert make_client(model_label="local:qwen-tiny").model_id == "local:qwen-tiny"
    assert make_client().model_id == MODEL


async def test_no_key_and_no_base_url_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    with pytest.raises(LLMUnavailableError, match="no API key: set MERCHANT_SCREEN_API_KEY"):
        OpenAICompatClient(MODEL, base_url=None, api_key=None, timeout=1.0, max_retries=0)


async def test_environment_is_never_consulted(
    server: FakeOpenAIServer, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://192.0.2.1/v1")
    client = make_client(api_key=None)
    await client.complete(ask())
    assert server.received[0].headers["authorization"] == "Bearer not-needed"

    remote = make_client(base_url=None, api_key="sk-explicit")
    assert remote.base_url == "https://api.openai.com/v1"


def test_fake_server_lists_models(server: FakeOpenAIServer) -> None:
    with urllib.request.urlopen(f"{server.base_url}/models", timeout=5) as reply:
        listing = json.load(reply)
    assert listing["data"][0]["id"] == "fake-model"


def test_fake_server_latency_applies_to_every_call() -> None:
    with FakeOpenAIServer(latency=0.2) as server:
        started = time.perf_counter()
        request = urllib.request.Request(
            f"{server.base_url}/chat/completions",
            data=b'{"model": "m", "messages": []}',
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as reply:
            body = json.load(reply)
        assert time.perf_counter() - started >= 0.2
    assert body["choices"][0]["message"]["content"] == "ok"


async def test_fake_server_serves_concurrent_calls_in_parallel() -> None:
    with FakeOpenAIServer(latency=0.3) as server:
        client = OpenAICompatClient(
            MODEL, base_url=server.base_url, api_key="k", timeout=5.0, max_retries=0
        )
        try:
            started = time.perf_counter()
            answers = await asyncio.gather(*(client.complete(ask()) for _ in range(8)))
            elapsed = time.perf_counter() - started
        finally:
            await client.aclose()
    assert [answer.content for answer in answers] == ["ok"] * 8
    assert 0.3 <= elapsed < 1.2  # eight 300 ms calls overlap


def _status_error(status: int, headers: dict[str, str], body: Any = None) -> openai.APIStatusError:
    request = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx2.Response(status, headers=headers, request=request)
    if status == 429:
        return openai.RateLimitError("limited", response=response, body=body)
    return openai.InternalServerError("broken", response=response, body=body)


def test_retry_after_parsing() -> None:
    assert retry_after_seconds({"retry-after": "3"}) == 3.0
    assert retry_after_seconds({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert (
        retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"}, now=1445412480) == 10
    )
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None


def test_backoff_is_exponential_capped_and_scaled() -> None:
    policy = RetryPolicy(attempts=5, initial_wait=0.5, max_wait=1.5)
    no_jitter = [backoff_seconds(None, n, policy, rand=lambda: 0.0) for n in (1, 2, 3, 4)]
    assert no_jitter == [0.5, 1.0, 1.5, 1.5]
    assert backoff_seconds(None, 1, policy, rand=lambda: 1.0) == pytest.approx(0.375)
    scaled = RetryPolicy(wait_scale=0.1, max_wait=10.0)
    assert backoff_seconds(_status_error(429, {"retry-after": "4"}), 1, scaled) == pytest.approx(
        0.4
    )


def test_transient_classification() -> None:
    assert is_transient(_status_error(500, {}))
    assert is_transient(_status_error(429, {}))
    quota = _status_error(
        429, {}, body={"code": "insufficient_quota", "type": "insufficient_quota"}
    )
    assert not is_transient(quota)
    assert describe_error(_status_error(500, {}, body={"message": "boom\n  again"})) == (
        "HTTP 500: boom again"
    )


def test_network_guard_blocks_real_endpoints(network_guard: list[str]) -> None:
    with pytest.raises(RealNetworkError, match="only loopback is allowed"):
        socket.create_connection(("192.0.2.1", 443), timeout=0.1)
    with socket.socket() as sock, pytest.raises(RealNetworkError):
        sock.connect_ex(("2001:db8::1", 443))
    assert len(network_guard) == 2
    network_guard.clear()  # blocked on purpose; do not fail this test at teardown
