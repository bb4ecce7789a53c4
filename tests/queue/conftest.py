"""Fixtures for the queue tests: a fresh queue database per test (SQLite always; Postgres
too when MERCHANT_SCREEN_TEST_PG_URL names a server, which CI requires), a resolver that
knows no names (so a ``.invalid`` host fails like NXDOMAIN without any DNS traffic), and
fixture sites routed host by host."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from merchant_screen.evaluation.dataset import Dataset, load_dataset
from merchant_screen.evaluation.fixture_server import FixtureServer
from tests.queue.helpers import PG_URL, Workers, offline_getaddrinfo, pg_admin

SMOKE = Path(__file__).parents[2] / "evals" / "datasets" / "smoke"
BACKENDS = ["sqlite", *(["postgres"] if PG_URL else [])]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A queue database nobody has used yet."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'queue.sqlite'}"
        return
    name = f"ms_test_{uuid.uuid4().hex[:12]}"
    with pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pool(tmp_path: Path, db_url: str) -> Iterator[Workers]:
    """Worker processes on ``db_url`` (see ``tests.queue.procworker``)."""
    workers = Workers(tmp_path, db_url)
    yield workers
    workers.close()


@pytest.fixture
def offline_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Name lookups fail with NXDOMAIN (EAI_NONAME) except for loopback literals."""
    monkeypatch.setattr(socket, "getaddrinfo", offline_getaddrinfo(socket.getaddrinfo))


@pytest.fixture(scope="session")
def smoke_sites() -> Dataset:
    return load_dataset(SMOKE)


@pytest.fixture(scope="session")
def smoke_server(smoke_sites: Dataset) -> Iterator[FixtureServer]:
    with FixtureServer(smoke_sites.host_map()) as server:
        yield server


@pytest.fixture
def site_env(smoke_server: FixtureServer, smoke_sites: Dataset, tmp_path: Path) -> dict[str, Any]:
    """Settings values routing each smoke host (not others) to the fixture server."""
    routes = []
    for host in smoke_sites.host_map():
        for name in (host, f"www.{host}"):
            routes += [
                f"{name}:80:127.0.0.1:{smoke_server.http_port}",
                f"{name}:443:127.0.0.1:{smoke_server.https_port}",
            ]
    return {
        "connect_to": tuple(routes),
        "ca_bundle": smoke_server.ca_pem,
        "host_delay": 0,
        "retry_max_wait": 0,
        "request_timeout": 3,
        "data_dir": tmp_path / "data",
        "cache": False,
        "llm_cache": False,
        "model": "fake",
    }
