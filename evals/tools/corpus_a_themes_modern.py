"""Bootstrap, Tailwind, Squarespace and plain-HTML storefront styles for corpus A."""

from __future__ import annotations

from corpus_a_layouts import Layout, SiteInfo, esc, site_number
from corpus_a_markup import GridItem, inline
from corpus_a_themes import ShopifyLayout, TableLayout, WooLayout, nav_links


class BootstrapLayout(Layout):
    """Bootstrap 5 grid with cards."""

    def heading(self, level: int, text: str) -> str:
        cls = {1: "display-6 fw-semibold mb-3", 2: "h4 mt-4 mb-3", 3: "h5 mt-3"}[level]
        return f'<h{level} class="{cls}">{inline(text)}</h{level}>'

    def para(self, text: str) -> str:
        return f'<p class="lead-sm">{inline(text)}</p>'

    def bullets(self, items: tuple[str, ...]) -> str:
        lis = "".join(f'<li class="list-group-item">{inline(i)}</li>' for i in items)
        return f'<ul class="list-group list-group-flush mb-3">{lis}</ul>'

    def faq(self, pairs: tuple[tuple[str, str], ...]) -> str:
        items = "".join(
            f'<div class="accordion-item"><h3 class="accordion-header"><button '
            f'class="accordion-button collapsed" type="button" data-bs-toggle="collapse" '
            f'data-bs-target="#faq{k}">{inline(q)}</button></h3><div id="faq{k}" '
            f'class="accordion-collapse collapse show"><div class="accordion-body">{inline(a)}'
            "</div></div></div>"
            for k, (q, a) in enumerate(pairs)
        )
        return f'<div class="accordion mb-4" id="faqAccordion">{items}</div>'

    def grid(self, items: tuple[GridItem, ...], site: SiteInfo) -> str:
        cards = "".join(
            f'<div class="col"><div class="card h-100 shadow-sm"><div class="card-body">'
            f'<h5 class="card-title"><a href="{i.path}" '
            'class="stretched-link text-decoration-none">'
            f'{esc(i.name)}</a></h5><p class="card-text small text-muted">{inline(i.blurb)}</p>'
            f'</div><div class="card-footer bg-white"><span class="fw-bold">{esc(i.price)}</span>'
            "</div></div></div>"
            for i in items
        )
        return f'<div class="row row-cols-1 row-cols-md-3 g-4 mb-4">{cards}</div>'

    def buy(self, price: str, note: str, site: SiteInfo) -> str:
        return (
            f'<div class="d-flex align-items-center gap-3 my-3"><span class="fs-3 fw-bold">'
            f'{esc(price)}</span></div><p class="text-muted small">{inline(note)}</p>'
            '<form class="row g-2 mb-4" method="post" action="/cart"><div class="col-auto">'
            '<input type="number" class="form-control" name="qty" value="1" min="1" '
            'aria-label="Quantity"></div><div class="col-auto"><button class="btn btn-primary" '
            'type="submit">Add to cart</button></div></form>'
        )

    def table(self, rows: tuple[tuple[str, ...], ...]) -> str:
        return (
            super().table(rows).replace("<table>", '<table class="table table-sm table-striped">')
        )

    def shell(self, site: SiteInfo, title: str, body: str, head: str) -> str:
        nav = nav_links(
            site.nav, '<li class="nav-item"><a class="nav-link" href="{href}">{label}</a></li>'
        )
        foot = nav_links(
            site.footer,
            '<li class="list-inline-item"><a class="link-secondary" href="{href}">{label}</a></li>',
        )
        note = (
            f'<p class="small text-muted">{inline(site.footer_note)}</p>'
            if site.footer_note
            else ""
        )
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} | {esc(site.name)}</title>
<link href="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/css/bootstrap.min.css"
 rel="stylesheet">
{head}</head><body>
<nav class="navbar navbar-expand-lg navbar-dark" style="background-color:{site.color}">
<div class="container"><a class="navbar-brand fw-bold" href="/">{esc(site.name)}</a>
<button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#mainNav"
aria-controls="mainNav" aria-label="Toggle navigation"><span class="navbar-toggler-icon"></span>
</button><div class="collapse navbar-collapse" id="mainNav"><ul class="navbar-nav ms-auto">{nav}
</ul></div></div></nav>
<div class="bg-light border-bottom py-2"><div class="container small">{inline(site.announcement)}
</div></div>
<main class="container py-4">
{body}
</main>
<footer class="border-top py-4 mt-5 bg-light"><div class="container"><div class="row">
<div class="col-md-5"><h6 class="fw-bold">{esc(site.name)}</h6><p class="small text-muted">
{inline(site.footer_blurb)}</p><p class="small text-muted">{esc(site.address)}</p></div>
<div class="col-md-7"><ul class="list-inline mb-2">{foot}</ul>{note}</div></div>
<p class="small text-muted mb-0">&copy; 2025 {esc(site.name)}</p></div></footer>
<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js"></script>
{site.chrome_html}
</body></html>
"""


class TailwindLayout(Layout):
    """Utility-class markup in the Tailwind style."""

    def heading(self, level: int, text: str) -> str:
        cls = {
            1: "text-4xl font-bold tracking-tight text-zinc-900",
            2: "mt-10 text-2xl font-semibold text-zinc-900",
            3: "mt-6 text-lg font-semibold",
        }[level]
        return f'<h{level} class="{cls}">{inline(text)}</h{level}>'

    def para(self, text: str) -> str:
        return f'<p class="mt-4 leading-7 text-zinc-600">{inline(text)}</p>'

    def bullets(self, items: tuple[str, ...]) -> str:
        lis = "".join(
            f'<li class="flex gap-2"><span>&#10003;</span><span>{inline(i)}</span></li>'
            for i in items
        )
        return f'<ul class="mt-4 space-y-2 text-zinc-700">{lis}</ul>'

    def faq(self, pairs: tuple[tuple[str, str], ...]) -> str:
        items = "".join(
            f'<div class="py-5"><dt class="font-medium text-zinc-900">{inline(q)}</dt>'
            f'<dd class="mt-2 text-zinc-600">{inline(a)}</dd></div>'
            for q, a in pairs
        )
        return f'<dl class="mt-6 divide-y divide-zinc-200">{items}</dl>'

    def grid(self, items: tuple[GridItem, ...], site: SiteInfo) -> str:
        cards = "".join(
            f'<a href="{i.path}" class="group block rounded-2xl border border-zinc-200 '
            "bg-white p-6 "
            f'shadow-sm transition hover:shadow-md"><h3 class="font-semibold text-zinc-900 '
            f'group-hover:underline">{esc(i.name)}</h3><p class="mt-2 text-sm text-zinc-500">'
            f'{inline(i.blurb)}</p><p class="mt-4 text-lg font-bold">{esc(i.price)}</p></a>'
            for i in items
        )
        return (
            f'<div class="mt-8 grid grid-cols-1 gap-6 sm:grid-cols-2 lg:grid-cols-3">{cards}</div>'
        )

    def buy(self, price: str, note: str, site: SiteInfo) -> str:
        return (
            f'<div class="mt-6 flex items-baseline gap-4"><span class="text-3xl font-bold">'
            f'{esc(price)}</span></div><p class="mt-2 text-sm text-zinc-500">{inline(note)}</p>'
            '<button type="button" class="mt-6 rounded-xl bg-zinc-900 px-6 py-3 font-semibold '
            'text-white hover:bg-zinc-700">Add to cart</button>'
        )

    def assets(self, site: SiteInfo) -> dict[str, str]:
        return {
            f"assets/app-{site_number(site):x}.css": "*,::before,::after{box-sizing:border-box}\n"
        }

    def shell(self, site: SiteInfo, title: str, body: str, head: str) -> str:
        nav = nav_links(site.nav, '<a href="{href}" class="hover:text-zinc-900">{label}</a>')
        foot = nav_links(site.footer, '<a href="{href}" class="hover:underline">{label}</a>')
        note = f'<p class="mt-4 text-xs">{inline(site.footer_note)}</p>' if site.footer_note else ""
        return f"""<!DOCTYPE html>
<html lang="en" class="h-full"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} - {esc(site.name)}</title>
<link rel="stylesheet" href="/assets/app-{site_number(site):x}.css">{head}
</head><body class="min-h-full bg-zinc-50 font-sans text-zinc-800 antialiased">
<div class="bg-zinc-900 px-4 py-2 text-center text-sm text-white">{inline(site.announcement)}</div>
<header class="border-b border-zinc-200 bg-white"><div class="mx-auto flex max-w-6xl items-center
justify-between px-6 py-5"><a href="/" class="text-xl font-extrabold tracking-tight"
style="color:{site.color}">{esc(site.name)}</a><nav class="flex gap-6 text-sm font-medium
text-zinc-600">{nav}</nav></div></header>
<main class="mx-auto max-w-6xl px-6 py-12">
{body}
</main>
<footer class="border-t border-zinc-200 bg-white"><div class="mx-auto max-w-6xl px-6 py-10 text-sm
text-zinc-500"><div class="flex flex-wrap gap-x-6 gap-y-2">{foot}</div>
<p class="mt-6">{inline(site.footer_blurb)}</p><p class="mt-2">{esc(site.address)}</p>{note}
<p class="mt-6">&copy; 2025 {esc(site.name)}</p></div></footer>{site.chrome_html}
</body></html>
"""


class SquarespaceLayout(Layout):
    """Squarespace 7.1 style block markup."""

    def _block(self, inner: str, kind: str = "html") -> str:
        return (
            f'<div class="sqs-block {kind}-block sqs-block-{kind}" data-block-type="2">'
            f'<div class="sqs-block-content"><div class="sqs-html-content">{inner}</div>'
            "</div></div>"
        )

    def heading(self, level: int, text: str) -> str:
        return self._block(f'<h{level} style="white-space:pre-wrap;">{inline(text)}</h{level}>')

    def para(self, text: str) -> str:
        return self._block(
            f'<p class="sqsrte-large" style="white-space:pre-wrap;">{inline(text)}</p>'
        )

    def bullets(self, items: tuple[str, ...]) -> str:
        lis = "".join(
            f'<li><p class="" style="white-space:pre-wrap;">{inline(i)}</p></li>' for i in items
        )
        return self._block(f'<ul data-rte-list="default">{lis}</ul>')

    def faq(self, pairs: tuple[tuple[str, str], ...]) -> str:
        items = "".join(
            f'<li class="accordion-item"><h4 class="accordion-item__title-wrapper" role="heading">'
            f'<span class="accordion-item__title">{inline(q)}</span></h4><div '
            f'class="accordion-item__description"><p style="white-space:pre-wrap;">{inline(a)}</p>'
            "</div></li>"
            for q, a in pairs
        )
        return self._block(f'<ul class="accordion-items-container">{items}</ul>', "accordion")

    def grid(self, items: tuple[GridItem, ...], site: SiteInfo) -> str:
        cards = "".join(
            f'<div class="grid-item ProductList-item"><a href="{i.path}" '
            f'class="grid-item-link ProductList-item-link">'
            '<div class="grid-title ProductList-title">'
            f'{esc(i.name)}</div><div class="product-price">{esc(i.price)}</div></a>'
            f'<div class="grid-excerpt ProductList-excerpt"><p>{inline(i.blurb)}</p></div></div>'
            for i in items
        )
        return (
            f'<section class="products-flex-container"><div class="list-grid">{cards}</div>'
            "</section>"
        )

    def buy(self, price: str, note: str, site: SiteInfo) -> str:
        return (
            f'<div class="product-price">{esc(price)}</div><div class="product-description">'
            f'<p style="white-space:pre-wrap;">{inline(note)}</p></div>'
            '<div class="product-quantity-input"><input aria-label="Quantity" size="4" '
            'max="9999" min="1" value="1" type="number"></div><div class="sqs-add-to-cart-button '
            'sqs-suppress-edit-mode sqs-editable-button" role="button" tabindex="0">'
            '<div class="sqs-add-to-cart-button-inner">Add To Cart</div></div>'
        )

    def shell(self, site: SiteInfo, title: str, body: str, head: str) -> str:
        nav = nav_links(
            site.nav,
            '<div class="header-nav-item header-nav-item--collection">'
            '<a href="{href}" data-animation-role="header-element">{label}</a></div>',
        )
        foot = nav_links(site.footer, '<p><a href="{href}">{label}</a></p>')
        note = self.para(site.footer_note) if site.footer_note else ""
        sid = site_number(site)
        return f"""<!doctype html>
<html xmlns:og="http://opengraphprotocol.org/schema/" lang="en-US"><head>
<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} &mdash; {esc(site.name)}</title>
<link rel="stylesheet" type="text/css"
href="https://static1.squarespace.com/static/versioned-site-css/65a{sid}/12/5c5a519771c10ba3470d8101/site.css">
<script>Static.SQUARESPACE_CONTEXT = {{"websiteId":"65a{sid}e1",
"templateId":"5c5a519771c10ba3470d8101"}};
</script>{head}
</head><body id="collection-65a{sid}" class="header-width-full tweak-blog-alternating-side-by-side
primary-button-style-solid">
<div id="siteWrapper" class="clearfix site-wrapper">
<header data-test="header" id="header" class="header theme-col--primary" data-section-theme="white">
<div class="header-announcement-bar-wrapper"><div class="header-inner container--fluid">
<div class="header-title-text"><a href="/" data-animation-role="header-element">{esc(site.name)}</a>
</div><nav class="header-nav"><div class="header-nav-list">{nav}</div></nav></div></div></header>
<main id="page" class="container" role="main"><article class="sections" id="sections">
<section class="page-section layout-engine-section background-width--full-bleed"
data-section-theme="white"><div class="content-wrapper"><div class="content">
<div class="sqs-layout sqs-grid-12 columns-12" data-type="page"><div class="row sqs-row">
<div class="col sqs-col-12 span-12">
{body}
</div></div></div></div></div></section></article></main>
<footer class="sections" id="footer-sections" data-footer-sections><section class="page-section"
data-section-theme="black"><div class="content-wrapper"><div class="sqs-layout sqs-grid-12">
<div class="row sqs-row"><div class="col sqs-col-6 span-6">{self.para(site.footer_blurb)}
{self._block(f"<p>{esc(site.address)}</p>")}</div><div class="col sqs-col-6 span-6">
{self._block(foot)}</div></div>{note}</div></div></section></footer></div>{site.chrome_html}
<script src="https://assets.squarespace.com/universal/scripts-compressed/common-vendors.js"></script>
</body></html>
"""


class PlainLayout(Layout):
    """Hand-written minimal HTML."""

    def shell(self, site: SiteInfo, title: str, body: str, head: str) -> str:
        nav = nav_links(site.nav, '<a href="{href}">{label}</a>', " &middot; ")
        foot = nav_links(site.footer, '<a href="{href}">{label}</a>', " &middot; ")
        note = f"<p><small>{inline(site.footer_note)}</small></p>" if site.footer_note else ""
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)} - {esc(site.name)}</title>
<style>body{{font-family:Georgia,serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
line-height:1.55;color:#222}}a{{color:{site.color}}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3rem .6rem}}</style>{head}
</head><body>
<header><p><strong><a href="/">{esc(site.name)}</a></strong> &mdash; {esc(site.tagline)}</p>
<nav>{nav}</nav></header><hr>
<main>
{body}
</main><hr>
<footer><p>{foot}</p><p>{inline(site.footer_blurb)}</p><p>{esc(site.address)}</p>{note}
<p>&copy; 2025 {esc(site.name)}</p></footer>{site.chrome_html}
</body></html>
"""


LAYOUTS: dict[str, Layout] = {
    "table": TableLayout(),
    "shopify": ShopifyLayout(),
    "woo": WooLayout(),
    "bootstrap": BootstrapLayout(),
    "tailwind": TailwindLayout(),
    "squarespace": SquarespaceLayout(),
    "plain": PlainLayout(),
}
