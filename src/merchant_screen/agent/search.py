"""Passages of the crawled site and a small BM25 index over them (pure, in memory)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Passage", "SiteIndex", "split_passages", "tokens"]

_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_STOP_WORDS = (
    "a an and are as at be by for from has have in is it its of on or our the this that to we "
    "with you your was were will can all any not no"
)
_STOP = frozenset(_STOP_WORDS.split())
PASSAGE_CHARS = 600


def tokens(text: str) -> list[str]:
    return [t for t in (m.group(0).lower() for m in _TOKEN.finditer(text)) if t not in _STOP]


@dataclass(frozen=True)
class Passage:
    url: str
    text: str
    start: int  # offset in the page's visible text
    title: str = ""


def split_passages(
    url: str, text: str, title: str = "", limit: int = PASSAGE_CHARS
) -> list[Passage]:
    """Consecutive lines of a page's visible text grouped into passages of at most ``limit``
    characters (a longer line is cut at word boundaries)."""
    out: list[Passage] = []
    buf: list[str] = []
    buf_start = 0
    size = 0
    offset = 0
    for line in text.split("\n"):
        pieces = [line] if len(line) <= limit else _cut(line, limit)
        piece_offset = offset
        for piece in pieces:
            if size and size + len(piece) + 1 > limit:
                out.append(Passage(url, "\n".join(buf), buf_start, title))
                buf, size = [], 0
            if not buf:
                buf_start = piece_offset
            buf.append(piece)
            size += len(piece) + 1
            piece_offset += len(piece) + (1 if len(pieces) > 1 else 0)
        offset += len(line) + 1
    if buf:
        out.append(Passage(url, "\n".join(buf), buf_start, title))
    return [p for p in out if p.text.strip()]


def _cut(line: str, limit: int) -> list[str]:
    words = line.split(" ")
    parts: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > limit:
            parts.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        parts.append(current)
    return parts


class SiteIndex:
    """BM25 over passages; ``search`` returns the best passages for a free-text query."""

    def __init__(self, passages: Iterable[Passage], k1: float = 1.4, b: float = 0.7) -> None:
        self.passages = list(passages)
        self._tf = [Counter(tokens(p.text + " " + p.title)) for p in self.passages]
        self._len = [sum(tf.values()) for tf in self._tf]
        self._avg = (sum(self._len) / len(self._len)) if self._len else 1.0
        df: Counter[str] = Counter()
        for tf in self._tf:
            df.update(tf.keys())
        n = len(self.passages)
        self._idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._k1, self._b = k1, b

    def search(self, query: str, limit: int = 5) -> list[tuple[Passage, float]]:
        terms = tokens(query)
        if not terms:
            return []
        scored: list[tuple[float, int]] = []
        for i, tf in enumerate(self._tf):
            score = 0.0
            norm = self._k1 * (1 - self._b + self._b * self._len[i] / (self._avg or 1.0))
            for term in terms:
                f = tf.get(term, 0)
                if f:
                    score += self._idf.get(term, 0.0) * f * (self._k1 + 1) / (f + norm)
            if score > 0:
                scored.append((score, i))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [(self.passages[i], round(score, 3)) for score, i in scored[:limit]]
