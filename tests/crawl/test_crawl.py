"""The real crawler, guard and extractor against fixture sites over loopback HTTP(S)."""

from __future__ import annotations

import time

import pytest

from merchant_screen.errors import BlockedURLError
from merchant_screen.evaluation.dataset import Dataset
from merchant_screen.evaluation.fixture_server import FixtureServer
from merchant_screen.settings import Settings
from merchant_screen.tools.crawl import crawl_site
from merchant_screen.tools.text import collapse_ws
from merchant_screen.tools.urls import dedupe_key

MULTI_PAGE = ["ridgeline-outfitters", "verdant-roots", "lumiere-timepieces", "harbor-lane"]


@pytest.mark.parametrize("case_id", MULTI_PAGE)
async def test_pages_holding_the_evidence_are_fetched(
    case_id: str, crawl_dataset: Dataset, settings: Settings
) -> None:
    case = crawl_dataset.get(case_id)
    result = await crawl_site(case.url, settings)
    fetched = {dedupe_key(p.url): p for p in result.pages if p.status == 200}
    for evidence in case.evidence:
        page = fetched.get(dedupe_key(evidence.url))
        assert page is not None, f"{evidence.url} not fetched"
        assert page.page is not None
        assert collapse_ws(evidence.quote).lower() in collapse_ws(page.page.text).lower()
    assert result.coverage.assessable
    assert result.coverage.evidence_kinds["products"] or result.coverage.evidence_kinds["catalog"]


async def test_page_records_carry_audit_fields(crawl_dataset: Dataset, settings: Settings) -> None:
    result = await crawl_site(crawl_dataset.get("ridgeline-outfitters").url, settings)
    home = result.pages[0]
    assert home.status == 200
    assert home.state == "ok"
    assert home.sha256 is not None and len(home.sha256) == 64
    assert home.fetched_at and home.fetched_at.endswith("+00:00")
    assert home.bytes > 1000
    assert result.domain == "ridgeline-outfitters.test"
    # outbound domains are recorded, never fetched
    assert all(p.url.startswith("https://ridgeline-outfitters.test/") for p in result.pages)


async def test_max_pages_budget(crawl_dataset: Dataset, settings: Settings) -> None:
    result = await crawl_site(
        crawl_dataset.get("ridgeline-outfitters").url, settings.replace(max_pages=4)
    )
    assert sum(1 for p in result.pages if p.status is not None) == 4
    assert result.budget_exhausted == "pages"
    assert result.skipped > 0


async def test_total_bytes_budget(crawl_dataset: Dataset, settings: Settings) -> None:
    result = await crawl_site(
        crawl_dataset.get("ridgeline-outfitters").url, settings.replace(max_total_bytes=20_000)
    )
    assert result.bytes_total <= 20_000 + 1024
    assert result.budget_exhausted == "bytes"


async def test_robots_disallow_is_honoured(
    crawl_dataset: Dataset, crawl_server: FixtureServer, settings: Settings
) -> None:
    crawl_server.reset_log()
    result = await crawl_site(crawl_dataset.get("robots-blocked").url, settings)
    blocked = [p for p in result.pages if p.state == "blocked_robots"]
    assert blocked and all("/shop/" in p.url for p in blocked)
    requested = [r.path for r in crawl_server.requests if r.host == "robots-blocked.test"]
    assert not any(path.startswith("/shop/") for path in requested)
    assert result.robots["mode"] == "rules"


async def test_robots_5xx_disallows_everything(crawl_dataset: Dataset, settings: Settings) -> None:
    result = await crawl_site(crawl_dataset.get("robots-5xx").url, settings)
    assert result.robots["mode"] == "disallow_all"
    assert [p.state for p in result.pages] == ["blocked_robots"]
    assert not result.coverage.assessable


async def test_robots_404_allows_everything(crawl_dataset: Dataset, settings: Settings) -> None:
    result = await crawl_site(crawl_dataset.get("harbor-lane").url, settings)
    assert result.robots["mode"] in ("allow_all", "rules")
    if result.robots["mode"] == "allow_all":
        assert result.robots["status"] == 404


async def test_redirect_loop_is_an_error_page(crawl_dataset: Dataset, settings: Settings) -> None:
    result = await crawl_site(crawl_dataset.get("redirect-loop").url, settings)
    loops = [p for p in result.pages if p.error and "redirect loop" in p.error]
    assert loops, [p.error for p in result.pages]
    assert result.pages[0].state == "ok"


async def test_slow_page_hits_the_request_timeout(
    crawl_dataset: Dataset, settings: Settings
) -> None:
    started = time.monotonic()
    result = await crawl_site(
        crawl_dataset.get("slow").url, settings.replace(request_timeout=0.5, fetch_retries=2)
    )
    slow = [p for p in result.pages if p.requested_url.endswith("/slow")]
    assert slow and slow[0].state == "error"
    assert "timed out" in (slow[0].error or "")
    assert time.monotonic() - started < 10


async def test_gzip_bomb_is_capped(crawl_dataset: Dataset, settings: Settings) -> None:
    result = await crawl_site(
        crawl_dataset.get("bomb").url, settings.replace(max_page_bytes=200_000)
    )
    bomb = [p for p in result.pages if p.requested_url.endswith("/bomb")]
    assert bomb, [p.url for p in result.pages]
    assert bomb[0].bytes <= 200_000
    assert bomb[0].truncated


async def test_redirects_into_private_addresses_are_blocked(
    crawl_dataset: Dataset, settings: Settings
) -> None:
    result = await crawl_site(crawl_dataset.get("redirect-private").url, settings)
    errors = {p.requested_url.rsplit("/", 1)[-1]: p.error for p in result.pages if p.error}
    assert errors.get("go", "").startswith("blocked: 127.0.0.1 is a loopback address")
    assert "cloud metadata" in errors.get("go2", "")
    assert result.blocked == 2


async def test_homepage_redirect_into_loopback_raises(settings: Settings) -> None:
    # The guard refuses the literal before any connection is made.
    with pytest.raises(BlockedURLError, match="loopback"):
        await crawl_site("http://127.0.0.1:9/", settings)


async def test_legacy_charset_is_decoded(crawl_dataset: Dataset, settings: Settings) -> None:
    result = await crawl_site(crawl_dataset.get("legacy-charset").url, settings)
    text = "\n".join(p.page.text for p in result.pages if p.page)
    assert "é" in text
    assert "\ufffd" not in text


@pytest.mark.parametrize(
    ("case_id", "state"),
    [
        ("bot-wall", "bot_wall"),
        ("parked", "parked"),
        ("login-wall", "login_wall"),
        ("js-shell", "js_required"),
        ("under-construction", "under_construction"),
        ("age-gate", "age_gate"),
    ],
)
async def test_homepage_states(
    case_id: str, state: str, crawl_dataset: Dataset, settings: Settings
) -> None:
    result = await crawl_site(crawl_dataset.get(case_id).url, settings)
    assert result.pages[0].state == state
    if state != "age_gate":
        assert not result.coverage.assessable


async def test_not_found_pages_are_labelled(crawl_dataset: Dataset, settings: Settings) -> None:
    result = await crawl_site(crawl_dataset.get("ridgeline-outfitters").url, settings)
    missing = [p for p in result.pages if p.status == 404]
    assert all(p.state == "not_found" for p in missing)


async def test_cache_serves_the_second_crawl(
    crawl_dataset: Dataset, crawl_server: FixtureServer, settings: Settings
) -> None:
    cached = settings.replace(cache=True)
    url = crawl_dataset.get("harbor-lane").url
    first = await crawl_site(url, cached)
    crawl_server.reset_log()
    second = await crawl_site(url, cached)
    assert [p.url for p in second.pages] == [p.url for p in first.pages]
    assert all(p.from_cache for p in second.pages if p.status == 200)
    assert not [
        r
        for r in crawl_server.requests
        if r.host == "harborlanewine.test" and not r.path.endswith(("robots.txt", "sitemap.xml"))
    ]


async def test_untrusted_certificate_is_permanent_and_not_retried(
    crawl_dataset: Dataset, crawl_server: FixtureServer, settings: Settings
) -> None:
    crawl_server.reset_log()
    untrusted = settings.replace(ca_bundle=None, fetch_retries=3)
    result = await crawl_site(crawl_dataset.get("harbor-lane").url, untrusted)
    assert result.homepage_error is not None
    assert "certificate verification failed" in result.homepage_error
    assert result.homepage_error_transient is False
    assert not [r for r in crawl_server.requests if r.host == "harborlanewine.test"]
