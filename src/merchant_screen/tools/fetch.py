"""One guarded, polite, cached, retried GET, following redirects hop by hop.

Every hop is normalised and checked (scheme, credentials, local names) before it is
requested, and the transport checks the dialled address; a hop that leaves the merchant's
site is recorded, not fetched. Bodies are streamed, decompressed boundedly and capped.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    retry_if_result,
    stop_after_attempt,
)

from merchant_screen.errors import BlockedURLError, FetchError, InvalidURLError
from merchant_screen.tools.bodies import read_body
from merchant_screen.tools.cache import JsonBlobCache, cache_key
from merchant_screen.tools.guard import check_url
from merchant_screen.tools.urls import host_of, same_site

__all__ = ["RETRY_STATUSES", "FetchOptions", "FetchResult", "Fetcher", "HostLimiter", "is_html"]

RETRY_STATUSES = frozenset({429, 502, 503, 504})
_KEPT_HEADERS = ("content-type", "content-language", "retry-after", "x-robots-tag", "server")
_BODY_TYPES = (
    "text/",
    "application/xhtml",
    "application/xml",
    "application/json",
    "application/ld+json",
    "application/rss",
    "application/atom",
)


def is_html(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind in ("", "text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class FetchOptions:
    """The fetch settings that shape a response (and so belong in its cache key)."""

    user_agent: str
    request_timeout: float
    max_redirects: int
    attempts: int
    retry_max_wait: float
    cache_tag: str = ""  # anything else that changes what a URL returns (routes, CA bundle)


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status: int | None
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False
    redirects: tuple[str, ...] = ()
    offsite: str | None = None  # where a redirect would have left the site
    fetched_at: str = ""
    elapsed: float = 0.0
    attempts: int = 1
    from_cache: bool = False

    def meta(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "final_url": self.final_url,
            "status": self.status,
            "content_type": self.content_type,
            "headers": self.headers,
            "truncated": self.truncated,
            "redirects": list(self.redirects),
            "offsite": self.offsite,
            "fetched_at": self.fetched_at,
            "elapsed": self.elapsed,
        }

    @classmethod
    def from_meta(cls, meta: dict[str, Any], body: bytes) -> FetchResult:
        return cls(
            url=meta["url"],
            final_url=meta["final_url"],
            status=meta["status"],
            content_type=meta.get("content_type", ""),
            headers=dict(meta.get("headers", {})),
            body=body,
            truncated=bool(meta.get("truncated")),
            redirects=tuple(meta.get("redirects", ())),
            offsite=meta.get("offsite"),
            fetched_at=meta.get("fetched_at", ""),
            elapsed=float(meta.get("elapsed", 0.0)),
            from_cache=True,
        )


class HostLimiter:
    """Per-host concurrency cap and minimum spacing between request starts."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self._concurrency = concurrency
        self._default_delay = delay
        self._delays: dict[str, float] = {}
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._next_start: dict[str, float] = {}

    def set_delay(self, host: str, delay: float) -> None:
        self._delays[host] = max(delay, self._default_delay)

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        sem = self._sems.setdefault(host, asyncio.Semaphore(self._concurrency))
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with sem:
            async with lock:
                wait = self._next_start.get(host, 0.0) - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                delay = self._delays.get(host, self._default_delay)
                self._next_start[host] = time.monotonic() + delay
            yield


class _Raw:
    """One HTTP exchange before redirect handling."""

    def __init__(self, status: int, headers: httpx.Headers, body: bytes, truncated: bool):
        self.status = status
        self.headers = headers
        self.body = body
        self.truncated = truncated


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
        when = parsedate_to_datetime(value)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return None


def _certificate_failure(exc: BaseException) -> bool:
    """True when a TLS certificate did not verify: retrying cannot help."""
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _checked(location: str, base: str) -> str:
    """``check_url`` of a URL a page gave us (a link, a sitemap entry, a Location header,
    resolved against ``base`` when given). A URL no client can request is that page's
    fault: a permanent FetchError, never an InvalidURLError that would end the screen."""
    try:
        return check_url(str(httpx.URL(base).join(location)) if base else location)
    except InvalidURLError as exc:
        raise FetchError(str(exc), transient=False) from None
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        shown = location if len(location) <= 100 else location[:100] + "…"
        raise FetchError(f"invalid URL {shown!r}: {exc}", transient=False) from None


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, FetchError):
        return exc.transient
    if _certificate_failure(exc):
        return False
    return isinstance(exc, httpx.TransportError | TimeoutError)


class Fetcher:
    """Fetches pages of one merchant (or many) through a shared client, limiter and cache."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        options: FetchOptions,
        limiter: HostLimiter,
        cache: JsonBlobCache | None = None,
    ) -> None:
        self._client = client
        self._options = options
        self._limiter = limiter
        self._cache = cache

    @property
    def limiter(self) -> HostLimiter:
        return self._limiter

    async def fetch(
        self,
        url: str,
        *,
        max_bytes: int,
        site: str | None,
        body_for: str = "html",
        retry_status: bool = True,
    ) -> FetchResult:
        """GET ``url`` following same-site redirects. ``body_for`` is "html" (read bodies of
        HTML pages only) or "text" (read any textual body: robots.txt, sitemaps).
        ``retry_status=False`` retries connection failures only, not 429/5xx answers."""
        key = cache_key(
            "fetch",
            url,
            max_bytes,
            site,
            body_for,
            self._options.user_agent,
            self._options.cache_tag,
        )
        if self._cache is not None:
            hit = self._cache.get(key)
            if hit is not None:
                return FetchResult.from_meta(*hit)
        result = await self._follow(
            url, max_bytes=max_bytes, site=site, body_for=body_for, retry_status=retry_status
        )
        cacheable = (
            result.status is not None
            and result.status not in RETRY_STATUSES
            and result.status < 500
        )
        if self._cache is not None and cacheable:
            self._cache.set(key, result.meta(), result.body)
        return result

    async def _follow(
        self, url: str, *, max_bytes: int, site: str | None, body_for: str, retry_status: bool
    ) -> FetchResult:
        started = time.monotonic()
        current = _checked(url, "")
        chain: list[str] = []
        attempts_total = 0
        while True:
            raw, attempts = await self._exchange(current, max_bytes, body_for, retry_status)
            attempts_total += attempts
            location = raw.headers.get("location")
            if raw.status in (301, 302, 303, 307, 308) and location:
                target = _checked(location, current)
                chain.append(current)
                if target in chain or target == current:
                    raise FetchError(f"redirect loop at {target}")
                if len(chain) > self._options.max_redirects:
                    raise FetchError(
                        f"more than {self._options.max_redirects} redirects from {url}"
                    )
                if site is not None and not same_site(target, site):
                    return self._result(
                        url, current, raw, chain, started, attempts_total, offsite=target
                    )
                current = target
                continue
            return self._result(url, current, raw, chain, started, attempts_total, offsite=None)

    def _result(
        self,
        url: str,
        final: str,
        raw: _Raw,
        chain: list[str],
        started: float,
        attempts: int,
        *,
        offsite: str | None,
    ) -> FetchResult:
        headers = {k: raw.headers[k] for k in _KEPT_HEADERS if k in raw.headers}
        return FetchResult(
            url=url,
            final_url=final,
            status=raw.status,
            content_type=raw.headers.get("content-type", ""),
            headers=headers,
            body=b"" if offsite else raw.body,
            truncated=raw.truncated,
            redirects=tuple(chain),
            offsite=offsite,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            elapsed=round(time.monotonic() - started, 4),
            attempts=attempts,
        )

    async def _exchange(
        self, url: str, max_bytes: int, body_for: str, retry_status: bool
    ) -> tuple[_Raw, int]:
        opts = self._options

        def wait(state: RetryCallState) -> float:
            outcome = state.outcome
            hinted = None
            if outcome is not None and not outcome.failed:
                hinted = _retry_after(outcome.result().headers.get("retry-after"))
            backoff = 0.5 * 2 ** (state.attempt_number - 1)
            return min(hinted if hinted is not None else backoff, opts.retry_max_wait)

        retrying = AsyncRetrying(
            stop=stop_after_attempt(opts.attempts),
            wait=wait,
            retry=retry_if_exception(_is_transient)
            | retry_if_result(lambda r: retry_status and r.status in RETRY_STATUSES),
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
            reraise=True,
        )
        attempts = 0
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    raw = await self._once(url, max_bytes, body_for)
                if not attempt.retry_state.outcome or not attempt.retry_state.outcome.failed:
                    attempt.retry_state.set_result(raw)
        except BlockedURLError:
            raise
        except FetchError as exc:
            raise FetchError(f"{url}: {exc}", transient=exc.transient) from None
        except (httpx.TransportError, TimeoutError) as exc:
            if _certificate_failure(exc):
                raise FetchError(
                    f"{url}: TLS certificate verification failed", transient=False
                ) from None
            kind = (
                "timed out" if isinstance(exc, httpx.TimeoutException | TimeoutError) else "failed"
            )
            detail = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
            message = f"{url}: request {kind} after {attempts} attempt(s)"
            raise FetchError(
                message if kind == "timed out" else f"{message} ({detail})", transient=True
            ) from None
        return raw, attempts

    async def _once(self, url: str, max_bytes: int, body_for: str) -> _Raw:
        try:
            return await self._request(url, max_bytes, body_for)
        except (httpx.InvalidURL, UnicodeError) as exc:
            # httpx refused the URL itself (an IDNA host it cannot decode, a length limit):
            # asking again cannot help.
            raise FetchError(f"httpx refused the URL: {exc}", transient=False) from None
        except httpx.RemoteProtocolError as exc:
            if not str(exc).startswith("Invalid URL in location header"):
                raise
            raise FetchError(f"redirect to an unusable URL ({exc})", transient=False) from None

    async def _request(self, url: str, max_bytes: int, body_for: str) -> _Raw:
        host = host_of(url)
        async with self._limiter.slot(host):
            async with asyncio.timeout(self._options.request_timeout):
                async with self._client.stream("GET", url) as response:
                    content_type = response.headers.get("content-type", "")
                    wanted = (
                        is_html(content_type)
                        if body_for == "html"
                        else (content_type == "" or content_type.lower().startswith(_BODY_TYPES))
                    )
                    if response.status_code in (301, 302, 303, 307, 308) or not wanted:
                        return _Raw(response.status_code, response.headers, b"", False)
                    encoding = response.headers.get("content-encoding", "")
                    body = await read_body(response.aiter_raw(), encoding, max_bytes)
                    return _Raw(response.status_code, response.headers, body.data, body.truncated)
