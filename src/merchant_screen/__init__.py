"""merchant-screen: screen a merchant's website against a prohibited / restricted-business
policy and get a verdict whose every quote was verified against a fetched page.

    >>> import merchant_screen
    >>> verdict = merchant_screen.screen("https://shop.example/")   # doctest: +SKIP
    >>> verdict.decision, verdict.action, verdict.confidence         # doctest: +SKIP

The public names are imported on first use, so ``import merchant_screen`` (and every CLI
command that does not screen, e.g. ``batch status``) does not pay for loading LangGraph and
the model SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "Evidence": "merchant_screen.verdict",
    "Finding": "merchant_screen.verdict",
    "Screener": "merchant_screen.api",
    "Settings": "merchant_screen.settings",
    "Verdict": "merchant_screen.verdict",
    "errors": "merchant_screen.errors",
    "screen": "merchant_screen.api",
    "screen_async": "merchant_screen.api",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'merchant_screen' has no attribute {name!r}")
    module = importlib.import_module(home)
    value = module if name == "errors" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
