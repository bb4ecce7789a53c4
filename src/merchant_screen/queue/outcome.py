"""What one attempt's result means for the job: done, failed at once, or worth retrying.

Transient (retried with backoff): connection resets, timeouts, 429 and 5xx, from the site
(``FetchError.transient``, a verdict whose homepage error is transient) or from the model
(``LLMUnavailableError`` caused by a transient API error). Permanent (failed at once, with
the reason): invalid input, blocked URLs, hosts that do not resolve, 4xx, a model that is
misconfigured or out of quota, a model answer that stays malformed, and anything unexpected.
A verdict whose site answered is "done", whatever its decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from merchant_screen.errors import (
    BlockedURLError,
    FetchError,
    LLMUnavailableError,
    ScreenError,
)
from merchant_screen.llm.retry import is_transient as is_transient_api_error
from merchant_screen.verdict import Verdict

__all__ = [
    "MAX_TOTAL_BACKOFF",
    "Outcome",
    "RetryPolicy",
    "classify_error",
    "classify_verdict",
    "final_status",
]

MAX_TOTAL_BACKOFF = 60.0
Kind = Literal["done", "failed", "transient"]


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    error: str | None = None
    verdict: Verdict | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` counts the first run. Waits grow threefold from ``first_wait`` and are
    trimmed so that their sum never exceeds ``MAX_TOTAL_BACKOFF`` (0 in tests)."""

    attempts: int = 3
    first_wait: float = 10.0

    def __post_init__(self) -> None:
        if not 1 <= self.attempts <= 10:
            raise ValueError("attempts must be between 1 and 10")
        if self.first_wait < 0:
            raise ValueError("first_wait must be >= 0")

    def waits(self) -> list[float]:
        """Seconds to wait after attempt 1, 2, ... (one fewer than ``attempts``)."""
        left = MAX_TOTAL_BACKOFF
        schedule = []
        for n in range(self.attempts - 1):
            wait = min(self.first_wait * 3.0**n, left)
            schedule.append(round(wait, 3))
            left -= wait
        return schedule

    def wait_after(self, attempt: int) -> float:
        return self.waits()[attempt - 1]


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if isinstance(exc, BlockedURLError):
        return f"blocked: {text}"
    if isinstance(exc, ScreenError):
        return text or type(exc).__name__
    if isinstance(exc, TimeoutError):
        return "timed out: the job took longer than its time limit"
    return f"internal error: {type(exc).__name__}: {text}"[:500]


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, FetchError):
        return exc.transient
    if isinstance(exc, LLMUnavailableError):
        cause = exc.__cause__
        return cause is not None and is_transient_api_error(cause)
    return isinstance(exc, TimeoutError)


def classify_error(exc: BaseException) -> Outcome:
    """The outcome of an attempt that raised ``exc``."""
    return Outcome("transient" if is_transient(exc) else "failed", _reason(exc))


def classify_verdict(verdict: Verdict) -> Outcome:
    """The outcome of an attempt that returned a verdict."""
    error = verdict.crawl.error
    if error is None:
        return Outcome("done", None, verdict)
    return Outcome("transient" if verdict.crawl.error_transient else "failed", error, verdict)


def final_status(outcome: Outcome, attempt: int, policy: RetryPolicy) -> str:
    """done, failed or dead when the job ends with this attempt; "retry" otherwise."""
    if outcome.kind != "transient":
        return outcome.kind
    return "dead" if attempt >= policy.attempts else "retry"
