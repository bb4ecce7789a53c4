"""Exceptions raised by merchant-screen, split by who must act.

::

    ScreenError                      base of everything merchant-screen raises on purpose
    ├── ConfigError                  the operator must fix settings, flags, env vars or files
    │   └── PolicyError              a policy file is invalid (message lists every problem)
    ├── InputError                   the caller gave bad input (e.g. a malformed URL)
    │   └── InvalidURLError
    ├── CrawlError                   the merchant's site could not be read as asked
    │   ├── BlockedURLError          refused on purpose: scheme, credentials, private address
    │   ├── FetchError               network failure, timeout, bad status after retries
    │   └── ContentTooLargeError     a body exceeded a byte budget
    └── LLMError                     the language model could not give a usable answer
        ├── LLMUnavailableError      not configured, not installed, unreachable, out of quota
        └── LLMOutputError           answered, but not in the required shape after re-asks

Every message is a single line meant for a human; the CLI prints it as is.
"""

from __future__ import annotations

__all__ = [
    "BlockedURLError",
    "ConfigError",
    "ContentTooLargeError",
    "CrawlError",
    "FetchError",
    "InputError",
    "InvalidURLError",
    "LLMError",
    "LLMOutputError",
    "LLMUnavailableError",
    "PolicyError",
    "ScreenError",
]


class ScreenError(Exception):
    """Base class; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class ConfigError(ScreenError):
    exit_code = 2


class PolicyError(ConfigError):
    pass


class InputError(ScreenError):
    exit_code = 2


class InvalidURLError(InputError):
    pass


class CrawlError(ScreenError):
    exit_code = 4


class BlockedURLError(CrawlError):
    """Refused by the guard. The message says why, e.g. ``127.0.0.1 is a loopback address``."""

    exit_code = 3


class FetchError(CrawlError):
    """A request failed. ``transient`` tells retry logic (and the batch worker) to try again."""

    def __init__(self, message: str, *, transient: bool = False, status: int | None = None):
        super().__init__(message)
        self.transient = transient
        self.status = status


class ContentTooLargeError(CrawlError):
    pass


class LLMError(ScreenError):
    exit_code = 5


class LLMUnavailableError(LLMError):
    pass


class LLMOutputError(LLMError):
    pass
