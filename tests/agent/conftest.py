from tests.sites import (
    crawl_dataset,
    crawl_server,
    settings,
    smoke_dataset,
    smoke_server,
    smoke_settings,
)

__all__ = [
    "crawl_dataset",
    "crawl_server",
    "settings",
    "smoke_dataset",
    "smoke_server",
    "smoke_settings",
]
