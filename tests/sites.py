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


@pytest.fixture
def settings(crawl_server: FixtureServer, tmp_path: Path) -> Settings:
    """Real crawler settings routed to the fixture server, politeness delays off."""
    return Settings(
        connect_to=tuple(crawl_server.connect_to()),
        ca_bundle=crawl_server.ca_pem,
        host_delay=0,
        retry_max_wait=0,
        request_timeout=3,
        data_dir=tmp_path / "data",
        cache=False,
    )


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
    return Settings(
        connect_to=tuple(smoke_server.connect_to()),
        ca_bundle=smoke_server.ca_pem,
        host_delay=0,
        retry_max_wait=0,
        request_timeout=3,
        data_dir=tmp_path / "data",
        cache=False,
        llm_cache=False,
    )
