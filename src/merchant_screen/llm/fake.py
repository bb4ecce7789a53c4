"""Fake language models behind the ``LLMClient`` port.

``ScriptedLLM`` answers from a script (tests). ``RuleBasedFake`` answers deterministically from
the request (``--model fake``): the first rule that matches wins, else a minimal instance of
the requested JSON schema. Token usage is estimated as ``len(text) // 4`` each way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, TypeAlias, cast

from pydantic import BaseModel

from merchant_screen.errors import LLMOutputError
from merchant_screen.llm.port import LLMRequest, LLMResponse, TokenUsage, ToolProtocol

__all__ = [
    "RuleBasedFake",
    "ScriptedLLM",
    "Step",
    "estimate_tokens",
    "minimal_instance",
    "request_text",
]

Answer: TypeAlias = (
    LLMResponse | str | dict[str, Any] | BaseModel | BaseException | type[BaseException]
)
Step: TypeAlias = Answer | Callable[[LLMRequest], Answer]
Rule: TypeAlias = Callable[[LLMRequest], Step | None]

_FORMAT_EXAMPLES = {
    "date-time": "1970-01-01T00:00:00Z",
    "date": "1970-01-01",
    "time": "00:00:00",
    "uri": "https://example.com/",
    "email": "fake@example.com",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def estimate_tokens(text: str) -> int:
    """Rough token count: four characters per token."""
    return len(text) // 4


def request_text(request: LLMRequest) -> str:
    """Everything the model would read in ``request.messages``, joined by newlines."""
    parts: list[str] = []
    for message in request.messages:
        content = message.get("content")
        if isinstance(content, str):
            parts.append(content)
        elif content is not None:
            parts.append(json.dumps(content, ensure_ascii=False))
        for call in message.get("tool_calls") or ():
            parts.append(json.dumps(call, ensure_ascii=False, default=str))
    return "\n".join(parts)


def _response_text(response: LLMResponse) -> str:
    calls = "".join(call.name + call.arguments for call in response.tool_calls)
    return (response.content or "") + calls


def _resolve(step: Step, request: LLMRequest, model_id: str) -> LLMResponse:
    """Turn one script step into a response (or raise the step's exception)."""
    if isinstance(step, BaseException):
        raise step
    if isinstance(step, type):
        raise step()
    if isinstance(step, LLMResponse):
        response = step
    elif isinstance(step, str):
        response = LLMResponse(content=step)
    elif isinstance(step, BaseModel):
        response = LLMResponse(content=step.model_dump_json())
    elif isinstance(step, dict):
        response = LLMResponse(content=json.dumps(step, ensure_ascii=False))
    elif callable(step):
        answer: object = step(request)
        if callable(answer) and not isinstance(answer, (BaseException, BaseModel, type)):
            raise TypeError("a script callable must return an answer, not another callable")
        return _resolve(cast(Step, answer), request, model_id)
    else:
        raise TypeError(f"unsupported script step: {type(step).__name__}")
    return _finish(response, request, model_id)


def _finish(response: LLMResponse, request: LLMRequest, model_id: str) -> LLMResponse:
    usage = response.usage
    if usage == TokenUsage():
        usage = TokenUsage(
            input_tokens=estimate_tokens(request_text(request)),
            output_tokens=estimate_tokens(_response_text(response)),
        )
    finish = response.finish_reason
    if finish is None:
        finish = "tool_calls" if response.tool_calls else "stop"
    return replace(response, usage=usage, model=response.model or model_id, finish_reason=finish)


class ScriptedLLM:
    """Plays ``script`` one step per ``complete`` call and records every request.

    A step is an ``LLMResponse``, a ``str`` (content), a ``dict`` or pydantic model (JSON
    content), an exception (raised), or a callable taking the ``LLMRequest`` and returning
    one of those. Past the end, ``default`` answers if given, else ``LLMOutputError``.
    """

    def __init__(
        self,
        script: Iterable[Step],
        *,
        model_id: str = "fake",
        tool_protocol: ToolProtocol = "native",
        default: Step | None = None,
    ) -> None:
        self._script = list(script)
        self._position = 0
        self._model_id = model_id
        self._tool_protocol: ToolProtocol = tool_protocol
        self._default = default
        self.requests: list[LLMRequest] = []
        self.closed = False

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def tool_protocol(self) -> ToolProtocol:
        return self._tool_protocol

    @property
    def is_local(self) -> bool:
        return False

    @property
    def remaining(self) -> int:
        """Script steps not played yet."""
        return len(self._script) - self._position

    async def complete(self, request: LLMRequest) -> LLMResponse:
        self.requests.append(request)
        if self._position < len(self._script):
            step = self._script[self._position]
            self._position += 1
        elif self._default is not None:
            step = self._default
        else:
            raise LLMOutputError(f"script exhausted after {len(self._script)} steps")
        return _resolve(step, request, self._model_id)

    async def aclose(self) -> None:
        self.closed = True


class RuleBasedFake:
    """Deterministic model for ``--model fake``: the first rule returning a step answers;
    otherwise a minimal valid instance of ``request.schema``, or a fixed sentence."""

    def __init__(
        self,
        rules: Sequence[Rule] = (),
        *,
        model_id: str = "fake",
        tool_protocol: ToolProtocol = "json",
    ) -> None:
        self._rules = tuple(rules)
        self._model_id = model_id
        self._tool_protocol: ToolProtocol = tool_protocol
        self.requests: list[LLMRequest] = []

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def tool_protocol(self) -> ToolProtocol:
        return self._tool_protocol

    @property
    def is_local(self) -> bool:
        return False

    async def complete(self, request: LLMRequest) -> LLMResponse:
        self.requests.append(request)
        for rule in self._rules:
            step = rule(request)
            if step is not None:
                return _resolve(step, request, self._model_id)
        if request.schema is not None:
            return _resolve(minimal_instance(request.schema), request, self._model_id)
        return _resolve("No rule of the fake model covers this request.", request, self._model_id)

    async def aclose(self) -> None:
        return None


def minimal_instance(schema: dict[str, Any]) -> Any:
    """The smallest value valid under ``schema``: required properties only, nulls where
    allowed, the first enum value, lower bounds for numbers and lengths. Patterns are not
    honoured; unconstrained schemas give None."""
    if "const" in schema:
        return schema["const"]
    if "default" in schema:
        return schema["default"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        options = [option for option in schema.get(key, ()) if isinstance(option, dict)]
        if options:
            if any(option.get("type") == "null" for option in options):
                return None
            return minimal_instance(options[0])
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(part)
        return minimal_instance({**merged, **{k: v for k, v in schema.items() if k != "allOf"}})
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = "null" if "null" in kind else (kind[0] if kind else None)
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties", {})
        return {
            name: minimal_instance(properties.get(name, {})) for name in schema.get("required", ())
        }
    if kind == "array":
        items = schema.get("items")
        item: dict[str, Any] = items if isinstance(items, dict) else {}
        return [minimal_instance(item) for _ in range(int(schema.get("minItems", 0)))]
    if kind == "string":
        example = _FORMAT_EXAMPLES.get(str(schema.get("format", "")), "")
        return example or "x" * int(schema.get("minLength", 0))
    if kind in ("integer", "number"):
        return _minimal_number(schema, integer=kind == "integer")
    if kind == "boolean":
        return False
    return None


def _minimal_number(schema: dict[str, Any], *, integer: bool) -> int | float:
    low, high = schema.get("minimum"), schema.get("maximum")
    ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")

    def valid(value: float) -> bool:
        return (
            (low is None or value >= low)
            and (high is None or value <= high)
            and (ex_low is None or value > ex_low)
            and (ex_high is None or value < ex_high)
        )

    lower = low if low is not None else ex_low
    upper = high if high is not None else ex_high
    candidates: list[float] = [0]
    if integer:
        candidates += [math.ceil(b) for b in (low,) if b is not None]
        candidates += [math.floor(b) + 1 for b in (ex_low,) if b is not None]
        candidates += [math.floor(b) for b in (high,) if b is not None]
        candidates += [math.ceil(b) - 1 for b in (ex_high,) if b is not None]
    else:
        candidates += [b for b in (low, high) if b is not None]
        candidates += [b + 1 for b in (ex_low,) if b is not None]
        candidates += [b - 1 for b in (ex_high,) if b is not None]
        if lower is not None and upper is not None:
            candidates.append((lower + upper) / 2)
    for candidate in candidates:
        if valid(candidate):
            return int(candidate) if integer else candidate
    raise ValueError(f"no number satisfies the schema bounds {schema}")
