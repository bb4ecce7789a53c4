"""What one CSS declaration block (an inline ``style`` or a rule's body) does to text.

Pure and linear-time (page markup is hostile input). :func:`declaration_effect` answers
three questions about a block:

- does it hide its element's text, why, and through which property (``hides``)? Hidden
  means a sighted visitor cannot read it: ``display:none``, ``visibility:hidden``,
  ``opacity`` under 0.1, a collapsed ``clip`` / ``clip-path`` (the sr-only pattern), a
  ``transform`` that scales to nothing or moves far off-screen, ``font-size:0``, a box of
  at most 1px with ``overflow:hidden``, absolute positioning 1000px or more off the top or
  left, ``text-indent`` of -999px or less, or text in the colour of a plain opaque
  background;
- which inherited hiding does it undo for its subtree (``reveals``): ``visibility:visible``
  under a ``visibility:hidden`` ancestor, a non-zero absolute ``font-size`` under
  ``font-size:0``, a normal ``text-indent`` under an off-screen one;
- which hiding properties does it set to values that do not hide (``shows``): a rule that
  does so for a class marks an element that is toggled or responsive, not hidden.

When in doubt the text is visible: visible text is what the judge reads, hidden text can
only escalate. So text in the background's colour counts as hidden only when the
background is a plain opaque colour with no image or gradient, and no shadow, stroke or
blend mode could make the text readable; ``color: transparent`` (the gradient-text trick)
is not hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from merchant_screen.tools.pages import HiddenReason

__all__ = [
    "Effect",
    "HiddenReason",
    "Prop",
    "Soft",
    "declaration_effect",
    "parse_declarations",
    "soft_of",
]

# The property group a hiding declaration works through; a rule that sets the same group
# to a value that does not hide cancels it.
Prop = Literal[
    "display",
    "visibility",
    "opacity",
    "clip",
    "transform",
    "font_size",
    "overflow",
    "position",
    "indent",
    "colour",
]
# Inherited properties: a descendant that sets them again is visible.
Soft = Literal["visibility", "font_size", "indent"]
_SOFT_OF: dict[Prop, Soft] = {
    "visibility": "visibility",
    "font_size": "font_size",
    "indent": "indent",
}


@dataclass(frozen=True, slots=True)
class Effect:
    """What a declaration block does to the text of the element it applies to."""

    hides: tuple[HiddenReason, Prop] | None = None
    reveals: frozenset[Soft] = frozenset()
    shows: frozenset[Prop] = frozenset()

    @property
    def soft(self) -> Soft | None:
        """The inherited property that hides, when a descendant can undo it."""
        return None if self.hides is None else soft_of(self.hides[1])


def soft_of(prop: Prop) -> Soft | None:
    """The inherited property behind hiding through ``prop``, if a descendant can undo it."""
    return _SOFT_OF.get(prop)


NO_EFFECT = Effect()

# ---------------------------------------------------------------- values

# Every pattern here is linear-time: page markup is hostile input.
_LENGTH = re.compile(r"([-+]?(?:\d+(?:\.\d*)?|\.\d+))(px|em|rem|pt)?")
_ZERO = re.compile(r"[-+]?(?:0+(?:\.0*)?|\.0+)(?:[a-z]+|%)?")
_NUMBER = re.compile(r"([-+]?(?:\d+(?:\.\d*)?|\.\d+))(%?)")
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
# A background that paints more than a colour: the text may stand out against it.
_PAINTS = re.compile(r"url\(|gradient\(|image(?:-set)?\(|element\(|paint\(")
_FUNCTION = re.compile(r"([a-z0-9]+)\(([^()]*)\)")
_SCALES = frozenset({"scale", "scalex", "scaley", "scale3d"})
_TRANSLATES = frozenset({"translate", "translatex", "translatey", "translate3d"})
_FONT_RELATIVE = re.compile(r".*(?:[^r]em|%|ex|ch)$|inherit|unset|revert.*|initial")


def _px(value: str | None) -> float | None:
    match = _LENGTH.fullmatch((value or "").strip())
    return float(match.group(1)) * _UNIT_PX[match.group(2)] if match else None


def _number(value: str | None) -> float | None:
    match = _NUMBER.fullmatch((value or "").strip())
    if match is None:
        return None
    return float(match.group(1)) / (100 if match.group(2) else 1)


def _rgba(value: str | None) -> tuple[str, float] | None:
    """A colour as (#rrggbb, alpha), or None when absent or not understood."""
    value = (value or "").strip()
    if value == "transparent":
        return "#000000", 0.0
    if value in _NAMED_COLOURS:
        return _NAMED_COLOURS[value], 1.0
    if match := _HEX.fullmatch(value):
        digits = match.group(1)
        if len(digits) <= 4:
            digits = "".join(c * 2 for c in digits)
        alpha = int(digits[6:], 16) / 255 if len(digits) == 8 else 1.0
        return "#" + digits[:6], alpha
    if match := _RGB.fullmatch(value):
        alpha_text = match.group(4)
        alpha = 1.0 if alpha_text is None else (_number(alpha_text) or 0.0)
        channels = []
        for part in match.group(1, 2, 3):
            number = float(part.rstrip("%")) * (2.55 if part.endswith("%") else 1)
            channels.append(min(255, round(number)))
        return "#" + "".join(f"{c:02x}" for c in channels), alpha
    return None


def _background(decl: dict[str, str]) -> str | None:
    """The background as one plain opaque colour, or None (none set, translucent, or
    painted with an image or gradient that could make same-coloured text readable)."""
    shorthand = decl.get("background", "")
    image = decl.get("background-image", "none")
    if _PAINTS.search(shorthand) or image not in ("none", ""):
        return None
    found = _rgba(decl.get("background-color"))
    if found is None:
        for token in _COLOUR_TOKEN.findall(shorthand):
            if (found := _rgba(token)) is not None:
                break
    if found is None or found[1] < 1.0:
        return None
    return found[0]


def _same_colour(decl: dict[str, str]) -> bool:
    text = _rgba(decl.get("color"))
    if text is None or text[1] == 0.0:
        return False  # transparent text may be painted by background-clip: text
    if decl.get("text-shadow", "none") != "none" or "-webkit-text-stroke" in decl:
        return False
    if decl.get("mix-blend-mode", "normal") != "normal":
        return False
    return text[0] == _background(decl)


def _clip_path_collapses(value: str) -> bool:
    for name, args in _FUNCTION.findall(value):
        parts = args.split()
        if not parts:
            continue
        if name == "inset":
            sides = [_number(p) if p.endswith("%") else None for p in parts[:4]]
            while len(sides) < 4:
                sides.append(sides[len(sides) - 2] if len(sides) > 1 else sides[0])
            top, right, bottom, left = sides
            if (top is not None and bottom is not None and top + bottom >= 1) or (
                left is not None and right is not None and left + right >= 1
            ):
                return True
        elif name in ("circle", "ellipse") and parts and _ZERO.fullmatch(parts[0]):
            return True
    return False


def _clip_collapses(value: str) -> bool:
    """``clip: rect(top right bottom left)`` leaving at most 1px either way."""
    for name, args in _FUNCTION.findall(value):
        if name != "rect":
            continue
        edges = [_px(p) for p in args.replace(",", " ").split()]
        if len(edges) != 4:
            return False
        top, right, bottom, left = edges
        if (right is not None and left is not None and right - left <= 1) or (
            top is not None and bottom is not None and bottom - top <= 1
        ):
            return True
    return False


def _transform_hides(value: str) -> HiddenReason | None:
    for name, args in _FUNCTION.findall(value):
        values = [v.strip() for v in args.split(",")]
        if name in _SCALES:
            used = values[:2] if name in ("scale", "scale3d") else values[:1]
            if any(_number(v) == 0 for v in used):
                return "zero_size"
        elif name in _TRANSLATES:
            used = values[1:2] if name == "translatey" else values[:2]
            if any((offset := _px(v)) is not None and offset <= -1000 for v in used):
                return "offscreen"
        elif name == "matrix" and len(values) == 6:
            a, b, c, d = (_number(v) for v in values[:4])
            if (a == 0 and b == 0) or (c == 0 and d == 0):
                return "zero_size"
    return None


def _offscreen(decl: dict[str, str]) -> bool:
    if decl.get("position") not in ("absolute", "fixed"):
        return False
    return any(
        (offset := _px(decl.get(side))) is not None and offset <= -1000 for side in ("left", "top")
    )


def _tiny_box(decl: dict[str, str]) -> bool:
    if not any(kind in decl.get("overflow", "") for kind in ("hidden", "clip")):
        return False
    for side in ("width", "height"):
        value = decl.get(side, "x")
        size = _px(value)
        if _ZERO.fullmatch(value) or (size is not None and size <= 1):
            return True
    return False


# ---------------------------------------------------------------- blocks


def parse_declarations(block: str) -> dict[str, str]:
    """``prop: value`` pairs of a declaration block, lower-cased, ``!important`` dropped."""
    decl = {}
    for declaration in block.lower().split(";"):
        prop, colon, value = declaration.partition(":")
        if colon:
            decl[prop.strip()] = value.replace("!important", "").strip()
    return decl


def _hides(decl: dict[str, str]) -> tuple[HiddenReason, Prop] | None:
    if decl.get("display") == "none":
        return "display_none", "display"
    if decl.get("visibility") in ("hidden", "collapse"):
        return "visibility_hidden", "visibility"
    opacity = _number(decl.get("opacity"))
    if opacity is not None and opacity < 0.1:
        return "transparent", "opacity"
    if _clip_path_collapses(decl.get("clip-path", "")) or (
        decl.get("position") in ("absolute", "fixed") and _clip_collapses(decl.get("clip", ""))
    ):
        return "clipped", "clip"
    if reason := _transform_hides(decl.get("transform", "")):
        return reason, "transform"
    if _ZERO.fullmatch(decl.get("font-size", "x")):
        return "zero_size", "font_size"
    if _tiny_box(decl):
        return "zero_size", "overflow"
    if _offscreen(decl):
        return "offscreen", "position"
    indent = _px(decl.get("text-indent"))
    if indent is not None and indent <= -999:
        return "offscreen", "indent"
    if _same_colour(decl):
        return "same_colour", "colour"
    return None


_PROP_KEYS: dict[Prop, tuple[str, ...]] = {
    "display": ("display",),
    "visibility": ("visibility",),
    "opacity": ("opacity",),
    "clip": ("clip", "clip-path"),
    "transform": ("transform",),
    "font_size": ("font-size",),
    "overflow": ("overflow", "width", "height"),
    "position": ("position", "left", "top"),
    "indent": ("text-indent",),
    "colour": ("color", "background", "background-color", "background-image"),
}


def _effect(decl: dict[str, str]) -> Effect:
    hides = _hides(decl)
    shows: set[Prop] = set()
    if hides is None:
        # Every hiding property this block sets, it sets to a value that does not hide.
        shows = {prop for prop, keys in _PROP_KEYS.items() if any(k in decl for k in keys)}
        if "visibility" in shows and decl["visibility"] != "visible":
            shows.discard("visibility")  # "inherit" and the like show nothing
    reveals: set[Soft] = set()
    if decl.get("visibility") == "visible":
        reveals.add("visibility")
    size = decl.get("font-size")
    if size and not _ZERO.fullmatch(size) and not _FONT_RELATIVE.fullmatch(size):
        reveals.add("font_size")
    indent = decl.get("text-indent")
    if indent and ((offset := _px(indent)) is None or offset > -999):
        reveals.add("indent")
    if not (hides or shows or reveals):
        return NO_EFFECT
    return Effect(hides=hides, reveals=frozenset(reveals), shows=frozenset(shows))


@lru_cache(maxsize=8192)
def declaration_effect(block: str) -> Effect:
    """What the declaration block ``block`` (an inline style or a rule body) does."""
    decl = parse_declarations(block)
    return _effect(decl) if decl else NO_EFFECT
