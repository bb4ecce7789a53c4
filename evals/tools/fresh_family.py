"""What a layout family is: the page context it renders from and the base class it extends.

A family turns parsed spec blocks into one HTML page with its own chrome (header, nav, footer,
cookie banner, newsletter box, legal line), its own markup for every block type, its own app
shell for ``@script-app`` pages, its own robots.txt and asset files. Families change markup,
never content: every block's visible text is the same in every family (up to whitespace), so a
quote that is visible in one family is visible in all, and nothing but markup tells families
apart. Chrome text is neutral shop wording and never hidden.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from string import Template

from fresh_body import (
    AgeGate,
    Block,
    Bullets,
    Buy,
    Comment,
    Faq,
    Form,
    Heading,
    Hidden,
    Notice,
    Paragraph,
    Products,
    ScriptApp,
    Specs,
)
from fresh_words import WORDS

Link = tuple[str, str]  # (label, href)

# Accent colours a site may get (picked by a hash of its id): CSS values only, never class names.
ACCENTS = ("#1f4e79", "#2e6b4f", "#7a3b2e", "#4b3f72", "#8a5a00", "#245b6b", "#5c5c5c", "#6b2d5c")
_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP"}


def esc(text: str) -> str:
    return html.escape(text, quote=True)


@dataclass(frozen=True)
class SiteView:
    """The parts of a spec every page of a site shows."""

    id: str
    host: str
    name: str
    tagline: str
    banner: str
    footer_note: str
    nav: tuple[Link, ...]
    footer: tuple[Link, ...]
    seed: int  # from sha256(id): picks small CSS details, never markup
    lang: str = "en"  # of the content; chrome wording follows it

    @property
    def accent(self) -> str:
        return ACCENTS[self.seed % len(ACCENTS)]

    def asset_tag(self, length: int = 8) -> str:
        """A stable pseudo build hash for asset file names."""
        return f"{self.seed:016x}"[:length]


@dataclass(frozen=True)
class Product:
    """What structured data (JSON-LD, microdata) says about a page with a ``@buy`` block."""

    name: str
    description: str
    price: str
    sku: str

    @property
    def amount(self) -> str:
        digits = re.search(r"\d[\d,]*(?:\.\d+)?", self.price)
        return digits.group().replace(",", "") if digits else "0"

    @property
    def currency(self) -> str:
        return next((code for sign, code in _CURRENCY.items() if sign in self.price), "USD")


@dataclass(frozen=True)
class PageView:
    """One page to render."""

    path: str
    title: str
    kind: str
    blocks: tuple[Block, ...]
    crumbs: tuple[Link, ...] = ()  # ancestors that are pages, below the home page
    heading: str = ""  # the page's own name in breadcrumbs
    product: Product | None = None

    @property
    def is_home(self) -> bool:
        return self.path == "/"

    @property
    def is_app(self) -> bool:
        return any(isinstance(block, ScriptApp) for block in self.blocks)


@dataclass(frozen=True)
class Ctx:
    """Site and page for one render. In an app shell (``shell``) the chrome keeps its
    containers but loses its text and links: the script would fill them in."""

    site: SiteView
    page: PageView
    shell: bool = False
    ids: dict[str, int] = field(default_factory=dict)

    def word(self, text: str, **values: str) -> str:
        """Fixed wording in the site's language; ``{name}`` fields filled from ``values``."""
        table = WORDS.get(self.site.lang)
        template = text if table is None else table[text]  # a missing translation fails loudly
        return template.format(**values) if values else template

    def t(self, text: str, **values: str) -> str:
        """``word``, escaped for HTML."""
        return esc(self.word(text, **values))

    def show(self, text: str) -> str:
        """Spec text in the chrome (brand, tagline, menu labels), or nothing in an app shell."""
        return "" if self.shell else esc(text)

    def say(self, text: str, **values: str) -> str:
        """Chrome wording (see ``t``), or nothing in an app shell."""
        return "" if self.shell else self.t(text, **values)

    @property
    def nav(self) -> tuple[Link, ...]:
        return () if self.shell else self.site.nav

    @property
    def footer(self) -> tuple[Link, ...]:
        return () if self.shell else self.site.footer

    @property
    def crumbs(self) -> tuple[Link, ...]:
        """The breadcrumb trail above this page, home first; empty on the home page."""
        if self.shell or self.page.is_home:
            return ()
        return ((self.word("Home"), "/"), *self.page.crumbs)

    def uid(self, prefix: str) -> str:
        """A page-unique element id: ``prefix``, then ``prefix-2``, ..."""
        self.ids[prefix] = self.ids.get(prefix, 0) + 1
        count = self.ids[prefix]
        return prefix if count == 1 else f"{prefix}-{count}"


# Inline styles that hide text, one per ``@hidden`` way; the extractor names each by the same word.
HIDING_STYLES = {
    "display_none": "display:none",
    "visibility_hidden": "visibility:hidden",
    "offscreen": "position:absolute;left:-9999px;top:auto",
    "zero_size": "font-size:0;line-height:0",
}


class Family:
    """Base of every layout family; subclasses implement the chrome and every block."""

    name = ""
    background = "#ffffff"  # page background, used by same-colour hiding
    robots = "User-agent: *\nDisallow:\n\nSitemap: https://$host/sitemap.xml\n"

    # ---- the page

    def render(self, site: SiteView, page: PageView) -> str:
        if page.is_app:
            ctx = Ctx(site, page, shell=True)
            body = self.app_root(ctx) + self.content(ctx)
        else:
            ctx = Ctx(site, page)
            body = self.content(ctx)
        # Side-by-side controls and links are apart on screen; keep their words apart in text.
        return _INLINE_PAIR.sub(r"\1 ", self.document(ctx, body))

    def content(self, ctx: Ctx) -> str:
        return "".join(self.block(ctx, block) for block in ctx.page.blocks)

    def block(self, ctx: Ctx, block: Block) -> str:
        match block:
            case Heading():
                return self.heading(ctx, block)
            case Paragraph():
                return self.paragraph(ctx, block)
            case Bullets():
                return self.bullets(ctx, block)
            case Products():
                return self.products(ctx, block)
            case Buy():
                return self.buy(ctx, block)
            case Specs():
                return self.specs(ctx, block)
            case Faq():
                return self.faq(ctx, block)
            case Notice():
                return self.notice(ctx, block)
            case Form():
                return self.form(ctx, block)
            case AgeGate():
                return self.agegate(ctx, block)
            case Hidden():
                return self.hidden(ctx, block)
            case Comment():
                return "<!-- " + block.text.replace("--", "- -").replace(">", "&gt;") + " -->\n"
            case ScriptApp():
                return ""
        raise TypeError(f"no markup for {block!r}")

    def hiding_style(self, how: str) -> str:
        """The inline style that hides text in the way ``how`` names."""
        if how == "same_colour":
            return f"color:{self.background};background-color:{self.background}"
        return HIDING_STYLES[how]

    def json_ld(self, ctx: Ctx) -> str:
        """A JSON-LD Product script for a product page (families that use it call this)."""
        product = ctx.page.product
        if product is None:
            return ""
        data = {
            "@context": "https://schema.org/",
            "@type": "Product",
            "name": product.name,
            "description": product.description,
            "sku": product.sku,
            "brand": {"@type": "Brand", "name": ctx.site.name},
            "url": f"https://{ctx.site.host}{ctx.page.path}",
            "offers": {
                "@type": "Offer",
                "price": product.amount,
                "priceCurrency": product.currency,
                "availability": "https://schema.org/InStock",
                "url": f"https://{ctx.site.host}{ctx.page.path}",
            },
        }
        text = json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")
        return f'<script type="application/ld+json">\n{text}\n</script>\n'

    # ---- files beside the pages

    def default_robots(self, host: str) -> str:
        return Template(self.robots).substitute(host=host)

    def assets(self, site: SiteView, has_app: bool) -> dict[str, str]:
        """Static files the family's pages reference (relative path -> text)."""
        files = {self.stylesheet_path(site): self.stylesheet(site)}
        if has_app:
            files[self.bundle_path(site)] = _BUNDLE
        return files

    def stylesheet_path(self, site: SiteView) -> str:
        return "assets/site.css"

    def bundle_path(self, site: SiteView) -> str:
        return f"assets/app.{site.asset_tag()}.js"

    def stylesheet(self, site: SiteView) -> str:
        return (
            f":root{{--accent:{site.accent}}}\nbody{{margin:0;font-family:system-ui,sans-serif}}\n"
        )

    # ---- what each family writes

    def document(self, ctx: Ctx, body: str) -> str:
        raise NotImplementedError

    def app_root(self, ctx: Ctx) -> str:
        raise NotImplementedError

    def heading(self, ctx: Ctx, block: Heading) -> str:
        raise NotImplementedError

    def paragraph(self, ctx: Ctx, block: Paragraph) -> str:
        raise NotImplementedError

    def bullets(self, ctx: Ctx, block: Bullets) -> str:
        raise NotImplementedError

    def products(self, ctx: Ctx, block: Products) -> str:
        raise NotImplementedError

    def buy(self, ctx: Ctx, block: Buy) -> str:
        raise NotImplementedError

    def specs(self, ctx: Ctx, block: Specs) -> str:
        raise NotImplementedError

    def faq(self, ctx: Ctx, block: Faq) -> str:
        raise NotImplementedError

    def notice(self, ctx: Ctx, block: Notice) -> str:
        raise NotImplementedError

    def form(self, ctx: Ctx, block: Form) -> str:
        raise NotImplementedError

    def agegate(self, ctx: Ctx, block: AgeGate) -> str:
        raise NotImplementedError

    def hidden(self, ctx: Ctx, block: Hidden) -> str:
        raise NotImplementedError


_INLINE_PAIR = re.compile(
    r"(</(?:a|button|label|span|bdi|small|textarea)>|<input\b[^<>]*>)"
    r"(?=<(?:a|button|label|input|span|small)\b)"
)

_BUNDLE = """\
(function () {
  var root = document.getElementById("root") || document.getElementById("app");
  fetch("/api/storefront.json")
    .then(function (r) { return r.json(); })
    .then(function (data) { root.dataset.ready = "1"; window.__STORE__ = data; });
})();
"""


def full_title(ctx: Ctx, template: str) -> str:
    """The <title>: the page's own title if it names the site, else ``template`` filled in."""
    title, name = ctx.page.title, ctx.site.name
    if name.lower() in title.lower():
        return esc(title)
    return esc(template.format(title=title, name=name))


def sentences(text: str) -> list[str]:
    """The sentences of a short text, each to stand on its own line (as in an age gate)."""
    return [part for part in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9¿¡])", text) if part]


def external(href: str) -> bool:
    return href.startswith(("https://", "http://"))


def link_attrs(href: str) -> str:
    """``href`` plus what an off-site link carries."""
    if external(href):
        return f'href="{esc(href)}" rel="noopener" target="_blank"'
    return f'href="{esc(href)}"'
