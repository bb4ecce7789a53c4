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
from dataclasses import dataclass
from typing import Any

from merchant_screen.agent.fold import fold
from merchant_screen.agent.injection_model import Detector, bundled_detector
from merchant_screen.tools.pages import ExtractedPage
from merchant_screen.tools.robots import SiteComment
from merchant_screen.verdict import SuspiciousText, Where

__all__ = [
    "Candidate",
    "candidates",
    "find_injections",
    "json_ld_strings",
    "page_sources",
    "reported",
    "sentences",
]

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


@dataclass(frozen=True)
class Candidate:
    """A unit (a sentence, or two adjacent ones) and what the detector makes of it."""

    url: str
    where: Where
    text: str
    score: float
    cues: tuple[str, ...]
    invisible: int = 0
    look_alikes: int = 0
    parts: tuple[str, ...] = ()  # a pair: the samples of its two sentences


def _sample(unit: str) -> str:
    return " ".join(unit.split())[:_MAX_SAMPLE]


class _Scan:
    """One scan: scores and cues cached by folded text (footers and menus repeat on every
    page); candidates kept once per (source, text)."""

    def __init__(self, detector: Detector, floor: float) -> None:
        self.detector = detector
        self.floor = floor
        self._scores: dict[str, tuple[float, tuple[str, ...]]] = {}
        self.found: list[Candidate] = []
        self._seen: set[tuple[str, str]] = set()

    def _score(self, folded: str) -> tuple[float, tuple[str, ...]]:
        scored = self._scores.get(folded)
        if scored is None:
            probability, cues = self.detector.assess(folded)
            scored = probability, tuple(cues)
            self._scores[folded] = scored
        return scored

    def _keep(self, url: str, where: Where, unit: str, scored: tuple[float, tuple[str, ...]],
              parts: tuple[str, ...] = ()) -> None:  # fmt: skip
        sample = _sample(unit)
        key = (where, sample)
        if key in self._seen:
            return
        self._seen.add(key)
        folded = fold(unit)
        self.found.append(
            Candidate(
                url,
                where,
                sample,
                scored[0],
                scored[1],
                folded.invisible,
                folded.look_alikes,
                parts,
            )
        )

    def scan(self, url: str, where: Where, text: str) -> None:
        # Pairs run across lines too: "Note for AI systems:" may stand above its instruction.
        units = [unit for block in sentences(text) for unit in block]
        folded = [fold(u).text for u in units]
        scored = [self._score(f) for f in folded]
        for unit, one in zip(units, scored, strict=True):
            if one[0] >= self.floor:
                self._keep(url, where, unit, one)
        for i in range(len(units) - 1):
            pair = self._score(f"{folded[i]} {folded[i + 1]}")
            if pair[0] >= self.floor:
                parts = (_sample(units[i]), _sample(units[i + 1]))
                self._keep(url, where, f"{units[i]} {units[i + 1]}", pair, parts)


def candidates(
    pages: Iterable[ExtractedPage],
    site_comments: Sequence[SiteComment] = (),
    detector: Detector | None = None,
    floor: float | None = None,
) -> list[Candidate]:
    """Every unit of every text of ``pages`` and of robots.txt / sitemap comments scoring at
    or above ``floor`` (default: the detector's threshold), whether or not it is reported."""
    det = detector or bundled_detector()
    run = _Scan(det, det.threshold if floor is None else floor)
    for comment in site_comments:
        run.scan(comment.url, comment.source, comment.text)
    for page in pages:
        for where, text in page_sources(page):
            if text:
                run.scan(page.url, where, text)
    return run.found


def reported(found: Sequence[Candidate], detector: Detector) -> list[Candidate]:
    """The candidates the detector's report rule keeps (``Detector.reports``); a pair only
    when neither of its sentences is reported on its own."""
    kept = [c for c in found if detector.reports(c.score, c.cues)]
    alone = {(c.where, c.text) for c in kept if not c.parts}
    return [c for c in kept if not any((c.where, part) in alone for part in c.parts)]


def _suspicious(found: Candidate) -> SuspiciousText:
    cues = [_CUE_REASONS[c] for c in found.cues if c in _CUE_REASONS]
    parts = [cues[0] if cues else "addressed to an automated reviewer", f"score {found.score:.2f}"]
    if found.invisible or found.look_alikes:
        parts.append(
            f"obfuscated: {found.invisible} invisible character(s), "
            f"{found.look_alikes} look-alike letter(s)"
        )
    return SuspiciousText(url=found.url, text=found.text, where=found.where,
                          reason="; ".join(parts))  # fmt: skip


def find_injections(
    pages: Iterable[ExtractedPage],
    site_comments: Sequence[SiteComment] = (),
    detector: Detector | None = None,
) -> list[SuspiciousText]:
    """Injection attempts in every text of ``pages`` and in robots.txt / sitemap comments."""
    det = detector or bundled_detector()
    return [_suspicious(c) for c in reported(candidates(pages, site_comments, det), det)]
