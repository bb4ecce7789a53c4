"""Read one HTML document into an :class:`ExtractedPage`. Pure: no network, no disk.

One depth-first walk over the selectolax (lexbor) tree collects the visible text (one
block per line), hidden text with the reason it is hidden, links with their page region,
forms, headings, metadata and JSON-LD. The page state then comes from
:func:`merchant_screen.tools.pagestate.classify_content`.
"""

from __future__ import annotations

import codecs
import json
import re
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import charset_normalizer
from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from merchant_screen.tools.pages import ExtractedPage, FormInfo, HiddenText, Link
from merchant_screen.tools.pagestate import classify_content
from merchant_screen.tools.text import collapse_ws, guess_language

__all__ = ["decode_html", "extract_page"]

HiddenReason = Literal[
    "display_none",
    "visibility_hidden",
    "hidden_attribute",
    "aria_hidden",
    "zero_size",
    "offscreen",
    "same_colour",
    "html_comment",
    "noscript",
    "template",
]
Attrs = dict[str, str | None]
Region = Literal["nav", "header", "footer", "main"]

# ---------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^\s"';,]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([\w.:-]{1,40})""", re.I)
# What browsers decode these labels as (WHATWG Encoding Standard supersets).
_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
}
_ALIASES = {"x-sjis": "cp932", "windows-31j": "cp932", "ms_kanji": "cp932", "x-gbk": "gb18030"}
_NOT_TEXT = frozenset(
    codecs.lookup(name).name
    for name in (
        "base64", "bz2", "hex", "quopri", "uu", "zlib", "rot13", "undefined", "utf-7",
        "unicode_escape", "raw_unicode_escape", "idna", "punycode",
    )
)  # fmt: skip


def _codec(label: str | None) -> str | None:
    """Python codec for a charset label; None when unknown, binary or unsafe."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(_ALIASES.get(label, label)).name
    except LookupError:
        return None
    if name in _NOT_TEXT:
        return None
    return _SUPERSETS.get(name, name)


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode an HTML body: BOM, Content-Type charset, <meta> charset in the first 4 KB,
    valid UTF-8, charset-normalizer's guess, then UTF-8 with replacement. Never raises.

    A declared charset that fails to decode the body strictly is skipped (servers often
    declare UTF-8 for windows-1252 pages)."""
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(bom_codec, errors="replace")
    header = _HEADER_CHARSET.search(content_type or "")
    meta = _META_CHARSET.search(body[:4096])
    meta_codec = _codec(meta.group(1).decode("ascii", "replace")) if meta else None
    if meta_codec and meta_codec.startswith(("utf-16", "utf-32")):
        meta_codec = "utf-8"  # an ASCII-readable <meta> cannot be UTF-16 (HTML standard)
    declared = [c for c in (_codec(header.group(1)) if header else None, meta_codec) if c]
    for candidate in [*declared, "utf-8"]:
        try:
            return body.decode(candidate)
        except (UnicodeError, LookupError):
            continue
    best = charset_normalizer.from_bytes(body).best()
    if best is not None:
        return str(best)
    return body.decode(declared[0] if declared else "utf-8", errors="replace")


# ---------------------------------------------------------------- inline styles

# Every pattern here is linear-time: page markup is hostile input.
_LENGTH = re.compile(r"([-+]?(?:\d+(?:\.\d*)?|\.\d+))(px|em|rem|pt)?")
_ZERO = re.compile(r"[-+]?(?:0+(?:\.0*)?|\.0+)(?:[a-z]+|%)?")
_UNIT_PX = {None: 1.0, "px": 1.0, "em": 16.0, "rem": 16.0, "pt": 4 / 3}
_NAMED_COLOURS = {
    "white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#008000",
    "blue": "#0000ff", "yellow": "#ffff00", "gray": "#808080", "grey": "#808080",
    "silver": "#c0c0c0", "orange": "#ffa500", "purple": "#800080", "navy": "#000080",
    "maroon": "#800000", "lime": "#00ff00", "aqua": "#00ffff", "cyan": "#00ffff",
    "fuchsia": "#ff00ff", "magenta": "#ff00ff", "teal": "#008080", "olive": "#808000",
    "pink": "#ffc0cb", "ivory": "#fffff0", "snow": "#fffafa", "whitesmoke": "#f5f5f5",
    "beige": "#f5f5dc", "gainsboro": "#dcdcdc", "lightgray": "#d3d3d3",
    "lightgrey": "#d3d3d3", "darkgray": "#a9a9a9", "darkgrey": "#a9a9a9",
}  # fmt: skip
_COLOUR_TOKEN = re.compile(r"rgba?\([^()]*\)|#[0-9a-f]{3,8}\b|[a-z]+")
_HEX = re.compile(r"#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})")
_RGB = re.compile(
    r"rgba?\(\s*([\d.]+%?)[\s,]+([\d.]+%?)[\s,]+([\d.]+%?)(?:[\s,/]+([\d.]+%?))?\s*\)"
)


def _px(value: str | None) -> float | None:
    match = _LENGTH.fullmatch(value or "")
    return float(match.group(1)) * _UNIT_PX[match.group(2)] if match else None


def _colour(value: str | None) -> str | None:
    """A colour as #rrggbb, or None when absent, transparent or not understood."""
    value = (value or "").strip()
    if value in _NAMED_COLOURS:
        return _NAMED_COLOURS[value]
    if match := _HEX.fullmatch(value):
        digits = match.group(1)
        if len(digits) <= 4:
            digits = "".join(c * 2 for c in digits)
        if len(digits) == 8 and digits[6:] == "00":
            return None
        return "#" + digits[:6]
    if match := _RGB.fullmatch(value):
        alpha = match.group(4)
        if alpha is not None and float(alpha.rstrip("%")) == 0:
            return None
        channels = []
        for part in match.group(1, 2, 3):
            number = float(part.rstrip("%")) * (2.55 if part.endswith("%") else 1)
            channels.append(min(255, round(number)))
        return "#" + "".join(f"{c:02x}" for c in channels)
    return None


def _background_colour(value: str | None) -> str | None:
    for token in _COLOUR_TOKEN.findall(value or ""):
        if (colour := _colour(token)) is not None:
            return colour
    return None


@lru_cache(maxsize=4096)
def _style_hidden_reason(style: str) -> HiddenReason | None:
    """Why an inline ``style`` attribute hides its element's text, or None."""
    decl = {}
    for declaration in style.lower().split(";"):
        prop, colon, value = declaration.partition(":")
        if colon:
            decl[prop.strip()] = value.replace("!important", "").strip()
    if not decl:
        return None
    if decl.get("display") == "none":
        return "display_none"
    if decl.get("visibility") in ("hidden", "collapse"):
        return "visibility_hidden"
    if _ZERO.fullmatch(decl.get("font-size", "x")):
        return "zero_size"
    if "hidden" in decl.get("overflow", "") and any(
        _ZERO.fullmatch(decl.get(side, "x")) for side in ("width", "height")
    ):
        return "zero_size"
    if decl.get("position") in ("absolute", "fixed"):
        for side in ("left", "top"):
            offset = _px(decl.get(side))
            if offset is not None and offset <= -1000:
                return "offscreen"
    indent = _px(decl.get("text-indent"))
    if indent is not None and indent <= -999:
        return "offscreen"
    colour = _colour(decl.get("color"))
    if colour is not None and colour == (
        _colour(decl.get("background-color")) or _background_colour(decl.get("background"))
    ):
        return "same_colour"
    return None


# ---------------------------------------------------------------- <style> blocks

_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_AT_BLOCK = re.compile(r"@[^{};@]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}")
# A rule's selectors start at the beginning or right after a brace (keeps matching linear).
_RULE = re.compile(r"(?:^|(?<=[{}]))([^{}]+)\{([^{}]*(?:display|visibility)[^{}]*)\}", re.I)
_COMPOUND = re.compile(r"([a-z][a-z0-9]*)?((?:[.#](?:[\w-]|\\.)+)+)", re.I)
_TOKEN = re.compile(r"[.#](?:[\w-]|\\.)+")
_BLOCK_HIDES = re.compile(r"(display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
_BLOCK_SHOWS = re.compile(r"display\s*:\s*(?!none)[a-z]|visibility\s*:\s*visible", re.I)

_Rule = tuple[str | None, frozenset[str], HiddenReason]


class _CssHiding:
    """Simple class / id rules from the page's own <style> blocks that hide elements.

    Only top-level rules with a single compound selector (``.a``, ``div.a``, ``#b.c``)
    count. A class that some other rule shows again (``.menu.open {display:block}``,
    responsive ``md:block``) marks an interactive or responsive element, not hidden text.
    """

    def __init__(self, rules: dict[str, list[_Rule]], shown: frozenset[str]) -> None:
        self.rules = rules
        self.shown = shown
        self._memo: dict[tuple[str, str | None, str | None], HiddenReason | None] = {}

    @classmethod
    def from_styles(cls, styles: list[str]) -> _CssHiding:
        css = _CSS_COMMENT.sub("", "\n".join(styles))
        shown: set[str] = set()
        for selectors, body in _RULE.findall(css):
            if _BLOCK_SHOWS.search(body):
                for selector in selectors.split(","):
                    last = re.split(r"[\s>+~]+", selector.strip())[-1]
                    shown.update(t.replace("\\", "") for t in _TOKEN.findall(last))
        rules: dict[str, list[_Rule]] = {}
        for selectors, body in _RULE.findall(_AT_BLOCK.sub("", css)):
            hides = _BLOCK_HIDES.search(body)
            if hides is None:
                continue
            reason: HiddenReason = (
                "display_none" if hides.group(1).lower().startswith("d") else "visibility_hidden"
            )
            for selector in selectors.split(","):
                match = _COMPOUND.fullmatch(selector.strip())
                if match is None:
                    continue
                tokens = frozenset(t.replace("\\", "") for t in _TOKEN.findall(match.group(2)))
                if tokens & shown:
                    continue
                tag = match.group(1).lower() if match.group(1) else None
                for token in tokens:
                    rules.setdefault(token, []).append((tag, tokens, reason))
        return cls(rules, frozenset(shown))

    def reason(self, tag: str, classes: str | None, ident: str | None) -> HiddenReason | None:
        """The hiding reason for an element with these class / id attributes, or None."""
        if not self.rules or not (classes or ident):
            return None
        key = (tag, classes, ident)
        if key not in self._memo:
            self._memo[key] = self._match(tag, classes, ident)
        return self._memo[key]

    def _match(self, tag: str, classes: str | None, ident: str | None) -> HiddenReason | None:
        tokens = {"." + c for c in (classes or "").split()}
        if ident:
            tokens.add("#" + ident.strip())
        if tokens & self.shown:
            return None
        for token in tokens:
            for rule_tag, needed, reason in self.rules.get(token, ()):
                if (rule_tag is None or rule_tag == tag) and needed <= tokens:
                    return reason
        return None


# ---------------------------------------------------------------- the walk

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
    """Collects text runs into lines; a new line starts at every block boundary."""

    __slots__ = ("buf", "lines")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []

    def newline(self) -> None:
        if self.buf:
            line = collapse_ws("".join(self.buf))
            if line:
                self.lines.append(line)
            self.buf.clear()

    def finish(self) -> str:
        self.newline()
        return "\n".join(self.lines)


class _Anchor:
    __slots__ = ("alt", "attrs", "parts", "region")

    def __init__(self, attrs: Attrs, region: Region) -> None:
        self.attrs = attrs
        self.region = region
        self.parts: list[str] = []
        self.alt = ""


class _Form:
    __slots__ = ("attrs", "inputs", "password")

    def __init__(self, attrs: Attrs) -> None:
        self.attrs = attrs
        self.inputs: list[str] = []
        self.password = False


class _Exit:
    """What to undo when the walk leaves an element (pushed on the stack before its children)."""

    __slots__ = ("anchor", "block", "form", "heading", "hidden", "region")

    def __init__(self, block: bool) -> None:
        self.block = block
        self.region: Region | None = None
        self.anchor: _Anchor | None = None
        self.heading: list[str] | None = None
        self.hidden: tuple[HiddenReason, _Sink] | None = None
        self.form = False


# Shared markers for elements that only end an inline run or a block.
_INLINE = _Exit(block=False)
_BLOCK_EXIT = _Exit(block=True)
_HIDING_ATTRS = frozenset({"hidden", "style", "aria-hidden"})
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


def _sized_descendant(node: LexborNode) -> bool:
    """Whether an element below ``node`` sets its own inline font-size."""
    return any(child.css_first('[style*="font-size"]') is not None for child in node.iter())


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


class _Walker:
    """Depth-first walk with an explicit stack (no recursion limit on deep documents)."""

    def __init__(self, css: _CssHiding) -> None:
        self.css = css
        self.sink = _Sink()
        self.visible = self.sink
        self.in_hidden = False  # inside a hidden subtree: its text goes to that sink
        self.captures: list[list[str]] = []
        self.regions: dict[Region, int] = {"nav": 0, "header": 0, "footer": 0, "main": 0}
        self.open_anchors: list[_Anchor] = []
        self.anchors: list[_Anchor] = []
        self.hidden: list[HiddenText] = []
        self.headings: list[str] = []
        self.alt_texts: list[str] = []
        self.forms: list[_Form] = []
        self.form: _Form | None = None
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
        while stack:
            item = pop()
            if isinstance(item, _Exit):
                if item is _BLOCK_EXIT:
                    self._newline()
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
                if attrs or tag in _SPECIAL:
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
        reason = None if self.in_hidden else self._hidden_reason(node, tag, attrs)
        region = _region(tag, attrs)
        if reason is None and region is None and tag not in _TRACKED:
            return _BLOCK_EXIT if block else _INLINE
        exit_ = _Exit(block)
        if reason is not None:
            exit_.hidden = (reason, self.sink)
            self.sink = _Sink()
            self.in_hidden = True
        if region is not None:
            exit_.region = region
            self.regions[region] += 1
        if tag == "a" and attrs.get("href"):
            exit_.anchor = _Anchor(attrs, self._current_region())
            self.open_anchors.append(exit_.anchor)
            self.captures.append(exit_.anchor.parts)
        elif tag in _HEADINGS and not self.in_hidden:
            exit_.heading = []
            self.captures.append(exit_.heading)
        elif tag == "form" and self.form is None:
            self.form = _Form(attrs)
            self.forms.append(self.form)
            exit_.form = True
        elif tag == "select" and self.form is not None:
            self._form_input(attrs, "select")
        elif tag == "html" and not self.lang:
            self.lang = attrs.get("lang") or attrs.get("xml:lang") or ""
        return exit_

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
            self.regions[exit_.region] -= 1
        if exit_.form:
            self.form = None
        if exit_.hidden is not None:
            reason, outer = exit_.hidden
            self._record_hidden(reason, self.sink.finish())
            self.sink = outer
            self.in_hidden = False

    def _hidden_reason(self, node: LexborNode, tag: str, attrs: Attrs) -> HiddenReason | None:
        if tag == "noscript":
            return "noscript"
        if tag == "template":
            return "template"
        if tag == "dialog" and "open" not in attrs:
            return "display_none"
        if _HIDING_ATTRS.isdisjoint(attrs):  # the common case: only stylesheet rules can hide
            return self.css.reason(tag, attrs.get("class"), attrs.get("id"))
        if "hidden" in attrs:
            return "hidden_attribute"
        if style := attrs.get("style"):
            reason = _style_hidden_reason(style)
            if reason == "zero_size" and _sized_descendant(node):
                reason = None  # inline-block spacing trick: children set their own size
            if reason is not None:
                return reason
        if reason := self.css.reason(tag, attrs.get("class"), attrs.get("id")):
            return reason
        if (attrs.get("aria-hidden") or "").strip().lower() == "true":
            return "aria_hidden"
        return None

    def _record_hidden(self, reason: HiddenReason, text: str) -> None:
        if not text:
            return
        if reason == "aria_hidden" and (len(text) <= 2 or not any(c.isalnum() for c in text)):
            return  # a decorative icon or separator, not hidden prose
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


# ---------------------------------------------------------------- assembling the page

# (platform, a cheap keyword that must appear first, the markers that decide)
_PLATFORMS = (
    ("shopify", "shop", ("cdn.shopify.com", "shopify.theme", "/cdn/shop/", "myshopify.com")),
    ("woocommerce", "woocommerce",
     ("/plugins/woocommerce/", "woocommerce_params", "woocommerce-page")),
    ("wix", "wix", ("static.wixstatic.com", "static.parastorage.com", "wix.com website builder")),
    ("squarespace", "squarespace",
     ("static1.squarespace.com", "assets.squarespace.com", "squarespace-cdn")),
    ("bigcommerce", "bigcommerce",
     ("cdn11.bigcommerce.com", "bigcommerce.com/s-", "stencil-utils")),
    ("magento", "mage", ("text/x-magento-init", "mage/cookies", "/static/version", "magento_")),
    ("prestashop", "prestashop", ("var prestashop", "/modules/ps_", "prestashop.com")),
    ("wordpress", "/wp-", ("/wp-content/", "/wp-includes/", "/wp-json/")),
)  # fmt: skip
_LANG_TAG = re.compile(r"\s*([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*\s*", re.I)


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


def _origin(url: str) -> str:
    """``scheme://host[:port]`` of a plain absolute http(s) URL, else ''."""
    if not url.startswith(("https://", "http://")):
        return ""
    cut = url.find("/", url.index("//") + 2)
    origin = url if cut == -1 else url[:cut]
    return "" if "?" in origin or "#" in origin or "\\" in origin else origin


def _resolve(base: str, href: str, origin: str = "") -> str | None:
    """Absolute http(s) URL without fragment, or None for other schemes and junk.

    ``origin`` (from :func:`_origin`) enables a fast path for root-relative paths.
    """
    href = href.strip()
    if "\t" in href or "\n" in href or "\r" in href:
        href = href.replace("\t", "").replace("\n", "").replace("\r", "")
    if "\\" in href:
        href = href.replace("\\", "/")  # browsers read "\\" as "/" in http(s) URLs
    if not href or href[0] == "#":
        return None
    if origin and href[0] == "/" and href[1:2] != "/" and "/." not in href:
        return origin + href.split("#", 1)[0]
    try:
        absolute = href if href.startswith(("https://", "http://")) else urljoin(base, href)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
    except ValueError:
        return None
    return parts.scheme + absolute[len(parts.scheme) :].split("#", 1)[0]


def _links(anchors: list[_Anchor], base: str) -> tuple[Link, ...]:
    links = []
    origin = _origin(base)
    for anchor in anchors:
        url = _resolve(base, anchor.attrs.get("href") or "", origin)
        if url is None:
            continue
        text = (
            collapse_ws("".join(anchor.parts))
            or collapse_ws(anchor.attrs.get("title") or "")
            or collapse_ws(anchor.attrs.get("aria-label") or "")
            or anchor.alt
        )
        rel = tuple((anchor.attrs.get("rel") or "").lower().split())
        links.append(Link(url=url, text=text, region=anchor.region, rel=rel))
    return tuple(links)


def _forms(forms: list[_Form], base: str) -> tuple[FormInfo, ...]:
    infos = []
    for form in forms:
        action = (form.attrs.get("action") or "").strip()
        method = (form.attrs.get("method") or "get").strip().lower() or "get"
        infos.append(
            FormInfo(
                action=_resolve(base, action) if action else None,
                method=method,
                inputs=tuple(form.inputs),
                has_password=form.password,
            )
        )
    return tuple(infos)


def _platform(html: str, generator: str) -> str | None:
    lowered = html.lower()
    generator = generator.lower()
    for name, keyword, markers in _PLATFORMS:
        if name in generator:
            return name
        if keyword in lowered and any(marker in lowered for marker in markers):
            return name
    return None


def _language(lang_attr: str, text: str) -> str | None:
    if match := _LANG_TAG.fullmatch(lang_attr):
        return match.group(1).lower()
    return guess_language(text)


def _parse(html: str) -> LexborHTMLParser | None:
    try:
        return LexborHTMLParser(html)
    except UnicodeEncodeError:  # lone surrogates cannot go to the UTF-8 parser
        return _parse(html.encode("utf-8", "replace").decode("utf-8"))
    except SelectolaxError:
        return None


def extract_page(html: str | bytes, url: str, *, content_type: str | None = None) -> ExtractedPage:
    """Everything downstream needs from one HTML document; never raises on bad markup."""
    source = decode_html(html, content_type) if isinstance(html, bytes) else html
    tree = _parse(source)
    if tree is None or tree.root is None:
        page = ExtractedPage(url=url)
    else:
        base_node = tree.css_first("base[href]")
        base = _resolve(url, base_node.attributes.get("href") or "") if base_node else None
        base = base or url
        styles = [node.text(deep=True) for node in tree.css("style")]
        walker = _Walker(_CssHiding.from_styles(styles))
        walker.walk(tree.root.parent or tree.root)
        text = walker.visible.finish()
        meta = walker.meta
        page = ExtractedPage(
            url=url,
            title=walker.title,
            meta_description=meta.get("description") or meta.get("og:description") or "",
            headings=tuple(walker.headings),
            text=text,
            hidden=tuple(walker.hidden),
            alt_texts=tuple(walker.alt_texts),
            json_ld=tuple(walker.json_ld),
            links=_links(walker.anchors, base),
            forms=_forms(walker.forms, base),
            canonical=_resolve(base, walker.canonical) if walker.canonical else None,
            language=_language(walker.lang, text),
            platform=_platform(source, meta.get("generator", "")),
            has_next_data=walker.has_next_data,
            script_bytes=walker.script_bytes,
        )
    state, reason = classify_content(page, source)
    return page.model_copy(update={"state": state, "state_reason": reason})
