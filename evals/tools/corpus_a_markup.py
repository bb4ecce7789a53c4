"""Parse the small block markup used by the corpus-A site specs into typed blocks.

Blocks are separated by blank lines. A block is one of:
``# h1`` / ``## h2`` / ``### h3``; a list (every line starts with ``- ``);
FAQ pairs (``Q: ...`` then ``A: ...`` lines); ``@grid`` (lines ``name | price | /path | blurb``);
``@buy price | note``; ``@table`` (rows split on ``|``, first row is the header);
``@form kind``; ``@html`` (the rest is raw HTML); anything else is a paragraph.
Inline markup in text: ``[label](/path)`` links and ``**bold**``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class GridItem:
    """One product card in a grid."""

    name: str
    price: str
    path: str
    blurb: str


@dataclass(frozen=True)
class Block:
    """One parsed block of page content."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    grid: tuple[GridItem, ...] = ()
    rows: tuple[tuple[str, ...], ...] = field(default=())


def inline(text: str) -> str:
    """Escape text and render the inline link and bold markup."""
    escaped = html.escape(text, quote=False)
    escaped = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', escaped)
    return _BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", escaped)


def link_targets(text: str) -> list[str]:
    """Paths referenced by inline links in a piece of markup."""
    return [m.group(2) for m in _LINK.finditer(text)]


def _parse_grid(lines: list[str]) -> Block:
    items = []
    for line in lines:
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 4:
            raise ValueError(f"grid line needs 4 fields: {line!r}")
        items.append(GridItem(parts[0], parts[1], parts[2], parts[3]))
    return Block("grid", grid=tuple(items))


def _parse_faq(lines: list[str]) -> Block:
    pairs: list[tuple[str, str]] = []
    question = ""
    for line in lines:
        if line.startswith("Q: "):
            question = line[3:].strip()
        elif line.startswith("A: "):
            pairs.append((question, line[3:].strip()))
        elif pairs:
            q, a = pairs[-1]
            pairs[-1] = (q, f"{a} {line.strip()}")
        else:
            raise ValueError(f"FAQ text before an answer: {line!r}")
    return Block("faq", pairs=tuple(pairs))


def parse_block(chunk: str) -> Block:
    """Turn one blank-line separated chunk into a block."""
    lines = [line.rstrip() for line in chunk.strip("\n").splitlines()]
    head = lines[0]
    if head.startswith("@grid"):
        return _parse_grid(lines[1:])
    if head.startswith("@buy "):
        price, _, note = head[5:].partition("|")
        return Block("buy", text=price.strip(), items=(note.strip(),))
    if head.startswith("@table"):
        return Block("table", rows=tuple(tuple(c.strip() for c in r.split("|")) for r in lines[1:]))
    if head.startswith("@form "):
        return Block("form", text=head[6:].strip())
    if head.startswith("@html"):
        return Block("html", text="\n".join(lines[1:]))
    for level in ("### ", "## ", "# "):
        if head.startswith(level):
            return Block(f"h{len(level) - 1}", text=" ".join([head[len(level) :], *lines[1:]]))
    if all(line.startswith("- ") for line in lines):
        return Block("ul", items=tuple(line[2:].strip() for line in lines))
    if head.startswith("Q: "):
        return _parse_faq(lines)
    return Block("p", text=" ".join(line.strip() for line in lines))


def parse_body(body: str) -> list[Block]:
    """Parse a whole page body; consecutive FAQ blocks are merged."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        block = parse_block(chunk)
        if block.kind == "faq" and blocks and blocks[-1].kind == "faq":
            blocks[-1] = Block("faq", pairs=blocks[-1].pairs + block.pairs)
        else:
            blocks.append(block)
    return blocks
