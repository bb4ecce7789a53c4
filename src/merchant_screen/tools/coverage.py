"""Site-level summary of what the crawl saw (pure). It later decides whether ``allowed``
may be said at all: a verdict needs to have seen what the merchant sells and how it trades."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from merchant_screen.tools.links import classify_link
from merchant_screen.tools.pages import ExtractedPage, PageState
from merchant_screen.tools.urls import registrable_domain

__all__ = [
    "BUY_CUE",
    "EVIDENCE_KINDS",
    "PRICE",
    "Coverage",
    "PageSummary",
    "offers_products",
    "page_kinds",
    "summarise_coverage",
]

EVIDENCE_KINDS = (
    "products",
    "catalog",
    "terms",
    "refund",
    "shipping",
    "privacy",
    "about",
    "contact",
    "faq",
)
# Pages that prevent assessing a site when the homepage is one of them.
UNASSESSABLE_STATES: frozenset[str] = frozenset(
    {
        "bot_wall",
        "login_wall",
        "parked",
        "under_construction",
        "js_required",
        "empty",
        "not_found",
        "error",
        "redirect_offsite",
        "blocked_robots",
        "non_html",
    }
)
MIN_TEXT_CHARS = 600

PRICE = re.compile(
    r"(?:[$€£¥]\s?\d{1,6}(?:[.,]\d{2})?|\d{1,6}[.,]\d{2}\s?(?:€|eur|usd|gbp|chf|\$))", re.I
)
# A button or line that sells what is beside it, in the languages the lexicon covers. Used
# for hidden offers; page coverage keeps its own (English) cart cue, which the scorer's
# features were fitted with.
BUY_CUE = re.compile(
    r"add to (?:cart|bag|basket)|buy now|order now|in den warenkorb|jetzt kaufen"
    r"|ajouter au panier|acheter maintenant|añadir al carrito|comprar ahora"
    r"|aggiungi al carrello|acquista ora|in winkelwagen|nu kopen",
    re.I,
)
_TITLE_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("terms", re.compile(r"\b(terms|conditions|terms of (service|use|sale)|legal)\b", re.I)),
    ("refund", re.compile(r"\b(refunds?|returns?|exchanges?)\b", re.I)),
    ("shipping", re.compile(r"\b(shipping|delivery)\b", re.I)),
    ("privacy", re.compile(r"\bprivacy\b", re.I)),
    ("about", re.compile(r"\b(about|our story|who we are)\b", re.I)),
    ("contact", re.compile(r"\b(contact|get in touch|impressum)\b", re.I)),
    ("faq", re.compile(r"\b(faqs?|frequently asked|help)\b", re.I)),
)
_PAYMENT_DOMAINS = frozenset(
    {
        "paypal.com",
        "paypal.me",
        "stripe.com",
        "etsy.com",
        "amazon.com",
        "amazon.co.uk",
        "amazon.de",
        "ebay.com",
        "gumroad.com",
        "shop.app",
        "square.site",
        "squareup.com",
        "cash.app",
        "venmo.com",
        "patreon.com",
        "ko-fi.com",
        "buymeacoffee.com",
        "kickstarter.com",
        "indiegogo.com",
        "gofundme.com",
        "payhip.com",
        "sellfy.com",
        "lemonsqueezy.com",
        "paddle.com",
        "wa.me",
        "whatsapp.com",
        "t.me",
        "telegram.me",
        "coinbase.com",
        "binance.com",
        "skrill.com",
        "alibaba.com",
        "aliexpress.com",
        "dhgate.com",
        "mercadolibre.com",
        "walmart.com",
    }
)
_PAYMENT_WORDS = re.compile(
    r"\b(buy|checkout|check out|order|pay|payment|purchase|donate|add to cart|shop now|"
    r"book now|deposit|cart)\b",
    re.I,
)


class PageSummary(BaseModel):
    """The part of a crawled page coverage needs (lets coverage stay independent of crawl)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    url: str
    state: PageState
    kind: str = "other"
    page: ExtractedPage | None = None


class Coverage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    reachable: bool
    homepage_state: PageState | None
    assessable: bool
    reason: str = ""
    evidence_kinds: dict[str, bool] = Field(default_factory=dict)
    ok_pages: int = 0
    text_chars: int = 0
    outbound_domains: list[str] = Field(default_factory=list)
    payment_domains: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    platform: str | None = None
    states: dict[str, int] = Field(default_factory=dict)


_CART = re.compile(r"add to (cart|bag|basket)|buy now|in stock|order now|sku", re.I)


def offers_products(page: ExtractedPage) -> bool:
    """A product schema, or a price beside a buy button / stock / SKU line."""
    for item in page.json_ld:
        types = item.get("@type")
        names = types if isinstance(types, list) else [types]
        if any(str(n) in ("Product", "Offer", "AggregateOffer", "ProductGroup") for n in names):
            return True
    return PRICE.search(page.text) is not None and _CART.search(page.text) is not None


def page_kinds(url: str, page: ExtractedPage) -> set[str]:
    """Evidence kinds one page shows (``EVIDENCE_KINDS``), from its URL, title and content."""
    kinds: set[str] = set()
    link_kind = classify_link(url, page.title)
    heading = " ".join((page.title, *page.headings[:2]))
    for kind, pattern in _TITLE_KINDS:
        if pattern.search(heading) or link_kind == kind:
            kinds.add(kind)
    prices = len(PRICE.findall(page.text))
    if offers_products(page):
        kinds.add("products")
    if prices >= 3 or link_kind in ("catalog", "product"):
        kinds.add("catalog")
    return kinds


def _payment_domains(pages: Sequence[ExtractedPage], site: str) -> list[str]:
    found: Counter[str] = Counter()
    for page in pages:
        targets: list[tuple[str, str]] = [(link.url, link.text) for link in page.links]
        targets += [(form.action or "", "") for form in page.forms]
        for url, text in targets:
            host = (urlsplit(url).hostname or "").lower()
            if not host:
                continue
            domain = registrable_domain(host)
            if domain == site:
                continue
            path = urlsplit(url).path.lower()
            if (
                domain in _PAYMENT_DOMAINS
                or host.startswith(("checkout.", "pay.", "buy.", "shop.", "store.", "order."))
                or _PAYMENT_WORDS.search(text)
                or _PAYMENT_WORDS.search(path.replace("/", " "))
            ):
                found[domain] += 1
    return sorted(found)


def summarise_coverage(pages: Sequence[PageSummary], *, site: str) -> Coverage:
    """What the crawl saw, and whether the site can be assessed at all."""
    states = Counter(p.state for p in pages)
    home = pages[0] if pages else None
    ok = [p for p in pages if p.state in ("ok", "age_gate") and p.page is not None]
    kinds: set[str] = set()
    for p in ok:
        assert p.page is not None
        kinds |= page_kinds(p.url, p.page)
    outbound: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    for p in ok:
        assert p.page is not None
        if p.page.language:
            languages[p.page.language] += 1
        for link in p.page.links:
            host = (urlsplit(link.url).hostname or "").lower()
            if host and registrable_domain(host) != site:
                outbound[registrable_domain(host)] += 1
    text_chars = sum(len(p.page.text) for p in ok if p.page is not None)
    platform = next((p.page.platform for p in ok if p.page and p.page.platform), None)
    reachable = home is not None and home.state not in ("error", "not_found") and bool(ok)
    reason = ""
    if home is None:
        reason = "nothing was fetched"
    elif (home.state in UNASSESSABLE_STATES and not ok) or (
        home.state in UNASSESSABLE_STATES - {"not_found", "error"} and len(ok) < 2
    ):
        reason = f"homepage is {home.state.replace('_', ' ')}"
    elif text_chars < MIN_TEXT_CHARS:
        reason = f"too little readable text ({text_chars} characters)"
    return Coverage(
        reachable=reachable,
        homepage_state=home.state if home else None,
        assessable=not reason,
        reason=reason,
        evidence_kinds={k: k in kinds for k in EVIDENCE_KINDS},
        ok_pages=len(ok),
        text_chars=text_chars,
        outbound_domains=[d for d, _ in outbound.most_common(50)],
        payment_domains=_payment_domains([p.page for p in ok if p.page is not None], site),
        languages=[lang for lang, _ in languages.most_common()],
        platform=platform,
        states=dict(states),
    )
