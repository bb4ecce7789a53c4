from tests.sites import crawl_dataset, crawl_server, settings

__all__ = ["crawl_dataset", "crawl_server", "settings"]
