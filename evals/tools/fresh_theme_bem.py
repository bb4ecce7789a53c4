"""The BEM div-soup layout family: nested divs with block__element--modifier classes."""

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
from fresh_family import Ctx, Family, esc, full_title, link_attrs, sentences


class Bem(Family):
    """Nested divs with block__element--modifier classes, a slash breadcrumb, an accordion
    FAQ, a quantity stepper, hiding by an ``is-hidden`` class rule."""

    name = "bem"
    background = "#ffffff"
    robots = (
        "User-agent: *\nDisallow: /cart\nDisallow: /checkout\nDisallow: /my-account\n"
        "Disallow: /search\n\nSitemap: https://$host/sitemap.xml\n"
    )

    def document(self, ctx: Ctx, body: str) -> str:
        site, page = ctx.site, ctx.page
        menu = "".join(
            f'<li class="main-menu__item"><a class="main-menu__link" {link_attrs(h)}>'
            f"{ctx.show(t)}</a></li>"
            for t, h in ctx.nav
        )
        links = "".join(
            f'<li class="site-footer__item"><a class="site-footer__link" {link_attrs(h)}>'
            f"{ctx.show(t)}</a></li>"
            for t, h in ctx.footer
        )
        crumbs = ""
        if ctx.crumbs:
            parts = "".join(
                f'<a class="breadcrumbs__link" href="{esc(h)}">{esc(t)}</a>'
                '<span class="breadcrumbs__sep">/</span>'
                for t, h in ctx.crumbs
            )
            crumbs = (
                f'<div class="breadcrumbs container">{parts}'
                f'<span class="breadcrumbs__current">{esc(page.heading)}</span></div>\n'
            )
        topbar = (
            f'<div class="topbar"><div class="topbar__text">{ctx.show(site.banner)}</div></div>\n'
            if site.banner
            else ""
        )
        newsletter = ""
        if page.is_home:
            newsletter = (
                '<div class="newsletter"><div class="newsletter__inner container">'
                f'<div class="newsletter__title">{ctx.say("Stay in the loop")}</div>'
                f'<div class="newsletter__text">'
                f"{ctx.say('New products and store news, once a month.')}</div>"
                '<form class="newsletter__form" method="post" action="/">'
                '<input class="newsletter__input" type="email" name="email" '
                f'placeholder="{ctx.t("Email")}">'
                f'<button class="btn btn--primary" type="submit">{ctx.say("Subscribe")}</button>'
                "</form></div></div>\n"
            )
        note = (
            f'<div class="site-footer__note">{ctx.show(site.footer_note)}</div>'
            if site.footer_note
            else ""
        )
        return (
            f'<!DOCTYPE html>\n<html lang="{site.lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{full_title(ctx, '{name} | {title}')}</title>\n"
            '<link rel="stylesheet" href="/assets/site.css">\n'
            f"<style>.site-header{{border-top:4px solid {site.accent}}}"
            f".is-hidden{{display:none}}.btn--primary{{background:{site.accent}}}</style>\n"
            + (f'<script src="/{self.bundle_path(site)}" defer></script>\n' if page.is_app else "")
            + f'</head>\n<body class="page page--{page.kind}">\n<div class="page__wrapper">\n'
            f"{topbar}"
            '<div class="site-header"><div class="site-header__inner container">'
            f'<a class="site-header__logo" href="/">{ctx.show(site.name)}</a>'
            + (
                f'<div class="site-header__tagline">{ctx.show(site.tagline)}</div>'
                if site.tagline
                else ""
            )
            + '<div class="main-menu" role="navigation">'
            f'<ul class="main-menu__list">{menu}</ul></div></div></div>\n'
            f'{crumbs}<div class="content container"><div class="content__body">\n{body}'
            f"</div></div>\n{newsletter}"
            '<div class="site-footer" role="contentinfo"><div class="site-footer__inner container">'
            f'<div class="site-footer__col"><div class="site-footer__title">'
            f"{ctx.say('Information')}</div>"
            f'<ul class="site-footer__links">{links}</ul></div>{note}'
            f'<div class="site-footer__legal">'
            f"{ctx.say('© {name} · All rights reserved', name=site.name)}</div></div></div>\n"
            '<div class="cookie-notice"><div class="cookie-notice__text">'
            f"{ctx.say('This site uses cookies for basic features and anonymous visit counts.')}"
            f'</div><button class="cookie-notice__btn btn" type="button">{ctx.say("OK")}</button>'
            "</div>\n</div>\n</body>\n</html>\n"
        )

    def app_root(self, ctx: Ctx) -> str:
        return (
            '<div id="root" class="app-root"></div>\n'
            "<noscript>You need to enable JavaScript to run this app.</noscript>\n"
        )

    def heading(self, ctx: Ctx, block: Heading) -> str:
        size = {1: "xl", 2: "lg", 3: "md"}[block.level]
        return (
            f'<div class="section-title section-title--{size}"><h{block.level} '
            f'class="section-title__text">{esc(block.text)}</h{block.level}></div>\n'
        )

    def paragraph(self, ctx: Ctx, block: Paragraph) -> str:
        return f'<div class="text-block"><p class="text-block__p">{esc(block.text)}</p></div>\n'

    def bullets(self, ctx: Ctx, block: Bullets) -> str:
        items = "".join(f'<li class="bullet-list__item">{esc(i)}</li>' for i in block.items)
        return f'<ul class="bullet-list">{items}</ul>\n'

    def products(self, ctx: Ctx, block: Products) -> str:
        tiles = "".join(
            f'<div class="product-tile"><a class="product-tile__link" {link_attrs(c.href)}>'
            '<div class="product-tile__image"></div>'
            f'<div class="product-tile__name">{esc(c.name)}</div></a>'
            f'<div class="product-tile__price">{esc(c.price)}</div>'
            + (f'<div class="product-tile__desc">{esc(c.blurb)}</div>' if c.blurb else "")
            + "</div>\n"
            for c in block.cards
        )
        return f'<div class="product-grid">\n{tiles}</div>\n'

    def buy(self, ctx: Ctx, block: Buy) -> str:
        return (
            f'<div class="buy-box"><div class="buy-box__price">{esc(block.price)}</div>'
            + (
                f'<div class="buy-box__sku">{ctx.t("SKU: {sku}", sku=block.sku)}</div>'
                if block.sku
                else ""
            )
            + (f'<div class="buy-box__note">{esc(block.note)}</div>' if block.note else "")
            + '<div class="buy-box__actions"><div class="qty">'
            '<button class="qty__btn" type="button">-</button>'
            '<input class="qty__input" type="text" name="qty" value="1">'
            '<button class="qty__btn" type="button">+</button></div>'
            f'<button class="btn btn--primary btn--wide" type="button">{ctx.t("Add to cart")}'
            "</button>"
            "</div></div>\n"
        )

    def specs(self, ctx: Ctx, block: Specs) -> str:
        rows = "".join(
            f'<div class="spec-list__row"><span class="spec-list__label">{esc(k)}:</span> '
            f'<span class="spec-list__value">{esc(v)}</span></div>'
            for k, v in block.rows
        )
        return f'<div class="spec-list">{rows}</div>\n'

    def faq(self, ctx: Ctx, block: Faq) -> str:
        items = "".join(
            f'<div class="accordion__item"><div class="accordion__question">{esc(q)}</div>'
            f'<div class="accordion__answer">{esc(a)}</div></div>\n'
            for q, a in block.pairs
        )
        return f'<div class="accordion">\n{items}</div>\n'

    def notice(self, ctx: Ctx, block: Notice) -> str:
        text = esc(block.text)
        return f'<div class="alert alert--info"><div class="alert__body">{text}</div></div>\n'

    def form(self, ctx: Ctx, block: Form) -> str:
        def row(label: str, control: str) -> str:
            return (
                f'<div class="form__row"><label class="form__label">{ctx.t(label)}</label>'
                f"{control}</div>"
            )

        if block.kind == "login":
            rows = row("Email", '<input class="form__input" type="email" name="email">') + row(
                "Password", '<input class="form__input" type="password" name="password">'
            )
            button = "Log in"
        elif block.kind == "contact":
            rows = (
                row("Your name", '<input class="form__input" type="text" name="name">')
                + row("Email", '<input class="form__input" type="email" name="email">')
                + row("Message", '<textarea class="form__input" name="message"></textarea>')
            )
            button = "Send message"
        else:
            rows = row("Email", '<input class="form__input" type="email" name="email">')
            button = "Subscribe"
        return (
            f'<form class="form form--{block.kind}" method="post" action="{esc(ctx.page.path)}">'
            f'{rows}<button class="btn btn--primary" type="submit">{ctx.t(button)}</button>'
            "</form>\n"
        )

    def agegate(self, ctx: Ctx, block: AgeGate) -> str:
        return (
            '<div class="age-modal" style="position:fixed;top:0;left:0;right:0;bottom:0">'
            '<div class="age-modal__box">'
            + "".join(f'<div class="age-modal__text">{esc(x)}</div>' for x in sentences(block.text))
            + '<div class="age-modal__actions"><button class="btn age-modal__yes" type="button">'
            f'{ctx.t("Yes")}</button><button class="btn age-modal__no" type="button">'
            f"{ctx.t('No')}</button></div>"
            "</div></div>\n"
        )

    def hidden(self, ctx: Ctx, block: Hidden) -> str:
        if block.how == "display_none":
            return f'<div class="is-hidden">{esc(block.text)}</div>\n'
        style = self.hiding_style(block.how)
        return f'<div class="text-block" style="{style}">{esc(block.text)}</div>\n'
