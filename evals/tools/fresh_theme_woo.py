"""The WooCommerce / WordPress layout family: a Storefront-like theme with microdata."""

from __future__ import annotations

from fresh_body import (
    AgeGate,
    Bullets,
    Buy,
    Faq,
    Form,
    Heading,
    Hidden,
    Notice,
    Paragraph,
    Products,
    Specs,
)
from fresh_family import Ctx, Family, SiteView, esc, full_title, link_attrs, sentences

_LOCALES = {"en": "en-US", "de": "de-DE", "fr": "fr-FR", "es": "es-ES", "it": "it-IT"}


class Woo(Family):
    """A Storefront-like WordPress theme: masthead, menu-item lists, breadcrumb with slashes,
    ``ul.products`` loop, microdata on product pages, widget footer, cookie-law bar."""

    name = "woo"
    background = "#ffffff"
    robots = (
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
        "Sitemap: https://$host/sitemap.xml\n"
    )

    def stylesheet_path(self, site: SiteView) -> str:
        return "wp-content/themes/storefront/style.css"

    def bundle_path(self, site: SiteView) -> str:
        return f"wp-content/plugins/storefront-app/build/index.{site.asset_tag()}.js"

    def assets(self, site: SiteView, has_app: bool) -> dict[str, str]:
        files = super().assets(site, has_app)
        files["wp-content/plugins/woocommerce/assets/js/frontend/woocommerce.min.js"] = (
            "jQuery(function(e){e(document.body).trigger('wc_fragments_loaded')});\n"
        )
        return files

    def document(self, ctx: Ctx, body: str) -> str:
        site, page = ctx.site, ctx.page
        base = 20 + site.seed % 50
        menu = "".join(
            f'<li id="menu-item-{base + i}" class="menu-item menu-item-type-post_type '
            f'menu-item-object-page menu-item-{base + i}"><a {link_attrs(h)}>{ctx.show(t)}</a></li>'
            for i, (t, h) in enumerate(ctx.nav)
        )
        links = "".join(
            f'<li id="menu-item-{base + 40 + i}" class="menu-item menu-item-type-post_type '
            f'menu-item-object-page menu-item-{base + 40 + i}"><a {link_attrs(h)}>'
            f"{ctx.show(t)}</a></li>"
            for i, (t, h) in enumerate(ctx.footer)
        )
        crumbs = ""
        if ctx.crumbs:
            trail = "&nbsp;&#47;&nbsp;".join(
                f'<a href="{esc(h)}">{esc(t)}</a>' for t, h in ctx.crumbs
            )
            crumbs = (
                '<nav class="woocommerce-breadcrumb" aria-label="Breadcrumb">'
                f"{trail}&nbsp;&#47;&nbsp;{esc(page.heading)}</nav>\n"
            )
        content = body
        if page.product is not None:
            content = (
                f'<div id="product-{base}" class="product type-product status-publish instock" '
                f'itemscope itemtype="https://schema.org/Product">\n{body}</div>\n'
            )
        kind = {"home": "home page", "product": "single-product"}.get(page.kind, "page")
        return (
            f'<!DOCTYPE html>\n<html lang="{_LOCALES.get(site.lang, site.lang)}">\n<head>\n'
            '<meta charset="UTF-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{full_title(ctx, '{title} – {name}')}</title>\n"
            '<meta name="generator" content="WordPress 6.4.3">\n'
            '<meta name="generator" content="WooCommerce 8.5.2">\n'
            '<link rel="stylesheet" id="storefront-style-css" '
            f'href="/{self.stylesheet_path(site)}" media="all">\n'
            f'<style id="storefront-inline-css">.site-header{{border-bottom:3px solid '
            f"{site.accent}}}</style>\n"
            + (f'<script src="/{self.bundle_path(site)}"></script>\n' if page.is_app else "")
            + f'</head>\n<body class="{kind} theme-storefront woocommerce-page">\n'
            '<div id="page" class="hfeed site">\n'
            '<header id="masthead" class="site-header" role="banner"><div class="col-full">'
            f'<div class="site-branding"><p class="site-title"><a href="/" rel="home">'
            f"{ctx.show(site.name)}</a></p>"
            + (f'<p class="site-description">{ctx.show(site.tagline)}</p>' if site.tagline else "")
            + '</div></div><div class="storefront-primary-navigation"><div class="col-full">'
            '<nav id="site-navigation" class="main-navigation" aria-label="Primary Navigation">'
            f'<div class="primary-navigation"><ul id="menu-main" class="menu">{menu}</ul></div>'
            "</nav></div></div></header>\n"
            + (
                f'<p class="woocommerce-store-notice demo_store">{ctx.show(site.banner)}</p>\n'
                if site.banner
                else ""
            )
            + '<div id="content" class="site-content" tabindex="-1"><div class="col-full">\n'
            f'{crumbs}<div id="primary" class="content-area"><main id="main" class="site-main">'
            '<article class="page type-page status-publish hentry"><div class="entry-content">'
            f"\n{content}</div></article></main></div>\n</div></div>\n"
            '<footer id="colophon" class="site-footer" role="contentinfo"><div class="col-full">'
            '<div class="footer-widgets row-1 col-2 fix"><div class="block footer-widget-1">'
            '<div class="widget widget_nav_menu"><span class="gamma widget-title">'
            f'{ctx.say("Information")}</span><div class="menu-footer-container"><ul '
            f'id="menu-footer" class="menu">{links}</ul></div></div></div>'
            '<div class="block footer-widget-2">'
            + (
                f'<div class="widget widget_text"><div class="textwidget"><p>'
                f"{ctx.show(site.footer_note)}</p></div></div>"
                if site.footer_note
                else ""
            )
            + '<div class="widget widget_newsletter"><span class="gamma widget-title">'
            f"{ctx.say('Newsletter')}</span><p>{ctx.say('Sign up for store news.')}</p>"
            '<form class="mc4wp-form" method="post" action="/"><input type="email" '
            f'name="EMAIL" placeholder="{ctx.t("Your email address")}"><input type="submit" '
            f'value="{ctx.t("Sign up")}"></form></div></div></div>'
            f'<div class="site-info">{ctx.say("© {name}", name=site.name)}<br>'
            f"{ctx.say('Built with Storefront & WooCommerce.')}</div></div></footer>\n"
            "</div>\n"
            '<div id="cookie-law-info-bar" class="cli-bar-container"><span class="cli-bar-'
            f'message">{ctx.say("We use cookies on our website to remember your settings.")}'
            f'</span> <a role="button" class="cli_action_button wt-cli-accept-btn">'
            f"{ctx.say('Accept')}</a></div>\n"
            '<script src="/wp-content/plugins/woocommerce/assets/js/frontend/woocommerce.min.js">'
            "</script>\n</body>\n</html>\n"
        )

    def app_root(self, ctx: Ctx) -> str:
        return (
            '<div id="root" class="wp-block-group alignfull"></div>\n'
            "<noscript>This page requires JavaScript. Please enable JavaScript.</noscript>\n"
        )

    def heading(self, ctx: Ctx, block: Heading) -> str:
        if block.level == 1:
            prop = ' itemprop="name"' if ctx.page.product is not None else ""
            cls = "product_title entry-title" if ctx.page.product is not None else "entry-title"
            return f'<h1 class="{cls}"{prop}>{esc(block.text)}</h1>\n'
        return f'<h{block.level} class="wp-block-heading">{esc(block.text)}</h{block.level}>\n'

    def paragraph(self, ctx: Ctx, block: Paragraph) -> str:
        return f"<p>{esc(block.text)}</p>\n"

    def bullets(self, ctx: Ctx, block: Bullets) -> str:
        items = "".join(f"<li>{esc(i)}</li>" for i in block.items)
        return f'<ul class="wp-block-list">{items}</ul>\n'

    def products(self, ctx: Ctx, block: Products) -> str:
        cards = "".join(
            '<li class="product type-product status-publish instock">'
            f'<a {link_attrs(c.href)} class="woocommerce-LoopProduct-link woocommerce-loop-'
            f'product__link"><h2 class="woocommerce-loop-product__title">{esc(c.name)}</h2>'
            '<span class="price"><span class="woocommerce-Price-amount amount"><bdi>'
            f"{esc(c.price)}</bdi></span></span></a>"
            + (
                '<div class="woocommerce-product-details__short-description">'
                f"<p>{esc(c.blurb)}</p></div>"
                if c.blurb
                else ""
            )
            + "</li>\n"
            for c in block.cards
        )
        return f'<ul class="products columns-3">\n{cards}</ul>\n'

    def buy(self, ctx: Ctx, block: Buy) -> str:
        product = ctx.page.product
        offer = ""
        if product is not None:
            offer = (
                f'<meta itemprop="price" content="{esc(product.amount)}">'
                f'<meta itemprop="priceCurrency" content="{product.currency}">'
            )
        qty = ctx.uid("quantity")
        return (
            '<div class="summary entry-summary"><p class="price" itemprop="offers" itemscope '
            f'itemtype="https://schema.org/Offer">{offer}<span class="woocommerce-Price-amount '
            f'amount"><bdi>{esc(block.price)}</bdi></span></p>'
            + (
                '<div class="woocommerce-product-details__short-description" '
                f'itemprop="description"><p>{esc(block.note)}</p></div>'
                if block.note
                else ""
            )
            + f'<form class="cart" action="{esc(ctx.page.path)}" method="post"><div '
            f'class="quantity"><label class="screen-reader-text" for="{qty}">{ctx.t("Quantity")}'
            "</label>"
            f'<input type="number" id="{qty}" class="input-text qty text" name="quantity" '
            'value="1" min="1"></div><button type="submit" name="add-to-cart" '
            f'class="single_add_to_cart_button button alt">{ctx.t("Add to cart")}</button></form>'
            + (
                '<div class="product_meta"><span class="sku_wrapper">'
                f'{ctx.t("SKU:")} <span class="sku" '
                f'itemprop="sku">{esc(block.sku)}</span></span></div>'
                if block.sku
                else ""
            )
            + "</div>\n"
        )

    def specs(self, ctx: Ctx, block: Specs) -> str:
        rows = "".join(
            '<tr class="woocommerce-product-attributes-item"><th class="woocommerce-product-'
            f'attributes-item__label">{esc(k)}:</th><td class="woocommerce-product-attributes-'
            f'item__value"><p>{esc(v)}</p></td></tr>'
            for k, v in block.rows
        )
        return f'<table class="woocommerce-product-attributes shop_attributes">{rows}</table>\n'

    def faq(self, ctx: Ctx, block: Faq) -> str:
        items = "".join(
            f'<h3 class="wp-block-heading faq-question">{esc(q)}</h3><p class="faq-answer">'
            f"{esc(a)}</p>\n"
            for q, a in block.pairs
        )
        return f'<div class="wp-block-group faq">\n{items}</div>\n'

    def notice(self, ctx: Ctx, block: Notice) -> str:
        return f'<div class="woocommerce-info" role="status">{esc(block.text)}</div>\n'

    def form(self, ctx: Ctx, block: Form) -> str:
        def row(label: str, control: str) -> str:
            return (
                f'<p class="woocommerce-form-row form-row"><label>{ctx.t(label)}</label>'
                f"{control}</p>"
            )

        if block.kind == "login":
            rows = row(
                "Username or email address",
                '<input type="text" class="woocommerce-Input input-text" name="username">',
            ) + row(
                "Password",
                '<input type="password" class="woocommerce-Input input-text" name="password">',
            )
            cls, button = "woocommerce-form woocommerce-form-login login", "Log in"
        elif block.kind == "contact":
            rows = (
                row("Your name", '<input type="text" class="wpcf7-form-control" name="your-name">')
                + row(
                    "Your email",
                    '<input type="email" class="wpcf7-form-control" name="your-email">',
                )
                + row(
                    "Your message",
                    '<textarea class="wpcf7-form-control" name="your-message"></textarea>',
                )
            )
            cls, button = "wpcf7-form init", "Submit"
        else:
            rows = row("Email address", '<input type="email" name="EMAIL">')
            cls, button = "mc4wp-form", "Sign up"
        return (
            f'<form class="{cls}" method="post" action="{esc(ctx.page.path)}">{rows}'
            f'<button type="submit" class="button">{ctx.t(button)}</button></form>\n'
        )

    def agegate(self, ctx: Ctx, block: AgeGate) -> str:
        return (
            '<div class="age-gate-wrapper" style="position:fixed;top:0;left:0;right:0;bottom:0;'
            'z-index:9999"><div class="age-gate"><form class="age-gate-form" method="post" '
            f'action="{esc(ctx.page.path)}">'
            + "".join(f'<p class="age-gate-challenge">{esc(x)}</p>' for x in sentences(block.text))
            + '<button type="submit" class="age-gate-submit-yes" name="age_gate[confirm]" '
            f'value="1">{ctx.t("Yes")}</button> <button type="submit" class="age-gate-submit-no" '
            f'name="age_gate[confirm]" value="0">{ctx.t("No")}</button></form></div></div>\n'
        )

    def hidden(self, ctx: Ctx, block: Hidden) -> str:
        return f'<div style="{self.hiding_style(block.how)}">{esc(block.text)}</div>\n'
