"""``LLMClient`` adapter for any OpenAI-compatible chat-completions endpoint.

OpenAI, vLLM, Ollama and the llama.cpp server differ in what they accept, so the client
learns from rejections and remembers for its lifetime:

* structured output: ``json_schema`` → ``json_object`` with the schema in the system message
  → schema in the system message only;
* native tools rejected → ``tool_protocol`` becomes ``"json"`` and ``ToolsUnsupportedError``
  is raised so the caller re-plans the turn;
* ``max_tokens`` rejected → ``max_completion_tokens``; ``temperature`` rejected → omitted;
  ``logprobs`` rejected → omitted (responses then carry no ``top_logprobs`` and callers fall
  back to the stated answer).

Credentials and the endpoint are passed to the SDK explicitly; SDK retries are off
(``max_retries=0``) because ``retry.py`` owns transport retries.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any, Literal

import openai
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion

from merchant_screen.errors import ConfigError, LLMError, LLMOutputError, LLMUnavailableError
from merchant_screen.llm.port import (
    LLMRequest,
    LLMResponse,
    Message,
    TokenUsage,
    ToolCall,
    ToolProtocol,
)
from merchant_screen.llm.retry import RetryPolicy, Sleep, call_with_retries, describe_error

__all__ = ["OPENAI_BASE_URL", "OpenAICompatClient", "ToolsUnsupportedError"]

OPENAI_BASE_URL = "https://api.openai.com/v1"
_PLACEHOLDER_KEY = "not-needed"  # local servers ignore the key, the SDK insists on one
_FALLBACK_STATUS = frozenset({400, 422, 500})
_TOOL_WORDS = re.compile(r"\b(tools?|tool_choice|functions?)\b")
# How servers say "I can't do that" (Ollama, llama.cpp without --jinja, vLLM, strict schemas);
# without one of these a message about tools is a bad request, not a missing feature.
_REFUSAL_WORDS = re.compile(
    r"support|requires?\b|jinja|not (permitted|allowed)|unrecogni[sz]ed|unknown"
)
_FORMAT_WORDS = ("response_format", "json_schema", "json_object")

ToolProtocolSetting = Literal["auto", "native", "json"]
SchemaMode = Literal["json_schema", "json_object", "prompt"]
Rejection = Literal["tools", "schema", "max_tokens", "temperature", "logprobs"]
_PARAM_REJECTIONS: dict[str, Literal["max_tokens", "temperature", "logprobs"]] = {
    "max_tokens": "max_tokens",
    "temperature": "temperature",
    "logprobs": "logprobs",
    "top_logprobs": "logprobs",
}
_MAX_TOP_LOGPROBS = 20  # the OpenAI API's limit


class ToolsUnsupportedError(LLMError):
    """The endpoint rejected native tool calls (HTTP 400 about tools / tool_choice / functions).

    Internal signal, not a failure: the client has already switched ``tool_protocol`` to
    ``"json"`` for the rest of its life, so the caller should rebuild the turn for the JSON
    next-action protocol (tools described in the prompt) and call ``complete`` again.
    """


class OpenAICompatClient:
    """Chat completions at temperature 0 against ``base_url`` (OpenAI when None)."""

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None,
        api_key: str | None,
        timeout: float,
        max_retries: int,
        retry_wait_scale: float = 1.0,
        retry_max_wait: float = 30.0,
        tool_protocol: ToolProtocolSetting = "auto",
        is_local: bool = False,
        model_label: str | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if tool_protocol not in ("auto", "native", "json"):
            raise ConfigError(f"tool protocol must be auto, native or json, not {tool_protocol!r}")
        if not api_key and not base_url:
            raise LLMUnavailableError("no API key: set MERCHANT_SCREEN_API_KEY or OPENAI_API_KEY")
        self._model = model
        self._label = model_label or model
        self._base_url = (base_url or OPENAI_BASE_URL).rstrip("/")
        self._is_local = is_local
        self._protocol_setting: ToolProtocolSetting = tool_protocol
        self._tools_rejected = False
        self._schema_mode: SchemaMode = "json_schema"
        self._length_param = "max_tokens"
        self._send_temperature = True
        self._send_logprobs = True
        self._policy = RetryPolicy(
            attempts=max_retries + 1, wait_scale=retry_wait_scale, max_wait=retry_max_wait
        )
        self._sleep = sleep
        self._client = openai.AsyncOpenAI(
            api_key=api_key or _PLACEHOLDER_KEY,
            base_url=self._base_url,
            timeout=timeout,
            max_retries=0,
        )

    @property
    def model_id(self) -> str:
        return self._label

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def is_local(self) -> bool:
        return self._is_local

    @property
    def tool_protocol(self) -> ToolProtocol:
        if self._tools_rejected or self._protocol_setting == "json":
            return "json"
        if self._protocol_setting == "native":
            return "native"
        return "json" if self._is_local else "native"

    @property
    def schema_mode(self) -> SchemaMode:
        """How structured output is requested now (it degrades after rejections)."""
        return self._schema_mode

    async def complete(self, request: LLMRequest) -> LLMResponse:
        """One chat completion; see the module docstring for how rejections are handled."""
        started = time.perf_counter()
        for _ in range(6):  # each adaptation removes its own trigger, so this always ends
            kwargs = self._build_kwargs(request)
            try:
                completion = await self._send(kwargs)
            except openai.APIStatusError as exc:
                self._adapt(exc, _rejection(exc, kwargs))
                continue
            return self._to_response(completion, time.perf_counter() - started)
        raise LLMUnavailableError(f"{self._base_url} kept rejecting the request parameters")

    async def aclose(self) -> None:
        await self._client.close()

    async def _send(self, kwargs: dict[str, Any]) -> ChatCompletion:
        async def create() -> ChatCompletion:
            completion: ChatCompletion = await self._client.chat.completions.create(**kwargs)
            return completion

        return await call_with_retries(
            create,
            policy=self._policy,
            base_url=self._base_url,
            model=self._model,
            passthrough=lambda exc: _rejection(exc, kwargs) is not None,
            sleep=self._sleep,
        )

    def _build_kwargs(self, request: LLMRequest) -> dict[str, Any]:
        messages = request.messages
        kwargs: dict[str, Any] = {"model": self._model, self._length_param: request.max_tokens}
        if self._send_temperature:
            kwargs["temperature"] = 0
        if request.top_logprobs > 0 and self._send_logprobs:
            kwargs["logprobs"] = True
            kwargs["top_logprobs"] = min(request.top_logprobs, _MAX_TOP_LOGPROBS)
        if request.tools and self.tool_protocol == "native":
            kwargs["tools"] = [tool.openai() for tool in request.tools]
        if request.schema is not None:
            if self._schema_mode == "json_schema":
                kwargs["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {
                        "name": request.schema_name,
                        "schema": request.schema,
                        "strict": False,
                    },
                }
            else:
                messages = _with_schema_text(messages, request.schema)
                if self._schema_mode == "json_object":
                    kwargs["response_format"] = {"type": "json_object"}
        kwargs["messages"] = messages
        return kwargs

    def _adapt(self, exc: openai.APIStatusError, rejection: Rejection | None) -> None:
        if rejection == "tools":
            self._tools_rejected = True
            raise ToolsUnsupportedError(
                f"{self._base_url} does not support native tool calls ({describe_error(exc)}); "
                "switched to the JSON tool protocol"
            ) from exc
        if rejection == "schema":
            self._schema_mode = "json_object" if self._schema_mode == "json_schema" else "prompt"
        elif rejection == "max_tokens":
            self._length_param = "max_completion_tokens"
        elif rejection == "temperature":
            self._send_temperature = False
        elif rejection == "logprobs":
            self._send_logprobs = False
        else:  # passthrough only lets rejections through; keep mypy and readers certain
            raise LLMUnavailableError(f"{self._base_url} failed: {describe_error(exc)}") from exc

    def _to_response(self, completion: object, seconds: float) -> LLMResponse:
        if not isinstance(completion, ChatCompletion):
            raise LLMUnavailableError(
                f"{self._base_url} did not answer with a chat completion "
                "(is it an OpenAI-compatible endpoint?)"
            )
        if not completion.choices:
            raise LLMOutputError(f"{self._base_url} returned a completion without choices")
        choice = completion.choices[0]
        message = choice.message
        usage = _usage(completion.usage)
        model = completion.model or self._model
        if message.refusal:
            return LLMResponse(
                content=None, usage=usage, model=model, finish_reason="refusal", seconds=seconds
            )
        calls: list[ToolCall] = []
        for index, call in enumerate(message.tool_calls or ()):
            function = getattr(call, "function", None)  # custom (non-function) tools are skipped
            if function is None:
                continue
            calls.append(
                ToolCall(
                    id=str(getattr(call, "id", "") or f"call_{index}"),
                    name=str(function.name),
                    arguments=str(function.arguments or "{}"),
                )
            )
        return LLMResponse(
            content=message.content,
            tool_calls=tuple(calls),
            usage=usage,
            model=model,
            finish_reason=choice.finish_reason,
            seconds=seconds,
            top_logprobs=_first_token_alternatives(choice),
        )


def _rejection(exc: BaseException, kwargs: dict[str, Any]) -> Rejection | None:
    """Which of our request features the server refused, if the error says so."""
    if not isinstance(exc, openai.APIStatusError) or exc.status_code not in _FALLBACK_STATUS:
        return None
    text = _error_text(exc)
    param = (exc.param or "").lower()
    client_error = exc.status_code != 500
    for name, rejection in _PARAM_REJECTIONS.items():
        if name in kwargs and client_error and (param == name or f"'{name}'" in text):
            return rejection
    if "logprobs" in kwargs and client_error and "logprob" in text and _REFUSAL_WORDS.search(text):
        return "logprobs"
    mentions_support = "support" in text
    if "tools" in kwargs and (
        param in ("tools", "tool_choice")
        or (
            _TOOL_WORDS.search(text)
            and _REFUSAL_WORDS.search(text)
            and (client_error or mentions_support)
        )
    ):
        return "tools"
    if "response_format" in kwargs and (
        param == "response_format"
        or any(word in text for word in _FORMAT_WORDS)
        or (client_error and mentions_support)
    ):
        return "schema"
    return None


def _first_token_alternatives(choice: Any) -> tuple[tuple[str, float], ...] | None:
    """(token, logprob) alternatives of the first generated token, if the endpoint sent any."""
    logprobs = getattr(choice, "logprobs", None)
    content = getattr(logprobs, "content", None) if logprobs is not None else None
    if not content:
        return None
    first = content[0]
    alternatives = [(str(t.token), float(t.logprob)) for t in first.top_logprobs or ()]
    if not alternatives:
        alternatives = [(str(first.token), float(first.logprob))]
    return tuple(sorted(alternatives, key=lambda item: -item[1]))


def _error_text(exc: openai.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, str) else json.dumps(exc.body, default=str)
    return f"{exc.message} {body}".lower()


def _with_schema_text(messages: list[Message], schema: dict[str, Any]) -> list[Message]:
    note = "Reply with one JSON object only, no prose, matching this JSON schema:\n" + json.dumps(
        schema, separators=(",", ":"), ensure_ascii=False
    )
    if messages and messages[0].get("role") == "system":
        first = messages[0]
        content = first.get("content")
        if isinstance(content, str):
            return [{**first, "content": f"{content}\n\n{note}"}, *messages[1:]]
    return [{"role": "system", "content": note}, *messages]


def _usage(usage: CompletionUsage | None) -> TokenUsage:
    if usage is None:
        return TokenUsage()
    details = usage.prompt_tokens_details
    cached = details.cached_tokens if details is not None else None
    return TokenUsage(
        input_tokens=usage.prompt_tokens or 0,
        output_tokens=usage.completion_tokens or 0,
        cached_tokens=cached or 0,
    )
