"""Linked stylesheets: which ``<link rel=stylesheet>`` of a page apply to what a visitor
sees, where they are, and their text. Pure: the crawl fetches, the extractor applies.

The crawl finds the links with a cheap scan of the raw HTML (:func:`linked_stylesheets`,
before the page is parsed) and fetches the same-site ones within a small budget; the
extractor then applies only those its parsed document really links
(:func:`stylesheet_url`), so a link in a comment or a script is fetched at worst, never
applied. Both resolve ``href`` the same way. Stylesheets for print, for other media or
behind a media query, and alternate stylesheets, are not applied (conditional, like
``@media`` blocks); ``@import`` is not followed.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

__all__ = [
    "MAX_STYLESHEETS",
    "MAX_STYLESHEET_BYTES",
    "decode_stylesheet",
    "for_screen",
    "linked_stylesheets",
    "stylesheet_url",
]

MAX_STYLESHEETS = 6  # distinct stylesheets fetched per crawl
MAX_STYLESHEET_BYTES = 400_000  # per stylesheet (bigger ones are read up to this)
_MAX_LINKS_PER_PAGE = 16

_LINK_TAG = re.compile(rb"<link\b([^<>]{0,4000})>", re.I)
_BASE_TAG = re.compile(rb"<base\b([^<>]{0,4000})>", re.I)
_ATTRIBUTE = re.compile(rb"""([^\s"'=<>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def for_screen(media: str | None) -> bool:
    """Whether a ``media`` attribute applies on every screen ("", "all", "screen")."""
    queries = [q.strip().lower() for q in (media or "").split(",")]
    return any(q in ("", "all", "screen") for q in queries)


def stylesheet_url(attrs: dict[str, str | None], base: str) -> str | None:
    """The absolute URL of a ``<link>`` that loads a stylesheet for the screen, else None."""
    rel = (attrs.get("rel") or "").lower().split()
    if "stylesheet" not in rel or "alternate" in rel or not for_screen(attrs.get("media")):
        return None
    href = "".join((attrs.get("href") or "").split())
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base, href).split("#", 1)[0]
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return url


def _attributes(raw: bytes) -> dict[str, str | None]:
    attrs: dict[str, str | None] = {}
    for match in _ATTRIBUTE.finditer(raw):
        name = match.group(1).decode("ascii", "replace").lower()
        value = next((g for g in match.group(2, 3, 4) if g is not None), b"")
        attrs.setdefault(name, value.decode("utf-8", "replace"))
    return attrs


def linked_stylesheets(html: bytes, url: str) -> list[str]:
    """Stylesheet URLs a page's HTML links, in order, without duplicates (at most 16)."""
    base = url
    if (tag := _BASE_TAG.search(html)) is not None:
        href = _attributes(tag.group(1)).get("href")
        if href:
            try:
                base = urljoin(url, href.strip())
            except ValueError:
                base = url
    found: list[str] = []
    for match in _LINK_TAG.finditer(html):
        sheet = stylesheet_url(_attributes(match.group(1)), base)
        if sheet is not None and sheet not in found:
            found.append(sheet)
            if len(found) >= _MAX_LINKS_PER_PAGE:
                break
    return found


def decode_stylesheet(body: bytes) -> str:
    """A stylesheet's text (UTF-8, the web's default for CSS; bad bytes replaced)."""
    return body.decode("utf-8", "replace").lstrip("\ufeff")
