"""Which in-site links are worth a page of the crawl budget (pure functions).

Policy evidence sits in predictable places: the catalogue and product pages (what is sold),
the terms / refund / shipping / privacy pages, about, contact and FAQ. Links are classified by
path and anchor text, then picked best-first with diminishing returns per kind and per
catalogue section, so twenty products of one category do not crowd out the terms page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "Candidate",
    "LinkKind",
    "classify_link",
    "pick_next",
    "platform_hints",
    "section_of",
]

LinkKind = Literal[
    "home",
    "catalog",
    "product",
    "terms",
    "refund",
    "shipping",
    "privacy",
    "about",
    "contact",
    "faq",
    "blog",
    "other",
    "skip",
]

_WORD = r"(?:^|[^a-z0-9])"
_END = r"(?:$|[^a-z0-9])"


def _rx(*words: str) -> re.Pattern[str]:
    return re.compile(_WORD + "(?:" + "|".join(words) + ")" + _END)


# Order matters: the first kind whose pattern matches the path wins (product slugs first,
# so '/products/team-jersey' is a product, not an about page).
_PATH_KINDS: tuple[tuple[LinkKind, re.Pattern[str]], ...] = (
    ("product", re.compile(r"/(?:products?|item|items|p|dp|artikel|produit|producto)/[^/]+/?$")),
    (
        "refund",
        _rx(
            r"refunds?",
            r"returns?",
            r"return-policy",
            r"refund-policy",
            r"exchanges?",
            r"widerruf",
            r"retours?",
            r"devoluciones",
        ),
    ),
    (
        "shipping",
        _rx(r"shipping", r"delivery", r"shipping-policy", r"versand", r"livraison", r"envios?"),
    ),
    ("privacy", _rx(r"privacy", r"privacy-policy", r"datenschutz", r"cookies?", r"gdpr")),
    (
        "terms",
        _rx(
            r"terms",
            r"conditions",
            r"tos",
            r"terms-of-service",
            r"terms-of-use",
            r"terms-and-conditions",
            r"legal",
            r"agb",
            r"cgv",
            r"condiciones",
            r"disclaimer",
            r"policies",
            r"policy",
        ),
    ),
    ("faq", _rx(r"faqs?", r"help", r"support", r"questions", r"how-it-works", r"hilfe")),
    (
        "about",
        _rx(
            r"about",
            r"about-us",
            r"our-story",
            r"who-we-are",
            r"company",
            r"mission",
            r"ueber-uns",
            r"qui-sommes-nous",
            r"team",
        ),
    ),
    (
        "contact",
        _rx(
            r"contact",
            r"contact-us",
            r"impressum",
            r"imprint",
            r"kontakt",
            r"locations?",
            r"stores?-locator",
        ),
    ),
    (
        "blog",
        _rx(
            r"blog",
            r"news",
            r"press",
            r"journal",
            r"articles?",
            r"stories",
            r"careers?",
            r"jobs",
            r"events?",
            r"media",
            r"posts?",
            r"archive",
            r"\d{4}",
        ),
    ),
    (
        "catalog",
        _rx(
            r"shop",
            r"store",
            r"collections?",
            r"catalog(?:ue)?",
            r"categor(?:y|ies)",
            r"product-category",
            r"products",
            r"range",
            r"menu",
            r"services",
            r"pricing",
            r"plans",
            r"buy",
            r"order",
            r"kollektion",
            r"boutique",
            r"tienda",
            r"sale",
            r"new-arrivals",
            r"bestsellers?",
            r"brands?",
            r"department",
        ),
    ),
)
_ANCHOR_KINDS: tuple[tuple[LinkKind, re.Pattern[str]], ...] = (
    (
        "skip",
        _rx(
            r"log ?in",
            r"sign ?in",
            r"sign ?up",
            r"my account",
            r"cart",
            r"basket",
            r"checkout",
            r"wishlist",
            r"log ?out",
            r"register",
        ),
    ),
    ("refund", _rx(r"refunds?", r"returns?", r"exchanges?", r"money.back")),
    ("shipping", _rx(r"shipping", r"delivery")),
    (
        "terms",
        _rx(r"terms", r"conditions", r"legal", r"terms of (?:service|use|sale)", r"policies"),
    ),
    ("privacy", _rx(r"privacy", r"cookies?")),
    ("faq", _rx(r"faqs?", r"help", r"support", r"questions", r"how it works")),
    ("about", _rx(r"about", r"our story", r"who we are", r"mission", r"the team")),
    ("contact", _rx(r"contact", r"impressum", r"imprint", r"find us", r"visit us")),
    (
        "catalog",
        _rx(
            r"shop",
            r"store",
            r"collections?",
            r"catalog(?:ue)?",
            r"categor(?:y|ies)",
            r"all products",
            r"products",
            r"browse",
            r"buy",
            r"order now",
            r"range",
            r"menu",
            r"services",
            r"pricing",
            r"plans",
            r"new arrivals",
            r"best ?sellers?",
            r"sale",
            r"view all",
        ),
    ),
    ("product", _rx(r"view product", r"details", r"add to cart", r"buy now", r"more info")),
    ("blog", _rx(r"blog", r"news", r"press", r"careers?", r"jobs", r"read more", r"events?")),
)
_SKIP_EXT = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|bmp|tiff?|pdf|zip|gz|rar|7z|exe|dmg|apk|mp[34]|m4a|mov|avi|"
    r"wav|ogg|webm|woff2?|ttf|eot|otf|css|js|json|rss|atom|csv|xlsx?|docx?|pptx?|xml|txt)$"
)
# Whole path segments that never hold policy evidence (accounts, carts, feeds, admin).
_SKIP_SEGMENTS = frozenset(
    {
        "login",
        "log-in",
        "signin",
        "sign-in",
        "signup",
        "sign-up",
        "register",
        "account",
        "my-account",
        "myaccount",
        "cart",
        "basket",
        "checkout",
        "wishlist",
        "compare",
        "search",
        "feed",
        "rss",
        "wp-admin",
        "wp-login.php",
        "wp-json",
        "xmlrpc.php",
        "cdn-cgi",
        "logout",
        "log-out",
        "password",
        "tag",
        "tags",
        "author",
        "share",
        "print",
        "cart.php",
        "login.php",
    }
)
_PAGINATION = re.compile(r"(?:^|/)page/\d+/?$")
_PAGE_PARAMS = frozenset(
    {
        "page",
        "p",
        "pg",
        "paged",
        "sort",
        "order",
        "orderby",
        "filter",
        "view",
        "limit",
        "replytocom",
        "add-to-cart",
        "add_to_wishlist",
    }
)

_BASE_SCORE: dict[LinkKind, float] = {
    "home": 0.0,
    "catalog": 8.0,
    "product": 7.0,
    "terms": 7.5,
    "refund": 6.5,
    "faq": 6.0,
    "about": 5.0,
    "shipping": 5.0,
    "contact": 4.0,
    "privacy": 3.0,
    "other": 3.0,
    "blog": 1.0,
    "skip": -100.0,
}
# How much each already-fetched page of the same kind lowers the next one.
_REPEAT_PENALTY: dict[LinkKind, float] = {
    "catalog": 1.0,
    "product": 0.6,
    "terms": 6.0,
    "refund": 6.0,
    "shipping": 6.0,
    "privacy": 6.0,
    "about": 4.0,
    "contact": 5.0,
    "faq": 4.0,
    "blog": 1.0,
    "other": 0.8,
    "home": 0.0,
    "skip": 0.0,
}


def classify_link(url: str, anchor: str = "") -> LinkKind:
    """Kind of page a link probably leads to, from its path, query and anchor text."""
    parts = urlsplit(url)
    path = parts.path.lower()
    if _SKIP_EXT.search(path):
        return "skip"
    if path in ("", "/") and not parts.query:
        return "home"
    if _PAGINATION.search(path) or any(seg in _SKIP_SEGMENTS for seg in path.split("/")):
        return "skip"
    query = dict(parse_qsl(parts.query))
    if any(k.lower() in _PAGE_PARAMS for k in query) and not any(
        k.lower() in ("product", "product_id", "id", "page_id", "p_id", "item") for k in query
    ):
        return "skip"
    first_segment = path.strip("/").split("/", 1)[0]
    for kind, pattern in _PATH_KINDS:
        if pattern.search(first_segment if kind == "blog" else path):
            if kind == "catalog" and path.rstrip("/").count("/") >= 3:
                return "product"  # /shop/category/item
            return kind
    text = anchor.lower().strip()
    for kind, pattern in _ANCHOR_KINDS:
        if text and pattern.search(text):
            return kind
    if "product" in query or "product_id" in query or "item" in query:
        return "product"
    return "other"


def section_of(url: str) -> str:
    """Catalogue section a product belongs to: its path without the last segment."""
    path = urlsplit(url).path.rstrip("/")
    return path.rsplit("/", 1)[0] or "/"


@dataclass(frozen=True)
class Candidate:
    url: str
    kind: LinkKind
    anchor: str = ""
    depth: int = 1
    found_on: str = ""
    region: str = "main"
    from_sitemap: bool = False
    interest: float = 0.0  # extra weight from outside (e.g. policy lexicon hits in the anchor)


def _score(c: Candidate, kinds_done: Counter[str], sections_done: Counter[str]) -> float:
    score = _BASE_SCORE[c.kind] + c.interest
    score -= _REPEAT_PENALTY[c.kind] * kinds_done[c.kind]
    if c.kind in ("product", "catalog"):
        score -= 2.5 * sections_done[section_of(c.url)]
    if c.region in ("nav", "footer", "header"):
        score += 0.5
    if c.from_sitemap:
        score -= 1.0
    score -= 0.75 * max(0, c.depth - 1)
    return score


def pick_next(
    candidates: Iterable[Candidate],
    done: Iterable[Candidate],
    count: int,
) -> list[Candidate]:
    """The ``count`` best candidates given what was already fetched (deterministic order)."""
    kinds_done: Counter[str] = Counter()
    sections_done: Counter[str] = Counter()
    for c in done:
        kinds_done[c.kind] += 1
        if c.kind in ("product", "catalog"):
            sections_done[section_of(c.url)] += 1
    pool = [c for c in candidates if c.kind != "skip"]
    picked: list[Candidate] = []
    for _ in range(count):
        if not pool:
            break
        best = max(
            pool, key=lambda c: (_score(c, kinds_done, sections_done), -c.depth, -len(c.url), c.url)
        )
        pool.remove(best)
        picked.append(best)
        kinds_done[best.kind] += 1
        if best.kind in ("product", "catalog"):
            sections_done[section_of(best.url)] += 1
    return picked


_PLATFORM_PATHS: dict[str, tuple[tuple[str, LinkKind], ...]] = {
    "shopify": (
        ("/policies/terms-of-service", "terms"),
        ("/policies/refund-policy", "refund"),
        ("/policies/shipping-policy", "shipping"),
        ("/collections/all", "catalog"),
    ),
    "woocommerce": (("/shop/", "catalog"),),
    "bigcommerce": (("/shipping-returns/", "refund"),),
}


def platform_hints(platform: str | None) -> tuple[tuple[str, LinkKind], ...]:
    """Well-known paths of a site builder worth trying even when no link points at them."""
    return _PLATFORM_PATHS.get(platform or "", ())
