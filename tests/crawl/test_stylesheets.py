"""Linked stylesheets over loopback: same-site ones are fetched (within a cap) and hide by
class; missing, cross-site and print stylesheets are recorded or left alone, and the page
is extracted all the same."""

from __future__ import annotations

import pytest

import merchant_screen.tools.crawl as crawl
from merchant_screen.evaluation.dataset import Dataset
from merchant_screen.evaluation.fixture_server import FixtureServer
from merchant_screen.settings import Settings
from merchant_screen.tools.crawl import crawl_site

SITE = "greenshed-linked-css"
HOST = "greenshed-linked-css.test"


async def test_a_class_from_a_same_site_stylesheet_hides_the_catalogue(
    crawl_dataset: Dataset, settings: Settings, crawl_server: FixtureServer
) -> None:
    crawl_server.reset_log()
    result = await crawl_site(crawl_dataset.get(SITE).url, settings)
    home = result.pages[0].page
    assert home is not None and home.state == "ok"
    assert "bypass pruners, stainless trowels" in home.text
    assert "oxycodone" not in home.text.lower()
    assert "Tramadol" not in home.text
    hidden = {h.text.splitlines()[0]: h.reason for h in home.hidden}
    assert hidden == {
        "Online pharmacy": "clipped",  # .feed-x: the sr-only pattern
        "Tramadol 100mg without a prescription, 120 tablets for $150.": "transparent",
    }
    # the stylesheet is counted in the byte budget and fetched once for the whole crawl
    paths = [r.path for r in crawl_server.requests if r.host == HOST]
    assert paths.count("/assets/theme.css") == 1
    assert "/assets/print.css" not in paths  # media="print": not what a visitor sees
    assert result.bytes_total > sum(p.bytes for p in result.pages)


async def test_stylesheets_that_cannot_be_read_are_recorded_not_fatal(
    crawl_dataset: Dataset, settings: Settings, crawl_server: FixtureServer
) -> None:
    crawl_server.reset_log()
    result = await crawl_site(crawl_dataset.get(SITE).url, settings)
    skipped = {s["url"]: s["reason"] for s in result.skipped_urls}
    missing = skipped[f"https://{HOST}/assets/missing.css"]
    assert missing.startswith("stylesheet not applied: HTTP 404")
    assert "outside greenshed-linked-css.test" in skipped["https://cdn.elsewhere.test/kit.css"]
    assert all(r.host in (HOST, f"www.{HOST}") for r in crawl_server.requests)
    assert sum(1 for p in result.pages if p.status == 200) >= 4  # the crawl went on


async def test_stylesheets_are_capped_per_crawl(
    crawl_dataset: Dataset,
    settings: Settings,
    crawl_server: FixtureServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(crawl, "MAX_STYLESHEETS", 1)
    crawl_server.reset_log()
    result = await crawl_site(crawl_dataset.get(SITE).url, settings)
    skipped = {s["url"]: s["reason"] for s in result.skipped_urls}
    assert "over the stylesheet budget" in skipped[f"https://{HOST}/assets/missing.css"]
    paths = [r.path for r in crawl_server.requests if r.host == HOST]
    assert "/assets/missing.css" not in paths
    home = result.pages[0].page
    assert home is not None and "Tramadol" not in home.text  # the first one still applies
