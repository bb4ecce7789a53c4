"""Pure helpers of ``real_dev.py``: DUTA / eBay dump text, the HTML wrapper, and case ids.

No I/O here: every function takes bytes or text and returns text, so the tests can feed
small synthetic inputs.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Mapping

from merchant_screen.tools.text import collapse_ws

__all__ = [
    "BuildError",
    "clean_dump",
    "decode_dump",
    "drop_duplicates",
    "duta_id",
    "ebay_id",
    "first_line",
    "slugify",
    "split_ebay",
    "strip_references",
    "text_key",
    "wrap_text",
    "zyte_id",
]


class BuildError(Exception):
    """A source, list or label problem that stops the build."""


# --- pure helpers: text dumps -------------------------------------------------------------

_REF_ENTRY = re.compile(r"^\s*\d+\.\s+[A-Za-z][A-Za-z0-9+.-]*:.*$")
_REF_SUBHEADS = ("Visible links", "Hidden links:")
_LINK_MARKER = re.compile(r"\[\d+\]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_dump(data: bytes) -> str:
    """UTF-8 text; a byte run that is not UTF-8 is read as cp1252 (stray ``’`` bytes)."""
    parts: list[str] = []
    while True:
        try:
            parts.append(data.decode("utf-8"))
            return "".join(parts)
        except UnicodeDecodeError as exc:
            parts.append(data[: exc.start].decode("utf-8"))
            parts.append(data[exc.start : exc.end].decode("cp1252", errors="replace"))
            data = data[exc.end :]


def strip_references(text: str) -> str:
    """Drop every lynx ``References`` block (the header, its ``Visible links`` / ``Hidden
    links:`` sub-heads and its numbered URI lines); dumps of several pages hold one per page.
    A ``References`` line not followed by at least one numbered URI is kept."""
    lines = text.splitlines()
    kept: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "References":
            j, entries = i + 1, 0
            while j < len(lines):
                line = lines[j]
                if _REF_ENTRY.match(line):
                    entries += 1
                elif line.strip() and line.strip() not in _REF_SUBHEADS:
                    break
                j += 1
            if entries:
                i = j
                continue
        kept.append(lines[i])
        i += 1
    return "\n".join(kept)


def clean_dump(data: bytes) -> str:
    """A DUTA dump as page text: decoded, References lists and ``[n]`` link markers removed,
    control characters dropped, trailing spaces and blank-line runs trimmed."""
    text = strip_references(decode_dump(data).replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", _LINK_MARKER.sub("", text))
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def text_key(text: str) -> str:
    """Identity of a dump for duplicate dropping: sha256 of its whitespace-collapsed text."""
    return hashlib.sha256(collapse_ws(text).encode("utf-8")).hexdigest()


def drop_duplicates(texts: Mapping[str, str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Keep the first (by sorted key) of each group of identical texts.

    Returns the kept ``{key: text}`` and ``(dropped, kept_instead)`` pairs.
    """
    first: dict[str, str] = {}
    kept: dict[str, str] = {}
    dropped: list[tuple[str, str]] = []
    for key in sorted(texts):
        digest = text_key(texts[key])
        if digest in first:
            dropped.append((key, first[digest]))
        else:
            first[digest] = key
            kept[key] = texts[key]
    return kept, dropped


def first_line(text: str) -> str:
    """The first non-empty line, whitespace collapsed (a page title)."""
    for line in text.splitlines():
        if line.strip():
            return collapse_ws(line)
    return ""


def wrap_text(text: str, *, title: str, heading: str = "") -> str:
    """A minimal HTML page whose visible body text is ``text``: one ``<p>`` per paragraph
    (blank-line separated), one line per ``<br>``; ``heading`` becomes an ``<h1>``."""
    body: list[str] = []
    if heading:
        body.append(f"<h1>{html.escape(heading)}</h1>")
    for block in re.split(r"\n\s*\n", text):
        lines = [html.escape(collapse_ws(line)) for line in block.splitlines() if line.strip()]
        if lines:
            body.append("<p>" + "<br>\n".join(lines) + "</p>")
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def split_ebay(data: bytes) -> tuple[str, str]:
    """An eBay dump as ``(listing URL or '', text)``: the crawler's ``## URL`` line is metadata."""
    text = decode_dump(data).replace("\r\n", "\n")
    head, _, rest = text.partition("\n")
    if head.startswith("## URL"):
        url = head.removeprefix("## URL").strip()
        return (url if url.startswith(("http://", "https://")) else ""), rest.strip("\n")
    return "", text.strip("\n")


# --- pure helpers: ids ---------------------------------------------------------------------


def zyte_id(path: str) -> str:
    """``z-`` + the first 10 hex of the page's sha256 file name."""
    name = path.rsplit("/", 1)[-1].split(".", 1)[0].lower()
    if not re.fullmatch(r"[0-9a-f]{64}", name):
        raise BuildError(f"zyte path {path!r} is not dataset/html/<sha256>.html.gz")
    return "z-" + name[:10]


def duta_id(address: str) -> str:
    """``d-`` + the onion address without ``.onion`` (dots as hyphens: ``www.x`` -> ``www-x``)."""
    stem = address.strip().lower().removesuffix(".onion")
    if not re.fullmatch(r"[a-z2-7]+(\.[a-z2-7]+)*", stem):
        raise BuildError(f"{address!r} is not an onion address")
    return "d-" + stem.replace(".", "-")


def slugify(title: str, limit: int = 40) -> str:
    """ASCII, lowercase, hyphen-separated; cut at a word boundary to at most ``limit``."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1].rfind("-")
        slug = slug[: cut if cut > 0 else limit].strip("-")
    return slug


def ebay_id(title: str) -> str:
    """``e-`` + the shortened slug of the listing title + 6 hex of its sha256."""
    digest = hashlib.sha256(title.encode("utf-8")).hexdigest()[:6]
    slug = slugify(title)
    return f"e-{slug}-{digest}" if slug else f"e-{digest}"
