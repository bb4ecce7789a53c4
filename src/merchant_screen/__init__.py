"""merchant-screen: screen a merchant's website against a prohibited / restricted-business
policy and get a verdict whose every quote was verified against a fetched page.

    >>> import merchant_screen
    >>> verdict = merchant_screen.screen("https://shop.example/")   # doctest: +SKIP
    >>> verdict.decision, verdict.action, verdict.confidence         # doctest: +SKIP
"""

from __future__ import annotations

from merchant_screen import errors
from merchant_screen.api import Screener, screen, screen_async
from merchant_screen.settings import Settings
from merchant_screen.verdict import Evidence, Finding, Verdict

__all__ = [
    "Evidence",
    "Finding",
    "Screener",
    "Settings",
    "Verdict",
    "errors",
    "screen",
    "screen_async",
]
