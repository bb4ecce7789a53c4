"""decode_html: BOM, declared charsets, browser supersets, fallbacks; never raises."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from merchant_screen.tools.decode import decode_html


@pytest.mark.parametrize(
    ("content_type", "encoded", "expected"),
    [
        ("text/html; charset=windows-1252", "\u201cCaf\u00e9\u201d \u2013 \u20ac5", None),
        ("text/html; charset=ISO-8859-1", "Stra\u00dfe \u00e0 la carte", None),
        ('text/html; charset="Shift_JIS"', "\u65e5\u672c\u8a9e\u306e\u30da\u30fc\u30b8", None),
        ("text/html;charset=utf-8", "\u041f\u0440\u0438\u0432\u0435\u0442 \u2713", None),
    ],
)
def test_decode_html_uses_the_content_type_charset(
    content_type: str, encoded: str, expected: str | None
) -> None:
    charset = content_type.split("=")[1].strip('"')
    body = f"<p>{encoded}</p>".encode(charset)
    assert decode_html(body, content_type) == f"<p>{encoded}</p>"


def test_decode_html_reads_latin1_label_as_windows_1252() -> None:
    body = b"<p>\x93quoted\x94 \x80</p>"
    assert decode_html(body, "text/html; charset=iso-8859-1") == "<p>\u201cquoted\u201d \u20ac</p>"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF8, "utf-8"),
    ],
)
def test_decode_html_honours_a_byte_order_mark(bom: bytes, codec: str) -> None:
    html = "<html><body>\u00dcber uns \u2014 \u4e2d\u6587</body></html>"
    assert decode_html(bom + html.encode(codec), "text/html; charset=iso-8859-1") == html


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="windows-1252">',
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
    ],
)
def test_decode_html_reads_meta_charset(meta: str) -> None:
    html = f"<html><head>{meta}</head><body>\u201cGr\u00fc\u00dfe\u201d</body></html>"
    assert decode_html(html.encode("cp1252"), None) == html


def test_decode_html_falls_through_unknown_and_binary_charsets() -> None:
    html = "<p>caf\u00e9 \u2713</p>"
    assert decode_html(html.encode(), "text/html; charset=x-klingon") == html
    assert decode_html(html.encode(), "text/html; charset=base64") == html
    assert decode_html(html.encode(), "text/html; charset=rot13") == html


def test_decode_html_survives_a_wrong_declaration() -> None:
    html = (
        "<p>Nous livrons en France. Les produits arriv\u00e9s ab\u00eem\u00e9s sont "
        "rembours\u00e9s. Pr\u00e9paration soign\u00e9e, d\u00e9lai garanti.</p>"
    )
    decoded = decode_html(html.encode("cp1252"), "text/html; charset=utf-8")
    assert "rembours\u00e9s" in decoded


@given(st.binary(max_size=2000), st.one_of(st.none(), st.text(max_size=40)))
@settings(max_examples=200, deadline=None)
def test_decode_html_never_raises(body: bytes, content_type: str | None) -> None:
    assert isinstance(decode_html(body, content_type), str)
