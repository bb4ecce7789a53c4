"""Why an element's text is hidden from a visitor: tag, ``hidden``, inline style, CSS rules.

Pure and linear-time (page markup and stylesheets are hostile input). What a declaration
block does is :mod:`merchant_screen.tools.declarations`; this module applies it to one
element. :class:`CssHiding` holds the simple rules of the page's ``<style>`` blocks and of
the same-site stylesheets it links; :func:`element_hiding` is the one question the walker
asks per element.

"Hidden" means a sighted visitor cannot read the text. ``aria-hidden`` only hides from
screen readers, so it hides nothing here. ``visibility``, ``font-size`` and
``text-indent`` are inherited: a descendant that sets them again (``visibility:visible``
under a hidden parent) is visible, which :class:`Hiding` reports as ``soft`` / ``reveals``;
everything else hides the whole subtree.

Rules are read only when every selector part the rule needs is a simple compound
(``div``, ``.a``, ``p.a.b``, ``#id.c``) and the rule is not inside an at-rule (``@media``,
``@supports``: conditional). Descendant / child / sibling selectors, attribute and
pseudo-class selectors, ``*`` and ``@import`` are not read for hiding. A class, id or tag
that any rule (scoped or conditional ones included) sets back to a value that does not
hide is toggled or responsive, not hidden, for that property; a rule that does so through
an attribute selector on ``class``, ``id`` or ``hidden`` cancels every rule hiding through
that property. In doubt, text is visible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from merchant_screen.tools.declarations import (
    NO_EFFECT,
    HiddenReason,
    Prop,
    Soft,
    declaration_effect,
    soft_of,
)

__all__ = [
    "HIDING_ATTRS",
    "Attrs",
    "CssHiding",
    "HiddenReason",
    "Hiding",
    "Soft",
    "element_hiding",
    "style_hidden_reason",
]

Attrs = dict[str, str | None]
# Attributes whose presence can hide an element (besides the page's class / id / tag rules).
HIDING_ATTRS = frozenset({"hidden", "style"})


@dataclass(frozen=True, slots=True)
class Hiding:
    """What an element does to the text of its subtree."""

    reason: HiddenReason | None = None
    # The inherited property that hides, when a descendant may set it again.
    soft: Soft | None = None
    # Inherited hiding from an ancestor that this element undoes for itself and below.
    reveals: frozenset[Soft] = frozenset()


def style_hidden_reason(style: str) -> HiddenReason | None:
    """Why an inline ``style`` attribute hides its element's text, or None."""
    hides = declaration_effect(style).hides
    return hides[0] if hides else None


# ---------------------------------------------------------------- stylesheets

_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
# "@import url(x);" and "@charset ...;": dropped so they do not join the next selector.
_AT_STATEMENT = re.compile(r"@[^{};@]*;")
_AT_BLOCK = re.compile(r"@[^{};@]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}")
# A rule's selectors start at the beginning or right after a brace (keeps matching linear).
_RULE = re.compile(r"(?:^|(?<=[{}]))([^{}]+)\{([^{}]*)\}")
_COMPOUND = re.compile(r"([a-z][a-z0-9-]*)?((?:[.#](?:[\w-]|\\.)+)*)", re.I)
_TOKEN = re.compile(r"[.#](?:[\w-]|\\.)+")
_LEADING_TAG = re.compile(r"[a-z][a-z0-9-]*", re.I)
_COMBINATOR = re.compile(r"[\s>+~]+")
_ATTRIBUTE_SELECTOR = re.compile(r"\[[^\[\]]*\]")
_NAME_ATTRIBUTE = re.compile(r"\[\s*(?:class|id|hidden)\b", re.I)
# Which hiding wins when several rules match (the order declarations.py checks them in).
_ORDER: tuple[Prop, ...] = (
    "display", "visibility", "opacity", "clip", "transform", "font_size", "overflow",
    "position", "indent", "colour",
)  # fmt: skip
_PRIORITY: dict[Prop, int] = {prop: rank for rank, prop in enumerate(_ORDER)}

_Rule = tuple[str | None, frozenset[str], HiddenReason, Prop]


def _tokens(compound: str) -> list[str]:
    return [t.replace("\\", "") for t in _TOKEN.findall(compound)]


@dataclass
class _RuleSet:
    """The rules of some stylesheets that matter here, indexed for per-element lookup."""

    # hiding rules by one of their tokens (".a", "#b") or, for tag-only rules, the tag
    rules: dict[str, list[_Rule]] = field(default_factory=dict)
    # properties set to a non-hiding value, by token, tag, and "!tag" for !important tags
    shows: dict[str, set[Prop]] = field(default_factory=dict)
    reveals: dict[str, set[Soft]] = field(default_factory=dict)
    shows_by_attribute: set[Prop] = field(default_factory=set)

    def merge(self, other: _RuleSet) -> None:
        for key, rules in other.rules.items():
            self.rules.setdefault(key, []).extend(rules)
        for key, props in other.shows.items():
            self.shows.setdefault(key, set()).update(props)
        for key, softs in other.reveals.items():
            self.reveals.setdefault(key, set()).update(softs)
        self.shows_by_attribute |= other.shows_by_attribute


@lru_cache(maxsize=64)
def _parse_stylesheet(css: str) -> _RuleSet:
    """One stylesheet's rules (cached: a site's pages share their stylesheets)."""
    css = _AT_STATEMENT.sub("", _CSS_COMMENT.sub("", css))
    out = _RuleSet()
    for selectors, body in _RULE.findall(css):
        effect = declaration_effect(body)
        if not (effect.shows or effect.reveals):
            continue
        important = "!important" in body.lower()
        for selector in selectors.split(","):
            if _NAME_ATTRIBUTE.search(selector):
                out.shows_by_attribute.update(effect.shows)
            last = _COMBINATOR.split(_ATTRIBUTE_SELECTOR.sub("[]", selector.strip()))[-1]
            keys = _tokens(last)
            if lead := _LEADING_TAG.match(last):
                keys.append(("!" if important else "") + lead.group().lower())
            for key in keys:
                if effect.shows:
                    out.shows.setdefault(key, set()).update(effect.shows)
                if effect.reveals:
                    out.reveals.setdefault(key.lstrip("!"), set()).update(effect.reveals)
    for selectors, body in _RULE.findall(_AT_BLOCK.sub("", css)):
        hides = declaration_effect(body).hides
        if hides is None:
            continue
        for selector in selectors.split(","):
            match = _COMPOUND.fullmatch(selector.strip())
            if match is None or not (match.group(1) or match.group(2)):
                continue
            tag = match.group(1).lower() if match.group(1) else None
            tokens = frozenset(_tokens(match.group(2)))
            rule: _Rule = (tag, tokens, *hides)
            out.rules.setdefault(min(tokens) if tokens else str(tag), []).append(rule)
    return out


_Lookup = tuple[tuple[HiddenReason, Prop] | None, frozenset[Prop], frozenset[Soft]]


class CssHiding:
    """Simple class / id / tag rules from the page's <style> blocks and linked stylesheets."""

    def __init__(self, rules: _RuleSet) -> None:
        self._set = rules
        self.tags = frozenset(k for k in (*rules.rules, *rules.reveals) if k[0] not in ".#")
        self._empty = not (rules.rules or rules.reveals or rules.shows)
        self._memo: dict[tuple[str, str | None, str | None], _Lookup] = {}

    @classmethod
    def from_styles(cls, styles: list[str]) -> CssHiding:
        merged = _RuleSet()
        for css in styles:
            merged.merge(_parse_stylesheet(css))
        return cls(merged)

    def reason(self, tag: str, classes: str | None, ident: str | None) -> HiddenReason | None:
        """The hiding reason the rules give an element with these attributes, or None."""
        hit = self.lookup(tag, classes, ident)[0]
        return hit[0] if hit else None

    def hiding(self, tag: str, classes: str | None, ident: str | None) -> Hiding | None:
        """What the rules do to an element with this tag and class / id attributes."""
        if self._empty:
            return None
        hit, _, reveals = self.lookup(tag, classes, ident)
        if hit is None:
            return Hiding(reveals=reveals) if reveals else None
        return Hiding(hit[0], soft_of(hit[1]), reveals)

    def lookup(self, tag: str, classes: str | None, ident: str | None) -> _Lookup:
        """(the winning hiding rule's reason and property, the properties rules set back
        to visible for this element, the inherited hiding they undo)."""
        if self._empty:
            return None, frozenset(), frozenset()
        key = (tag, classes, ident)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._match(tag, classes, ident)
        return found

    def _match(self, tag: str, classes: str | None, ident: str | None) -> _Lookup:
        rules = self._set
        tokens = {"." + c for c in (classes or "").split()}
        if ident and ident.strip():
            tokens.add("#" + ident.strip())
        shown: set[Prop] = set(rules.shows.get("!" + tag, ()))
        reveals: set[Soft] = set(rules.reveals.get(tag, ()))
        for token in tokens:
            shown.update(rules.shows.get(token, ()))
            reveals.update(rules.reveals.get(token, ()))
        best: tuple[HiddenReason, Prop] | None = None
        for key in (*tokens, tag):
            for rule_tag, needed, reason, prop in rules.rules.get(key, ()):
                if rule_tag not in (None, tag) or not needed <= tokens:
                    continue
                if prop in shown or prop in rules.shows_by_attribute:
                    continue
                if not needed and prop in rules.shows.get(tag, ()):
                    continue  # a tag rule shows what another tag rule hides
                if best is None or _PRIORITY[prop] < _PRIORITY[best[1]]:
                    best = (reason, prop)
        return best, frozenset(shown), frozenset(reveals)


# ---------------------------------------------------------------- one element


def element_hiding(tag: str, attrs: Attrs, css: CssHiding) -> Hiding | None:
    """What this element does to its subtree's text (tag, ``hidden``, inline style, rules),
    or None when it neither hides nor reveals anything."""
    if tag == "noscript":
        return Hiding("noscript")
    if tag == "template":
        return Hiding("template")
    style = attrs.get("style")
    inline = declaration_effect(style) if style else NO_EFFECT
    hit, shown, reveals = css.lookup(tag, attrs.get("class"), attrs.get("id"))
    reveals |= inline.reveals
    # The hidden attribute and a closed dialog hide through the browser's own
    # "display: none", which the page's rules or inline style can set back.
    if "display" not in inline.shows and "display" not in shown:
        if "hidden" in attrs:
            return Hiding("hidden_attribute")
        if tag == "dialog" and "open" not in attrs:
            return Hiding("display_none")
    if inline.hides is not None:
        return Hiding(inline.hides[0], inline.soft, reveals)
    if hit is not None and hit[1] not in inline.shows:
        return Hiding(hit[0], soft_of(hit[1]), reveals)
    return Hiding(reveals=reveals) if reveals else None
