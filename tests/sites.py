from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from merchant_screen.evaluation.dataset import Dataset, load_dataset
from merchant_screen.evaluation.fixture_server import FixtureServer
from merchant_screen.settings import Settings

SITES = Path(__file__).parent / "fixtures" / "sites_crawl"


@pytest.fixture(scope="session")
def crawl_dataset() -> Dataset:
    return load_dataset(SITES)


@pytest.fixture(scope="session")
def crawl_server(crawl_dataset: Dataset) -> Iterator[FixtureServer]:
    with FixtureServer(crawl_dataset.host_map()) as server:
        yield server


def routed_settings(server: FixtureServer, tmp_path: Path, **extra: object) -> Settings:
    """Real crawler settings routed to a fixture server, politeness delays and caches off."""
    return Settings(
        connect_to=tuple(server.connect_to()),
        ca_bundle=server.ca_pem,
        host_delay=0,
        retry_max_wait=0,
        request_timeout=3,
        data_dir=tmp_path / "data",
        cache=False,
        **extra,
    )


@pytest.fixture
def settings(crawl_server: FixtureServer, tmp_path: Path) -> Settings:
    return routed_settings(crawl_server, tmp_path)


SMOKE = Path(__file__).parents[1] / "evals" / "datasets" / "smoke"


@pytest.fixture(scope="session")
def smoke_dataset() -> Dataset:
    return load_dataset(SMOKE)


@pytest.fixture(scope="session")
def smoke_server(smoke_dataset: Dataset) -> Iterator[FixtureServer]:
    with FixtureServer(smoke_dataset.host_map()) as server:
        yield server


@pytest.fixture
def smoke_settings(smoke_server: FixtureServer, tmp_path: Path) -> Settings:
    return routed_settings(smoke_server, tmp_path, llm_cache=False)
