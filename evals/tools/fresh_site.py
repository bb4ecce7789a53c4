"""Render one spec through one layout family into the files of its fixture site.

Files mirror URL paths as the dataset format says: ``/`` -> ``index.html``, ``/a/b`` ->
``a/b.html``, ``/a/b/`` -> ``a/b/index.html``; plus ``robots.txt``, ``sitemap.xml`` and the
family's asset files. ``resolve`` finds the file that serves a URL path by the same rules as
``merchant_screen.evaluation.dataset.site_file``, over files held in memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Container
from dataclasses import dataclass
from types import MappingProxyType

from fresh_body import Buy, Heading, Paragraph
from fresh_family import Family, PageView, Product, SiteView, esc
from fresh_spec import LoadedSpec, Page, content_text
from fresh_theme_bem import Bem
from fresh_theme_semantic import Semantic
from fresh_theme_shopify import Shopify
from fresh_theme_table import Table
from fresh_theme_utility import Utility
from fresh_theme_woo import Woo

from merchant_screen.settings import DEFAULT_USER_AGENT
from merchant_screen.tools.robots import parse_robots
from merchant_screen.tools.text import guess_language

# Order matters: family assignment deals ids over this sequence.
FAMILIES: MappingProxyType[str, Family] = MappingProxyType(
    {f.name: f for f in (Semantic(), Bem(), Table(), Utility(), Shopify(), Woo())}
)


def seed_of(spec_id: str) -> int:
    """A fixed number from the id: the only "randomness" a build has."""
    return int(hashlib.sha256(spec_id.encode()).hexdigest()[:16], 16)


def file_for(path: str) -> str:
    """The file that holds the page at URL path ``path``."""
    rel = path.strip("/")
    if not rel:
        return "index.html"
    return f"{rel}/index.html" if path.endswith("/") else f"{rel}.html"


def resolve(files: Container[str], url_path: str) -> str | None:
    """The name in ``files`` that serves ``url_path`` (``site_file``'s rules), or None."""
    rel = url_path.strip("/")
    if not rel:
        candidates = ["index.html"]
    elif url_path.endswith("/"):
        candidates = [f"{rel}/index.html", f"{rel}.html"]
    else:
        candidates = [rel, f"{rel}.html", f"{rel}/index.html"]
    for name in candidates:
        if not any(part.startswith("_") for part in name.split("/")) and name in files:
            return name
    return None


@dataclass(frozen=True)
class RenderedSite:
    loaded: LoadedSpec
    family: str
    view: SiteView
    pages: tuple[PageView, ...]
    files: dict[str, bytes]

    @property
    def id(self) -> str:
        return self.loaded.spec.id

    def url(self, path: str) -> str:
        return f"https://{self.loaded.spec.host}{path}"


def page_heading(page: Page) -> str:
    """A page's name: its first ``#`` heading, else its title."""
    return next(
        (b.text for b in page.blocks if isinstance(b, Heading) and b.level == 1), page.title
    )


def site_view(loaded: LoadedSpec) -> SiteView:
    spec = loaded.spec
    return SiteView(
        id=spec.id,
        host=spec.host,
        name=spec.site.name,
        tagline=spec.site.tagline,
        banner=spec.site.banner,
        footer_note=spec.site.footer_note,
        nav=tuple(spec.nav),
        footer=tuple(spec.footer),
        seed=seed_of(spec.id),
        lang=guess_language(content_text(loaded)) or "en",
    )


def page_views(loaded: LoadedSpec) -> tuple[PageView, ...]:
    by_path = {page.path.rstrip("/") or "/": page for page in loaded.pages}
    views = []
    for page in loaded.pages:
        crumbs: list[tuple[str, str]] = []
        if page.path != "/":
            parts = page.path.strip("/").split("/")
            for depth in range(1, len(parts)):
                parent = by_path.get("/" + "/".join(parts[:depth]))
                if parent is not None:
                    crumbs.append((page_heading(parent), parent.path))
        product = None
        buy = next((b for b in page.blocks if isinstance(b, Buy)), None)
        if buy is not None:
            text = next((b.text for b in page.blocks if isinstance(b, Paragraph)), "")
            product = Product(page_heading(page), text, buy.price, buy.sku)
        views.append(
            PageView(
                path=page.path,
                title=page.title,
                kind=page.kind,
                blocks=page.blocks,
                crumbs=tuple(crumbs),
                heading=page_heading(page),
                product=product,
            )
        )
    return tuple(views)


def render_site(loaded: LoadedSpec, family_name: str) -> RenderedSite:
    """Every file of one site rendered through one family."""
    family = FAMILIES[family_name]
    view = site_view(loaded)
    pages = page_views(loaded)
    files: dict[str, bytes] = {}
    for name, text in family.assets(view, any(p.is_app for p in pages)).items():
        files[name] = text.encode()
    for page in pages:
        files[file_for(page.path)] = family.render(view, page).encode()
    paths = [page.path for page in pages]
    robots = loaded.spec.robots
    if robots is None:
        robots = open_robots(family.default_robots(view.host), view.host, paths)
    files["robots.txt"] = (robots.rstrip("\n") + "\n").encode()
    files["sitemap.xml"] = sitemap(view.host, paths).encode()
    return RenderedSite(loaded, family_name, view, pages, dict(sorted(files.items())))


def robots_allows(robots: str, host: str, path: str) -> bool:
    """Whether the crawler (its default user agent) may fetch ``path`` under ``robots``."""
    rules = parse_robots(robots, DEFAULT_USER_AGENT)
    return rules.allowed(f"https://{host}{path}", DEFAULT_USER_AGENT)


def open_robots(robots: str, host: str, paths: list[str]) -> str:
    """A family's default robots.txt without the Disallow lines that would block a spec page
    (so the family never changes what the crawler may read)."""
    kept = []
    for line in robots.splitlines():
        field, _, value = line.partition(":")
        if field.strip().lower() == "disallow" and value.strip():
            single = f"User-agent: *\nDisallow: {value.strip()}\n"
            if not all(robots_allows(single, host, path) for path in paths):
                continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def sitemap(host: str, paths: list[str]) -> str:
    urls = "".join(f"  <url><loc>https://{host}{esc(path)}</loc></url>\n" for path in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
    )
