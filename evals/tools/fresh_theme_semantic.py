"""The semantic HTML5 layout family: header / nav / main / article / footer, few classes."""

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


class Semantic(Family):
    """header / nav / main / article / footer, few classes, <dl> specs, <details> FAQ,
    an ordered-list breadcrumb, a <dialog> age check, hiding by a class rule."""

    name = "semantic"
    background = "#fcfcfa"

    def document(self, ctx: Ctx, body: str) -> str:
        site, page = ctx.site, ctx.page
        nav = "".join(f"<li><a {link_attrs(h)}>{ctx.show(t)}</a></li>" for t, h in ctx.nav)
        foot = "".join(f"<li><a {link_attrs(h)}>{ctx.show(t)}</a></li>" for t, h in ctx.footer)
        crumbs = ""
        if ctx.crumbs:
            items = "".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for t, h in ctx.crumbs)
            crumbs = (
                f'<nav class="crumbs" aria-label="Breadcrumb"><ol>{items}'
                f'<li aria-current="page">{esc(page.heading)}</li></ol></nav>\n'
            )
        banner = f'<p class="announcement">{ctx.show(site.banner)}</p>\n' if site.banner else ""
        note = f"<p>{ctx.show(site.footer_note)}</p>\n" if site.footer_note else ""
        signup = ""
        if page.is_home:
            signup = (
                f'<section class="signup" aria-labelledby="signup-title">\n'
                f'<h2 id="signup-title">{ctx.say("Join our mailing list")}</h2>\n'
                f"<p>{ctx.say('Occasional news about new arrivals. No spam.')}</p>\n"
                f'<form method="post" action="/"><label for="signup-email">'
                f"{ctx.say('Email address')}</label>"
                f'<input id="signup-email" type="email" name="email" autocomplete="email">'
                f'<button type="submit">{ctx.say("Sign up")}</button></form>\n</section>\n'
            )
        return (
            f'<!DOCTYPE html>\n<html lang="{site.lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{full_title(ctx, '{title} – {name}')}</title>\n"
            f'<meta name="description" content="{esc(site.tagline or site.name)}">\n'
            '<link rel="stylesheet" href="/assets/site.css">\n'
            f"<style>:root{{--accent:{site.accent}}} .is-gone{{display:none}}</style>\n"
            + (f'<script src="/{self.bundle_path(site)}" defer></script>\n' if page.is_app else "")
            + "</head>\n<body>\n"
            f'<header class="masthead">\n<p class="brand"><a href="/" rel="home">'
            f"{ctx.show(site.name)}</a></p>\n"
            + (f'<p class="tagline">{ctx.show(site.tagline)}</p>\n' if site.tagline else "")
            + f'<nav aria-label="Main"><ul>{nav}</ul></nav>\n</header>\n{banner}'
            f'<main id="content">\n{crumbs}<article>\n{body}</article>\n{signup}</main>\n'
            f'<footer class="colophon">\n<nav aria-label="Footer"><ul>{foot}</ul></nav>\n{note}'
            f"<p><small>{ctx.say('© {name}. All rights reserved.', name=site.name)}</small></p>\n"
            "</footer>\n"
            f'<aside class="consent" aria-label="Cookie notice"><p>'
            f"{ctx.say('We use cookies to keep your basket and remember your preferences.')}"
            f'</p><button type="button">{ctx.say("Accept")}</button> '
            f'<button type="button">{ctx.say("Manage")}</button></aside>\n'
            "</body>\n</html>\n"
        )

    def app_root(self, ctx: Ctx) -> str:
        return (
            '<div id="app"></div>\n'
            "<noscript>Please enable JavaScript to view this site.</noscript>\n"
        )

    def heading(self, ctx: Ctx, block: Heading) -> str:
        return f"<h{block.level}>{esc(block.text)}</h{block.level}>\n"

    def paragraph(self, ctx: Ctx, block: Paragraph) -> str:
        return f"<p>{esc(block.text)}</p>\n"

    def bullets(self, ctx: Ctx, block: Bullets) -> str:
        return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ul>\n"

    def products(self, ctx: Ctx, block: Products) -> str:
        cards = "".join(
            f'<li><article class="product"><h3><a {link_attrs(c.href)}>{esc(c.name)}</a></h3>'
            f'<p class="price">{esc(c.price)}</p>'
            + (f"<p>{esc(c.blurb)}</p>" if c.blurb else "")
            + "</article></li>\n"
            for c in block.cards
        )
        return f'<section class="products"><ul class="product-list">\n{cards}</ul></section>\n'

    def buy(self, ctx: Ctx, block: Buy) -> str:
        qty = ctx.uid("qty")
        return (
            f'<aside class="purchase"><p class="price">{esc(block.price)}</p>'
            + (f'<p class="sku">{ctx.t("SKU: {sku}", sku=block.sku)}</p>' if block.sku else "")
            + (f"<p>{esc(block.note)}</p>" if block.note else "")
            + f'<form method="post" action="{esc(ctx.page.path)}">'
            f'<label for="{qty}">{ctx.t("Quantity")}</label>'
            f'<input id="{qty}" type="number" name="quantity" value="1" min="1">'
            f'<button type="submit">{ctx.t("Add to basket")}</button></form></aside>\n'
        )

    def specs(self, ctx: Ctx, block: Specs) -> str:
        rows = "".join(f"<dt>{esc(k)}:</dt><dd>{esc(v)}</dd>" for k, v in block.rows)
        return f'<dl class="specs">{rows}</dl>\n'

    def faq(self, ctx: Ctx, block: Faq) -> str:
        items = "".join(
            f"<details><summary>{esc(q)}</summary><p>{esc(a)}</p></details>\n"
            for q, a in block.pairs
        )
        return f'<section class="faq">\n{items}</section>\n'

    def notice(self, ctx: Ctx, block: Notice) -> str:
        return f'<aside class="notice" role="note"><p>{esc(block.text)}</p></aside>\n'

    def form(self, ctx: Ctx, block: Form) -> str:
        action = esc(ctx.page.path)
        if block.kind == "login":
            e, p = ctx.uid("login-email"), ctx.uid("login-password")
            fields = (
                f'<label for="{e}">{ctx.t("Email")}</label>'
                f'<input id="{e}" type="email" name="email">'
                f'<label for="{p}">{ctx.t("Password")}</label>'
                f'<input id="{p}" type="password" name="password">'
                f'<button type="submit">{ctx.t("Sign in")}</button>'
            )
        elif block.kind == "contact":
            n, e, m = ctx.uid("contact-name"), ctx.uid("contact-email"), ctx.uid("contact-msg")
            fields = (
                f'<label for="{n}">{ctx.t("Name")}</label>'
                f'<input id="{n}" type="text" name="name">'
                f'<label for="{e}">{ctx.t("Email")}</label>'
                f'<input id="{e}" type="email" name="email">'
                f'<label for="{m}">{ctx.t("Message")}</label>'
                f'<textarea id="{m}" name="message"></textarea>'
                f'<button type="submit">{ctx.t("Send")}</button>'
            )
        else:
            e = ctx.uid("news-email")
            fields = (
                f'<label for="{e}">{ctx.t("Email address")}</label>'
                f'<input id="{e}" type="email" name="email">'
                f'<button type="submit">{ctx.t("Sign up")}</button>'
            )
        return f'<form class="{block.kind}" method="post" action="{action}">{fields}</form>\n'

    def agegate(self, ctx: Ctx, block: AgeGate) -> str:
        return (
            '<dialog open class="age-check" aria-modal="true"><form method="dialog">'
            + "".join(f"<p>{esc(line)}</p>" for line in sentences(block.text))
            + f'<button value="yes">{ctx.t("Yes")}</button> '
            f'<button value="no">{ctx.t("No")}</button></form></dialog>\n'
        )

    def hidden(self, ctx: Ctx, block: Hidden) -> str:
        if block.how == "display_none":
            return f'<div class="is-gone">{esc(block.text)}</div>\n'
        return f'<div style="{self.hiding_style(block.how)}">{esc(block.text)}</div>\n'
