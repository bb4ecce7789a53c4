"""The LLM port: what the agent needs from any language model, and nothing more.

Adapters: ``openai_compat.OpenAICompatClient`` (any OpenAI-compatible endpoint, including the
embedded local server) and ``fake.ScriptedLLM`` (tests and ``--model fake``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

__all__ = [
    "LLMClient",
    "LLMRequest",
    "LLMResponse",
    "Message",
    "TokenUsage",
    "ToolCall",
    "ToolSpec",
]

Message = dict[str, Any]  # OpenAI chat message shape: {"role": ..., "content": ..., ...}


@dataclass(frozen=True)
class ToolSpec:
    """A function the model may call; ``parameters`` is a JSON schema object."""

    name: str
    description: str
    parameters: dict[str, Any]

    def openai(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # raw JSON text as the model produced it


@dataclass(frozen=True)
class TokenUsage:
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cached_tokens + other.cached_tokens,
        )


@dataclass(frozen=True)
class LLMRequest:
    """One chat completion. ``schema`` asks for JSON matching a JSON schema (structured output);
    ``tools`` offers native tool calls; ``top_logprobs`` > 0 asks for that many alternatives
    (with log-probabilities) of the first generated token. Temperature is always 0."""

    messages: list[Message]
    purpose: str = "assess"  # for traces and usage accounting
    tools: tuple[ToolSpec, ...] = ()
    schema: dict[str, Any] | None = None
    schema_name: str = "answer"
    max_tokens: int = 800
    top_logprobs: int = 0


@dataclass(frozen=True)
class LLMResponse:
    content: str | None
    tool_calls: tuple[ToolCall, ...] = ()
    usage: TokenUsage = field(default_factory=TokenUsage)
    model: str = ""
    finish_reason: str | None = None
    seconds: float = 0.0
    cached: bool = False  # answered from the response cache
    top_logprobs: tuple[tuple[str, float], ...] | None = None
    """(token, log-probability) alternatives of the first generated token, most likely first;
    None when they were not asked for or the endpoint gives none."""


ToolProtocol = Literal["native", "json"]


@runtime_checkable
class LLMClient(Protocol):
    """Anything that can answer an ``LLMRequest``."""

    @property
    def model_id(self) -> str:
        """Which model answers (goes into ``versions.model``)."""
        ...

    @property
    def tool_protocol(self) -> ToolProtocol:
        """ "native" if the endpoint returns tool_calls, else "json" (next-action protocol)."""
        ...

    @property
    def is_local(self) -> bool: ...

    async def complete(self, request: LLMRequest) -> LLMResponse:
        """Raise LLMUnavailableError (config, network, quota) or LLMOutputError."""
        ...

    async def aclose(self) -> None: ...
