"""Read one HTML document into an :class:`ExtractedPage`. Pure: no network, no disk.

Bytes are decoded by :func:`merchant_screen.tools.decode.decode_html`. One depth-first
walk (:class:`merchant_screen.tools.walker.Walker`) over the selectolax (lexbor) tree
collects the visible text (one block per line), hidden text with the reason it is hidden
(:mod:`merchant_screen.tools.hiding`: inline styles, the ``hidden`` attribute, simple
class / id / tag rules of the page's own <style> blocks and of the linked stylesheets the
crawl fetched, comments, <noscript>, <template>; ``aria-hidden`` hides nothing a visitor
sees, so its text is visible),
links with their page region, forms, headings, metadata and JSON-LD. This module resolves
links, forms and the canonical URL, names the site builder and the language, and takes the
page state from :func:`merchant_screen.tools.pagestate.classify_content`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from merchant_screen.tools.decode import decode_html
from merchant_screen.tools.hiding import CssHiding
from merchant_screen.tools.nesting import MAX_DEPTH, flatten_nesting
from merchant_screen.tools.pages import ExtractedPage, FormInfo, Link
from merchant_screen.tools.pagestate import binary_garbage, classify_content
from merchant_screen.tools.stylesheets import for_screen, stylesheet_url
from merchant_screen.tools.text import collapse_ws, guess_language
from merchant_screen.tools.walker import Anchor, Form, Walker

__all__ = ["decode_html", "extract_page"]

# (platform, a cheap keyword that must appear first, the markers that decide)
_PLATFORMS = (
    ("shopify", "shop", ("cdn.shopify.com", "shopify.theme", "/cdn/shop/", "myshopify.com")),
    ("woocommerce", "woocommerce",
     ("/plugins/woocommerce/", "woocommerce_params", "woocommerce-page")),
    ("wix", "wix", ("static.wixstatic.com", "static.parastorage.com", "wix.com website builder")),
    ("squarespace", "squarespace",
     ("static1.squarespace.com", "assets.squarespace.com", "squarespace-cdn")),
    ("bigcommerce", "bigcommerce",
     ("cdn11.bigcommerce.com", "bigcommerce.com/s-", "stencil-utils")),
    ("magento", "mage", ("text/x-magento-init", "mage/cookies", "/static/version", "magento_")),
    ("prestashop", "prestashop", ("var prestashop", "/modules/ps_", "prestashop.com")),
    ("wordpress", "/wp-", ("/wp-content/", "/wp-includes/", "/wp-json/")),
)  # fmt: skip
_LANG_TAG = re.compile(r"\s*([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*\s*", re.I)


def _origin(url: str) -> str:
    """``scheme://host[:port]`` of a plain absolute http(s) URL, else ''."""
    if not url.startswith(("https://", "http://")):
        return ""
    cut = url.find("/", url.index("//") + 2)
    origin = url if cut == -1 else url[:cut]
    return "" if "?" in origin or "#" in origin or "\\" in origin else origin


def _resolve(base: str, href: str, origin: str = "") -> str | None:
    """Absolute http(s) URL without fragment, or None for other schemes and junk.

    ``origin`` (from :func:`_origin`) enables a fast path for root-relative paths.
    """
    href = href.strip()
    if "\t" in href or "\n" in href or "\r" in href:
        href = href.replace("\t", "").replace("\n", "").replace("\r", "")
    if "\\" in href:
        href = href.replace("\\", "/")  # browsers read "\\" as "/" in http(s) URLs
    if not href or href[0] == "#":
        return None
    if origin and href[0] == "/" and href[1:2] != "/" and "/." not in href:
        return origin + href.split("#", 1)[0]
    try:
        absolute = href if href.startswith(("https://", "http://")) else urljoin(base, href)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
    except ValueError:
        return None
    return parts.scheme + absolute[len(parts.scheme) :].split("#", 1)[0]


def _links(anchors: list[Anchor], base: str) -> tuple[Link, ...]:
    links = []
    origin = _origin(base)
    for anchor in anchors:
        url = _resolve(base, anchor.attrs.get("href") or "", origin)
        if url is None:
            continue
        text = (
            collapse_ws("".join(anchor.parts))
            or collapse_ws(anchor.attrs.get("title") or "")
            or collapse_ws(anchor.attrs.get("aria-label") or "")
            or anchor.alt
        )
        rel = tuple((anchor.attrs.get("rel") or "").lower().split())
        links.append(Link(url=url, text=text, region=anchor.region, rel=rel))
    return tuple(links)


def _forms(forms: list[Form], base: str) -> tuple[FormInfo, ...]:
    infos = []
    for form in forms:
        action = (form.attrs.get("action") or "").strip()
        method = (form.attrs.get("method") or "get").strip().lower() or "get"
        infos.append(
            FormInfo(
                action=_resolve(base, action) if action else None,
                method=method,
                inputs=tuple(form.inputs),
                has_password=form.password,
            )
        )
    return tuple(infos)


def _platform(html: str, generator: str) -> str | None:
    lowered = html.lower()
    generator = generator.lower()
    for name, keyword, markers in _PLATFORMS:
        if name in generator:
            return name
        if keyword in lowered and any(marker in lowered for marker in markers):
            return name
    return None


def _language(lang_attr: str, text: str) -> str | None:
    if match := _LANG_TAG.fullmatch(lang_attr):
        return match.group(1).lower()
    return guess_language(text)


def _parse(html: str) -> LexborHTMLParser | None:
    try:
        return LexborHTMLParser(html)
    except UnicodeEncodeError:  # lone surrogates cannot go to the UTF-8 parser
        return _parse(html.encode("utf-8", "replace").decode("utf-8"))
    except SelectolaxError:
        return None


def _styles(tree: LexborHTMLParser, base: str, linked: Mapping[str, str]) -> list[str]:
    """The CSS that applies on screen: <style> blocks and the fetched linked stylesheets."""
    styles = [
        node.text(deep=True)
        for node in tree.css("style")
        if for_screen(node.attributes.get("media"))
    ]
    if linked:
        for node in tree.css("link[rel][href]"):
            sheet = stylesheet_url(node.attributes, base)
            if sheet is not None and (text := linked.get(sheet)):
                styles.append(text)
    return styles


def extract_page(
    html: str | bytes,
    url: str,
    *,
    content_type: str | None = None,
    stylesheets: Mapping[str, str] | None = None,
) -> ExtractedPage:
    """Everything downstream needs from one HTML document; never raises on bad markup.

    ``stylesheets`` holds the text of linked stylesheets by absolute URL (those the crawl
    fetched); the ones this page links are applied with its <style> blocks."""
    source = decode_html(html, content_type) if isinstance(html, bytes) else html
    if garbage := binary_garbage(source):
        return ExtractedPage(url=url, state="non_html", state_reason=garbage)
    # lexbor is quadratic in the nesting depth: start tags deeper than MAX_DEPTH are
    # dropped before parsing (their text is kept), as browsers stop nesting too.
    flat = flatten_nesting(source, MAX_DEPTH)
    tree = _parse(flat.html)
    if tree is None or tree.root is None:
        page = ExtractedPage(url=url)
    else:
        base_node = tree.css_first("base[href]")
        base = _resolve(url, base_node.attributes.get("href") or "") if base_node else None
        base = base or url
        walker = Walker(CssHiding.from_styles(_styles(tree, base, stylesheets or {})))
        walker.walk(tree.root.parent or tree.root)
        text = walker.visible.finish()
        meta = walker.meta
        page = ExtractedPage(
            url=url,
            title=walker.title,
            meta_description=meta.get("description") or meta.get("og:description") or "",
            headings=tuple(walker.headings),
            text=text,
            regions=tuple(walker.visible.spans),
            hidden=tuple(walker.hidden),
            alt_texts=tuple(walker.alt_texts),
            json_ld=tuple(walker.json_ld),
            links=_links(walker.anchors, base),
            forms=_forms(walker.forms, base),
            canonical=_resolve(base, walker.canonical) if walker.canonical else None,
            language=_language(walker.lang, text),
            platform=_platform(source, meta.get("generator", "")),
            has_next_data=walker.has_next_data,
            script_bytes=walker.script_bytes,
        )
    state, reason = classify_content(page, source)
    if flat.changed:
        reason += f"; {flat.dropped} tags nested over {MAX_DEPTH} deep flattened"
    return page.model_copy(update={"state": state, "state_reason": reason})
