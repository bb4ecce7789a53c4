"""Cap how deep an HTML document nests before it is parsed (pure, one linear scan).

lexbor's tree builder checks the stack of open elements on every block-level start tag
("is there a <p> in button scope?"), so n unclosed ``<div>`` cost O(n²): 50,000 take 5 s,
200,000 (2.2 MB) take minutes, holding a core the whole time. Browsers stop nesting too
(Chromium's parser caps the DOM at 512 levels and adds deeper elements as siblings).

``flatten_nesting`` estimates the depth from the tags as written and drops every start
tag that would go deeper than ``max_depth`` together with its end tag; the text inside
stays, one level up, so nothing a visitor could read is lost. Comments and the raw text of
``<script>``, ``<style>``, ``<textarea>`` and the like are skipped; void elements,
elements whose end tag is optional (``<p>``, ``<li>``, ``<td>``...) and self-closed
elements inside ``<svg>`` / ``<math>`` do not count as nesting. So ordinary pages stay
far below the cap and come back unchanged (none of the 3,060 corpus pages is touched).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MAX_DEPTH", "Flattened", "flatten_nesting"]

MAX_DEPTH = 512

_TAG = re.compile(r"<(?:!--|(/?)([A-Za-z][^\s/>]*))")
_COMMENT_END = re.compile(r"--!?>")
_TAG_END = re.compile(r"""(?:[^>"']|"[^"]*"|'[^']*')*>""")
_FOREIGN = frozenset({"svg", "math"})
_RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"}
)
_VOID = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr", "param", "keygen", "frame", "basefont", "bgsound", "image",
    }
)  # fmt: skip
# End tags may be left out: the next sibling closes them, so they do not pile up.
_OPTIONAL_END = frozenset(
    {
        "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody",
        "tfoot", "colgroup", "rt", "rp", "rb", "rtc", "html", "head", "body",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Flattened:
    html: str
    dropped: int  # start tags dropped for going deeper than the cap

    @property
    def changed(self) -> bool:
        return self.dropped > 0


def _raw_text_end(html: str, name: str, start: int) -> int:
    """Where the raw text of a ``<script>``-like element ends (its end tag, or the end)."""
    found = re.compile(rf"</{name}[\s/>]", re.IGNORECASE).search(html, start)
    return found.start() if found else len(html)


def flatten_nesting(html: str, max_depth: int = MAX_DEPTH) -> Flattened:
    """``html`` with start tags nested deeper than ``max_depth`` (and their end tags)
    removed; unchanged (the same string) when the document stays within the cap."""
    if html.count("<") <= max_depth:
        return Flattened(html, 0)
    kept: list[str] = []
    depth = 0
    dropped = 0
    pending: dict[str, int] = {}  # dropped start tags whose end tag is still to come
    copied = 0
    pos = 0
    foreign = 0  # open <svg> / <math> elements
    while (match := _TAG.search(html, pos)) is not None:
        start = match.start()
        if match.group(2) is None:  # a comment
            close = _COMMENT_END.search(html, match.end())
            pos = close.end() if close else len(html)
            continue
        end_match = _TAG_END.match(html, match.end())
        if end_match is None:
            break  # an unterminated tag runs to the end of the document
        pos = end_match.end()
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name in _VOID or name in _OPTIONAL_END:
            continue
        if foreign and html[pos - 2] == "/":  # <path/> closes itself inside <svg>, <math>
            continue
        if name in _FOREIGN:
            foreign = max(0, foreign + (-1 if closing else 1))
        if closing:
            if pending.get(name):
                pending[name] -= 1
                kept.append(html[copied:start])
                copied = pos
            elif depth:
                depth -= 1
            continue
        if name in _RAW_TEXT:
            pos = _raw_text_end(html, name, pos)
            depth += 1
            continue
        if depth >= max_depth:
            pending[name] = pending.get(name, 0) + 1
            dropped += 1
            kept.append(html[copied:start])
            copied = pos
            continue
        depth += 1
    if not dropped:
        return Flattened(html, 0)
    kept.append(html[copied:])
    return Flattened("".join(kept), dropped)
