"""Which linked stylesheets apply to what a visitor sees, found in raw HTML or a parsed link."""

from __future__ import annotations

import pytest

from merchant_screen.tools.stylesheets import (
    decode_stylesheet,
    for_screen,
    linked_stylesheets,
    stylesheet_url,
)

PAGE = "https://shop.test/catalogue/page.html"


def test_links_are_found_in_raw_html_resolved_and_deduplicated() -> None:
    html = (
        b'<head><LINK REL="stylesheet" HREF="/a.css"><link href="b.css" rel=stylesheet>'
        b"<link rel='stylesheet' href='/a.css#x'><link rel=icon href=/favicon.ico>"
        b'<link rel="stylesheet" href="https://cdn.other.test/c.css" media="screen, print">'
        b'<link rel="stylesheet" href="/print.css" media="print">'
        b'<link rel="alternate stylesheet" href="/alt.css"><link rel="stylesheet" href="">'
        b'<link rel="stylesheet" href="javascript:alert(1)"></head>'
    )
    assert linked_stylesheets(html, PAGE) == [
        "https://shop.test/a.css",
        "https://shop.test/catalogue/b.css",
        "https://cdn.other.test/c.css",
    ]


def test_a_base_element_changes_where_relative_links_point() -> None:
    html = b'<base href="https://shop.test/theme/"><link rel="stylesheet" href="site.css">'
    assert linked_stylesheets(html, PAGE) == ["https://shop.test/theme/site.css"]


def test_the_scan_is_capped_per_page() -> None:
    html = b"".join(b'<link rel="stylesheet" href="/%d.css">' % i for i in range(100))
    assert len(linked_stylesheets(html, PAGE)) == 16


@pytest.mark.parametrize(
    ("media", "applies"),
    [(None, True), ("", True), ("all", True), ("Screen", True), ("print, screen", True),
     ("print", False), ("(max-width: 600px)", False), ("screen and (min-width: 40em)", False)],
)  # fmt: skip
def test_media_that_apply_on_every_screen(media: str | None, applies: bool) -> None:
    assert for_screen(media) is applies


def test_parsed_link_attributes_resolve_the_same_way() -> None:
    attrs: dict[str, str | None] = {"rel": "stylesheet", "href": " /a.css "}
    assert stylesheet_url(attrs, PAGE) == "https://shop.test/a.css"
    assert stylesheet_url({"rel": "preload", "href": "/a.css"}, PAGE) is None


def test_stylesheet_bytes_decode_without_raising() -> None:
    assert decode_stylesheet(b"\xef\xbb\xbf.a{display:none}\xff") == ".a{display:none}\ufffd"


def test_hostile_link_soup_does_not_hang() -> None:
    html = b"<link " + b'rel="stylesheet" ' * 20_000 + b"<link" * 50_000
    assert linked_stylesheets(html, PAGE) == []
