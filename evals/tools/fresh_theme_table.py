"""The legacy table layout family: a fixed-width table page with font tags."""

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


class Table(Family):
    """A fixed-width table page with font tags, a pipe-separated nav bar, a mailing-list
    sidebar, "You are here" breadcrumbs, product tables and inline-style hiding."""

    name = "table"
    background = "#ffffff"
    robots = (
        "User-agent: *\nDisallow: /cgi-bin/\nDisallow: /images/\nDisallow: /tmp/\n\n"
        "Sitemap: https://$host/sitemap.xml\n"
    )

    def stylesheet_path(self, site: SiteView) -> str:
        return "style.css"

    def document(self, ctx: Ctx, body: str) -> str:
        site, page = ctx.site, ctx.page
        links = [] if any(h == "/" for _, h in site.nav) else [(ctx.word("Home"), "/")]
        nav = " | ".join(
            f'<a class="navlink" {link_attrs(h)}>{ctx.show(t)}</a>' for t, h in [*links, *ctx.nav]
        )
        foot = " | ".join(
            f'<a class="footlink" {link_attrs(h)}>{ctx.show(t)}</a>' for t, h in ctx.footer
        )
        crumbs = ""
        if ctx.crumbs:
            trail = " &gt; ".join(f'<a href="{esc(h)}">{esc(t)}</a>' for t, h in ctx.crumbs)
            crumbs = (
                f'<font class="crumbs" size="1">{ctx.t("You are here:")} {trail} &gt; '
                f"{esc(page.heading)}</font><br><br>\n"
            )
        announce = (
            f'<tr><td class="announce" colspan="2" bgcolor="#ffffcc" align="center">'
            f'<font size="2">{ctx.show(site.banner)}</font></td></tr>\n'
            if site.banner
            else ""
        )
        return (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html>\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            f"<title>{full_title(ctx, '{name} - {title}')}</title>\n"
            '<link rel="stylesheet" type="text/css" href="/style.css">\n'
            + (f'<script src="/{self.bundle_path(site)}"></script>\n' if page.is_app else "")
            + f'</head>\n<body bgcolor="{self.background}" topmargin="0" leftmargin="0">\n'
            '<table class="outer" width="780" align="center" cellpadding="0" cellspacing="0" '
            'border="0">\n'
            f'<tr><td class="banner" colspan="2" bgcolor="{site.accent}">'
            f'<font class="logo" size="5" color="#ffffff"><b>{ctx.show(site.name)}</b></font>'
            + (
                f'<br><font class="slogan" size="2" color="#ffffff"><i>{ctx.show(site.tagline)}'
                "</i></font>"
                if site.tagline
                else ""
            )
            + f"</td></tr>\n{announce}"
            f'<tr><td class="navbar" colspan="2" bgcolor="#eeeeee"><font size="2">{nav}'
            "</font></td></tr>\n"
            '<tr valign="top">\n<td class="sidebar" width="170" bgcolor="#f4f4f4">'
            f'<font class="sidehead" size="2"><b>{ctx.say("Mailing List")}</b></font><br>'
            '<form class="mlist" method="post" action="/"><font size="1">'
            f"{ctx.say('Enter your e-mail address for updates:')}</font><br>"
            '<input type="text" name="email" size="14"> '
            f'<input type="submit" value="{ctx.t("Join")}">'
            "</form></td>\n"
            f'<td class="main" width="610">\n{crumbs}{body}</td>\n</tr>\n'
            '<tr><td class="footer" colspan="2" align="center"><font size="1">'
            f"{foot}<br>\n"
            + (f"{ctx.show(site.footer_note)}<br>\n" if site.footer_note else "")
            + f"{ctx.say('Copyright © {name}. All rights reserved.', name=site.name)}<br>\n"
            f"{ctx.say('By using this site you agree to our use of cookies.')}"
            "</font></td></tr>\n</table>\n</body>\n</html>\n"
        )

    def app_root(self, ctx: Ctx) -> str:
        return (
            '<div id="root"></div>\n'
            "<noscript>JavaScript is required. Please enable JavaScript.</noscript>\n"
        )

    def heading(self, ctx: Ctx, block: Heading) -> str:
        face = "Arial, Helvetica" if block.level == 1 else "Verdana"
        return (
            f'<h{block.level} class="hdr{block.level}"><font face="{face}">{esc(block.text)}'
            f"</font></h{block.level}>\n"
        )

    def paragraph(self, ctx: Ctx, block: Paragraph) -> str:
        return f'<p class="bodytext"><font size="2">{esc(block.text)}</font></p>\n'

    def bullets(self, ctx: Ctx, block: Bullets) -> str:
        items = "".join(f'<li><font size="2">{esc(i)}</font></li>' for i in block.items)
        return f'<ul class="bullets">{items}</ul>\n'

    def products(self, ctx: Ctx, block: Products) -> str:
        rows = []
        for start in range(0, len(block.cards), 3):
            cells = "".join(
                f'<td class="prodcell" width="33%" valign="top"><a class="prodname" '
                f"{link_attrs(c.href)}><b>{esc(c.name)}</b></a><br>"
                f'<font class="price" color="#990000">{esc(c.price)}</font>'
                + (f'<br><font size="1">{esc(c.blurb)}</font>' if c.blurb else "")
                + "</td>"
                for c in block.cards[start : start + 3]
            )
            rows.append(f"<tr>{cells}</tr>\n")
        return (
            '<table class="prodtable" width="100%" cellpadding="4" cellspacing="0" border="0">\n'
            + "".join(rows)
            + "</table>\n"
        )

    def buy(self, ctx: Ctx, block: Buy) -> str:
        return (
            '<table class="buybox" cellpadding="6" cellspacing="0" border="1"><tr><td>'
            f'<b>{ctx.t("Price:")}</b> <font class="price" color="#990000">{esc(block.price)}'
            "</font><br>"
            + (f"{ctx.t('Item #: {sku}', sku=block.sku)}<br>" if block.sku else "")
            + (f"{esc(block.note)}<br>" if block.note else "")
            + f'<form method="post" action="{esc(ctx.page.path)}">{ctx.t("Qty:")} '
            '<input type="text" name="qty" value="1" size="2"> '
            f'<input type="submit" value="{ctx.t("Add to Cart")}"></form></td></tr></table>\n'
        )

    def specs(self, ctx: Ctx, block: Specs) -> str:
        rows = "".join(
            f'<tr><td class="speclabel" bgcolor="#eeeeee"><b>{esc(k)}:</b></td>'
            f'<td class="specvalue">{esc(v)}</td></tr>'
            for k, v in block.rows
        )
        return f'<table class="specs" border="1" cellpadding="3" cellspacing="0">{rows}</table>\n'

    def faq(self, ctx: Ctx, block: Faq) -> str:
        return "".join(
            f'<p class="faq"><font size="2"><b>{esc(q)}</b><br>{esc(a)}</font></p>\n'
            for q, a in block.pairs
        )

    def notice(self, ctx: Ctx, block: Notice) -> str:
        return (
            '<table class="notice" width="100%" bgcolor="#ffffcc" border="1" cellpadding="6">'
            f'<tr><td><font size="2"><b>{esc(block.text)}</b></font></td></tr></table>\n'
        )

    def form(self, ctx: Ctx, block: Form) -> str:
        def row(label: str, control: str) -> str:
            return f'<tr><td><font size="2">{ctx.t(label)}</font></td><td>{control}</td></tr>'

        if block.kind == "login":
            rows = row("E-mail:", '<input type="text" name="email" size="24">') + row(
                "Password:", '<input type="password" name="password" size="24">'
            )
            submit = "Login"
        elif block.kind == "contact":
            rows = (
                row("Name:", '<input type="text" name="name" size="30">')
                + row("E-mail:", '<input type="text" name="email" size="30">')
                + row("Comments:", '<textarea name="comments" rows="5" cols="30"></textarea>')
            )
            submit = "Submit"
        else:
            rows = row("E-mail:", '<input type="text" name="email" size="24">')
            submit = "Join"
        return (
            f'<form class="{block.kind}form" method="post" action="{esc(ctx.page.path)}">'
            f'<table cellpadding="3">{rows}<tr><td></td><td><input type="submit" '
            f'value="{ctx.t(submit)}"></td></tr></table></form>\n'
        )

    def agegate(self, ctx: Ctx, block: AgeGate) -> str:
        return (
            '<div id="agegate" style="position:fixed;top:0;left:0;width:100%;height:100%;'
            'background:#000000"><center><br><br><font size="4" color="#ffffff">'
            + "<br>".join(esc(line) for line in sentences(block.text))
            + "</font><br><br>"
            f'<button type="button">{ctx.t("Yes")}</button> '
            f'<button type="button">{ctx.t("No")}</button>'
            "</center></div>\n"
        )

    def hidden(self, ctx: Ctx, block: Hidden) -> str:
        return f'<div style="{self.hiding_style(block.how)}">{esc(block.text)}</div>\n'
