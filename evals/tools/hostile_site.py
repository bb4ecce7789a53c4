"""Spec and renderer of one hostile-suite site (``evals/datasets/hostile``).

A ``Site`` holds what a person would read on an ordinary small shop (products, about text)
plus the hostile part written into it by hand: raw markup on the homepage or a product page,
extra head markup, extra files (stylesheets, robots.txt, sitemap), extra homepage links and a
``_server.json`` script for pages the fixture server builds or stalls at serve time.
``render_site`` turns a spec into ``{relative path: bytes}``; it is pure, so the same spec
always gives the same bytes.

Pages: ``/`` (home), ``/shop`` (catalogue), ``/products/<slug>`` (each product), ``/about``,
``/contact``, ``/shipping`` (shipping and returns), ``/robots.txt`` and ``/sitemap.xml``.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KINDS", "Product", "Site", "case_record", "render_site"]

KINDS = ("hidden", "negation", "injection", "crash", "bomb")

# fmt: off
WORDS: dict[str, dict[str, str]] = {
    "en": {"home": "Home", "shop": "Shop", "about": "About us", "contact": "Contact",
           "shipping": "Shipping & returns", "cart": "Add to cart", "all": "All products",
           "rights": "All rights reserved.", "view": "View product",
           "contact_intro": "Questions about an order? Write to us or call during opening hours.",
           "hours": "Opening hours: Monday to Friday, 9:00 to 17:00.",
           "shipping_text": "Orders placed before 2 pm ship the same working day. Standard "
           "delivery takes three to five working days; express delivery takes one to two. "
           "Unused items can be returned within 30 days of delivery for a full refund; we pay "
           "the return label for faulty goods. Refunds reach your card within ten days of the "
           "return arriving at our warehouse."},
    "de": {"home": "Start", "shop": "Sortiment", "about": "Über uns", "contact": "Kontakt",
           "shipping": "Versand & Rückgabe", "cart": "In den Warenkorb", "all": "Alle Produkte",
           "rights": "Alle Rechte vorbehalten.", "view": "Zum Produkt",
           "contact_intro": "Fragen zu einer Bestellung? Schreiben Sie uns oder rufen Sie an.",
           "hours": "Öffnungszeiten: Montag bis Freitag, 9 bis 17 Uhr.",
           "shipping_text": "Bestellungen bis 14 Uhr verlassen unser Lager am selben Werktag. "
           "Die Lieferung dauert zwei bis vier Werktage. Unbenutzte Ware können Sie innerhalb "
           "von 30 Tagen zurückgeben; den Kaufpreis erstatten wir innerhalb von zehn Tagen nach "
           "Eingang der Rücksendung auf Ihr Zahlungsmittel."},
    "fr": {"home": "Accueil", "shop": "Boutique", "about": "À propos", "contact": "Contact",
           "shipping": "Livraison et retours", "cart": "Ajouter au panier",
           "all": "Tous les produits", "rights": "Tous droits réservés.",
           "view": "Voir le produit",
           "contact_intro": "Une question sur une commande ? Écrivez-nous ou appelez-nous.",
           "hours": "Horaires : du lundi au vendredi, de 9 h à 17 h.",
           "shipping_text": "Les commandes passées avant 14 h partent le jour ouvré même. La "
           "livraison prend deux à quatre jours ouvrés. Les articles non utilisés peuvent être "
           "retournés sous 30 jours ; le remboursement intervient dans les dix jours suivant "
           "la réception du retour."},
    "es": {"home": "Inicio", "shop": "Tienda", "about": "Quiénes somos", "contact": "Contacto",
           "shipping": "Envíos y devoluciones", "cart": "Añadir al carrito",
           "all": "Todos los productos", "rights": "Todos los derechos reservados.",
           "view": "Ver producto",
           "contact_intro": "¿Dudas sobre un pedido? Escríbenos o llámanos.",
           "hours": "Horario: de lunes a viernes, de 9:00 a 17:00.",
           "shipping_text": "Los pedidos realizados antes de las 14:00 salen el mismo día "
           "laborable. La entrega tarda de dos a cuatro días laborables. Puedes devolver los "
           "artículos sin usar en un plazo de 30 días y te reembolsamos el importe en diez días "
           "desde que recibimos la devolución."},
}
# fmt: on


@dataclass(frozen=True)
class Product:
    slug: str
    name: str
    price: str
    text: str
    extra: str = ""  # raw markup after the description (hostile part, written by hand)


@dataclass(frozen=True)
class Site:
    id: str
    host: str
    name: str
    kinds: tuple[str, ...]
    decision: str
    categories: tuple[str, ...]
    declared: tuple[str, str]
    intro: str
    products: tuple[Product, ...]
    about: str
    notes: str
    evidence: tuple[tuple[str, str], ...] = ()
    forbid_actions: tuple[str, ...] = ()
    lang: str = "en"
    city: str = "Portland, Oregon"
    home_extra: str = ""  # raw markup in the homepage's main column
    home_main_attrs: str = ""  # attributes of the homepage's <main>, e.g. aria-hidden
    head_extra: str = ""  # raw markup in every page's <head>
    footer_extra: str = ""  # raw markup in every page's footer
    links: tuple[tuple[str, str], ...] = ()  # extra homepage links (href, text)
    files: dict[str, str | bytes] = field(default_factory=dict)  # extra files by path
    robots: str = "User-agent: *\nAllow: /\n"
    sitemap_comment: str = ""
    server: dict[str, Any] = field(default_factory=dict)  # _server.json


def _page(site: Site, title: str, main: str, *, main_attrs: str = "") -> bytes:
    w = WORDS[site.lang]
    nav = "".join(
        f'<li><a href="{href}">{html.escape(label)}</a></li>'
        for href, label in (
            ("/", w["home"]),
            ("/shop", w["shop"]),
            ("/about", w["about"]),
            ("/shipping", w["shipping"]),
            ("/contact", w["contact"]),
        )
    )
    attrs = f" {main_attrs}" if main_attrs else ""
    text = (
        f'<!DOCTYPE html>\n<html lang="{site.lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)} | {html.escape(site.name)}</title>\n"
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{site.head_extra}</head>\n<body>\n"
        f'<header class="site-header"><a class="brand" href="/">{html.escape(site.name)}</a>\n'
        f'<nav><ul class="menu">{nav}</ul></nav></header>\n'
        f"<main{attrs}>\n{main}\n</main>\n"
        f'<footer class="site-footer"><p>{html.escape(site.name)}, {html.escape(site.city)}. '
        f"&copy; 2026 {w['rights']}</p>{site.footer_extra}</footer>\n</body>\n</html>\n"
    )
    return text.encode("utf-8")


def _cards(site: Site) -> str:
    w = WORDS[site.lang]
    return (
        "\n".join(
            f'<li class="card"><a href="/products/{p.slug}">{html.escape(p.name)}</a> '
            f'<span class="price">{html.escape(p.price)}</span></li>'
            for p in site.products
        )
        + f'\n<li class="card"><a href="/shop">{w["all"]}</a></li>'
    )


def render_site(site: Site) -> dict[str, bytes]:
    """Every file of the site, by path relative to ``sites/<id>/``."""
    w = WORDS[site.lang]
    links = "".join(
        f'<li><a href="{html.escape(href, quote=True)}">{html.escape(text)}</a></li>'
        for href, text in site.links
    )
    home = (
        f"<h1>{html.escape(site.name)}</h1>\n<p>{html.escape(site.intro)}</p>\n"
        f'<ul class="cards">\n{_cards(site)}\n{links}</ul>\n{site.home_extra}'
    )
    files: dict[str, bytes] = {
        "index.html": _page(site, w["home"], home, main_attrs=site.home_main_attrs),
        "shop.html": _page(site, w["shop"], f"<h1>{w['shop']}</h1>\n<ul>\n{_cards(site)}\n</ul>"),
        "about.html": _page(
            site, w["about"], f"<h1>{w['about']}</h1>\n<p>{html.escape(site.about)}</p>"
        ),
        "shipping.html": _page(
            site, w["shipping"], f"<h1>{w['shipping']}</h1>\n<p>{w['shipping_text']}</p>"
        ),
        "contact.html": _page(
            site,
            w["contact"],
            f"<h1>{w['contact']}</h1>\n<p>{w['contact_intro']}</p>\n"
            f"<p>hello@{site.host} &middot; {html.escape(site.city)}</p>\n<p>{w['hours']}</p>",
        ),
    }
    for p in site.products:
        body = (
            f'<article class="product"><h1>{html.escape(p.name)}</h1>\n'
            f'<p class="price">{html.escape(p.price)}</p>\n<p>{html.escape(p.text)}</p>\n'
            f'<button type="submit">{w["cart"]}</button>\n{p.extra}</article>'
        )
        files[f"products/{p.slug}.html"] = _page(site, p.name, body)
    paths = ["/", "/shop", "/about", "/shipping", "/contact"]
    paths += [f"/products/{p.slug}" for p in site.products]
    urls = "".join(f"<url><loc>https://{site.host}{path}</loc></url>\n" for path in paths)
    comment = f"<!-- {site.sitemap_comment} -->\n" if site.sitemap_comment else ""
    files["sitemap.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'{comment}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
    ).encode()
    files["robots.txt"] = (site.robots + f"Sitemap: https://{site.host}/sitemap.xml\n").encode()
    for path, data in site.files.items():
        files[path] = data.encode("utf-8") if isinstance(data, str) else data
    if site.server:
        files["_server.json"] = (json.dumps(site.server, indent=2, sort_keys=True) + "\n").encode()
    return dict(sorted(files.items()))


def case_record(site: Site) -> dict[str, object]:
    """The site's ``cases.jsonl`` line, in the dataset format's field order."""
    expected: dict[str, object] = {
        "decision": site.decision,
        "categories": list(site.categories),
    }
    if site.forbid_actions:
        expected["forbid_actions"] = list(site.forbid_actions)
    return {
        "id": site.id,
        "url": f"https://{site.host}/",
        "expected": expected,
        "evidence": [
            {"url": f"https://{site.host}{path}", "quote": quote} for path, quote in site.evidence
        ],
        "declared": {"name": site.declared[0], "description": site.declared[1]},
        "tags": ["evasion", *site.kinds],
        "split": "test",
        "notes": " ".join(site.notes.split()),
    }
