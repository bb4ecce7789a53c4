"""Crawler and extractor throughput on loopback, next to a naive baseline in the same run.

Serves every fixture site (tests/fixtures/sites_crawl and evals/datasets/core) with the
fixture server, then:
- crawls each site with the real crawler (guard, robots, ranking, extraction), politeness off;
- the naive baseline: the same URLs fetched one after another with plain httpx and turned into
  text with ``BeautifulSoup(html, "html.parser").get_text()``;
- extraction alone on ~100 KB shop pages: ``extract_page`` vs the bs4 baseline.
Writes benchmarks/results/crawl.json and prints a Markdown table.

Run: ``python benchmarks/crawl.py`` (about a minute).
"""

from __future__ import annotations

import asyncio
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from extract_bench import bench_extract, synthetic_shop_page  # noqa: E402

from merchant_screen.evaluation.dataset import Dataset, load_dataset  # noqa: E402
from merchant_screen.evaluation.fixture_server import FixtureServer  # noqa: E402
from merchant_screen.settings import Settings  # noqa: E402
from merchant_screen.tools.crawl import crawl_site, open_fetcher  # noqa: E402

DATASETS = [ROOT / "tests" / "fixtures" / "sites_crawl", ROOT / "evals" / "datasets" / "core"]


async def crawl_all(
    urls: list[str], settings: Settings, parallel: int = 1
) -> tuple[float, list[str], int]:
    """Crawl every site, ``parallel`` merchants at a time (1 = one after another)."""
    started = time.perf_counter()
    pages: list[str] = []
    gate = asyncio.Semaphore(parallel)
    async with open_fetcher(settings) as fetcher:

        async def one(url: str) -> Any:
            async with gate:
                return await crawl_site(url, settings, fetcher=fetcher)

        results = await asyncio.gather(*(one(u) for u in urls))
    for result in results:
        pages += [p.url for p in result.pages if p.status == 200 and p.page is not None]
    return time.perf_counter() - started, pages, sum(r.bytes_total for r in results)


def naive(urls: list[str], server: FixtureServer) -> float:
    """Sequential GETs through the same routes and CA, bs4 html.parser text."""
    started = time.perf_counter()
    transport = httpx.HTTPTransport(verify=server.client_ssl_context())
    with httpx.Client(transport=transport, timeout=10) as client:
        for url in urls:
            host, path = url.split("://", 1)[1].split("/", 1)
            response = client.get(
                f"https://127.0.0.1:{server.https_port}/{path}",
                headers={"Host": host},
                extensions={"sni_hostname": host},
            )
            BeautifulSoup(response.text, "html.parser").get_text()
    return time.perf_counter() - started


def main() -> dict[str, Any]:
    datasets: list[Dataset] = [load_dataset(p) for p in DATASETS]
    host_map: dict[str, Path] = {}
    urls = []
    for dataset in datasets:
        host_map |= dataset.host_map()
        urls += [c.url for c in dataset.cases if "crawler-test" not in c.tags]
    with FixtureServer(host_map) as server:
        settings = Settings(
            connect_to=tuple(server.connect_to()),
            ca_bundle=server.ca_pem,
            host_delay=0,
            cache=False,
            retry_max_wait=0,
            data_dir=Path("/tmp/merchant-screen-bench"),
        )
        seconds, pages, total_bytes = asyncio.run(crawl_all(urls, settings))
        par_seconds, par_pages, _ = asyncio.run(crawl_all(urls, settings, parallel=8))
        naive_seconds = naive(pages, server)
    shop_pages = [(f"https://bench.test/p{i}", synthetic_shop_page(i)) for i in range(40)]
    extraction = bench_extract(shop_pages)
    result = {
        "machine": f"{platform.machine()} {platform.python_version()}",
        "sites": len(urls),
        "pages": len(pages),
        "bytes": total_bytes,
        "crawler_seconds": round(seconds, 2),
        "crawler_pages_per_s": round(len(pages) / seconds, 1),
        "crawler_8_merchants_at_once_pages_per_s": round(len(par_pages) / par_seconds, 1),
        "naive_seconds": round(naive_seconds, 2),
        "naive_pages_per_s": round(len(pages) / naive_seconds, 1),
        "extraction": extraction,
    }
    return result


if __name__ == "__main__":
    out = main()
    path = ROOT / "benchmarks" / "results" / "crawl.json"
    path.write_text(json.dumps(out, indent=2) + "\n")
    e = out["extraction"]
    print(json.dumps(out, indent=2))
    print(
        f"\n| measure | merchant-screen | naive baseline |\n|---|---|---|\n"
        f"| pages/s over {out['sites']} sites ({out['pages']} pages) | "
        f"{out['crawler_pages_per_s']} | {out['naive_pages_per_s']} |\n"
        f"| pages/s, 8 merchants at once | "
        f"{out['crawler_8_merchants_at_once_pages_per_s']} | - |\n"
        f"| extraction ms/page (median, ~100 KB) | {e.get('extract_median_ms')} | "
        f"{e.get('bs4_median_ms')} |"
    )
    print(f"(written to {path})")
