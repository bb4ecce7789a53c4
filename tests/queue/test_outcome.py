from __future__ import annotations

import httpx
import openai
import pytest

from merchant_screen.errors import (
    BlockedURLError,
    FetchError,
    InvalidURLError,
    LLMOutputError,
    LLMUnavailableError,
)
from merchant_screen.queue.outcome import (
    MAX_TOTAL_BACKOFF,
    Outcome,
    RetryPolicy,
    classify_error,
    classify_verdict,
    final_status,
)
from tests.queue.helpers import make_verdict


def api_error(status: int, code: str | None = None) -> openai.APIStatusError:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx.Response(status, request=request)
    body = {"message": "x", "type": code, "code": code}
    if status == 429:
        return openai.RateLimitError("x", response=response, body=body)
    return openai.APIStatusError("x", response=response, body=body)


def unavailable(cause: BaseException) -> LLMUnavailableError:
    try:
        raise LLMUnavailableError("http://127.0.0.1/v1 failed") from cause
    except LLMUnavailableError as exc:
        return exc


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (FetchError("reset", transient=True), "transient"),
        (FetchError("HTTP 404", transient=False, status=404), "failed"),
        (FetchError("a.invalid does not resolve", transient=False), "failed"),
        (BlockedURLError("127.0.0.1 is a loopback address"), "failed"),
        (InvalidURLError("invalid URL 'x'"), "failed"),
        (TimeoutError(), "transient"),
        (unavailable(api_error(503)), "transient"),
        (unavailable(api_error(429, "rate_limit_exceeded")), "transient"),
        (unavailable(api_error(429, "insufficient_quota")), "failed"),
        (unavailable(api_error(401)), "failed"),
        (LLMUnavailableError("model 'x' needs an endpoint"), "failed"),
        (LLMOutputError("no valid JSON after 3 tries"), "failed"),
        (KeyError("boom"), "failed"),
    ],
)
def test_classify_error(exc: BaseException, kind: str) -> None:
    outcome = classify_error(exc)
    assert outcome.kind == kind
    assert outcome.error


def test_error_reasons() -> None:
    assert classify_error(BlockedURLError("x is private")).error == "blocked: x is private"
    assert classify_error(KeyError("k")).error == "internal error: KeyError: 'k'"
    assert classify_error(TimeoutError()).error.startswith("timed out")


def test_classify_verdict() -> None:
    assert classify_verdict(make_verdict("https://a.test/")).kind == "done"
    parked = make_verdict("https://p.test/", "unknown")
    assert classify_verdict(parked) == Outcome("done", None, parked)
    gone = classify_verdict(make_verdict("https://g.test/", "unknown", "HTTP 410", False))
    assert (gone.kind, gone.error) == ("failed", "HTTP 410")
    busy = classify_verdict(make_verdict("https://b.test/", "unknown", "HTTP 503", True))
    assert busy.kind == "transient"
    assert busy.verdict is not None


def test_retry_policy_backoff_stays_within_a_minute() -> None:
    assert RetryPolicy().waits() == [10.0, 30.0]
    assert RetryPolicy(attempts=1).waits() == []
    assert RetryPolicy(first_wait=0).waits() == [0.0, 0.0]
    long = RetryPolicy(attempts=10, first_wait=20).waits()
    assert sum(long) == MAX_TOTAL_BACKOFF
    assert long[:3] == [20.0, 40.0, 0.0]
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy(attempts=0)


def test_final_status() -> None:
    policy = RetryPolicy(attempts=3)
    transient = Outcome("transient", "reset")
    assert final_status(transient, 1, policy) == "retry"
    assert final_status(transient, 3, policy) == "dead"
    assert final_status(Outcome("failed", "404"), 1, policy) == "failed"
    assert final_status(Outcome("done"), 2, policy) == "done"
