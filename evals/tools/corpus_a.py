"""Render the corpus-A fixture sites and their labels from the specs in ``corpus_a/``.

Run from the repository root: ``python evals/tools/corpus_a.py``. Writes
``evals/datasets/core/sites/<id>/`` for every spec and the ``a-`` lines of
``evals/datasets/core/cases.jsonl`` (other lines are kept).
Every labelled quote is checked against the visible text of its rendered page and every
internal link against the rendered files; a failed check aborts the build.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from bs4 import BeautifulSoup, Comment
from corpus_a_layouts import SiteInfo, jsonld_product
from corpus_a_markup import Block, parse_body
from corpus_a_themes_modern import LAYOUTS

ROOT = Path(__file__).resolve().parents[2]
SPECS = Path(__file__).resolve().parent / "corpus_a"
DATASET = ROOT / "evals" / "datasets" / "core"
_DEFAULT_ROBOTS = {
    "shopify": (
        "User-agent: *\nDisallow: /cart\nDisallow: /checkout\nDisallow: /account\n"
        "Disallow: /search\n\nSitemap: https://$host/sitemap.xml\n"
    ),
    "woo": (
        "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
        "Disallow: /cart/\nDisallow: /checkout/\n\nSitemap: https://$host/sitemap.xml\n"
    ),
}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


@dataclass
class Rendered:
    """All files of one site, keyed by relative path."""

    files: dict[str, str] = field(default_factory=dict)


def file_for(path: str) -> str:
    """Relative file name that serves a URL path."""
    clean = urlsplit(path).path
    if clean in ("", "/"):
        return "index.html"
    if clean.endswith("/"):
        return clean.strip("/") + "/index.html"
    tail = clean.rsplit("/", 1)[-1]
    return clean.lstrip("/") if "." in tail else clean.lstrip("/") + ".html"


def visible_text(html_text: str) -> str:
    """Lowercased, whitespace-collapsed text a browser would show."""
    soup = BeautifulSoup(html_text, "lxml")
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        style = str(tag.get("style") or "")
        if (
            _HIDDEN_STYLE.search(style)
            or tag.has_attr("hidden")
            or str(tag.get("aria-hidden", "")).lower() == "true"
        ):
            tag.decompose()
    return re.sub(r"\s+", " ", soup.get_text(" ")).strip().lower()


def _site_info(spec: dict[str, Any]) -> SiteInfo:
    inject = spec.get("inject") or {}
    chrome = ""
    head = ""
    if inject.get("kind") == "hidden_div":
        chrome = f'\n<div style="display:none">{inject["text"]}</div>'
    elif inject.get("kind") == "comment":
        chrome = f"\n<!-- {inject['text']} -->"
    elif inject.get("kind") == "class_hidden":
        cls = inject["css_class"]
        head = f"\n<style>.{cls}{{display:none!important}}</style>"
        chrome = f'\n<div class="{cls}">{inject["text"]}</div>'
    note = inject["text"] if inject.get("kind") == "footer_note" else ""
    return SiteInfo(
        sid=spec["id"],
        host=spec["host"],
        name=spec["name"],
        tagline=spec.get("tagline", ""),
        address=spec.get("address", ""),
        nav=tuple((a, b) for a, b in spec.get("nav", [])),
        footer=tuple((a, b) for a, b in spec.get("footer", [])),
        color=spec.get("color", "#1f3a5f"),
        announcement=spec.get("announcement", ""),
        footer_blurb=spec.get("footer_blurb", ""),
        footer_note=note,
        chrome_html=chrome,
        head_html=head,
    )


def _jsonld(blocks: list[Block], site: SiteInfo, path: str, sku: str) -> str:
    title = next(b.text for b in blocks if b.kind == "h1")
    price = next(b.text for b in blocks if b.kind == "buy")
    desc = next((b.text for b in blocks if b.kind == "p"), title)
    desc = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", desc).replace("**", "")
    return jsonld_product(title, desc, price, sku, f"https://{site.host}{path}")


def render_site(spec: dict[str, Any]) -> Rendered:
    """Render every page and static file of one site spec."""
    out = Rendered()
    site = _site_info(spec)
    layout = LAYOUTS[spec["layout"]] if "layout" in spec else None
    for page in spec["pages"]:
        if "raw" in page:
            out.files[file_for(page["path"])] = page["raw"]
            continue
        assert layout is not None, spec["id"]
        blocks = parse_body(page["body"])
        head = site.head_html
        if spec["layout"] == "bootstrap" and any(b.kind == "buy" for b in blocks):
            head += "\n" + _jsonld(blocks, site, page["path"], page.get("sku", "SKU-1"))
        html_text = layout.shell(site, page["title"], layout.body(blocks, site), head)
        out.files[file_for(page["path"])] = html_text
    if layout is not None:
        out.files.update(layout.assets(site))
    robots = spec.get("robots", _DEFAULT_ROBOTS.get(spec.get("layout", ""), ""))
    if robots:
        out.files["robots.txt"] = robots.replace("$host", site.host)
    if spec.get("sitemap", "robots" in spec or spec.get("layout") in _DEFAULT_ROBOTS):
        urls = "".join(
            f"<url><loc>https://{site.host}{p['path']}</loc></url>\n" for p in spec["pages"]
        )
        out.files["sitemap.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
        )
    if "server" in spec:
        out.files["_server.json"] = json.dumps(spec["server"], indent=2) + "\n"
    return out


def check_site(spec: dict[str, Any], rendered: Rendered) -> list[str]:
    """Problems with links and labelled quotes of one rendered site."""
    problems = []
    host = spec["host"]
    paths = [p["path"] for p in spec["pages"]]
    if len(set(paths)) != len(paths):
        problems.append(f"{spec['id']}: duplicate page paths")
    if not ("raw" in spec["pages"][0] or 3 <= len(paths) <= 10):
        problems.append(f"{spec['id']}: {len(paths)} pages")
    for name, text in rendered.files.items():
        if not name.endswith(".html"):
            continue
        soup = BeautifulSoup(text, "lxml")
        for tag in soup.find_all(["a", "link"], href=True):
            parts = urlsplit(str(tag["href"]))
            if parts.scheme in ("mailto", "tel") or (parts.netloc and parts.netloc != host):
                continue
            if parts.path and file_for(parts.path) not in rendered.files:
                problems.append(f"{spec['id']}: {name} links to missing {parts.path}")
    for ev in spec.get("evidence", []):
        page = rendered.files.get(file_for(ev["path"]))
        words = len(ev["quote"].split())
        if not 8 <= words <= 40:
            problems.append(f"{spec['id']}: quote has {words} words: {ev['quote'][:40]}")
        quote = re.sub(r"\s+", " ", ev["quote"]).strip().lower()
        if page is None or quote not in visible_text(page):
            problems.append(f"{spec['id']}: quote not visible on {ev['path']}: {ev['quote']}")
    return problems


def case_line(spec: dict[str, Any], split: str) -> dict[str, Any]:
    """The cases.jsonl record of one site."""
    host = spec["host"]
    return {
        "id": spec["id"],
        "url": f"https://{host}/",
        "expected": spec["expected"],
        "evidence": [
            {"url": f"https://{host}{ev['path']}", "quote": ev["quote"]}
            for ev in spec.get("evidence", [])
        ],
        "declared": spec["declared"],
        "tags": spec.get("tags", []),
        "split": split,
        "notes": spec["notes"].strip(),
    }


def assign_splits(specs: list[dict[str, Any]]) -> dict[str, str]:
    """Alternate dev/test within each decision, ordered by first category, so that every
    decision and every category is split about evenly."""

    def key(spec: dict[str, Any]) -> tuple[str, str, str]:
        expected = spec["expected"]
        return (expected["decision"], (expected["categories"] or [""])[0], spec["id"])

    splits: dict[str, str] = {}
    counts: dict[str, int] = {}
    for spec in sorted(specs, key=key):
        decision = spec["expected"]["decision"]
        splits[spec["id"]] = "dev" if counts.get(decision, 0) % 2 == 0 else "test"
        counts[decision] = counts.get(decision, 0) + 1
    return splits


def main() -> int:
    """Build all sites; print problems and return non-zero if any."""
    specs = [yaml.safe_load(p.read_text()) for p in sorted(SPECS.glob("*.yaml"))]
    specs.sort(key=lambda s: s["id"])
    problems: list[str] = []
    lines: list[str] = []
    splits = assign_splits(specs)
    for spec in specs:
        rendered = render_site(spec)
        problems += check_site(spec, rendered)
        target = DATASET / "sites" / spec["id"]
        if target.exists():
            shutil.rmtree(target)
        for name, text in rendered.files.items():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        lines.append(json.dumps(case_line(spec, splits[spec["id"]]), ensure_ascii=False))
    cases_file = DATASET / "cases.jsonl"
    others = []
    if cases_file.exists():
        others = [
            line
            for line in cases_file.read_text(encoding="utf-8").splitlines()
            if line.strip() and not json.loads(line)["id"].startswith("a-")
        ]
    cases_file.write_text("\n".join(lines + others) + "\n", encoding="utf-8")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(specs)} sites, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
