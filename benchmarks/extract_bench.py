"""Time ``extract_page`` against a naive BeautifulSoup ``get_text()`` on the same pages.

Run: ``python benchmarks/extract_bench.py [--pages N] [--repeat R]``. Prints median and
p95 milliseconds per page for both. ``bench_extract`` is reused by other benchmarks.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable

from bs4 import BeautifulSoup

from merchant_screen.tools.extract import extract_page

__all__ = ["bench_extract", "synthetic_shop_page"]

_ADJECTIVES = ("Organic", "Handmade", "Vintage", "Classic", "Premium", "Recycled", "Soft")
_NOUNS = ("Cotton T-Shirt", "Leather Wallet", "Ceramic Mug", "Wool Scarf", "Canvas Tote")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _time_ms(
    function: Callable[[str, str], object], pages: list[tuple[str, str]], repeat: int
) -> list[float]:
    samples: list[float] = []
    for _ in range(repeat):
        for url, html in pages:
            start = time.perf_counter()
            function(html, url)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def _naive(html: str, url: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text()


def bench_extract(html_pages: list[tuple[str, str]], *, repeat: int = 1) -> dict[str, float]:
    """Median / p95 milliseconds per page for ``extract_page`` and for bs4 ``get_text``.

    ``html_pages`` holds ``(url, html)`` pairs; every page is run ``repeat`` times each.
    """
    if not html_pages:
        raise ValueError("bench_extract needs at least one page")
    extract_page(html_pages[0][1], html_pages[0][0])  # warm imports and caches
    ours = _time_ms(extract_page, html_pages, repeat)
    naive = _time_ms(_naive, html_pages, repeat)
    sizes = [len(html.encode("utf-8")) for _, html in html_pages]
    return {
        "pages": float(len(html_pages)),
        "mean_kb": statistics.fmean(sizes) / 1024,
        "extract_median_ms": statistics.median(ours),
        "extract_p95_ms": _percentile(ours, 0.95),
        "bs4_median_ms": statistics.median(naive),
        "bs4_p95_ms": _percentile(naive, 0.95),
    }


def _product_card(rng: random.Random, index: int) -> str:
    name = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
    price = rng.randint(9, 199)
    return (
        f'<div class="grid__item product-card" data-product-id="{index}">'
        f'<a href="/products/item-{index}" class="product-card__link">'
        f'<div class="media"><img src="//cdn.example.test/files/{index}.jpg?v=1" '
        f'alt="{name}" loading="lazy" width="600" height="600"></div>'
        f'<h3 class="product-card__title">{name} <span class="variant">No. {index}</span></h3>'
        f"</a>"
        f'<div class="price"><span class="money">${price}.00</span> '
        f'<s class="compare">${price + 20}.00</s></div>'
        f'<p class="product-card__desc">A <b>{name.lower()}</b> made from responsibly sourced '
        f"materials. Free shipping on orders over $50 and 30-day returns.</p>"
        f'<form method="post" action="/cart/add"><input type="hidden" name="id" value="{index}">'
        f'<button type="submit" class="btn">Add to cart</button></form></div>\n'
    )


def synthetic_shop_page(seed: int, target_bytes: int = 100_000) -> str:
    """A realistic ~``target_bytes`` shop listing page: header, product grid, footer, scripts."""
    rng = random.Random(seed)
    nav = "".join(f'<li><a href="/collections/c{i}">Collection {i}</a></li>' for i in range(25))
    state = json.dumps({"products": [{"id": i, "title": f"P{i}"} for i in range(300)]})
    head = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Example Goods - Shop all</title>"
        '<meta name="description" content="Everyday goods, made well.">'
        '<link rel="canonical" href="https://example.test/collections/all">'
        "<style>.hidden{display:none}.grid{display:grid}.btn{padding:4px}</style>"
        f"<script>window.__STATE__ = {state};</script></head><body>"
        '<div class="announcement">Free shipping over $50</div>'
        f'<header class="site-header"><nav><ul>{nav}</ul></nav>'
        '<a href="/account/login">Log in</a> <a href="/cart">Cart (0)</a></header>'
        '<main><h1>Shop all</h1><div class="grid">'
    )
    footer = (
        '</div></main><footer class="site-footer"><ul>'
        '<li><a href="/policies/terms-of-service">Terms of service</a></li>'
        '<li><a href="/policies/refund-policy">Refund policy</a></li>'
        '<li><a href="/policies/privacy-policy">Privacy policy</a></li></ul>'
        "<p>&copy; 2025 Example Goods Ltd. Registered in England No. 01234567.</p>"
        '<form action="/contact" method="post"><input type="email" name="email" '
        'placeholder="Email"><button>Subscribe</button></form></footer>'
        '<script type="application/ld+json">{"@context":"https://schema.org",'
        '"@type":"Organization","name":"Example Goods"}</script></body></html>'
    )
    cards: list[str] = []
    size = len(head) + len(footer)
    index = 0
    while size < target_bytes:
        card = _product_card(rng, index)
        cards.append(card)
        size += len(card)
        index += 1
    return head + "".join(cards) + footer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    pages = [
        (f"https://example.test/collections/all?page={i}", synthetic_shop_page(i))
        for i in range(args.pages)
    ]
    result = bench_extract(pages, repeat=args.repeat)
    print(json.dumps({key: round(value, 2) for key, value in result.items()}, indent=2))


if __name__ == "__main__":
    main()
