"""The utility-class layout family: Tailwind-like classes on every element."""

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


class Utility(Family):
    """Tailwind-like utility classes on every element, a flex header, a grid of cards,
    a bottom cookie bar, breadcrumbs on product pages only, inline-style hiding."""

    name = "utility"
    background = "#ffffff"
    robots = "User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: https://$host/sitemap.xml\n"

    def stylesheet_path(self, site: SiteView) -> str:
        return f"build/static/css/{site.asset_tag()}.css"

    def document(self, ctx: Ctx, body: str) -> str:
        site, page = ctx.site, ctx.page
        nav = "".join(
            f'<a {link_attrs(h)} class="text-sm font-medium text-gray-700 hover:text-gray-900">'
            f"{ctx.show(t)}</a>"
            for t, h in ctx.nav
        )
        foot = "".join(
            f'<li><a {link_attrs(h)} class="text-sm text-gray-400 hover:text-white">'
            f"{ctx.show(t)}</a></li>"
            for t, h in ctx.footer
        )
        crumbs = ""
        if ctx.crumbs and page.product is not None:
            items = "".join(
                f'<li><a href="{esc(h)}" class="text-gray-500 hover:text-gray-700">{esc(t)}</a>'
                '</li><li><span class="text-gray-400">/</span></li>'
                for t, h in ctx.crumbs
            )
            crumbs = (
                '<nav aria-label="Breadcrumb" class="mb-6"><ol role="list" '
                f'class="flex items-center space-x-2 text-sm">{items}'
                f'<li class="font-medium text-gray-900">{esc(page.heading)}</li></ol></nav>\n'
            )
        banner = (
            '<div class="bg-gray-900 px-4 py-2 text-center text-sm text-white">'
            f"<p>{ctx.show(site.banner)}</p></div>\n"
            if site.banner
            else ""
        )
        updates = ""
        if page.is_home:
            updates = (
                '<section class="bg-gray-50 py-12"><div class="mx-auto max-w-xl px-4 text-center">'
                f'<h2 class="text-2xl font-bold text-gray-900">{ctx.say("Get updates")}</h2>'
                '<p class="mt-2 text-gray-600">'
                f"{ctx.say('Be the first to hear about restocks and new releases.')}</p>"
                '<form class="mt-6 flex gap-x-4" method="post" action="/">'
                '<input type="email" name="email" class="min-w-0 flex-auto rounded-md border-0 '
                f'px-3.5 py-2" placeholder="{ctx.t("Email")}">'
                '<button type="submit" class="rounded-md bg-gray-900 px-3.5 py-2.5 text-sm '
                f'font-semibold text-white">{ctx.say("Notify me")}</button></form></div>'
                "</section>\n"
            )
        return (
            f'<!DOCTYPE html>\n<html lang="{site.lang}" class="h-full">\n<head>\n'
            '<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{full_title(ctx, '{title} · {name}')}</title>\n"
            f'<link rel="stylesheet" href="/{self.stylesheet_path(site)}">\n'
            + (f'<script src="/{self.bundle_path(site)}" defer></script>\n' if page.is_app else "")
            + '</head>\n<body class="h-full bg-white antialiased">\n'
            f'<div class="flex min-h-screen flex-col">\n{banner}'
            '<header class="relative bg-white shadow-sm"><div class="mx-auto max-w-7xl px-4 '
            'sm:px-6 lg:px-8"><div class="flex h-16 items-center justify-between">'
            f'<a href="/" class="text-xl font-bold tracking-tight text-gray-900">'
            f"{ctx.show(site.name)}</a>"
            f'<nav class="flex space-x-8">{nav}</nav></div>'
            + (
                f'<p class="pb-3 text-sm text-gray-500">{ctx.show(site.tagline)}</p>'
                if site.tagline
                else ""
            )
            + '</div></header>\n<main class="flex-1"><div class="mx-auto max-w-7xl px-4 py-10 '
            f'sm:px-6 lg:px-8">\n{crumbs}<div class="space-y-6">\n{body}</div></div>\n'
            f"{updates}</main>\n"
            '<footer class="bg-gray-900"><div class="mx-auto max-w-7xl px-4 py-8 sm:px-6 lg:px-8">'
            f'<ul class="flex flex-wrap gap-6">{foot}</ul>'
            + (
                f'<p class="mt-6 text-sm text-gray-400">{ctx.show(site.footer_note)}</p>'
                if site.footer_note
                else ""
            )
            + '<p class="mt-2 text-xs text-gray-500">'
            f"{ctx.say('© {name}. All rights reserved.', name=site.name)}</p></div></footer>\n"
            '<div class="fixed inset-x-0 bottom-0 z-50 bg-white p-4 shadow-lg">'
            '<div class="mx-auto flex max-w-3xl items-center justify-between gap-4">'
            '<p class="text-sm text-gray-700">'
            f"{ctx.say('We value your privacy. Cookies help us run this store.')}</p>"
            '<div class="flex gap-2"><button type="button" class="rounded bg-gray-900 px-3 '
            f'py-1.5 text-sm text-white">{ctx.say("Accept all")}</button>'
            '<button type="button" class="rounded border px-3 py-1.5 text-sm">'
            f"{ctx.say('Reject')}</button></div></div></div>\n"
            "</div>\n</body>\n</html>\n"
        )

    def app_root(self, ctx: Ctx) -> str:
        return (
            '<div id="__next" class="min-h-full"></div>\n'
            "<noscript>You need to enable JavaScript to run this app.</noscript>\n"
        )

    def bundle_path(self, site: SiteView) -> str:
        return f"build/static/chunks/main-{site.asset_tag()}.js"

    def heading(self, ctx: Ctx, block: Heading) -> str:
        cls = {
            1: "text-3xl font-bold tracking-tight text-gray-900",
            2: "text-xl font-semibold text-gray-900",
            3: "text-lg font-medium text-gray-900",
        }[block.level]
        return f'<h{block.level} class="{cls}">{esc(block.text)}</h{block.level}>\n'

    def paragraph(self, ctx: Ctx, block: Paragraph) -> str:
        return f'<p class="text-base leading-7 text-gray-600">{esc(block.text)}</p>\n'

    def bullets(self, ctx: Ctx, block: Bullets) -> str:
        items = "".join(f"<li>{esc(i)}</li>" for i in block.items)
        return f'<ul role="list" class="list-disc space-y-1 pl-5 text-gray-600">{items}</ul>\n'

    def products(self, ctx: Ctx, block: Products) -> str:
        cards = "".join(
            '<div class="group relative"><div class="aspect-square w-full rounded-md '
            'bg-gray-200"></div><div class="mt-4 flex justify-between">'
            f'<h3 class="text-sm text-gray-700"><a {link_attrs(c.href)}>{esc(c.name)}</a></h3>'
            f'<p class="text-sm font-medium text-gray-900">{esc(c.price)}</p></div>'
            + (f'<p class="mt-1 text-sm text-gray-500">{esc(c.blurb)}</p>' if c.blurb else "")
            + "</div>\n"
            for c in block.cards
        )
        return (
            '<div class="grid grid-cols-1 gap-x-6 gap-y-10 sm:grid-cols-2 lg:grid-cols-3">\n'
            f"{cards}</div>\n"
        )

    def buy(self, ctx: Ctx, block: Buy) -> str:
        return (
            '<div class="mt-6 rounded-lg border border-gray-200 p-6">'
            f'<p class="text-3xl tracking-tight text-gray-900">{esc(block.price)}</p>'
            + (
                f'<p class="mt-1 text-xs text-gray-500">{ctx.t("Ref. {sku}", sku=block.sku)}</p>'
                if block.sku
                else ""
            )
            + (f'<p class="mt-4 text-sm text-gray-600">{esc(block.note)}</p>' if block.note else "")
            + '<button type="button" class="mt-6 flex w-full items-center justify-center '
            f'rounded-md bg-gray-900 px-8 py-3 text-base font-medium text-white">'
            f"{ctx.t('Add to bag')}</button></div>\n"
        )

    def specs(self, ctx: Ctx, block: Specs) -> str:
        rows = "".join(
            '<div class="grid grid-cols-3 gap-4 py-3">'
            f'<dt class="text-sm font-medium text-gray-900">{esc(k)}:</dt>'
            f'<dd class="col-span-2 text-sm text-gray-700">{esc(v)}</dd></div>'
            for k, v in block.rows
        )
        return f'<dl class="divide-y divide-gray-100">{rows}</dl>\n'

    def faq(self, ctx: Ctx, block: Faq) -> str:
        items = "".join(
            f'<div class="pt-6"><dt class="text-base font-semibold text-gray-900">{esc(q)}</dt>'
            f'<dd class="mt-2 text-base text-gray-600">{esc(a)}</dd></div>'
            for q, a in block.pairs
        )
        return f'<dl class="space-y-6 divide-y divide-gray-200">{items}</dl>\n'

    def notice(self, ctx: Ctx, block: Notice) -> str:
        return (
            '<div class="rounded-md bg-yellow-50 p-4"><p class="text-sm font-medium '
            f'text-yellow-800">{esc(block.text)}</p></div>\n'
        )

    def form(self, ctx: Ctx, block: Form) -> str:
        def field(label: str, control: str) -> str:
            return (
                '<div><label class="block text-sm font-medium text-gray-900">'
                f"{ctx.t(label)}</label>"
                f'<div class="mt-2">{control}</div></div>'
            )

        box = "block w-full rounded-md border-0 px-3 py-1.5 text-gray-900 ring-1 ring-gray-300"
        if block.kind == "login":
            fields = field("Email address", f'<input type="email" name="email" class="{box}">')
            fields += field("Password", f'<input type="password" name="password" class="{box}">')
            button = "Sign in"
        elif block.kind == "contact":
            fields = field("Full name", f'<input type="text" name="name" class="{box}">')
            fields += field("Email", f'<input type="email" name="email" class="{box}">')
            fields += field("Message", f'<textarea name="message" class="{box}"></textarea>')
            button = "Send"
        else:
            fields = field("Email", f'<input type="email" name="email" class="{box}">')
            button = "Notify me"
        return (
            f'<form class="space-y-6" method="post" action="{esc(ctx.page.path)}">{fields}'
            '<button type="submit" class="flex w-full justify-center rounded-md bg-gray-900 '
            f'px-3 py-1.5 text-sm font-semibold text-white">{ctx.t(button)}</button></form>\n'
        )

    def agegate(self, ctx: Ctx, block: AgeGate) -> str:
        return (
            '<div class="fixed inset-0 z-50 flex items-center justify-center bg-black/75">'
            '<div class="rounded-lg bg-white p-8 text-center shadow-xl">'
            + "".join(
                f'<p class="text-lg font-semibold text-gray-900">{esc(line)}</p>'
                for line in sentences(block.text)
            )
            + '<div class="mt-6 flex justify-center gap-4">'
            '<button type="button" class="rounded-md bg-gray-900 px-4 py-2 text-white">'
            f'{ctx.t("Yes")}</button><button type="button" class="rounded-md border px-4 py-2">'
            f"{ctx.t('No')}</button>"
            "</div></div></div>\n"
        )

    def hidden(self, ctx: Ctx, block: Hidden) -> str:
        return f'<p class="text-sm" style="{self.hiding_style(block.how)}">{esc(block.text)}</p>\n'
