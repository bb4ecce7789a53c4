"""The Shopify-like layout family: sections, cards and price items; JSON-LD on products."""

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


class Shopify(Family):
    """Sections, card wrappers, price items and custom elements in the manner of a Shopify
    theme; JSON-LD Product on product pages; no breadcrumbs; a privacy banner."""

    name = "shopify"
    background = "#f9f7f2"
    robots = (
        "# we use Shopify as our ecommerce platform\n\n"
        "User-agent: *\nDisallow: /admin\nDisallow: /cart\nDisallow: /orders\n"
        "Disallow: /checkouts/\nDisallow: /checkout\nDisallow: /account\n"
        "Disallow: /collections/*sort_by*\nDisallow: /*/collections/*sort_by*\n"
        "Disallow: /collections/*+*\nDisallow: /search\nDisallow: /policies/\n"
        "Disallow: /*?*preview_theme_id*\n\nSitemap: https://$host/sitemap.xml\n"
    )

    def stylesheet_path(self, site: SiteView) -> str:
        return f"cdn/shop/t/{site.seed % 40 + 2}/assets/base.css"

    def bundle_path(self, site: SiteView) -> str:
        return f"cdn/shop/t/{site.seed % 40 + 2}/assets/storefront-{site.asset_tag()}.js"

    def document(self, ctx: Ctx, body: str) -> str:
        site, page = ctx.site, ctx.page
        theme = site.seed % 40 + 2
        menu = "".join(
            f'<li><a {link_attrs(h)} class="header__menu-item list-menu__item link '
            f'link--text focus-inset"><span>{ctx.show(t)}</span></a></li>'
            for t, h in ctx.nav
        )
        links = "".join(
            f'<li><a {link_attrs(h)} class="link link--text list-menu__item '
            f'list-menu__item--link">{ctx.show(t)}</a></li>'
            for t, h in ctx.footer
        )
        bar = (
            '<div class="announcement-bar" role="region" aria-label="Announcement">'
            '<div class="page-width"><p class="announcement-bar__message h5"><span>'
            f"{ctx.show(site.banner)}</span></p></div></div>"
            if site.banner
            else ""
        )
        note = (
            '<div class="footer-block grid__item"><div class="footer-block__details-content rte">'
            f"<p>{ctx.show(site.footer_note)}</p></div></div>"
            if site.footer_note
            else ""
        )
        script = f'<script src="/{self.bundle_path(site)}" defer></script>\n' if page.is_app else ""
        return (
            f'<!doctype html>\n<html class="no-js" lang="{site.lang}">\n<head>\n'
            '<meta charset="utf-8">\n'
            '<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
            '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
            f'<link rel="canonical" href="https://{site.host}{page.path}">\n'
            f"<title>{full_title(ctx, '{title} – {name}')}</title>\n"
            + (f'<meta name="description" content="{esc(site.tagline)}">\n' if site.tagline else "")
            + f'<meta property="og:site_name" content="{esc(site.name)}">\n'
            f'<link href="/{self.stylesheet_path(site)}" rel="stylesheet" type="text/css" '
            'media="all">\n'
            f"<style>.visually-gone{{display:none}} :root{{--color-button:{site.accent}}}</style>\n"
            "<script>window.Shopify = window.Shopify || {}; Shopify.shop = "
            f'"{site.id.removeprefix("f-")}.myshopify.com"; Shopify.theme = '
            f'{{"name":"Dawn","id":{1000 + site.seed % 9000},"role":"main"}};</script>\n'
            f"{script}{self.json_ld(ctx)}"
            f'</head>\n<body class="gradient template-{page.kind}">\n'
            f'<div id="shopify-section-announcement-bar" class="shopify-section">{bar}</div>\n'
            '<div id="shopify-section-header" class="shopify-section section-header">'
            '<sticky-header class="header-wrapper color-scheme-1 gradient '
            'header-wrapper--border-bottom"><header class="header header--middle-left '
            'page-width header--has-menu"><a href="/" class="header__heading-link link '
            f'link--text focus-inset"><span class="h2">{ctx.show(site.name)}</span></a>'
            f'<nav class="header__inline-menu"><ul class="list-menu list-menu--inline" '
            f'role="list">{menu}</ul></nav><div class="header__icons">'
            '<button type="button" class="header__icon header__icon--cart" aria-label="Cart">'
            "</button></div></header></sticky-header></div>\n"
            '<main id="MainContent" class="content-for-layout focus-none" role="main">'
            '<section class="shopify-section section"><div class="page-width '
            f'page-width--narrow">\n{body}</div></section></main>\n'
            '<div id="shopify-section-footer" class="shopify-section"><footer class="footer '
            'color-scheme-1 gradient"><div class="footer__content-top page-width">'
            '<div class="footer__blocks-wrapper grid grid--1-col grid--2-col">'
            '<div class="footer-block grid__item footer-block--menu"><h2 class="footer-block__'
            f'heading inline-richtext">{ctx.say("Quick links")}</h2><ul class="footer-block__'
            f'details-content list-unstyled">{links}</ul></div>{note}</div>'
            '<div class="footer-block--newsletter"><h2 class="footer-block__heading">'
            f'{ctx.say("Subscribe to our emails")}</h2><form method="post" action="/" '
            'class="newsletter-form"><div class="newsletter-form__field-wrapper"><div '
            'class="field"><input id="NewsletterForm--footer" type="email" name="contact[email]" '
            f'class="field__input" placeholder="{ctx.t("Email")}"><label class="field__label" '
            f'for="NewsletterForm--footer">{ctx.say("Email")}</label><button type="submit" '
            'class="newsletter-form__button field__button" aria-label="Subscribe"></button>'
            "</div></div></form></div></div>"
            '<div class="footer__content-bottom"><div class="footer__content-bottom-wrapper '
            'page-width"><div class="footer__copyright caption"><small class="copyright__'
            f'content">{ctx.say("© {name}", name=site.name)}</small> '
            '<small class="copyright__content">'
            f"{ctx.say('Powered by Shopify')}</small></div></div></div></footer></div>\n"
            '<div id="shopify-pc__banner" class="shopify-pc__banner" role="dialog" '
            'aria-label="Privacy"><div class="shopify-pc__banner__body"><p>'
            f"{ctx.say('This website uses cookies to ensure you get the most from it.')}</p>"
            '</div><div class="shopify-pc__banner__btns"><button type="button" '
            f'class="shopify-pc__banner__btn-accept">{ctx.say("Accept")}</button><button '
            f'type="button" class="shopify-pc__banner__btn-decline">{ctx.say("Decline")}'
            "</button></div></div>\n"
            f'<script src="/cdn/shop/t/{theme}/assets/global.js" defer="defer"></script>\n'
            "</body>\n</html>\n"
        )

    def assets(self, site: SiteView, has_app: bool) -> dict[str, str]:
        files = super().assets(site, has_app)
        files[f"cdn/shop/t/{site.seed % 40 + 2}/assets/global.js"] = (
            "class StickyHeader extends HTMLElement {}\n"
            'customElements.define("sticky-header", StickyHeader);\n'
        )
        return files

    def app_root(self, ctx: Ctx) -> str:
        return (
            '<div id="app" class="shopify-app-root"></div>\n'
            "<noscript>Please enable JavaScript in your browser to use this store.</noscript>\n"
        )

    def heading(self, ctx: Ctx, block: Heading) -> str:
        cls = {1: "main-page-title page-title h0", 2: "h2 rich-text__heading", 3: "h3"}
        return f'<h{block.level} class="{cls[block.level]}">{esc(block.text)}</h{block.level}>\n'

    def paragraph(self, ctx: Ctx, block: Paragraph) -> str:
        return f'<div class="rte"><p>{esc(block.text)}</p></div>\n'

    def bullets(self, ctx: Ctx, block: Bullets) -> str:
        items = "".join(f"<li>{esc(i)}</li>" for i in block.items)
        return f'<div class="rte"><ul>{items}</ul></div>\n'

    def products(self, ctx: Ctx, block: Products) -> str:
        cards = "".join(
            '<li class="grid__item"><div class="card-wrapper product-card-wrapper"><div '
            'class="card card--standard card--media"><div class="card__inner ratio"><div '
            'class="card__media"></div></div><div class="card__content"><div class="card__'
            f'information"><h3 class="card__heading h5"><a {link_attrs(c.href)} '
            f'class="full-unstyled-link">{esc(c.name)}</a></h3><div class="card-information">'
            '<div class="price"><div class="price__container"><div class="price__regular">'
            f'<span class="price-item price-item--regular">{esc(c.price)}</span></div></div>'
            "</div></div>"
            + (f'<p class="card__caption caption">{esc(c.blurb)}</p>' if c.blurb else "")
            + "</div></div></div></div></li>\n"
            for c in block.cards
        )
        return (
            '<ul class="grid product-grid grid--2-col-tablet-down grid--3-col-desktop" '
            f'role="list">\n{cards}</ul>\n'
        )

    def buy(self, ctx: Ctx, block: Buy) -> str:
        return (
            '<div class="product__info-container"><div class="price price--large"><div '
            'class="price__container"><div class="price__regular"><span class="price-item '
            f'price-item--regular">{esc(block.price)}</span></div></div></div>'
            f'<div class="product__tax caption rte">{ctx.t("Tax included.")}</div>'
            + (
                f'<p class="product__sku caption">{ctx.t("SKU: {sku}", sku=block.sku)}</p>'
                if block.sku
                else ""
            )
            + (f'<p class="product__text">{esc(block.note)}</p>' if block.note else "")
            + f'<product-form class="product-form"><form method="post" action="'
            f'{esc(ctx.page.path)}" class="form"><input type="hidden" name="id" '
            f'value="{esc(block.sku)}"><div class="product-form__buttons"><button type="submit" '
            'name="add" class="product-form__submit button button--full-width '
            f'button--secondary"><span>{ctx.t("Add to cart")}</span></button></div></form>'
            "</product-form>"
            "</div>\n"
        )

    def specs(self, ctx: Ctx, block: Specs) -> str:
        rows = "".join(
            f'<tr><th scope="row">{esc(k)}:</th><td>{esc(v)}</td></tr>' for k, v in block.rows
        )
        return f'<div class="product__description rte"><table><tbody>{rows}</tbody></table></div>\n'

    def faq(self, ctx: Ctx, block: Faq) -> str:
        items = "".join(
            '<div class="accordion"><details><summary><h3 class="accordion__title h4">'
            f'{esc(q)}</h3></summary><div class="accordion__content rte"><p>{esc(a)}</p></div>'
            "</details></div>\n"
            for q, a in block.pairs
        )
        return f'<div class="collapsible-content__wrapper">\n{items}</div>\n'

    def notice(self, ctx: Ctx, block: Notice) -> str:
        return (
            '<div class="rich-text__blocks notice-bar color-scheme-2"><p class="notice-bar__'
            f'text">{esc(block.text)}</p></div>\n'
        )

    def form(self, ctx: Ctx, block: Form) -> str:
        def field(name: str, kind: str, label: str) -> str:
            uid, label = ctx.uid(f"{block.kind}-{name}"), ctx.t(label)
            return (
                f'<div class="field"><input type="{kind}" name="customer[{name}]" id="{uid}" '
                f'class="field__input" placeholder="{label}"><label class="field__label" '
                f'for="{uid}">{label}</label></div>'
            )

        if block.kind == "login":
            fields = field("email", "email", "Email") + field("password", "password", "Password")
            button, cls = "Sign in", "customer login-form"
        elif block.kind == "contact":
            fields = field("name", "text", "Name") + field("email", "email", "Email")
            fields += (
                '<div class="field"><textarea name="contact[body]" class="text-area field__input" '
                f'placeholder="{ctx.t("Comment")}"></textarea></div>'
            )
            button, cls = "Send", "contact-form"
        else:
            fields = field("email", "email", "Email")
            button, cls = "Subscribe", "newsletter-form"
        return (
            f'<form method="post" action="{esc(ctx.page.path)}" class="{cls}">{fields}'
            f'<button type="submit" class="button">{ctx.t(button)}</button></form>\n'
        )

    def agegate(self, ctx: Ctx, block: AgeGate) -> str:
        return (
            '<div class="age-verification-popup" role="dialog" aria-modal="true" '
            'style="position:fixed;top:0;left:0;width:100%;height:100%;z-index:100">'
            '<div class="age-verification-popup__inner">'
            + "".join(
                f'<p class="age-verification-popup__text h3">{esc(line)}</p>'
                for line in sentences(block.text)
            )
            + '<div class="age-verification-popup__buttons">'
            f'<button type="button" class="button button--primary">{ctx.t("Yes")}</button>'
            f'<button type="button" class="button button--secondary">{ctx.t("No")}</button>'
            "</div></div>"
            "</div>\n"
        )

    def hidden(self, ctx: Ctx, block: Hidden) -> str:
        if block.how == "display_none":
            return f'<div class="visually-gone">{esc(block.text)}</div>\n'
        return f'<div class="rte" style="{self.hiding_style(block.how)}">{esc(block.text)}</div>\n'
