"""sitemap.xml parsing (pure): page URLs and child sitemaps, with no entity expansion."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

__all__ = ["Sitemap", "parse_sitemap"]

_MAX_LOCS = 5_000
_MAX_COMMENTS = 50


@dataclass(frozen=True)
class Sitemap:
    pages: tuple[str, ...]
    children: tuple[str, ...]  # nested sitemaps of a sitemap index
    comments: tuple[str, ...] = ()  # XML comments, read for text addressed to reviewers


def parse_sitemap(data: bytes) -> Sitemap:
    """Page and child-sitemap URLs from a sitemap or sitemap index; garbage gives empty."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, recover=True, huge_tree=False, load_dtd=False
    )
    try:
        root = etree.fromstring(data.strip() or b"<x/>", parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return Sitemap((), ())
    if root is None:
        return Sitemap((), ())
    pages: list[str] = []
    children: list[str] = []
    comments: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            text = (element.text or "").strip() if element.tag is etree.Comment else ""
            if text and len(comments) < _MAX_COMMENTS:
                comments.append(text)
            continue
        tag = element.tag
        if tag.rsplit("}", 1)[-1] != "loc" or not element.text:
            continue
        parent = element.getparent()
        parent_tag = (
            parent.tag.rsplit("}", 1)[-1]
            if parent is not None and isinstance(parent.tag, str)
            else ""
        )
        target = children if parent_tag == "sitemap" else pages
        target.append(element.text.strip())
        if len(pages) + len(children) >= _MAX_LOCS:
            break
    before = list(root.itersiblings(preceding=True))[::-1]
    after = list(root.itersiblings())
    comments = _comment_texts(before) + comments + _comment_texts(after)
    return Sitemap(
        tuple(dict.fromkeys(pages)),
        tuple(dict.fromkeys(children)),
        tuple(dict.fromkeys(comments))[:_MAX_COMMENTS],
    )


def _comment_texts(nodes: list[etree._Element]) -> list[str]:
    """Texts of the comments among ``nodes`` (those outside the root element)."""
    return [n.text.strip() for n in nodes if n.tag is etree.Comment and (n.text or "").strip()]
