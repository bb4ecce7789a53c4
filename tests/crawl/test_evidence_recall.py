"""On the labelled corpus (sites the crawler was not tuned on), default settings fetch the
pages that hold at least 90% of the labelled evidence."""

from __future__ import annotations

import asyncio
from pathlib import Path

from merchant_screen.evaluation.dataset import load_dataset
from merchant_screen.evaluation.fixture_server import FixtureServer
from merchant_screen.settings import Settings
from merchant_screen.tools.crawl import CrawlResult, crawl_site, open_fetcher
from merchant_screen.tools.urls import dedupe_key

CORE = Path(__file__).parents[2] / "evals" / "datasets" / "core"


async def test_default_crawl_fetches_the_evidence_pages(tmp_path: Path) -> None:
    dataset = load_dataset(CORE)
    cases = [c for c in dataset.cases if c.evidence]
    with FixtureServer(dataset.host_map()) as server:
        settings = Settings(
            connect_to=tuple(server.connect_to()),
            ca_bundle=server.ca_pem,
            host_delay=0,
            cache=False,
            retry_max_wait=0,
            data_dir=tmp_path,
        )
        gate = asyncio.Semaphore(8)
        async with open_fetcher(settings) as fetcher:

            async def crawl(url: str) -> CrawlResult:
                async with gate:
                    return await crawl_site(url, settings, fetcher=fetcher)

            results = await asyncio.gather(*(crawl(c.url) for c in cases))
    labelled = fetched = 0
    missed = []
    for case, result in zip(cases, results, strict=True):
        ok = {dedupe_key(p.url) for p in result.pages if p.status == 200}
        for evidence in case.evidence:
            labelled += 1
            if dedupe_key(evidence.url) in ok:
                fetched += 1
            else:
                missed.append(evidence.url)
    assert labelled >= 100
    assert fetched / labelled >= 0.9, missed
