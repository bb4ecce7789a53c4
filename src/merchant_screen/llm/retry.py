"""Transport retries for LLM calls, in one place.

Retried: connection errors, timeouts, HTTP 408/409/429 and 5xx, waiting as the server asks
(``retry-after-ms`` / ``Retry-After``, capped) or with exponential backoff. Not retried: a 429
whose error is ``insufficient_quota`` (no wait will help) and other 4xx. Everything that ends a
call becomes a one-line ``LLMUnavailableError``, except errors the caller claims through
``passthrough`` (e.g. a server rejecting ``response_format``, which the adapter adapts to).
Semantic re-asks (bad JSON, schema errors) live in ``structured.py``, not here.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import openai
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from merchant_screen.errors import LLMUnavailableError

__all__ = [
    "RetryPolicy",
    "backoff_seconds",
    "call_with_retries",
    "describe_error",
    "is_quota_error",
    "is_transient",
    "retry_after_seconds",
    "unavailable_error",
]

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]

_RETRYABLE_STATUS = frozenset({408, 409, 429})
_REASON_CHARS = 200


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. ``attempts`` counts the first call; every wait is multiplied by
    ``wait_scale`` (0 in tests) after capping at ``max_wait``."""

    attempts: int = 3
    wait_scale: float = 1.0
    initial_wait: float = 0.5
    max_wait: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be >= 1")
        if self.wait_scale < 0 or self.initial_wait < 0 or self.max_wait < 0:
            raise ValueError("waits must be >= 0")


def retry_after_seconds(
    headers: Mapping[str, str] | None, *, now: float | None = None
) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms``, then ``Retry-After`` as
    seconds or an HTTP date), or None when it did not say."""
    if headers is None:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            continue
        if math.isfinite(seconds):
            return max(seconds, 0.0)
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(moment.timestamp() - current, 0.0)


def is_quota_error(exc: BaseException) -> bool:
    """A 429 meaning the account is out of credit, not that we are going too fast."""
    if not isinstance(exc, openai.RateLimitError):
        return False
    return "insufficient_quota" in (exc.code, exc.type) or "insufficient_quota" in exc.message


def is_transient(exc: BaseException) -> bool:
    """Worth another attempt: network trouble, timeouts, throttling, server errors."""
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        if is_quota_error(exc):
            return False
        return exc.status_code in _RETRYABLE_STATUS or exc.status_code >= 500
    return False


def backoff_seconds(
    exc: BaseException | None,
    attempt: int,
    policy: RetryPolicy,
    *,
    rand: Callable[[], float] = random.random,
) -> float:
    """Wait before attempt ``attempt + 1``: the server's Retry-After if it gave one, else
    exponential backoff with up to 25% jitter; capped at ``max_wait``, then scaled."""
    asked = None
    if isinstance(exc, openai.APIStatusError):
        asked = retry_after_seconds(exc.response.headers)
    if asked is not None:
        wait = min(asked, policy.max_wait)
    else:
        exponential = policy.initial_wait * 2.0 ** min(max(attempt - 1, 0), 30)
        wait = min(exponential, policy.max_wait) * (1.0 - 0.25 * rand())
    return wait * policy.wait_scale


def describe_error(exc: BaseException) -> str:
    """A short one-line reason, e.g. ``HTTP 500: upstream crashed`` or ``request timed out``."""
    if isinstance(exc, openai.APITimeoutError):
        reason = "request timed out"
    elif isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__
        reason = f"connection error: {cause}" if cause and str(cause) else "connection error"
    elif isinstance(exc, openai.APIStatusError):
        message = _server_message(exc)
        reason = f"HTTP {exc.status_code}" + (f": {message}" if message else "")
    else:
        reason = f"{type(exc).__name__}: {exc}"
    return _one_line(reason)


def unavailable_error(exc: BaseException, *, base_url: str, model: str) -> LLMUnavailableError:
    """The error to raise for a failure that retrying will not fix."""
    if is_quota_error(exc):
        return LLMUnavailableError(
            f"{base_url}: API quota exhausted (insufficient_quota); check the plan and billing"
        )
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status == 401:
            return LLMUnavailableError(f"API key rejected by {base_url}")
        if status == 404:
            return LLMUnavailableError(f"model '{model}' not found at {base_url}")
        if status == 403:
            return LLMUnavailableError(f"access denied by {base_url}: {describe_error(exc)}")
        if status == 400:
            return LLMUnavailableError(f"{base_url} rejected the request: {describe_error(exc)}")
    return LLMUnavailableError(f"{base_url} failed: {describe_error(exc)}")


async def call_with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    base_url: str,
    model: str,
    passthrough: Callable[[BaseException], bool] | None = None,
    sleep: Sleep = asyncio.sleep,
) -> T:
    """Run ``call`` under ``policy``. Errors for which ``passthrough`` is true are raised
    unchanged at once; other failures become ``LLMUnavailableError``."""

    def claimed(exc: BaseException) -> bool:
        return passthrough is not None and passthrough(exc)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        return backoff_seconds(exc, state.attempt_number, policy)

    attempts = 0
    retrying = AsyncRetrying(
        stop=stop_after_attempt(policy.attempts),
        wait=wait,
        retry=retry_if_exception(lambda exc: is_transient(exc) and not claimed(exc)),
        sleep=sleep,
        reraise=True,
    )
    try:
        async for attempt in retrying:
            with attempt:
                attempts += 1
                return await call()
    except openai.OpenAIError as exc:
        if claimed(exc):
            raise
        if is_transient(exc):
            raise LLMUnavailableError(
                f"{base_url} failed after {attempts} attempt{'s' if attempts != 1 else ''}: "
                f"{describe_error(exc)}"
            ) from exc
        raise unavailable_error(exc, base_url=base_url, model=model) from exc
    raise AssertionError("unreachable: tenacity ended without a result or an error")


def _server_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, Mapping):
        for key in ("message", "detail", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
    if isinstance(body, str):
        return body
    return ""


def _one_line(text: str) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= _REASON_CHARS else flat[: _REASON_CHARS - 1] + "…"
