"""Page chrome for the corpus-A fixture sites: one class per storefront style.

Each layout renders the parsed blocks with its own markup conventions and wraps them in a
header, navigation and footer. Only chrome lives here; every word of site content comes from
the per-site spec files.
"""

from __future__ import annotations

import html
import json
import zlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from corpus_a_markup import Block, GridItem, inline

Nav = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SiteInfo:
    """Site-wide facts the chrome needs."""

    sid: str
    host: str
    name: str
    tagline: str
    address: str
    nav: Nav
    footer: Nav
    color: str
    announcement: str
    footer_blurb: str
    footer_note: str
    chrome_html: str
    head_html: str


def esc(text: str) -> str:
    """HTML-escape plain text."""
    return html.escape(text, quote=True)


def site_number(site: SiteInfo, salt: str = "") -> int:
    """A stable five-digit number per site, used for fake asset and product ids."""
    return zlib.crc32(f"{site.sid}{salt}".encode()) % 90000 + 10000


class Layout(ABC):
    """Generic renderer; subclasses override pieces of markup."""

    def heading(self, level: int, text: str) -> str:
        return f"<h{level}>{inline(text)}</h{level}>"

    def para(self, text: str) -> str:
        return f"<p>{inline(text)}</p>"

    def bullets(self, items: tuple[str, ...]) -> str:
        return "<ul>" + "".join(f"<li>{inline(i)}</li>" for i in items) + "</ul>"

    def faq(self, pairs: tuple[tuple[str, str], ...]) -> str:
        rows = "".join(f"<dt>{inline(q)}</dt><dd>{inline(a)}</dd>" for q, a in pairs)
        return f'<dl class="faq">{rows}</dl>'

    def grid(self, items: tuple[GridItem, ...], site: SiteInfo) -> str:
        cards = "".join(
            f'<li><a href="{i.path}">{esc(i.name)}</a> {esc(i.price)}<br>{inline(i.blurb)}</li>'
            for i in items
        )
        return f"<ul>{cards}</ul>"

    def buy(self, price: str, note: str, site: SiteInfo) -> str:
        return f"<p><strong>{esc(price)}</strong> {inline(note)}</p><button>Add to cart</button>"

    def table(self, rows: tuple[tuple[str, ...], ...]) -> str:
        head = "".join(f"<th>{inline(c)}</th>" for c in rows[0])
        body = "".join(
            "<tr>" + "".join(f"<td>{inline(c)}</td>" for c in r) + "</tr>" for r in rows[1:]
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def form(self, kind: str) -> str:
        fields = {
            "contact": ("Name", "Email", "Message"),
            "newsletter": ("Email",),
            "booking": ("Name", "Email", "Preferred date", "Notes"),
        }[kind]
        inputs = "".join(
            f'<p><label>{f}<br><input name="{f.lower().replace(" ", "_")}"></label></p>'
            for f in fields
        )
        return f'<form method="post" action="/{kind}">{inputs}<button>Send</button></form>'

    def render_block(self, block: Block, site: SiteInfo) -> str:
        if block.kind in ("h1", "h2", "h3"):
            return self.heading(int(block.kind[1]), block.text)
        if block.kind == "p":
            return self.para(block.text)
        if block.kind == "ul":
            return self.bullets(block.items)
        if block.kind == "faq":
            return self.faq(block.pairs)
        if block.kind == "grid":
            return self.grid(block.grid, site)
        if block.kind == "buy":
            return self.buy(block.text, block.items[0], site)
        if block.kind == "table":
            return self.table(block.rows)
        if block.kind == "form":
            return self.form(block.text)
        return block.text

    def body(self, blocks: list[Block], site: SiteInfo) -> str:
        return "\n".join(self.render_block(b, site) for b in blocks)

    def assets(self, site: SiteInfo) -> dict[str, str]:
        """Static files (relative paths) the chrome links to."""
        return {}

    @abstractmethod
    def shell(self, site: SiteInfo, title: str, body: str, head: str) -> str:
        """The full HTML document around a rendered body."""


def jsonld_product(name: str, description: str, price: str, sku: str, url: str) -> str:
    """A schema.org Product script tag."""
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Product",
        "name": name,
        "description": description,
        "sku": sku,
        "offers": {
            "@type": "Offer",
            "url": url,
            "priceCurrency": "USD",
            "price": price.lstrip("$").split()[0].replace(",", ""),
            "availability": "https://schema.org/InStock",
        },
    }
    return f'<script type="application/ld+json">{json.dumps(data, indent=1)}</script>'
