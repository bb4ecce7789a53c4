"""Dataset loading and validation, URL-path mapping, and the crawl fixture dataset itself."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup, Tag

from merchant_screen.errors import ConfigError
from merchant_screen.evaluation.dataset import (
    Case,
    Dataset,
    is_safe_url_path,
    load_dataset,
    site_file,
)
from merchant_screen.evaluation.fixture_server import FixtureServer

CRAWL_DATASET = Path(__file__).parent.parent / "fixtures" / "sites_crawl"
MULTI_PAGE = ["ridgeline-outfitters", "verdant-roots", "lumiere-timepieces", "hone-and-edge",
              "harbor-lane"]  # fmt: skip
SPECIAL = ["robots-blocked", "robots-5xx", "redirect-loop", "slow", "bomb", "redirect-private",
           "legacy-charset", "bot-wall", "parked", "login-wall", "js-shell", "under-construction",
           "age-gate"]  # fmt: skip
# Agent tests: exclusion phrases planted beside a violation, a catalogue in hidden text, and
# an honest site whose only hidden text is chrome (skip link, menu label, cookie banner).
EVASION = ["titan-outdoor", "thornfield-garden", "linden-paper", "copper-creek",
           "greenshed-aria", "greenshed-linked-css"]  # fmt: skip
# Instructions to automated reviewers in alt text, JSON-LD and a robots.txt comment.
INJECTION = ["willow-lantern"]
HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.IGNORECASE)


def visible_text(html: str) -> str:
    """Page text as a reader sees it: no script/style/noscript/template, no inline display:none."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    for tag in soup.find_all(style=HIDDEN_STYLE):
        if isinstance(tag, Tag):
            tag.decompose()
    return soup.get_text(" ")


def normalise(text: str) -> str:
    return " ".join(text.split()).lower()


def case_line(**overrides: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "id": "shop",
        "url": "https://shop.test/",
        "expected": {"decision": "prohibited", "categories": ["weapons"]},
        "evidence": [{"url": "https://shop.test/about", "quote": "We sell ammunition."}],
        "declared": {"name": "Shop", "description": "Outdoor gear"},
        "tags": ["hard_negative"],
        "split": "dev",
        "notes": "",
    }
    line.update(overrides)
    return line


def make_dataset(root: Path, *lines: dict[str, Any] | str) -> Path:
    """Write cases.jsonl plus sites/<id>/index.html and about.html for every dict line."""
    rows = []
    for line in lines:
        if isinstance(line, dict):
            site = root / "sites" / line["id"]
            site.mkdir(parents=True, exist_ok=True)
            (site / "index.html").write_text("<p>home</p>")
            (site / "about.html").write_text("<p>We sell ammunition.</p>")
            rows.append(json.dumps(line))
        else:
            rows.append(line)
    (root / "cases.jsonl").write_text("\n".join(rows) + "\n")
    return root


@pytest.fixture(scope="module")
def crawl_dataset() -> Dataset:
    return load_dataset(CRAWL_DATASET)


@pytest.fixture(scope="module")
def crawl_server(crawl_dataset: Dataset) -> Iterator[FixtureServer]:
    with FixtureServer(crawl_dataset.host_map()) as srv:
        yield srv


def fetch(server: FixtureServer, url: str, client: httpx.Client) -> httpx.Response:
    """GET an absolute https URL of the dataset through the fixture server."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return client.get(
        f"https://127.0.0.1:{server.https_port}{target}",
        headers={"Host": host},
        extensions={"sni_hostname": host},
    )


# --- loading -----------------------------------------------------------------------------


def test_loads_a_valid_dataset(tmp_path: Path) -> None:
    root = make_dataset(
        tmp_path,
        case_line(),
        case_line(
            id="b",
            url="https://WWW.B.test/",
            evidence=[{"url": "https://b.test/about", "quote": "ammunition"}],
        ),
    )
    dataset = load_dataset(root / "cases.jsonl")
    assert dataset.path == root
    assert [c.id for c in dataset] == ["shop", "b"]
    assert dataset.get("shop").expected.categories == ("weapons",)
    assert dataset.site_dir("b") == root / "sites" / "b"
    assert dataset.host_map() == {
        "shop.test": root / "sites" / "shop",
        "www.b.test": root / "sites" / "b",
    }


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    assert len(load_dataset(make_dataset(tmp_path, "", case_line(), "   "))) == 1


def test_unknown_case_id(tmp_path: Path) -> None:
    dataset = load_dataset(make_dataset(tmp_path, case_line()))
    with pytest.raises(KeyError, match="nope"):
        dataset.site_dir("nope")


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["{not json"], r"cases\.jsonl:1: invalid JSON"),
        ([case_line(), "[1, 2"], r"cases\.jsonl:2: invalid JSON"),
        ([case_line(expected={"decision": "maybe"})], r":1: case 'shop': expected\.decision"),
        ([case_line(split="train")], r":1: case 'shop': split"),
        ([case_line(url="ftp://shop.test/")], r"url .* is not an absolute http"),
        ([case_line(id="Bad Id")], r"case 'Bad Id': id"),
        ([case_line(surprise=1)], r"surprise: Extra inputs are not permitted"),
        ([case_line(expected={"decision": "prohibited", "categories": []})], "at least one"),
        ([case_line(expected={"decision": "allowed", "categories": ["weapons"]})], "no categories"),
        ([case_line(expected={"decision": "restricted", "categories": ["Alcohol"]})], "snake_case"),
        ([case_line(evidence=[{"url": "https://other.test/about", "quote": "x"}])], "not on"),
        ([case_line(evidence=[{"url": "https://shop.test/about", "quote": ""}])], "quote"),
        ([case_line(), case_line()], r":2: duplicate case id 'shop' \(first on line 1\)"),
        ([case_line(), case_line(id="b")], r":2: host shop\.test already used by 'shop'"),
        (["", "  "], "no cases"),
    ],
)
def test_rejects_bad_lines(tmp_path: Path, lines: list[Any], message: str) -> None:
    root = make_dataset(tmp_path, *lines)
    with pytest.raises(ConfigError, match=message) as info:
        load_dataset(root)
    assert "\n" not in str(info.value)
    assert str(root / "cases.jsonl") in str(info.value) or "no cases" in message


def test_rejects_missing_index(tmp_path: Path) -> None:
    root = make_dataset(tmp_path, case_line())
    (root / "sites" / "shop" / "index.html").unlink()
    with pytest.raises(
        ConfigError, match=r"cases\.jsonl:1: case 'shop' has no sites/shop/index\.html"
    ):
        load_dataset(root)


def test_rejects_evidence_without_a_page(tmp_path: Path) -> None:
    line = case_line(evidence=[{"url": "https://shop.test/missing", "quote": "x"}])
    with pytest.raises(
        ConfigError, match=r":1: evidence url https://shop\.test/missing has no page"
    ):
        load_dataset(make_dataset(tmp_path, line))


def test_rejects_invalid_server_script(tmp_path: Path) -> None:
    root = make_dataset(tmp_path, case_line())
    (root / "sites" / "shop" / "_server.json").write_text('{"delay": {"/a": "soon"}}')
    with pytest.raises(ConfigError, match=r"_server\.json: invalid _server\.json: delay\./a"):
        load_dataset(root)


def test_rejects_missing_dataset(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read dataset"):
        load_dataset(tmp_path / "nothing")


def test_select_filters(tmp_path: Path) -> None:
    root = make_dataset(
        tmp_path,
        case_line(id="a", url="https://a.test/", tags=["x"], evidence=[]),
        case_line(id="b", url="https://b.test/", tags=["x", "y"], evidence=[], split="test"),
        case_line(id="c", url="https://c.test/", tags=[], evidence=[]),
    )
    dataset = load_dataset(root)
    assert [c.id for c in dataset.select(split="dev")] == ["a", "c"]
    assert [c.id for c in dataset.select(tags=["y", "z"])] == ["b"]
    assert [c.id for c in dataset.select(exclude_tags=["y"])] == ["a", "c"]
    assert [c.id for c in dataset.select(tags=["x"], limit=1)] == ["a"]
    assert dataset.select(split="test").path == root
    assert len(dataset) == 3


def test_case_host_is_lowercase() -> None:
    case = Case.model_validate(case_line(url="https://Shop.TEST:8443/x", evidence=[]))
    assert case.host == "shop.test"


# --- URL path mapping ----------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    for rel in [
        "index.html",
        "about.html",
        "docs/index.html",
        "shop/hunting.html",
        "shop/hunting/ammo.html",
        "robots.txt",
        "_server.json",
        "_drafts/post.html",
    ]:
        (tmp_path / "site" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "site" / rel).write_text(rel)
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "site" / "leak.html").symlink_to(tmp_path / "secret.txt")
    return tmp_path / "site"


@pytest.mark.parametrize(
    ("url_path", "rel"),
    [
        ("/", "index.html"),
        ("/about", "about.html"),
        ("/about.html", "about.html"),
        ("/about/", "about.html"),
        ("/docs", "docs/index.html"),
        ("/docs/", "docs/index.html"),
        ("/shop/hunting", "shop/hunting.html"),
        ("/shop/hunting/", "shop/hunting.html"),
        ("/shop/hunting/ammo", "shop/hunting/ammo.html"),
        ("/robots.txt", "robots.txt"),
        ("/missing", None),
        ("/shop", None),
        ("/_server.json", None),
        ("/_drafts/post", None),
        ("/../secret.txt", None),
        ("/leak", None),
    ],
)
def test_site_file(site: Path, url_path: str, rel: str | None) -> None:
    found = site_file(site, url_path)
    assert found == (None if rel is None else (site / rel).resolve())


@pytest.mark.parametrize(
    ("url_path", "safe"),
    [("/a/b", True), ("/a..b/", True), ("/../x", False), ("/a/./b", False), ("/a\\b", False),
     ("/a\x00", False)],
)  # fmt: skip
def test_is_safe_url_path(url_path: str, safe: bool) -> None:
    assert is_safe_url_path(url_path) is safe


# --- the crawl fixture dataset -------------------------------------------------------------


def test_crawl_dataset_cases(crawl_dataset: Dataset) -> None:
    assert [c.id for c in crawl_dataset] == MULTI_PAGE + SPECIAL + EVASION + INJECTION
    assert all(c.split == "dev" for c in crawl_dataset)
    assert [c.id for c in crawl_dataset.select(tags=["crawler-test"])] == SPECIAL
    assert all(c.url == f"https://{c.host}/" and c.host.endswith(".test") for c in crawl_dataset)


@pytest.mark.parametrize("case_id", MULTI_PAGE)
def test_multi_page_sites_have_6_to_15_pages_and_off_homepage_evidence(
    crawl_dataset: Dataset, case_id: str
) -> None:
    pages = list(crawl_dataset.site_dir(case_id).rglob("*.html"))
    assert 6 <= len(pages) <= 15
    case = crawl_dataset.get(case_id)
    assert all(urlsplit(e.url).path != "/" for e in case.evidence)


@pytest.mark.parametrize("case_id", MULTI_PAGE)
def test_multi_page_home_pages_link_widely(crawl_dataset: Dataset, case_id: str) -> None:
    home = (crawl_dataset.site_dir(case_id) / "index.html").read_text()
    links = {a["href"] for a in BeautifulSoup(home, "lxml").find_all("a", href=True)}
    assert len(links) >= 20


def test_labelled_quotes_occur_in_served_pages(
    crawl_dataset: Dataset, crawl_server: FixtureServer
) -> None:
    checked = 0
    with httpx.Client(verify=crawl_server.client_ssl_context(), timeout=10) as client:
        for case in crawl_dataset:
            for item in case.evidence:
                response = fetch(crawl_server, item.url, client)
                assert response.status_code == 200, item.url
                assert normalise(item.quote) in normalise(visible_text(response.text)), item
                checked += 1
    assert checked == sum(len(c.evidence) for c in crawl_dataset) >= 10


def test_visible_text_drops_hidden_parts() -> None:
    html = (
        "<p>Shown <b>bold</b></p><script>var hidden = 1;</script><noscript>No JS</noscript>"
        '<div style="color:red; DISPLAY: none">Cart is empty</div><template>Tpl</template>'
    )
    assert normalise(visible_text(html)) == "shown bold"


def test_every_case_home_page_is_served(
    crawl_dataset: Dataset, crawl_server: FixtureServer
) -> None:
    with httpx.Client(verify=crawl_server.client_ssl_context(), timeout=10) as client:
        statuses = {c.id: fetch(crawl_server, c.url, client).status_code for c in crawl_dataset}
    assert statuses == {c.id: 403 if c.id == "bot-wall" else 200 for c in crawl_dataset}


@pytest.mark.parametrize(
    ("url", "status", "header", "value"),
    [
        ("https://robots-5xx.test/robots.txt", 503, "retry-after", "3600"),
        ("https://redirect-loop.test/a", 302, "location", "/b"),
        ("https://redirect-loop.test/b", 302, "location", "/a"),
        ("https://redirect-private.test/go", 302, "location", "http://127.0.0.1:9/"),
        ("https://redirect-private.test/go2", 301, "location",
         "http://169.254.169.254/latest/meta-data/"),
        ("https://legacy-charset.test/vins.html", 200, "content-type",
         "text/html; charset=windows-1252"),
        ("https://bot-wall.test/", 403, "cf-mitigated", "challenge"),
        ("https://bomb.test/bomb", 200, "content-encoding", "gzip"),
        ("https://login-wall.test/products", 302, "location", "/login?next=/products"),
        ("https://age-gate.test/home?age_verified=1", 200, "content-type",
         "text/html; charset=utf-8"),
    ],
)  # fmt: skip
def test_special_site_behaviour(
    crawl_server: FixtureServer, url: str, status: int, header: str, value: str
) -> None:
    with httpx.Client(verify=crawl_server.client_ssl_context(), timeout=10) as client:
        response = fetch(crawl_server, url, client)
    assert response.status_code == status
    assert response.headers[header] == value
