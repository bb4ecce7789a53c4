"""The nesting cap applied before parsing (tools/nesting.py) and its effect on extraction."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from merchant_screen.tools.extract import extract_page
from merchant_screen.tools.nesting import MAX_DEPTH, flatten_nesting

URL = "https://shop.test/"


def _depth(html: str) -> int:
    """Deepest element in lexbor's tree of ``html``."""
    tree = LexborHTMLParser(html)
    deepest, stack = 0, [(tree.root, 1)]
    while stack:
        node, level = stack.pop()
        if node is None:
            continue
        deepest = max(deepest, level)
        child = node.child
        while child is not None:
            stack.append((child, level + 1))
            child = child.next
    return deepest


def test_ordinary_markup_is_returned_unchanged() -> None:
    html = (
        "<html><head><title>t</title><script>if (a<b) { x = '<div>'.repeat(9999) }</script>"
        "</head><body>" + "<p>para<br><img src=x>" * 800 + "<ul>" + "<li>item" * 800 + "</ul>"
        "<svg>" + '<path d="M0"/>' * 800 + "</svg><!-- <div><div><div> --></body></html>"
    )
    result = flatten_nesting(html)
    assert result.html is html
    assert not result.changed


def test_deep_nesting_is_cut_at_the_cap_and_the_text_kept() -> None:
    html = "<body>" + "<div class=a>" * 2000 + "Buy here" + "</div>" * 2000 + "<p>after</p>"
    result = flatten_nesting(html, 100)
    assert result.dropped == 1900
    assert result.html.count("<div") == 100
    assert result.html.count("</div>") == 100
    assert "Buy here" in result.html and "<p>after</p>" in result.html
    assert _depth(result.html) < 110


def test_unclosed_divs_count_as_nesting() -> None:
    result = flatten_nesting("<div>x" * 1000, 50)
    assert result.dropped == 950
    assert result.html.count("x") == 1000


def test_extract_page_flattens_a_nesting_bomb_and_says_so() -> None:
    depth = 30_000
    html = "<html><body>" + "<div>" * depth + "Buy oxycodone" + "</div>" * depth + "</body></html>"
    page = extract_page(html.encode(), URL)
    assert "Buy oxycodone" in page.text
    assert f"{depth - MAX_DEPTH} tags nested over {MAX_DEPTH} deep flattened" in page.state_reason


_TAGS = st.sampled_from(
    ["<div>", "</div>", "<span>", "</span>", "<p>", "<li>", "<svg>", "</svg>", "<g/>",
     "<script>", "</script>", "<!--", "-->", "<table>", "<td>", "text ", "<b", ">", '"', "<"]
)  # fmt: skip


@given(st.lists(_TAGS, max_size=400).map("".join), st.integers(min_value=1, max_value=20))
@settings(max_examples=200, deadline=None)
def test_flattening_never_raises_and_only_removes_tags(html: str, cap: int) -> None:
    result = flatten_nesting(html, cap)
    assert len(result.html) <= len(html)
    assert result.dropped >= 0
    if not result.changed:
        assert result.html == html
    assert flatten_nesting(html, 10_000).html == html
