"""Structured answers: tolerant JSON extraction, validation, and bounded re-asks.

``parse_structured`` turns model text into a pydantic model or raises ``LLMOutputError`` whose
message is short enough to hand back to the model. ``complete_structured`` does that in a loop,
re-asking at most ``reasks`` times with the reason. ``json_schema_for`` renders a model's schema
in the flat form small models follow best.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from merchant_screen.errors import LLMOutputError
from merchant_screen.llm.port import LLMClient, LLMRequest, LLMResponse, Message

__all__ = [
    "complete_structured",
    "extract_json_object",
    "json_schema_for",
    "parse_structured",
    "reask_message",
]

ModelT = TypeVar("ModelT", bound=BaseModel)

_FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)```", re.DOTALL)
_MAX_ERRORS = 3
_MAX_REASON = 300
# Schema keywords whose value is a schema, a list of schemas, or a name -> schema map.
_SCHEMA_VALUED = frozenset(
    {"items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else"}
)
_SCHEMA_LISTS = frozenset({"anyOf", "allOf", "oneOf", "prefixItems"})
_SCHEMA_MAPS = frozenset({"properties", "patternProperties"})
_DROPPED = frozenset({"title", "$defs", "definitions", "discriminator"})


def extract_json_object(text: str | None) -> Any:
    """The first balanced ``{...}`` object in ``text`` (code fences stripped, trailing text
    ignored), decoded. Raises ``LLMOutputError("invalid JSON: ...")``."""
    if text is None or not text.strip():
        raise LLMOutputError("invalid JSON: the answer was empty")
    fenced = _FENCE.search(text)
    source = fenced.group(1) if fenced and "{" in fenced.group(1) else text
    start = source.find("{")
    if start < 0:
        raise LLMOutputError("invalid JSON: no JSON object found in the answer")
    end = _object_end(source, start)
    if end is None:
        raise LLMOutputError("invalid JSON: the object is not closed (answer cut off?)")
    try:
        return json.loads(source[start:end])
    except json.JSONDecodeError as exc:
        raise LLMOutputError(
            f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


def parse_structured(text: str | None, model: type[ModelT]) -> ModelT:
    """Extract the JSON object from ``text`` and validate it against ``model``."""
    data = extract_json_object(text)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise LLMOutputError(_schema_reason(exc)) from None


def reask_message(reason: str, *, truncated: bool = False) -> Message:
    """The user turn that hands a parsing/validation failure back to the model."""
    hint = " Your answer was cut off; keep it shorter." if truncated else ""
    return {
        "role": "user",
        "content": (
            f"Your previous answer could not be used: {reason}.{hint} "
            "Reply again with the corrected JSON object only, no other text."
        ),
    }


async def complete_structured(
    client: LLMClient,
    request: LLMRequest,
    model: type[ModelT],
    *,
    reasks: int = 2,
) -> tuple[ModelT, list[LLMResponse]]:
    """Ask until the answer validates as ``model`` (at most ``reasks`` re-asks).

    Fills ``request.schema`` from ``model`` when the caller left it empty. Returns the
    parsed value and every response (for usage accounting). A refusal is not re-asked.
    """
    if request.schema is None:
        request = replace(request, schema=json_schema_for(model))
    responses: list[LLMResponse] = []
    messages = list(request.messages)
    for attempt in range(reasks + 1):
        response = await client.complete(replace(request, messages=messages))
        responses.append(response)
        if response.finish_reason == "refusal":
            raise LLMOutputError(f"the model refused to answer the {request.purpose} request")
        try:
            return parse_structured(response.content, model), responses
        except LLMOutputError as exc:
            reason = str(exc)
            if attempt == reasks:
                raise LLMOutputError(
                    f"no valid {request.schema_name} after {attempt + 1} "
                    f"answer{'s' if attempt else ''}: {reason}"
                ) from None
        messages = [
            *messages,
            {"role": "assistant", "content": response.content or ""},
            reask_message(reason, truncated=response.finish_reason == "length"),
        ]
    raise AssertionError("unreachable: the loop returns or raises")


def json_schema_for(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema with ``$ref``s inlined and titles dropped; descriptions, enums,
    defaults and limits (``maxLength``, ``maxItems``, ...) are kept."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    return _inline(schema, defs, ())


def _inline(node: dict[str, Any], defs: dict[str, Any], seen: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name in seen:
            raise ValueError(f"recursive schema through {name!r} cannot be inlined")
        if name not in defs:
            raise ValueError(f"unknown schema reference {ref!r}")
        out.update(_inline(defs[name], defs, (*seen, name)))
    for key, value in node.items():
        if key in _DROPPED or key == "$ref":
            continue
        if key in _SCHEMA_VALUED and isinstance(value, dict):
            out[key] = _inline(value, defs, seen)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_inline(v, defs, seen) if isinstance(v, dict) else v for v in value]
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {k: _inline(v, defs, seen) for k, v in value.items()}
        else:
            out[key] = value
    all_of = out.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], dict):
        del out["allOf"]
        out = {**all_of[0], **out}
    return out


def _object_end(text: str, start: int) -> int | None:
    depth = 0
    in_string = False
    escaped = False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


def _schema_reason(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors()[:_MAX_ERRORS]:
        location = ".".join(str(part) for part in error["loc"]) or "(root)"
        if error["type"] == "missing":
            problem = "is required but missing"
        elif error["type"] == "extra_forbidden":
            problem = "is not allowed"
        else:
            shown = json.dumps(error.get("input"), default=str, ensure_ascii=False)
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            problem = f"{error['msg'][:1].lower()}{error['msg'][1:]} (got {shown})"
        problems.append(f"field '{location}' {problem}")
    more = len(exc.errors()) - _MAX_ERRORS
    if more > 0:
        problems.append(f"and {more} more error{'s' if more > 1 else ''}")
    reason = "schema: " + "; ".join(problems)
    return reason if len(reason) <= _MAX_REASON else reason[: _MAX_REASON - 1] + "…"
