"""One depth-first walk over a selectolax (lexbor) tree: what :func:`extract_page` reads.

The :class:`Walker` splits the text into visible lines (one block per line) and hidden
runs with the reason they are hidden (:mod:`merchant_screen.tools.hiding`). Hiding through
an inherited property (``visibility``, ``font-size``, ``text-indent``) can be undone by a
descendant that sets it again: that descendant's text is visible, and the hidden run goes
on after it. The walker also collects
anchors with their page region, forms, headings, alt texts, <title>, <meta>, canonical,
``lang``, JSON-LD, ``__NEXT_DATA__`` and script sizes along the way.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from selectolax.lexbor import LexborNode

from merchant_screen.tools.hiding import (
    HIDING_ATTRS,
    Attrs,
    CssHiding,
    HiddenReason,
    Hiding,
    Soft,
    element_hiding,
)
from merchant_screen.tools.pages import HiddenText
from merchant_screen.tools.text import collapse_ws

__all__ = ["Anchor", "Form", "Region", "Walker"]

Region = Literal["nav", "header", "footer", "main"]

_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "html",
        "legend", "li", "main", "menu", "nav", "ol", "optgroup", "option", "p", "pre",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
# Elements whose content is never shown as page text.
_SKIP = frozenset(
    {
        "script", "style", "title", "svg", "iframe", "textarea", "canvas", "audio", "video",
        "datalist", "object", "embed",
    }
)  # fmt: skip
_VOID = frozenset({"img", "input", "meta", "link"})
_HEADINGS = frozenset({"h1", "h2", "h3"})
_MAX_HIDDEN_CHARS = 4000
_COMMENT_MARKER = re.compile(
    r"(?:/?wp:|/?ko\b|\[if\b|<!\[endif|\[endif|googleo(?:ff|n)|/|#|end\b|begin\b|start\b)", re.I
)


class _Sink:
    """Collects text runs into lines; a new line starts at every block boundary.

    ``region`` is the page region the next line belongs to; lines outside ``main`` are
    recorded in ``spans`` as ``(start, end, region)`` character ranges of the joined text.
    """

    __slots__ = ("buf", "length", "lines", "region", "spans")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.region: Region = "main"
        self.length = 0  # characters of the joined text so far, newlines included
        self.spans: list[tuple[int, int, Region]] = []

    def newline(self) -> None:
        if self.buf:
            line = collapse_ws("".join(self.buf))
            if line:
                if self.region != "main":
                    self._span(len(line))
                self.lines.append(line)
                self.length += len(line) + 1
            self.buf.clear()

    def _span(self, size: int) -> None:
        start, end = self.length, self.length + size
        spans = self.spans
        if spans and spans[-1][2] == self.region and spans[-1][1] + 1 == start:
            spans[-1] = (spans[-1][0], end, self.region)
        else:
            spans.append((start, end, self.region))

    def finish(self) -> str:
        self.newline()
        return "\n".join(self.lines)


class Anchor:
    """An ``<a href>`` as the walk found it: attributes, region, text parts, first img alt."""

    __slots__ = ("alt", "attrs", "parts", "region")

    def __init__(self, attrs: Attrs, region: Region) -> None:
        self.attrs = attrs
        self.region = region
        self.parts: list[str] = []
        self.alt = ""


class Form:
    """A ``<form>`` as the walk found it: attributes, input names / types, password field."""

    __slots__ = ("attrs", "inputs", "password")

    def __init__(self, attrs: Attrs) -> None:
        self.attrs = attrs
        self.inputs: list[str] = []
        self.password = False


_HideState = tuple["_Sink", bool, frozenset[Soft]]  # (sink, hard, soft) before an element


class _Exit:
    """What to undo when the walk leaves an element (pushed on the stack before its children)."""

    __slots__ = ("anchor", "block", "form", "heading", "reason", "region", "saved")

    def __init__(self, block: bool) -> None:
        self.block = block
        self.region: Region | None = None
        self.anchor: Anchor | None = None
        self.heading: list[str] | None = None
        self.saved: _HideState | None = None  # the element changed what is hidden
        self.reason: HiddenReason | None = None  # ... and started a hidden run
        self.form = False


# Shared markers for elements that only end an inline run or a block.
_INLINE = _Exit(block=False)
_BLOCK_EXIT = _Exit(block=True)
_REGION_TAGS: dict[str, Region] = {"nav": "nav", "header": "header", "footer": "footer"}
_REGION_ROLES: dict[str, Region] = {
    "navigation": "nav",
    "banner": "header",
    "contentinfo": "footer",
}
# Elements whose start the walker must remember even when they are not hidden.
_TRACKED = frozenset({"a", "h1", "h2", "h3", "form", "select", "html"})
# Elements that need a look even without attributes.
_SPECIAL = _HEADINGS | {"noscript", "template", "dialog", "nav", "header", "footer", "form"}


def _region(tag: str, attrs: Attrs) -> Region | None:
    """The page region an element opens: by tag, ARIA role, or a "footer" class / id."""
    region = _REGION_TAGS.get(tag)
    if region is None and "role" in attrs:
        region = _REGION_ROLES.get(attrs["role"] or "")
    if region is None:
        names = (attrs.get("class") or "") + (attrs.get("id") or "")
        if "ooter" in names or "OOTER" in names:
            region = "footer" if "footer" in names.lower() else None
    return region


class Walker:
    """Depth-first walk with an explicit stack (no recursion limit on deep documents)."""

    def __init__(self, css: CssHiding) -> None:
        self.css = css
        self.sink = _Sink()
        self.visible = self.sink
        self.in_hidden = False  # inside a hidden subtree: its text goes to that sink
        self.hard = False  # inside a subtree nothing below can show again (display:none...)
        self.soft: frozenset[Soft] = frozenset()  # inherited hiding a descendant may undo
        self.special = _SPECIAL | css.tags  # tags that need a look even without attributes
        self.captures: list[list[str]] = []
        self.regions: dict[Region, int] = {"nav": 0, "header": 0, "footer": 0, "main": 0}
        self.open_anchors: list[Anchor] = []
        self.anchors: list[Anchor] = []
        self.hidden: list[HiddenText] = []
        self.headings: list[str] = []
        self.alt_texts: list[str] = []
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.json_ld: list[dict[str, Any]] = []
        self.script_bytes = 0
        self.has_next_data = False
        self.title = ""
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.lang = ""

    def walk(self, root: LexborNode) -> None:
        stack: list[LexborNode | _Exit] = [root]
        pop = stack.pop
        captures = self.captures
        special = self.special
        while stack:
            item = pop()
            if isinstance(item, _Exit):
                if item is _BLOCK_EXIT:  # inlined self._newline(): the hottest path
                    if self.sink.buf:
                        self.sink.newline()
                    for capture in captures:
                        capture.append(" ")
                elif item is not _INLINE:
                    self._leave(item)
                continue
            tag = item.tag
            if tag == "-text":
                text = item.text_content
                if text:
                    self.sink.buf.append(text)
                    for capture in captures:
                        capture.append(text)
                continue
            if tag == "-comment":
                self._comment(item.comment_content or "")
                continue
            if tag is None or tag == "-document":
                exit_ = _INLINE
            elif tag[0] == "-":
                continue
            elif tag in _SKIP:
                self._skipped(item, tag)
                continue
            else:
                attrs = item.attributes
                if tag in _VOID:
                    self._void(tag, attrs)
                    continue
                if tag == "br" or tag == "hr":
                    self._newline()
                    continue
                exit_ = _BLOCK_EXIT if tag in _BLOCK else _INLINE
                if attrs or tag in special:
                    exit_ = self._enter(item, tag, attrs, exit_.block)
                if exit_.block:
                    self._newline()
            stack.append(exit_)
            children = item.template_fragments() if tag == "template" else []
            children.extend(item.iter(include_text=True))
            children.reverse()
            stack.extend(children)

    def _newline(self) -> None:
        if self.sink.buf:
            self.sink.newline()
        for capture in self.captures:
            capture.append(" ")

    def _enter(self, node: LexborNode, tag: str, attrs: Attrs, block: bool) -> _Exit:
        """Start an element with attributes or a special role; the result undoes it."""
        hiding: Hiding | None
        if self.hard:
            hiding = None
        elif tag in _SPECIAL or not HIDING_ATTRS.isdisjoint(attrs):
            hiding = element_hiding(tag, attrs, self.css)
        else:  # the common case: only the page's stylesheet rules can hide it
            hiding = self.css.hiding(tag, attrs.get("class"), attrs.get("id"))
        changes = hiding is not None and (
            hiding.reason is not None or not self.soft.isdisjoint(hiding.reveals)
        )
        region = _region(tag, attrs)
        if not changes and region is None and tag not in _TRACKED:
            return _BLOCK_EXIT if block else _INLINE
        exit_ = _Exit(block)
        if hiding is not None and changes:
            self._hide(hiding, exit_)
        if region is not None:
            if not self.in_hidden:
                self._newline()  # the text before belongs to the enclosing region
            exit_.region = region
            self.regions[region] += 1
            self.visible.region = self._current_region()
        if tag == "a" and attrs.get("href"):
            exit_.anchor = Anchor(attrs, self._current_region())
            self.open_anchors.append(exit_.anchor)
            self.captures.append(exit_.anchor.parts)
        elif tag in _HEADINGS and not self.in_hidden:
            exit_.heading = []
            self.captures.append(exit_.heading)
        elif tag == "form" and self.form is None:
            self.form = Form(attrs)
            self.forms.append(self.form)
            exit_.form = True
        elif tag == "select" and self.form is not None:
            self._form_input(attrs, "select")
        elif tag == "html" and not self.lang:
            self.lang = attrs.get("lang") or attrs.get("xml:lang") or ""
        return exit_

    def _hide(self, hiding: Hiding, exit_: _Exit) -> None:
        """Apply what an element hides or reveals to the text of its subtree."""
        soft = self.soft - hiding.reveals
        hard = self.hard
        if hiding.reason is not None:
            if hiding.soft is None:
                hard = True
            else:
                soft |= {hiding.soft}
        hidden = hard or bool(soft)
        exit_.saved = (self.sink, self.hard, self.soft)
        if hidden != self.in_hidden:
            if exit_.block:
                self._newline()  # end the line before the text goes elsewhere
            if hidden:
                exit_.reason = hiding.reason
                self.sink = _Sink()
            else:  # a visible descendant of inherited hiding (visibility:visible)
                self.sink = self.visible
        self.hard, self.soft, self.in_hidden = hard, soft, hidden

    def _skipped(self, node: LexborNode, tag: str) -> None:
        if tag == "script":
            self._script(node)
        elif tag == "title" and not self.title:
            self.title = collapse_ws(node.text(deep=True))
        elif tag == "textarea" and self.form is not None:
            self._form_input(node.attributes, "textarea")

    def _leave(self, exit_: _Exit) -> None:
        if exit_.block:
            self._newline()
        # Captures nest like the elements that opened them, so the last one is ours.
        if exit_.anchor is not None:
            self.captures.pop()
            self.anchors.append(self.open_anchors.pop())
        if exit_.heading is not None:
            self.captures.pop()
            if heading := collapse_ws("".join(exit_.heading)):
                self.headings.append(heading)
        if exit_.region is not None:
            if exit_.saved is None and not self.in_hidden:
                self._newline()
            self.regions[exit_.region] -= 1
            self.visible.region = self._current_region()
        if exit_.form:
            self.form = None
        if exit_.saved is not None:
            if exit_.reason is not None:
                self._record_hidden(exit_.reason, self.sink.finish())
            self.sink, self.hard, self.soft = exit_.saved
            self.in_hidden = self.hard or bool(self.soft)
            if exit_.block:
                self._newline()  # the text after the element starts a new line

    def _record_hidden(self, reason: HiddenReason, text: str) -> None:
        if text:
            self.hidden.append(HiddenText(reason=reason, text=text[:_MAX_HIDDEN_CHARS]))

    def _comment(self, content: str) -> None:
        text = collapse_ws(content)
        if len(text) < 10 or " " not in text or _COMMENT_MARKER.match(text):
            return  # empty, conditional or a build marker such as "/.container"
        self.hidden.append(HiddenText(reason="html_comment", text=text[:_MAX_HIDDEN_CHARS]))

    def _script(self, node: LexborNode) -> None:
        attrs = node.attributes
        body = node.text(deep=True)
        self.script_bytes += len(body) if body.isascii() else len(body.encode("utf-8", "replace"))
        if attrs.get("id") == "__NEXT_DATA__":
            self.has_next_data = True
        if (attrs.get("type") or "").strip().lower() == "application/ld+json":
            self.json_ld.extend(_parse_json_ld(body))

    def _void(self, tag: str, attrs: Attrs) -> None:
        if tag == "img":
            if alt := collapse_ws(attrs.get("alt") or ""):
                self.alt_texts.append(alt)
                for anchor in self.open_anchors:
                    anchor.alt = anchor.alt or alt
        elif tag == "input":
            if self.form is not None:
                self._form_input(attrs, (attrs.get("type") or "text").strip().lower())
        elif tag == "meta":
            key = (attrs.get("name") or attrs.get("property") or "").strip().lower()
            content = collapse_ws(attrs.get("content") or "")
            if key == "generator":
                self.meta["generator"] = self.meta.get("generator", "") + " " + content
            elif key in ("description", "og:description") and key not in self.meta:
                self.meta[key] = content
        elif tag == "link" and "canonical" in (attrs.get("rel") or "").lower().split():
            self.canonical = self.canonical or (attrs.get("href") or "").strip()

    def _form_input(self, attrs: Attrs, kind: str) -> None:
        if self.form is None:
            return
        self.form.inputs.append((attrs.get("name") or "").strip() or kind)
        if kind == "password":
            self.form.password = True

    def _current_region(self) -> Region:
        if self.regions["nav"]:
            return "nav"
        if self.regions["header"]:
            return "header"
        if self.regions["footer"]:
            return "footer"
        return "main"


def _parse_json_ld(body: str) -> list[dict[str, Any]]:
    """Objects of one ld+json block: top-level lists and @graph flattened; broken JSON skipped."""
    raw = body.strip().removeprefix("<!--").removesuffix("-->").strip().rstrip(";")
    try:
        data = json.loads(raw, strict=False)
    except (ValueError, RecursionError):
        return []
    found: list[dict[str, Any]] = []
    for item in data if isinstance(data, list) else [data]:
        if not isinstance(item, dict):
            continue
        graph = item.get("@graph")
        if isinstance(graph, list):
            found.extend(node for node in graph if isinstance(node, dict))
        elif isinstance(graph, dict):
            found.append(graph)
        else:
            found.append(item)
    return found
