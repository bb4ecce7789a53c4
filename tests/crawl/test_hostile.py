"""Hostile pages (issue 10, items 6-8): bad links, parser bombs and binary garbage never end
a crawl or a screen. The sites are generated into a temporary folder (the big bodies are
megabytes) and served over loopback by the fixture server."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from merchant_screen.evaluation.fixture_server import FixtureServer
from merchant_screen.settings import Settings
from merchant_screen.tools.crawl import SiteCrawler, crawl_site, open_fetcher
from merchant_screen.tools.pages import ExtractedPage
from merchant_screen.tools.parsing import PageExtractor
from tests.cli.test_cli_crawl import run
from tests.sites import routed_settings

HOST = "hostile.test"
START = f"https://{HOST}/"
BAD_HOST = f"xn--ls8h.{HOST}"  # an emoji label: IDNA 2008 refuses it, so httpx cannot send it
LONG_PATH = "/p?" + "a" * 70_000  # over httpx's 64 KB limit
SHOP = (
    "<p>Hand-forged garden trowels, pruning shears and oak-handled rakes, made in our "
    "workshop and shipped across the country.</p>"
)


def _page(body: str, head: str = "") -> str:
    head = f"<title>Garden tools</title>{head}"
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def _write_site(root: Path) -> None:
    links = "".join(
        f'<a href="{href}">{text}</a> '
        for href, text in [
            (f"http://{BAD_HOST}/", "Emoji shop"),
            (f"https://{BAD_HOST}/catalog", "Emoji catalogue"),
            (LONG_PATH, "Long"),
            ("/go-idna", "Moved"),
            ("/go-long", "Moved too"),
            ("/deep", "Deep"),
            ("/junk", "Junk"),
            ("/about", "About"),
        ]
    )
    form = f'<form action="http://{BAD_HOST}/subscribe"><input name="email"></form>'
    canonical = f'<link rel="canonical" href="http://{BAD_HOST}/">'
    (root / "index.html").write_text(_page(SHOP + links + form, canonical))
    (root / "about.html").write_text(_page(SHOP + "<p>Family run since 1990.</p>"))
    depth = 200_000  # 2.2 MB: minutes of parsing for lexbor before the nesting cap
    deep = "<div>" * depth + "<p>Buy oxycodone 30mg, no prescription.</p>" + "</div>" * depth
    (root / "deep.html").write_text(_page(deep))
    (root / "junk.html").write_bytes(os.urandom(2_000_000))
    (root / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\nSitemap: http://{BAD_HOST}/sitemap.xml\n"
        f"Sitemap: https://{HOST}/sitemap.xml\n"
    )
    locs = [f"http://{BAD_HOST}/from-sitemap", f"https://{HOST}{'/q' * 5000}", f"{START}about"]
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
        + "</urlset>"
    )
    script = {
        "redirects": {
            "/go-idna": [302, f"http://{BAD_HOST}/"],
            "/go-long": [302, LONG_PATH],
        }
    }
    (root / "_server.json").write_text(json.dumps(script))


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureServer]:
    root = tmp_path_factory.mktemp("hostile-site")
    _write_site(root)
    with FixtureServer({HOST: root}) as server:
        yield server


@pytest.fixture
def hostile_settings(hostile_server: FixtureServer, tmp_path: Path) -> Settings:
    # A longer request timeout than the shared routed settings: the bomb pages are megabytes.
    return routed_settings(hostile_server, tmp_path).replace(request_timeout=5)


async def test_bad_links_and_redirects_are_recorded_not_fatal(
    hostile_settings: Settings, hostile_server: FixtureServer
) -> None:
    result = await crawl_site(START, hostile_settings)
    assert result.pages[0].state == "ok"
    skipped = {item["url"][:60]: item["reason"] for item in result.skipped_urls}
    assert "not a valid international name" in skipped[f"http://{BAD_HOST}/"]
    assert "not a valid international name" in skipped[f"http://{BAD_HOST}/from-sitemap"]
    assert any("longer than 8192 characters" in reason for reason in skipped.values())
    errors = {p.requested_url: p.error or "" for p in result.pages if p.state == "error"}
    assert "U+1F4A9" in errors[f"{START}go-idna"]
    assert "URL too long" in errors[f"{START}go-long"]
    # Nothing was asked of the server for the refused URLs, and the crawl went on.
    assert not [r for r in hostile_server.requests if len(r.path) > 8192]
    assert any(p.url == f"{START}about" and p.state == "ok" for p in result.pages)


async def test_nesting_bomb_is_flattened_and_its_text_kept(hostile_settings: Settings) -> None:
    result = await crawl_site(START, hostile_settings)
    deep = next(p for p in result.pages if p.requested_url == f"{START}deep")
    assert deep.page is not None
    assert "Buy oxycodone 30mg, no prescription." in deep.page.text
    assert "nested over 512 deep flattened" in deep.state_reason


async def test_random_bytes_served_as_html_are_not_an_ok_page(
    hostile_settings: Settings,
) -> None:
    result = await crawl_site(START, hostile_settings)
    junk = next(p for p in result.pages if p.requested_url == f"{START}junk")
    assert junk.state == "non_html"
    assert "binary data, not HTML" in junk.state_reason
    assert junk.page is not None and junk.page.text == ""
    assert junk.url not in [p.url for p in result.ok_pages()]


async def test_homepage_redirect_to_a_bad_url_is_a_homepage_error(
    hostile_settings: Settings, hostile_server: FixtureServer
) -> None:
    result = await crawl_site(f"{START}go-long", hostile_settings)
    assert result.homepage_error is not None
    assert "URL too long" in result.homepage_error
    assert result.homepage_error_transient is False


async def test_crawl_budget_holds_while_a_page_is_being_extracted(
    hostile_settings: Settings,
) -> None:
    release = threading.Event()

    def stuck(body: bytes, url: str, content_type: str) -> ExtractedPage:
        release.wait(30)  # a parse that would outlast the whole crawl budget
        return ExtractedPage(url=url)

    extractor = PageExtractor(timeout=60, extract=stuck)
    try:
        async with open_fetcher(hostile_settings) as fetcher:
            crawler = SiteCrawler(
                START, hostile_settings.replace(crawl_timeout=0.5), fetcher, extractor=extractor
            )
            result = await crawler.run()
    finally:
        release.set()
        extractor.close()
    assert result.budget_exhausted == "time"


async def test_a_page_over_the_extraction_time_cap_is_an_error_page(
    hostile_settings: Settings,
) -> None:
    release = threading.Event()

    def stuck(body: bytes, url: str, content_type: str) -> ExtractedPage:
        release.wait(30)
        return ExtractedPage(url=url)

    extractor = PageExtractor(timeout=0.2, extract=stuck)
    try:
        async with open_fetcher(hostile_settings) as fetcher:
            crawler = SiteCrawler(START, hostile_settings, fetcher, extractor=extractor)
            result = await crawler.run()
    finally:
        release.set()
        extractor.close()
    home = result.pages[0]
    assert home.state == "error"
    assert home.state_reason == "extracting the page took longer than 0.2 s"


def test_check_never_exits_1_on_a_hostile_site(
    hostile_server: FixtureServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MERCHANT_SCREEN_CONNECT_TO", " ".join(hostile_server.connect_to()))
    monkeypatch.setenv("MERCHANT_SCREEN_CA_BUNDLE", str(hostile_server.ca_pem))
    monkeypatch.setenv("MERCHANT_SCREEN_HOST_DELAY", "0")
    monkeypatch.setenv("MERCHANT_SCREEN_DATA_DIR", str(tmp_path / "data"))
    code, out, err = run(["check", START, "--json", "--model", "fake"], capsys)
    assert code == 0, err
    verdict = json.loads(out)
    assert verdict["decision"] in ("prohibited", "restricted", "allowed", "unknown")
    states = {p["url"]: p["state"] for p in verdict["crawl"]["pages"]}
    assert states[f"{START}junk"] == "non_html"
