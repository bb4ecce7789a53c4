"""The seven storefront styles used by corpus A (table, shopify, woo, bootstrap, tailwind,
squarespace, plain)."""

from __future__ import annotations

from corpus_a_layouts import Layout, SiteInfo, esc, site_number
from corpus_a_markup import GridItem, inline


def nav_links(nav: tuple[tuple[str, str], ...], fmt: str, sep: str = "") -> str:
    return sep.join(fmt.format(href=h, label=esc(label)) for label, h in nav)


class TableLayout(Layout):
    """Late-1990s table layout with font tags."""

    def heading(self, level: int, text: str) -> str:
        size = {1: 4, 2: 3, 3: 2}[level]
        return f'<p><font size="{size}" color="#333366"><b>{inline(text)}</b></font></p>'

    def faq(self, pairs: tuple[tuple[str, str], ...]) -> str:
        return "".join(f"<p><b>Q. {inline(q)}</b><br>\n{inline(a)}</p>" for q, a in pairs)

    def grid(self, items: tuple[GridItem, ...], site: SiteInfo) -> str:
        rows = "".join(
            f'<tr><td width="45%" valign="top"><a href="{i.path}"><b>{esc(i.name)}</b></a></td>'
            f'<td valign="top"><font size="1">{inline(i.blurb)}</font></td>'
            f'<td width="70" align="right" valign="top"><font color="#CC0000"><b>{esc(i.price)}'
            "</b></font></td></tr>"
            for i in items
        )
        return (
            '<table width="100%" border="1" cellpadding="4" cellspacing="0" '
            f'bordercolor="#CCCCCC">{rows}</table>'
        )

    def table(self, rows: tuple[tuple[str, ...], ...]) -> str:
        return (
            super()
            .table(rows)
            .replace("<table>", '<table border="1" cellpadding="3" cellspacing="0" width="100%">')
        )

    def buy(self, price: str, note: str, site: SiteInfo) -> str:
        return (
            '<form method="post" action="/cgi-bin/cart.pl"><table border="0" cellpadding="3">'
            f'<tr><td><font color="#CC0000" size="3"><b>Our Price: {esc(price)}</b></font></td>'
            '<td>Qty: <input type="text" name="qty" size="3" value="1"></td>'
            '<td><input type="submit" value="Add to Cart"></td></tr>'
            f'<tr><td colspan="3"><font size="1">{inline(note)}</font></td></tr></table></form>'
        )

    def shell(self, site: SiteInfo, title: str, body: str, head: str) -> str:
        nav = nav_links(
            site.nav,
            '<tr><td><font face="Verdana, Arial" size="2">&raquo; <a href="{href}">{label}</a>'
            "</font></td></tr>",
        )
        foot = nav_links(site.footer, '<a href="{href}">{label}</a>', " | ")
        note = f"<br><br>{inline(site.footer_note)}" if site.footer_note else ""
        return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><title>{esc(site.name)} - {esc(title)}</title>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">{head}</head>
<body bgcolor="#FFFFFF" text="#000000" link="#000099" vlink="#663366" topmargin="0">
<table width="780" border="0" cellpadding="0" cellspacing="0" align="center">
<tr><td colspan="2" bgcolor="{site.color}" height="70">&nbsp;<font face="Arial, Helvetica"
size="6" color="#FFFFFF"><b>{esc(site.name)}</b></font><br>&nbsp;<font face="Arial" size="2"
color="#FFFFCC"><i>{esc(site.tagline)}</i></font></td></tr>
<tr><td width="170" valign="top" bgcolor="#EEEEEE"><table width="100%" cellpadding="4">{nav}
</table></td>
<td width="610" valign="top"><table width="100%" cellpadding="10"><tr><td>
<font face="Verdana, Arial" size="2">
{body}
</font></td></tr></table></td></tr>
<tr><td colspan="2" align="center" bgcolor="#EEEEEE"><font face="Verdana" size="1">{foot}
<br>{esc(site.address)}<br>Copyright &copy; 2025 {esc(site.name)}. All rights reserved.{note}
</font></td></tr></table>{site.chrome_html}
</body></html>
"""


class ShopifyLayout(Layout):
    """A Dawn-like Shopify theme."""

    def heading(self, level: int, text: str) -> str:
        cls = {1: "main-page-title page-title h0", 2: "title inline-richtext h2", 3: "h3"}[level]
        return f'<h{level} class="{cls}">{inline(text)}</h{level}>'

    def para(self, text: str) -> str:
        return f'<div class="rte"><p>{inline(text)}</p></div>'

    def faq(self, pairs: tuple[tuple[str, str], ...]) -> str:
        return "".join(
            f'<details class="accordion"><summary><h3 class="accordion__title h4">{inline(q)}</h3>'
            f'</summary><div class="accordion__content rte"><p>{inline(a)}</p></div></details>'
            for q, a in pairs
        )

    def grid(self, items: tuple[GridItem, ...], site: SiteInfo) -> str:
        shop = site_number(site)
        cards = "".join(
            f'<li class="grid__item"><div class="card-wrapper product-card-wrapper">'
            f'<div class="card__media"><img src="https://cdn.shopify.com/s/files/1/0{shop}/'
            f'{k:04d}/products/{i.path.rsplit("/", 1)[-1]}.jpg?v=17{shop}" alt="" loading="lazy" '
            f'width="533" height="533"></div><div class="card__content">'
            f'<h3 class="card__heading h5">'
            f'<a href="{i.path}" class="full-unstyled-link">{esc(i.name)}</a></h3>'
            f'<p class="card__caption caption">{inline(i.blurb)}</p><div class="price">'
            f'<span class="price-item price-item--regular">{esc(i.price)}</span></div></div></div>'
            "</li>"
            for k, i in enumerate(items)
        )
        return (
            '<ul id="product-grid" class="grid product-grid grid--2-col-tablet-down '
            f'grid--4-col-desktop">{cards}</ul>'
        )

    def buy(self, price: str, note: str, site: SiteInfo) -> str:
        return (
            '<div class="price price--large"><span class="price-item price-item--regular">'
            f'{esc(price)}</span></div><p class="product__tax caption rte">Shipping calculated at '
            "checkout.</p>"
            '<form method="post" action="/cart/add" class="form product-form">'
            f'<input type="hidden" name="id" value="4{site_number(site, "v")}">'
            '<button type="submit" name="add" '
            'class="product-form__submit button button--full-width">'
            f'Add to cart</button></form><div class="product__description rte"><p>{inline(note)}'
            "</p></div>"
        )

    def shell(self, site: SiteInfo, title: str, body: str, head: str) -> str:
        shop = site_number(site)
        cdn = f"https://cdn.shopify.com/s/files/1/0{shop}/{shop % 9000:04d}/t/4/assets"
        nav = nav_links(
            site.nav,
            '<li><a href="{href}" '
            'class="header__menu-item list-menu__item link link--text focus-inset">'
            "<span>{label}</span></a></li>",
        )
        foot = nav_links(
            site.footer,
            '<li><a href="{href}" class="link link--text list-menu__item list-menu__item--link">'
            "{label}</a></li>",
        )
        note = f'<p class="footer__note">{inline(site.footer_note)}</p>' if site.footer_note else ""
        return f"""<!doctype html>
<html class="no-js" lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{esc(title)} &ndash; {esc(site.name)}</title>
<link href="{cdn}/base.css?v=1{shop}" rel="stylesheet" type="text/css" media="all">
<link rel="preconnect" href="https://cdn.shopify.com" crossorigin>
<script src="{cdn}/global.js?v=2{shop}" defer="defer"></script>
<script>window.Shopify = window.Shopify || {{}}; Shopify.shop = "{site.sid[2:]}.myshopify.com";
Shopify.theme = {{"name":"Dawn","id":1{shop},"role":"main"}};</script>{head}
</head><body class="gradient">
<a class="skip-to-content-link button visually-hidden" href="#MainContent">Skip to content</a>
<div class="announcement-bar" role="region" aria-label="Announcement"><div class="page-width">
<p class="announcement-bar__message h5"><span>{inline(site.announcement)}</span></p></div></div>
<header class="header header--middle-left header--mobile-center page-width">
<a href="/" class="header__heading-link link link--text focus-inset"><span class="h2">
{esc(site.name)}</span></a>
<nav class="header__inline-menu"><ul class="list-menu list-menu--inline" role="list">{nav}</ul>
</nav><div class="header__icons"><span class="header__icon header__icon--cart">Cart</span></div>
</header>
<main id="MainContent" class="content-for-layout focus-none" role="main" tabindex="-1">
<div class="page-width section-template-padding">
{body}
</div></main>
<footer class="footer color-background-1 gradient section-sections--footer-padding">
<div class="footer__content-top page-width"><div class="footer__blocks-wrapper grid">
<div class="footer-block grid__item footer-block--menu">
<h2 class="footer-block__heading inline-richtext">
Quick links</h2><ul class="footer-block__details-content list-unstyled">{foot}</ul></div>
<div class="footer-block grid__item"><h2 class="footer-block__heading inline-richtext">
{esc(site.name)}</h2><div class="footer-block__details-content rte"><p>{inline(site.footer_blurb)}
</p><p>{esc(site.address)}</p></div></div></div>{note}</div>
<div class="footer__content-bottom"><div class="footer__copyright caption">
<small class="copyright__content">&copy; 2025, <a href="/" title="">{esc(site.name)}</a></small>
<small class="copyright__content"><a target="_blank" rel="nofollow"
href="https://www.shopify.com?utm_campaign=poweredby&amp;utm_medium=shopify&amp;utm_source=onlinestore">
Powered by Shopify</a></small></div></div></footer>{site.chrome_html}
</body></html>
"""


class WooLayout(Layout):
    """WordPress with the Storefront theme and WooCommerce."""

    def heading(self, level: int, text: str) -> str:
        cls = {1: "entry-title product_title", 2: "wp-block-heading", 3: "wp-block-heading"}[level]
        return f'<h{level} class="{cls}">{inline(text)}</h{level}>'

    def faq(self, pairs: tuple[tuple[str, str], ...]) -> str:
        return "".join(
            f'<div class="wp-block-group faq-item"><h3 class="wp-block-heading">{inline(q)}</h3>'
            f"<p>{inline(a)}</p></div>"
            for q, a in pairs
        )

    def grid(self, items: tuple[GridItem, ...], site: SiteInfo) -> str:
        base = site_number(site) % 900 + 100
        cards = "".join(
            f'<li class="product type-product post-{base + k} status-publish instock">'
            f'<a href="{i.path}" '
            'class="woocommerce-LoopProduct-link woocommerce-loop-product__link">'
            f'<img src="/wp-content/uploads/2024/0{k % 9 + 1}/'
            f'{i.path.rsplit("/", 1)[-1]}-324x324.jpg"'
            f' class="attachment-woocommerce_thumbnail size-woocommerce_thumbnail" alt="" '
            f'width="324" height="324"><h2 class="woocommerce-loop-product__title">{esc(i.name)}'
            f'</h2><span class="price"><span class="woocommerce-Price-amount amount"><bdi>'
            f"{esc(i.price)}</bdi></span></span></a>"
            f'<div class="woocommerce-product-details__short-description"><p>{inline(i.blurb)}'
            f'</p></div><button class="button product_type_simple add_to_cart_button" '
            f'data-product_id="{base + k}">Add to cart</button></li>'
            for k, i in enumerate(items)
        )
        return f'<ul class="products columns-3">{cards}</ul>'

    def buy(self, price: str, note: str, site: SiteInfo) -> str:
        return (
            f'<p class="price"><span class="woocommerce-Price-amount amount"><bdi>{esc(price)}'
            f'</bdi></span></p><div class="woocommerce-product-details__short-description"><p>'
            f'{inline(note)}</p></div><form class="cart" method="post" '
            'enctype="multipart/form-data"><div class="quantity"><input type="number" '
            'class="input-text qty text" name="quantity" value="1" min="1" aria-label="Quantity">'
            '</div><button type="submit" name="add-to-cart" class="single_add_to_cart_button '
            'button alt">Add to cart</button></form>'
        )

    def assets(self, site: SiteInfo) -> dict[str, str]:
        return {
            "wp-content/themes/storefront/style.css": "body{font-family:sans-serif}\n",
            "wp-content/plugins/woocommerce/assets/css/woocommerce.css": ".price{color:#111}\n",
        }

    def shell(self, site: SiteInfo, title: str, body: str, head: str) -> str:
        nav = nav_links(
            site.nav,
            '<li class="menu-item menu-item-type-post_type"><a href="{href}">{label}</a></li>',
        )
        foot = nav_links(site.footer, '<li class="menu-item"><a href="{href}">{label}</a></li>')
        note = f'<p class="site-note">{inline(site.footer_note)}</p>' if site.footer_note else ""
        return f"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} &#8211; {esc(site.name)}</title>
<link rel='stylesheet' id='storefront-style-css'
 href='/wp-content/themes/storefront/style.css' media='all'>
<link rel='stylesheet' id='woocommerce-general-css'
 href='/wp-content/plugins/woocommerce/assets/css/woocommerce.css' media='all'>
<meta name="generator" content="WordPress 6.5.2">
<meta name="generator" content="WooCommerce 8.8.3">{head}
</head><body class="wp-theme-storefront woocommerce-js storefront-full-width-content">
<div id="page" class="hfeed site">
<header id="masthead" class="site-header" role="banner"><div class="col-full">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<div class="site-branding"><p class="site-title beta"><a href="/" rel="home">{esc(site.name)}</a>
</p><p class="site-description">{esc(site.tagline)}</p></div>
<div class="site-search"><form role="search" method="get" class="woocommerce-product-search"
action="/"><label class="screen-reader-text" for="wc-search">Search for:</label>
<input type="search" id="wc-search" class="search-field" placeholder="Search products&hellip;"
name="s"><button type="submit" value="Search">Search</button>
<input type="hidden" name="post_type" value="product"></form></div></div>
<div class="storefront-primary-navigation"><div class="col-full">
<nav id="site-navigation" class="main-navigation" aria-label="Primary Navigation">
<div class="primary-navigation"><ul id="menu-main" class="menu">{nav}</ul></div></nav>
<ul id="site-header-cart" class="site-header-cart menu"><li><span class="cart-contents">
<span class="woocommerce-Price-amount amount">$0.00</span> <span class="count">0 items</span>
</span></li></ul></div></div></header>
<div id="content" class="site-content" tabindex="-1"><div class="col-full">
<nav class="woocommerce-breadcrumb" aria-label="Breadcrumb"><a href="/">Home</a>&nbsp;&#47;&nbsp;
{esc(title)}</nav><div id="primary" class="content-area"><main id="main" class="site-main">
{body}
</main></div></div></div>
<footer id="colophon" class="site-footer" role="contentinfo"><div class="col-full">
<div class="footer-widgets row-1 col-2 fix"><div class="block footer-widget-1">
<div class="widget widget_nav_menu"><span class="gamma widget-title">Information</span>
<ul class="menu">{foot}</ul></div></div><div class="block footer-widget-2">
<div class="widget widget_text"><span class="gamma widget-title">{esc(site.name)}</span>
<div class="textwidget"><p>{inline(site.footer_blurb)}</p><p>{esc(site.address)}</p></div></div>
</div></div>{note}
<div class="site-info">&copy; {esc(site.name)} 2025<br>
<a href="https://woocommerce.com" target="_blank"
rel="noopener nofollow">Built with WooCommerce</a>.
</div></div></footer></div>{site.chrome_html}
</body></html>
"""
