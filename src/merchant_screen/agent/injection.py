"""Text planted for automated reviewers (prompt injection), found deterministically.

A merchant writes the pages we read. Text that addresses AI systems or reviewers, or tells
them what to conclude, is recorded as a signal. It can only raise scrutiny: it never removes a
finding and never lowers a decision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from merchant_screen.tools.pages import ExtractedPage
from merchant_screen.verdict import SuspiciousText

__all__ = ["find_injections"]

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.I))
    for reason, pattern in (
        (
            "overrides instructions",
            r"\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(previous|prior|above|earlier|all|"
            r"your|system)\b[^.\n]{0,20}\b(instructions?|prompts?|rules|guidelines|directions)\b",
        ),
        (
            "addresses automated reviewers",
            r"\b(note|message|notice|instructions?|attention|memo)\b[^.\n]{0,12}\b(to|for)\b[^.\n]{0,12}"
            r"\b(ai|a\.i\.|llms?|language models?|automated|bots?|crawlers?|scrapers?|"
            r"compliance (systems?|reviewers?|tools?)|reviewers?|screening|classifiers?|"
            r"assistants?)\b",
        ),
        (
            "tells the reader what to conclude",
            r"\b(classify|mark|label|rate|categori[sz]e|flag|treat|consider|report|score)\b[^.\n]{0,40}"
            r"\bas\b[^.\n]{0,20}\b(allowed|safe|approved|compliant|low[- ]risk|legitimate|benign|"
            r"not (a )?violation|acceptable|permitted|clean)\b",
        ),
        (
            "dictates the output",
            r"\b(output|return|respond with|answer with|set|give)\b[^.\n]{0,20}\b(decision|verdict|"
            r"classification|risk (score|level)|action)\b[^.\n]{0,20}"
            r"\b(allowed|approve|approved|safe|low|none)\b",
        ),
        (
            "addresses an AI directly",
            r"\b(you are an? (ai|assistant|language model|llm)|as an ai\b|system prompt|"
            r"dear (ai|bot|assistant|reviewer)|hey (chatgpt|gpt|claude|gemini|ai))",
        ),
        (
            "pre-empts a flag",
            r"\b(do not|don't|never|must not|should not)\b[^.\n]{0,20}\b(flag|reject|block|report|"
            r"escalate|decline)\b[^.\n]{0,40}\b(this|our)\b[^.\n]{0,20}\b(site|store|shop|merchant|"
            r"website|business|account)\b",
        ),
    )
)
_MAX_SAMPLE = 300
Where = Literal["visible", "hidden", "comment", "meta"]


def _matches(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for line in text.splitlines():
        for reason, pattern in _PATTERNS:
            if pattern.search(line):
                found.append((reason, line.strip()[:_MAX_SAMPLE]))
                break
    return found


def find_injections(pages: Iterable[ExtractedPage]) -> list[SuspiciousText]:
    """Injection attempts in visible text, hidden text, HTML comments and meta descriptions."""
    out: list[SuspiciousText] = []
    seen: set[tuple[str, str]] = set()
    for page in pages:
        sources: list[tuple[Where, str]] = [
            ("visible", page.text),
            ("meta", page.meta_description),
        ]
        sources += [
            ("comment" if h.reason == "html_comment" else "hidden", h.text) for h in page.hidden
        ]
        for where, text in sources:
            for reason, sample in _matches(text):
                key = (where, sample)
                if key in seen:
                    continue
                seen.add(key)
                out.append(
                    SuspiciousText(
                        url=page.url,
                        text=sample,
                        where=where,
                        reason=reason,
                    )
                )
    return out
