from pathlib import Path

import pytest

from merchant_screen.evaluation.fixture_server import FixtureServer
from tests.sites import crawl_dataset, crawl_server, settings

__all__ = ["crawl_dataset", "crawl_server", "routed", "settings"]


@pytest.fixture
def routed(crawl_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The environment a user would set: fixture sites routed, data in ``tmp_path/data``."""
    monkeypatch.setenv("MERCHANT_SCREEN_CONNECT_TO", " ".join(crawl_server.connect_to()))
    monkeypatch.setenv("MERCHANT_SCREEN_CA_BUNDLE", str(crawl_server.ca_pem))
    monkeypatch.setenv("MERCHANT_SCREEN_HOST_DELAY", "0")
    monkeypatch.setenv("MERCHANT_SCREEN_DATA_DIR", str(tmp_path / "data"))
    return tmp_path
