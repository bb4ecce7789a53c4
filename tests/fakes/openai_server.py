"""A small OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks.

``FakeOpenAIServer`` answers ``POST /v1/chat/completions`` from a queue of scripted
``Reply`` values (or callables building one from the request body), falling back to
``default`` when the queue is empty, and records every request. ``GET /v1/models`` lists the
model. ``latency`` adds a fixed delay to every completion (requests are served concurrently).

    with FakeOpenAIServer() as server:
        server.enqueue(rate_limited(retry_after=2), chat("hello"))
        client = OpenAICompatClient("m", base_url=server.base_url, api_key="k", ...)
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "FakeOpenAIServer",
    "Received",
    "Reply",
    "chat",
    "completion_body",
    "error",
    "json_answer",
    "quota_exhausted",
    "rate_limited",
    "refusal",
    "schema_rejected",
    "server_error",
    "slow",
    "tool_calls",
    "tools_rejected",
]

QUOTA_MESSAGE = (
    "You exceeded your current quota, please check your plan and billing details. For more "
    "information on this error, read the docs: "
    "https://platform.openai.com/docs/guides/error-codes/api-errors."
)


@dataclass(frozen=True)
class Reply:
    """One scripted HTTP answer; ``delay`` seconds pass before it is sent."""

    status: int = 200
    body: Any = None
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


Behaviour = Reply | Callable[[dict[str, Any]], Reply]


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


def completion_body(
    content: str | None,
    *,
    calls: list[dict[str, Any]] | None = None,
    refusal_text: str | None = None,
    finish_reason: str | None = None,
    model: str = "fake-model",
    prompt_tokens: int = 10,
    completion_tokens: int = 5,
    cached_tokens: int | None = None,
    logprobs: list[tuple[str, float]] | None = None,
) -> dict[str, Any]:
    """A ``chat.completion`` object as OpenAI returns it; ``logprobs`` gives the first
    token's alternatives as (token, log-probability), the first being the token chosen."""
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal_text}
    if calls:
        message["tool_calls"] = calls
    usage: dict[str, Any] = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
    if cached_tokens is not None:
        usage["prompt_tokens_details"] = {"cached_tokens": cached_tokens, "audio_tokens": 0}
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "logprobs": _logprobs(logprobs),
                "finish_reason": finish_reason or ("tool_calls" if calls else "stop"),
            }
        ],
        "usage": usage,
    }


def _logprobs(alternatives: list[tuple[str, float]] | None) -> dict[str, Any] | None:
    if not alternatives:
        return None
    top = [
        {"token": token, "logprob": logprob, "bytes": list(token.encode())}
        for token, logprob in alternatives
    ]
    return {"content": [{**top[0], "top_logprobs": top}], "refusal": None}


def chat(content: str | None = "ok", **options: Any) -> Reply:
    """A normal answer; ``options`` go to ``completion_body``."""
    return Reply(body=completion_body(content, **options))


def json_answer(value: Any, **options: Any) -> Reply:
    """A normal answer whose content is ``value`` as JSON."""
    return chat(json.dumps(value), **options)


def tool_calls(*calls: tuple[str, dict[str, Any] | str], **options: Any) -> Reply:
    """An answer calling ``(name, arguments)`` tools, with ids ``call_0``, ``call_1``, ..."""
    rendered = [
        {
            "id": f"call_{index}",
            "type": "function",
            "function": {
                "name": name,
                "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
            },
        }
        for index, (name, arguments) in enumerate(calls)
    ]
    return Reply(body=completion_body(None, calls=rendered, **options))


def refusal(text: str = "I'm sorry, I can't help with that.") -> Reply:
    return Reply(body=completion_body(None, refusal_text=text))


def error(
    status: int,
    message: str,
    *,
    type_: str = "invalid_request_error",
    code: str | None = None,
    param: str | None = None,
    headers: tuple[tuple[str, str], ...] = (),
) -> Reply:
    """An error in OpenAI's JSON shape: ``{"error": {message, type, param, code}}``."""
    body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    return Reply(status=status, body=body, headers=headers)


def rate_limited(retry_after: float | None = 1.0, *, retry_after_ms: int | None = None) -> Reply:
    """A 429 rate-limit error, with ``Retry-After`` / ``retry-after-ms`` when given."""
    headers: list[tuple[str, str]] = []
    if retry_after is not None:
        headers.append(("Retry-After", f"{retry_after:g}"))
    if retry_after_ms is not None:
        headers.append(("retry-after-ms", str(retry_after_ms)))
    return error(
        429,
        "Rate limit reached for requests. Please try again later.",
        type_="requests",
        code="rate_limit_exceeded",
        headers=tuple(headers),
    )


def quota_exhausted() -> Reply:
    """The 429 OpenAI sends when the account has no credit left."""
    return error(429, QUOTA_MESSAGE, type_="insufficient_quota", code="insufficient_quota")


def server_error(status: int = 500, message: str | None = None) -> Reply:
    text = message or "The server had an error while processing your request. Sorry about that!"
    return error(status, text, type_="server_error")


def schema_rejected(status: int = 400) -> Reply:
    """A server refusing ``response_format`` of type ``json_schema``."""
    return error(
        status,
        "Invalid parameter: 'response_format' of type 'json_schema' is not supported with "
        "this model.",
        param="response_format",
    )


def tools_rejected() -> Reply:
    """A server refusing native tool calls (Ollama's wording)."""
    return error(400, "registry.ollama.ai/library/tiny:latest does not support tools")


def slow(seconds: float, reply: Reply | None = None) -> Reply:
    """``reply`` (a normal answer by default) sent after ``seconds``."""
    return replace(reply or chat(), delay=seconds)


@dataclass
class _State:
    model: str
    latency: float
    default: Behaviour
    queue: deque[Behaviour] = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # benchmarks open many connections at once

    def __init__(self, state: _State) -> None:
        self.state = state
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout test) is expected; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10
    wbufsize = -1  # headers and body leave in one write ...
    disable_nagle_algorithm = True  # ... at once (no 40 ms delayed-ACK stalls)
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """No access log on stderr."""

    def do_GET(self) -> None:
        state = self.server.state
        self._record(None)
        if self.path.rstrip("/") == "/v1/models":
            model = {"id": state.model, "object": "model", "created": 0, "owned_by": "fake"}
            self._send(Reply(body={"object": "list", "data": [model]}))
        else:
            self._send(error(404, f"no route {self.path}", code="not_found"))

    def do_POST(self) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self._record(body)
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(error(404, f"no route {self.path}", code="not_found"))
            return
        with state.lock:
            behaviour = state.queue.popleft() if state.queue else state.default
        reply = (
            behaviour(body if isinstance(body, dict) else {}) if callable(behaviour) else behaviour
        )
        wait = state.latency + reply.delay
        if wait > 0:
            state.stopping.wait(wait)
        self._send(reply)

    def _record(self, body: Any) -> None:
        state = self.server.state
        headers = {name.lower(): value for name, value in self.headers.items()}
        entry = Received(self.command, self.path, headers, body)
        with state.lock:
            state.received.append(entry)

    def _send(self, reply: Reply) -> None:
        if isinstance(reply.body, bytes):
            payload, kind = reply.body, "application/octet-stream"
        elif isinstance(reply.body, str):
            payload, kind = reply.body.encode(), "text/plain; charset=utf-8"
        else:
            payload, kind = json.dumps(reply.body).encode(), "application/json"
        self.send_response(reply.status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()


class FakeOpenAIServer:
    """Threaded loopback server; use as a context manager (or ``start``/``stop``)."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        default: Behaviour | None = None,
        model: str = "fake-model",
    ) -> None:
        self._state = _State(model=model, latency=latency, default=default or chat())
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("server not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def received(self) -> list[Received]:
        """Every request in arrival order (any path)."""
        with self._state.lock:
            return list(self._state.received)

    @property
    def requests(self) -> list[dict[str, Any]]:
        """JSON bodies of the chat-completion requests, in arrival order."""
        return [
            entry.body
            for entry in self.received
            if entry.method == "POST" and entry.path.rstrip("/") == "/v1/chat/completions"
        ]

    @property
    def pending(self) -> int:
        with self._state.lock:
            return len(self._state.queue)

    def enqueue(self, *behaviours: Behaviour) -> None:
        with self._state.lock:
            self._state.queue.extend(behaviours)

    def start(self) -> FakeOpenAIServer:
        if self._server is not None:
            raise RuntimeError("server already started")
        self._state.stopping.clear()
        self._server = _Server(self._state)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._state.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
