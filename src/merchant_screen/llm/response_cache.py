"""A disk cache in front of any ``LLMClient``.

The key covers everything that changes an answer: the model, the caller's ``salt`` (prompt
hash + policy version), the tool protocol and tool schemas, the output schema, the messages and
``max_tokens``. Entries are JSON (``JsonBlobCache``, never pickle). Refusals, content-filtered
and empty answers are not stored; errors propagate and are never stored either.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from merchant_screen.llm.port import (
    LLMClient,
    LLMRequest,
    LLMResponse,
    TokenUsage,
    ToolCall,
    ToolProtocol,
)
from merchant_screen.tools.cache import JsonBlobCache, cache_key

__all__ = ["CachingLLM", "response_key"]

_FORMAT = 2
_UNCACHEABLE_FINISH = frozenset({"refusal", "content_filter"})


def response_key(model_id: str, salt: str, protocol: ToolProtocol, request: LLMRequest) -> str:
    """sha256 over everything in ``request`` that can change the answer (not ``purpose``)."""
    return cache_key(
        "llm-response",
        _FORMAT,
        model_id,
        salt,
        protocol,
        [tool.openai() for tool in request.tools],
        request.schema,
        request.schema_name,
        request.messages,
        request.max_tokens,
        request.top_logprobs,
    )


class CachingLLM:
    """Wraps ``inner``; a hit returns the stored response with ``cached=True``, ``seconds=0``
    and the usage the answer cost when it was made. ``aclose`` closes ``inner`` too."""

    def __init__(
        self,
        inner: LLMClient,
        cache_dir: Path,
        *,
        ttl: float | None,
        size_limit: int,
        salt: str,
    ) -> None:
        self._inner = inner
        self._salt = salt
        self._store = JsonBlobCache(cache_dir, size_limit=size_limit, ttl=ttl)
        self.hits = 0
        self.misses = 0

    @property
    def model_id(self) -> str:
        return self._inner.model_id

    @property
    def tool_protocol(self) -> ToolProtocol:
        return self._inner.tool_protocol

    @property
    def is_local(self) -> bool:
        return self._inner.is_local

    async def complete(self, request: LLMRequest) -> LLMResponse:
        key = response_key(self.model_id, self._salt, self.tool_protocol, request)
        entry = self._store.get(key)
        if entry is not None:
            stored = _decode(entry[0])
            if stored is not None:
                self.hits += 1
                return stored
        self.misses += 1
        response = await self._inner.complete(request)
        if _cacheable(response):
            self._store.set(key, _encode(response))
        return response

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            self._store.close()


def _cacheable(response: LLMResponse) -> bool:
    if response.finish_reason in _UNCACHEABLE_FINISH:
        return False
    return response.content is not None or bool(response.tool_calls)


def _encode(response: LLMResponse) -> dict[str, Any]:
    return {
        "format": _FORMAT,
        "content": response.content,
        "tool_calls": [[call.id, call.name, call.arguments] for call in response.tool_calls],
        "usage": [
            response.usage.input_tokens,
            response.usage.output_tokens,
            response.usage.cached_tokens,
        ],
        "model": response.model,
        "finish_reason": response.finish_reason,
        "top_logprobs": None
        if response.top_logprobs is None
        else [[token, logprob] for token, logprob in response.top_logprobs],
    }


def _decode(meta: dict[str, Any]) -> LLMResponse | None:
    """The stored response, or None for an entry in another format or shape."""
    if meta.get("format") != _FORMAT:
        return None
    try:
        content = meta["content"]
        calls = tuple(
            ToolCall(id=str(i), name=str(n), arguments=str(a)) for i, n, a in meta["tool_calls"]
        )
        input_tokens, output_tokens, cached_tokens = (int(v) for v in meta["usage"])
        finish = meta["finish_reason"]
        alternatives = meta["top_logprobs"]
        top = None if alternatives is None else tuple((str(a), float(b)) for a, b in alternatives)
        return LLMResponse(
            content=content if isinstance(content, str) else None,
            tool_calls=calls,
            usage=TokenUsage(input_tokens, output_tokens, cached_tokens),
            model=str(meta["model"]),
            finish_reason=finish if isinstance(finish, str) else None,
            seconds=0.0,
            cached=True,
            top_logprobs=top,
        )
    except (KeyError, TypeError, ValueError):
        return None
