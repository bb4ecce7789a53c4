"""Run :func:`~merchant_screen.tools.extract.extract_page` off the event loop and out of
this process's GIL, capped in time.

Extraction is CPU work: decoding, the lexbor parse and a Python walk over the tree. On the
event loop a big page stopped every other job of the process (a 2.2 MB nesting bomb held a
worker's loop for minutes), and the crawl's time budget could not interrupt it. In a thread
it still held the GIL for the whole walk: beside a 3 MB page, ordinary jobs on the same
loop ran 1.12-1.22x slower (benchmarks/results/hostile.md).

So each page goes to an extractor *process* (:mod:`merchant_screen.tools.extract_server`,
started with ``python -m``, one per thread of a small pool, reused page after page): the
waiting thread blocks on a pipe without the GIL, and a page that takes longer than
``timeout`` seconds, or whose crawl stops waiting (its time budget), has its process
killed, so the abandoned work ends at once; the next page gets a fresh process. A page over
the cap becomes an ``error`` page with the reason and the crawl goes on; so does a page whose
extractor process dies (a crash in the parser takes only that process down). The processes
are started with ``subprocess`` (fork + exec), not ``multiprocessing``: its ``spawn`` and
``forkserver`` re-import the caller's ``__main__`` (breaking any script that uses the library
without a main guard) and plain ``fork`` is unsafe in a process that runs threads (the
worker's heartbeat, DBOS). Each one ends at end of input, so it never outlives its parent.
When no process can be started (no usable ``sys.executable``, as in some embedded
interpreters) pages are extracted in the pool's threads, as before, with one warning.
Nesting is capped before parsing by :mod:`merchant_screen.tools.nesting` (the quadratic part
of lexbor) and bytes per page by the crawl's budget.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import functools
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

from merchant_screen.tools.extract import extract_page
from merchant_screen.tools.extract_server import read_frame, write_frame
from merchant_screen.tools.pages import ExtractedPage

__all__ = ["EXTRACT_TIMEOUT", "PageExtractor", "default_extractor"]

EXTRACT_TIMEOUT = 20.0

log = logging.getLogger(__name__)

ExtractFn = Callable[..., ExtractedPage]
"""``(body, url, content_type[, stylesheets=]) -> page``; ``extract_page`` unless a test
passes another (``stylesheets`` comes only when the crawl read some)."""

_SRC = Path(__file__).resolve().parents[2]  # the folder holding merchant_screen/


class _ChildGone(Exception):
    """The extractor process ended (killed after a timeout, or crashed) mid-page."""


class _Child:
    """One extractor process, used by one pool thread at a time."""

    def __init__(self, command: list[str]) -> None:
        env = dict(os.environ)
        if _SRC.name not in ("site-packages", "dist-packages"):  # a source checkout
            env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(_SRC), env.get("PYTHONPATH"))))
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._requests: IO[bytes] = self.process.stdin  # type: ignore[assignment]
        self._replies: IO[bytes] = self.process.stdout  # type: ignore[assignment]

    def ask(self, request: tuple[Any, ...]) -> ExtractedPage:
        try:
            write_frame(self._requests, request)
            kind, value = read_frame(self._replies)
        except (EOFError, OSError, ValueError) as exc:
            self.kill()
            raise _ChildGone(f"exit code {self.process.returncode}") from exc
        if kind == "raise":
            raise value
        page: ExtractedPage = value
        return page

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Kill the process and return at once; the thread using it sees end of input
        and cleans up (``kill``)."""
        with contextlib.suppress(OSError):
            self.process.kill()

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        for stream in (self._requests, self._replies):
            with contextlib.suppress(OSError, ValueError):
                stream.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)


class _Job:
    """One page in flight; ``abandon`` kills the process working on it, if any."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._child: _Child | None = None
        self.abandoned = False

    def claim(self, child: _Child) -> bool:
        with self._lock:
            if self.abandoned:
                return False
            self._child = child
            return True

    def release(self) -> None:
        with self._lock:
            self._child = None

    def abandon(self) -> None:
        with self._lock:
            self.abandoned = True
            child, self._child = self._child, None
        if child is not None:
            child.stop()


class PageExtractor:
    """Extracts pages in worker processes (or, given ``extract``, in threads), waiting at
    most ``timeout`` seconds for each."""

    def __init__(
        self,
        *,
        timeout: float = EXTRACT_TIMEOUT,
        threads: int = 4,
        extract: ExtractFn | None = None,
        command: list[str] | None = None,
    ) -> None:
        self.timeout = timeout
        self._extract = extract
        self._command = command or [
            sys.executable,
            "-P",
            "-m",
            "merchant_screen.tools.extract_server",
        ]
        self._pool = concurrent.futures.ThreadPoolExecutor(threads, "extract")
        self._local = threading.local()
        self._children: set[_Child] = set()
        self._lock = threading.Lock()
        self._in_process = extract is not None or not sys.executable
        self._closed = False

    async def extract(
        self,
        body: bytes,
        url: str,
        content_type: str,
        *,
        stylesheets: Mapping[str, str] | None = None,
    ) -> ExtractedPage:
        """``extract_page(body, url, content_type=...)``, or an ``error`` page when that
        takes longer than ``timeout`` seconds or its process dies. ``stylesheets`` (linked
        stylesheets by URL) go to ``extract_page`` when there are any."""
        loop = asyncio.get_running_loop()
        sheets = dict(stylesheets) if stylesheets and any(stylesheets.values()) else None
        job = _Job()
        work = functools.partial(self._run, job, body, url, content_type, sheets)
        try:
            return await asyncio.wait_for(loop.run_in_executor(self._pool, work), self.timeout)
        except TimeoutError:
            reason = f"extracting the page took longer than {self.timeout:g} s"
        except _ChildGone as exc:
            reason = f"the extractor process stopped on this page ({exc})"
        finally:
            job.abandon()  # a no-op once the page is back; else its process is killed
        return ExtractedPage(url=url, state="error", state_reason=reason)

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            children, self._children = set(self._children), set()
        for child in children:
            child.kill()

    # --- in a pool thread ---------------------------------------------------------------
    def _run(
        self,
        job: _Job,
        body: bytes,
        url: str,
        content_type: str,
        stylesheets: dict[str, str] | None,
    ) -> ExtractedPage:
        if self._extract is not None:
            if stylesheets:
                return self._extract(body, url, content_type, stylesheets=stylesheets)
            return self._extract(body, url, content_type)
        child = None if self._in_process else self._child()
        if child is None:
            return extract_page(body, url, content_type=content_type, stylesheets=stylesheets)
        if not job.claim(child):
            raise _ChildGone("abandoned before it started")
        try:
            return child.ask((body, url, content_type, stylesheets))
        except _ChildGone:
            self._forget(child)
            raise
        finally:
            job.release()

    def _child(self) -> _Child | None:
        """This thread's extractor process, started (again) if needed; None when none can
        be started (then this extractor works in its threads from now on)."""
        child: _Child | None = getattr(self._local, "child", None)
        if child is not None and child.alive():
            return child
        if child is not None:
            self._forget(child)
        try:
            child = _Child(self._command)
        except OSError as exc:
            if not self._in_process:
                log.warning("extracting pages in threads: no extractor process (%s)", exc)
            self._in_process = True
            return None
        with self._lock:
            if self._closed:
                child.kill()
                return None
            self._children.add(child)
        self._local.child = child
        return child

    def _forget(self, child: _Child) -> None:
        with self._lock:
            self._children.discard(child)
        child.kill()
        if getattr(self._local, "child", None) is child:
            self._local.child = None


_default: PageExtractor | None = None
_default_lock = threading.Lock()


def default_extractor() -> PageExtractor:
    """The process-wide extractor (its threads and processes start on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = PageExtractor()
            atexit.register(_default.close)  # its processes end with this one, reaped
        return _default
