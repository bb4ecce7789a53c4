"""Which model answers: ``fake``, ``local`` (the embedded default) or a named model at an
OpenAI-compatible endpoint. An API key alone never selects a remote model."""

from __future__ import annotations

import math
from typing import Any

from merchant_screen.errors import LLMUnavailableError
from merchant_screen.llm.fake import RuleBasedFake, request_text
from merchant_screen.llm.openai_compat import OpenAICompatClient
from merchant_screen.llm.port import LLMClient, LLMRequest, LLMResponse
from merchant_screen.llm.response_cache import CachingLLM
from merchant_screen.settings import Settings

__all__ = ["build_llm", "fake_model"]


# ``--model fake`` is an uninformative judge: it answers every question the same way, with
# P("applies") 0.44, the embedded model's median answer on the dev candidates, so the scorer
# reads it as "no evidence either way" and the lexicon and the context decide.
_FAKE_P = 0.44
_FAKE_ALTERNATIVES = tuple(
    (token, math.log(p))
    for token, p in (("A", _FAKE_P), ("Yes", _FAKE_P), ("B", 1 - _FAKE_P), ("No", 1 - _FAKE_P))
)


def _fake_rule(request: LLMRequest) -> Any:
    """``--model fake``: an uninformative judge (lexicon and context decide)."""
    if request.purpose == "adjudicate":
        first = _FAKE_ALTERNATIVES[2 if "one letter" in request_text(request) else 3]
        return LLMResponse(content=first[0], top_logprobs=_FAKE_ALTERNATIVES)
    if request.schema_name == "next_action":
        return {"action": "finish", "assessment": {"business_summary": "", "findings": []}}
    if request.schema is not None:
        return {"business_summary": "", "findings": []}
    return None


def fake_model() -> RuleBasedFake:
    return RuleBasedFake([_fake_rule], model_id="fake", tool_protocol="json")


def build_llm(settings: Settings, *, salt: str) -> LLMClient:
    """The configured model, wrapped in the response cache when enabled."""
    name = settings.model or "local"
    client: LLMClient
    if name == "fake":
        return fake_model()
    if name == "local":
        from merchant_screen.llm.local import local_client

        client = local_client(settings)
    else:
        if not settings.base_url and not settings.api_key:
            raise LLMUnavailableError(
                f"model '{name}' needs an endpoint: set MERCHANT_SCREEN_API_KEY (OpenAI) or "
                "--base-url / MERCHANT_SCREEN_BASE_URL (vLLM, Ollama, llama.cpp server)"
            )
        client = OpenAICompatClient(
            name,
            base_url=settings.base_url,
            api_key=settings.api_key,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            tool_protocol=settings.tool_protocol,  # type: ignore[arg-type]
        )
    if settings.llm_cache:
        return CachingLLM(
            client,
            settings.cache_path / "llm",
            ttl=None,
            size_limit=settings.cache_size_limit,
            salt=salt,
        )
    return client
