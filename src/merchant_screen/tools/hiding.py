"""Why an element's text is hidden from a visitor: inline styles and <style> rules.

Pure and linear-time (page markup is hostile input). :func:`element_hidden_reason` is the
one question the walker asks per element; it combines the tag, the ``hidden`` /
``aria-hidden`` attributes, the inline ``style`` (:func:`style_hidden_reason`) and the
page's own class / id rules (:class:`CssHiding`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from selectolax.lexbor import LexborNode

__all__ = [
    "HIDING_ATTRS",
    "Attrs",
    "CssHiding",
    "HiddenReason",
    "element_hidden_reason",
    "style_hidden_reason",
]

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
# Attributes whose presence can hide an element (besides the page's class / id rules).
HIDING_ATTRS = frozenset({"hidden", "style", "aria-hidden"})

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
def style_hidden_reason(style: str) -> HiddenReason | None:
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


class CssHiding:
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
    def from_styles(cls, styles: list[str]) -> CssHiding:
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


# ---------------------------------------------------------------- one element


def _sized_descendant(node: LexborNode) -> bool:
    """Whether an element below ``node`` sets its own inline font-size."""
    return any(child.css_first('[style*="font-size"]') is not None for child in node.iter())


def element_hidden_reason(
    node: LexborNode, tag: str, attrs: Attrs, css: CssHiding
) -> HiddenReason | None:
    """Why this element's text is hidden: tag, attributes, inline style, page rules; or None."""
    if tag == "noscript":
        return "noscript"
    if tag == "template":
        return "template"
    if tag == "dialog" and "open" not in attrs:
        return "display_none"
    if "hidden" in attrs:
        return "hidden_attribute"
    if style := attrs.get("style"):
        reason = style_hidden_reason(style)
        if reason == "zero_size" and _sized_descendant(node):
            reason = None  # inline-block spacing trick: children set their own size
        if reason is not None:
            return reason
    if reason := css.reason(tag, attrs.get("class"), attrs.get("id")):
        return reason
    if (attrs.get("aria-hidden") or "").strip().lower() == "true":
        return "aria_hidden"
    return None
