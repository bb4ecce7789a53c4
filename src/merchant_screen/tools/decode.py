"""Decode an HTML response body to text the way a browser would. Pure: never raises.

Order of trust: byte-order mark, Content-Type charset, <meta> charset in the first 4 KB,
strict UTF-8, charset-normalizer's guess, then UTF-8 with replacement characters.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

__all__ = ["decode_html"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^\s"';,]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([\w.:-]{1,40})""", re.I)
# What browsers decode these labels as (WHATWG Encoding Standard supersets).
_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
}
_ALIASES = {"x-sjis": "cp932", "windows-31j": "cp932", "ms_kanji": "cp932", "x-gbk": "gb18030"}
_NOT_TEXT = frozenset(
    codecs.lookup(name).name
    for name in (
        "base64", "bz2", "hex", "quopri", "uu", "zlib", "rot13", "undefined", "utf-7",
        "unicode_escape", "raw_unicode_escape", "idna", "punycode",
    )
)  # fmt: skip


def _codec(label: str | None) -> str | None:
    """Python codec for a charset label; None when unknown, binary or unsafe."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(_ALIASES.get(label, label)).name
    except LookupError:
        return None
    if name in _NOT_TEXT:
        return None
    return _SUPERSETS.get(name, name)


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode an HTML body: BOM, Content-Type charset, <meta> charset in the first 4 KB,
    valid UTF-8, charset-normalizer's guess, then UTF-8 with replacement. Never raises.

    A declared charset that fails to decode the body strictly is skipped (servers often
    declare UTF-8 for windows-1252 pages)."""
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(bom_codec, errors="replace")
    header = _HEADER_CHARSET.search(content_type or "")
    meta = _META_CHARSET.search(body[:4096])
    meta_codec = _codec(meta.group(1).decode("ascii", "replace")) if meta else None
    if meta_codec and meta_codec.startswith(("utf-16", "utf-32")):
        meta_codec = "utf-8"  # an ASCII-readable <meta> cannot be UTF-16 (HTML standard)
    declared = [c for c in (_codec(header.group(1)) if header else None, meta_codec) if c]
    for candidate in [*declared, "utf-8"]:
        try:
            return body.decode(candidate)
        except (UnicodeError, LookupError):
            continue
    best = charset_normalizer.from_bytes(body).best()
    if best is not None:
        return str(best)
    return body.decode(declared[0] if declared else "utf-8", errors="replace")
