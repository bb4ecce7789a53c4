"""Run :func:`~merchant_screen.tools.extract.extract_page` off the event loop, capped in time.

Extraction is CPU work: decoding, the lexbor parse and a Python walk over the tree. On the
event loop a big page stopped every other job of the process (a 2.2 MB nesting bomb held a
worker's loop for minutes), and the crawl's time budget could not interrupt it.

Measured on 2 cores (numbers in benchmarks/results/hostile.md): lexbor releases the GIL
while it parses; the Python walk does not, but it is linear and bounded, because the work is
capped before it starts: bytes per page by the crawl's budget, nesting by
:mod:`merchant_screen.tools.nesting` (the quadratic part of lexbor). So extraction runs in a
small thread pool of its own (not the loop's default executor, which resolves host names),
and the crawl waits at most ``timeout`` seconds for a page: one that takes longer becomes an
``error`` page with the reason and the crawl goes on; the abandoned work ends by itself.
A process pool was tried and left out: with the ``spawn`` start method it re-imports the
caller's ``__main__`` (breaking any script that uses the library without a main guard), and
``fork`` is unsafe in a process that runs threads (the worker's heartbeat, DBOS).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import threading
from collections.abc import Callable, Mapping

from merchant_screen.tools.extract import extract_page
from merchant_screen.tools.pages import ExtractedPage

__all__ = ["EXTRACT_TIMEOUT", "PageExtractor", "default_extractor"]

EXTRACT_TIMEOUT = 20.0

ExtractFn = Callable[..., ExtractedPage]
"""``(body, url, content_type[, stylesheets=]) -> page``; ``extract_page`` unless a test
passes another (``stylesheets`` comes only when the crawl read some)."""


class PageExtractor:
    """Extracts pages in worker threads, waiting at most ``timeout`` seconds for each."""

    def __init__(
        self,
        *,
        timeout: float = EXTRACT_TIMEOUT,
        threads: int = 4,
        extract: ExtractFn | None = None,
    ) -> None:
        self.timeout = timeout
        self._extract = extract or _extract
        self._pool = concurrent.futures.ThreadPoolExecutor(threads, "extract")

    async def extract(
        self,
        body: bytes,
        url: str,
        content_type: str,
        *,
        stylesheets: Mapping[str, str] | None = None,
    ) -> ExtractedPage:
        """``extract_page(body, url, content_type=...)``, or an ``error`` page when that
        takes longer than ``timeout`` seconds. ``stylesheets`` (linked stylesheets by URL)
        go to ``extract_page`` when there are any."""
        loop = asyncio.get_running_loop()
        work = functools.partial(self._extract, body, url, content_type)
        if stylesheets and any(stylesheets.values()):
            work = functools.partial(work, stylesheets=dict(stylesheets))
        future = loop.run_in_executor(self._pool, work)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            reason = f"extracting the page took longer than {self.timeout:g} s"
        return ExtractedPage(url=url, state="error", state_reason=reason)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _extract(
    body: bytes, url: str, content_type: str, stylesheets: Mapping[str, str] | None = None
) -> ExtractedPage:
    return extract_page(body, url, content_type=content_type, stylesheets=stylesheets)


_default: PageExtractor | None = None
_default_lock = threading.Lock()


def default_extractor() -> PageExtractor:
    """The process-wide extractor (its threads start on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = PageExtractor()
        return _default
