"""The body mark-up of a spec page (SPEC.md, "Body mark-up"): typed blocks and their parser.

Blocks are blank-line separated. A block starting with ``@`` is a directive (``@products``,
``@buy``, ``@specs``, ``@faq``, ``@notice``, ``@form``, ``@agegate``, ``@hidden``, ``@comment``,
``@script-app``); any other block is prose, read line by line into headings (``#``, ``##``),
bullet lists (``- ``) and paragraphs (lines joined). ``parse_body`` raises ``BodyError`` with a
one-line reason for the first bad block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HIDDEN_HOWS = ("display_none", "visibility_hidden", "offscreen", "zero_size", "same_colour")
FORM_KINDS = ("login", "contact", "newsletter")
_PRICE = re.compile(r"[$€£]\s?\d|\d\s?[$€£]|^free$", re.IGNORECASE)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Card:
    name: str
    price: str
    href: str
    blurb: str


@dataclass(frozen=True)
class Products:
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Buy:
    price: str
    sku: str
    note: str


@dataclass(frozen=True)
class Specs:
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Faq:
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Notice:
    text: str


@dataclass(frozen=True)
class Form:
    kind: str


@dataclass(frozen=True)
class AgeGate:
    text: str


@dataclass(frozen=True)
class Hidden:
    how: str
    text: str


@dataclass(frozen=True)
class Comment:
    text: str


@dataclass(frozen=True)
class ScriptApp:
    pass


Block = (
    Heading | Paragraph | Bullets | Products | Buy | Specs | Faq | Notice | Form | AgeGate
    | Hidden | Comment | ScriptApp
)  # fmt: skip


class BodyError(ValueError):
    """One problem in a page body."""


def parse_body(body: str) -> tuple[Block, ...]:
    """The blocks of a page body; ``BodyError`` names the first bad block."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", body.strip()):
        lines = [line.rstrip() for line in chunk.strip("\n").splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].lstrip().startswith("@"):
            blocks.append(_directive(lines))
        else:
            blocks.extend(_prose(lines))
    return tuple(blocks)


def _join(parts: list[str]) -> str:
    return " ".join(" ".join(parts).split())


def _prose(lines: list[str]) -> list[Block]:
    out: list[Block] = []
    para: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if para:
            out.append(Paragraph(_join(para)))
            para.clear()
        if items:
            out.append(Bullets(tuple(items)))
            items.clear()

    for raw in lines:
        line = raw.strip()
        if line.startswith("@"):
            raise BodyError(f"{line.split()[0]} must start a block (put a blank line before it)")
        if heading := re.match(r"(#{1,3})\s+(.*)", line):
            flush()
            out.append(Heading(len(heading.group(1)), _join([heading.group(2)])))
        elif line.startswith("- "):
            if para:
                flush()
            items.append(_join([line[2:]]))
        elif items and raw[:1].isspace():
            items[-1] = _join([items[-1], line])  # an indented continuation of a list item
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return out


def _fields(line: str, least: int, most: int, what: str) -> list[str]:
    parts = [p.strip() for p in line.split("|")]
    if not least <= len(parts) <= most:
        raise BodyError(f"{what} needs {least} to {most} '|'-separated fields: {line.strip()!r}")
    return parts + [""] * (most - len(parts))


def _price(value: str, where: str) -> str:
    if not _PRICE.search(value):
        raise BodyError(f"{where}: price {value!r} needs a $, € or £ amount (or 'Free')")
    return value


def _directive(lines: list[str]) -> Block:
    head = lines[0].strip()
    name, _, rest = head.partition(" ")
    rest = rest.strip()
    tail = [line.strip() for line in lines[1:]]
    if name == "@products":
        if rest or not tail:
            raise BodyError("@products takes one 'Name | $price | /path | description' per line")
        cards = []
        for line in tail:
            card_name, price, href, blurb = _fields(line, 3, 4, "@products line")
            if not card_name or not href:
                raise BodyError(f"@products line needs a name and a path: {line!r}")
            cards.append(Card(card_name, _price(price, "@products"), href, blurb))
        return Products(tuple(cards))
    if name == "@buy":
        price, sku, note = _fields(_join([rest, *tail]), 1, 3, "@buy")
        return Buy(_price(price, "@buy"), sku, note)
    if name == "@specs":
        rows = []
        for line in tail:
            label, colon, value = line.partition(":")
            if not colon or not label.strip() or not value.strip():
                raise BodyError(f"@specs line needs 'Label: value': {line!r}")
            rows.append((label.strip(), value.strip()))
        if rest or not rows:
            raise BodyError("@specs takes 'Label: value' lines below it")
        return Specs(tuple(rows))
    if name == "@faq":
        if rest:
            raise BodyError("@faq takes 'Q: ...' / 'A: ...' lines below it")
        return Faq(_faq_pairs(tail))
    if name in ("@notice", "@agegate", "@comment"):
        text = _join([rest, *tail])
        if not text:
            raise BodyError(f"{name} needs text")
        kind = {"@notice": Notice, "@agegate": AgeGate, "@comment": Comment}[name]
        return kind(text)
    if name == "@form":
        if rest not in FORM_KINDS or tail:
            raise BodyError(f"@form takes one of {', '.join(FORM_KINDS)}, got {rest!r}")
        return Form(rest)
    if name == "@hidden":
        how, _, text = rest.partition(" ")
        if how not in HIDDEN_HOWS:
            raise BodyError(f"@hidden takes one of {', '.join(HIDDEN_HOWS)}, got {how!r}")
        if not (text := _join([text, *tail])):
            raise BodyError("@hidden needs text")
        return Hidden(how, text)
    if name == "@script-app":
        if rest or tail:
            raise BodyError("@script-app stands alone in its block")
        return ScriptApp()
    raise BodyError(f"unknown block {name!r}")


def _faq_pairs(lines: list[str]) -> tuple[tuple[str, str], ...]:
    pairs: list[list[str]] = []
    for line in lines:
        if line.startswith("Q:"):
            if pairs and not pairs[-1][1]:
                raise BodyError(f"@faq question without an answer: {pairs[-1][0]!r}")
            pairs.append([line[2:].strip(), ""])
        elif line.startswith("A:"):
            if not pairs or pairs[-1][1]:
                raise BodyError(f"@faq answer without a question: {line!r}")
            pairs[-1][1] = line[2:].strip()
        elif pairs:
            pairs[-1][1 if pairs[-1][1] else 0] += " " + line
        else:
            raise BodyError(f"@faq starts with 'Q:': {line!r}")
    if not pairs or not pairs[-1][1]:
        raise BodyError("@faq needs Q:/A: pairs, each question answered")
    return tuple((_join([q]), _join([a])) for q, a in pairs)


def block_text(block: Block) -> str:
    """The visible text a content block contributes (no chrome, nothing hidden)."""
    match block:
        case Heading() | Paragraph() | Notice() | AgeGate():
            return block.text
        case Bullets():
            return " ".join(block.items)
        case Products():
            return " ".join(f"{c.name} {c.price} {c.blurb}" for c in block.cards)
        case Buy():
            return f"{block.price} {block.sku} {block.note}"
        case Specs():
            return " ".join(f"{k}: {v}" for k, v in block.rows)
        case Faq():
            return " ".join(f"{q} {a}" for q, a in block.pairs)
    return ""
