"""Text planted for automated reviewers (prompt injection), found by a learned detector.

A merchant writes every text we read: the visible page, its title, headings and meta
description, image alt text, JSON-LD, hidden blocks and HTML comments, and the comments of
its robots.txt and sitemaps. Each is cut into sentences, folded (``agent.fold``: NFKC,
zero-width and format characters removed, look-alike letters mapped to Latin, case and
accents folded) and scored by the detector (``agent.injection_model``); a sentence, or a
pair of adjacent sentences, at or above the detector's threshold is reported as a signal.

The signal can only raise scrutiny: it never removes a finding and never lowers a decision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from merchant_screen.agent.fold import fold
from merchant_screen.agent.injection_model import Detector, bundled_detector
from merchant_screen.tools.pages import ExtractedPage
from merchant_screen.tools.robots import SiteComment
from merchant_screen.verdict import SuspiciousText, Where

__all__ = ["find_injections", "json_ld_strings", "page_sources", "sentences"]

_MAX_SAMPLE = 300
_MAX_UNIT_WORDS = 60
_MAX_JSON_STRINGS = 300
_MAX_SOURCE_CHARS = 400_000
_SENTENCE_END = re.compile(r"(?<=[.!?;。])\s+")
_WORDS = re.compile(r"\S+")
_CUE_REASONS = {
    "override": "overrides instructions",
    "role": "plays a system or assistant role",
    "addressed": "addresses automated reviewers",
    "persona": "addresses an AI directly",
    "conclude": "tells the reader what to conclude",
    "verdict": "dictates the output",
    "preempt": "pre-empts a flag",
}


def sentences(text: str) -> list[list[str]]:
    """Blocks (lines) of ``text``, each cut into sentences; overlong runs become chunks of
    at most 60 words, so an instruction at the end of a long line is still its own unit."""
    blocks: list[list[str]] = []
    for line in text[:_MAX_SOURCE_CHARS].splitlines():
        units: list[str] = []
        for sentence in _SENTENCE_END.split(line.strip()):
            words = _WORDS.findall(sentence)
            for i in range(0, len(words), _MAX_UNIT_WORDS):
                units.append(" ".join(words[i : i + _MAX_UNIT_WORDS]))
        units = [u for u in units if u]
        if units:
            blocks.append(units)
    return blocks


def json_ld_strings(value: Any, limit: int = _MAX_JSON_STRINGS) -> list[str]:
    """The text values of a JSON-LD object (URLs and identifiers left out), depth first."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if len(out) >= limit:
            return
        if isinstance(node, dict):
            for key, item in node.items():
                if not str(key).startswith("@"):
                    walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, str):
            text = node.strip()
            if " " in text and not text.startswith(("http://", "https://", "/")):
                out.append(text)

    walk(value)
    return out


def page_sources(page: ExtractedPage) -> Iterator[tuple[Where, str]]:
    """Every text of a page the model or a reviewer may read, with where it stands."""
    yield "title", page.title
    yield "meta", page.meta_description
    for heading in page.headings:
        yield "heading", heading
    yield "visible", page.text
    for alt in page.alt_texts:
        yield "alt", alt
    for item in page.json_ld:
        for text in json_ld_strings(item):
            yield "json_ld", text
    for hidden in page.hidden:
        yield ("comment" if hidden.reason == "html_comment" else "hidden"), hidden.text


class _Scan:
    """One scan: scores cached by folded text (footers and menus repeat on every page)."""

    def __init__(self, detector: Detector) -> None:
        self.detector = detector
        self._scores: dict[str, float] = {}
        self.found: list[SuspiciousText] = []
        self._seen: set[tuple[str, str]] = set()

    def _score(self, folded: str) -> float:
        score = self._scores.get(folded)
        if score is None:
            score = self.detector.probability(folded)
            self._scores[folded] = score
        return score

    def _report(self, url: str, where: Where, unit: str, score: float) -> None:
        sample = " ".join(unit.split())[:_MAX_SAMPLE]
        key = (where, sample)
        if key in self._seen:
            return
        self._seen.add(key)
        folded = fold(unit)
        cues = [_CUE_REASONS[c] for c in self.detector.cues_in(folded.text) if c in _CUE_REASONS]
        parts = [cues[0] if cues else "addressed to an automated reviewer", f"score {score:.2f}"]
        if folded.obfuscated:
            parts.append(
                f"obfuscated: {folded.invisible} invisible character(s), "
                f"{folded.look_alikes} look-alike letter(s)"
            )
        self.found.append(
            SuspiciousText(url=url, text=sample, where=where, reason="; ".join(parts))
        )

    def scan(self, url: str, where: Where, text: str) -> None:
        threshold = self.detector.threshold
        # Pairs run across lines too: "Note for AI systems:" may stand above its instruction.
        units = [unit for block in sentences(text) for unit in block]
        folded = [fold(u).text for u in units]
        scores = [self._score(f) for f in folded]
        for unit, score in zip(units, scores, strict=True):
            if score >= threshold:
                self._report(url, where, unit, score)
        for i in range(len(units) - 1):
            if max(scores[i], scores[i + 1]) >= threshold:
                continue
            pair = self._score(f"{folded[i]} {folded[i + 1]}")
            if pair >= threshold:
                self._report(url, where, f"{units[i]} {units[i + 1]}", pair)


def find_injections(
    pages: Iterable[ExtractedPage],
    site_comments: Sequence[SiteComment] = (),
    detector: Detector | None = None,
) -> list[SuspiciousText]:
    """Injection attempts in every text of ``pages`` and in robots.txt / sitemap comments."""
    run = _Scan(detector or bundled_detector())
    for comment in site_comments:
        run.scan(comment.url, comment.source, comment.text)
    for page in pages:
        for where, text in page_sources(page):
            if text:
                run.scan(page.url, where, text)
    return run.found
