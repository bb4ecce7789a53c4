"""Targeted, budgeted crawl of one merchant site.

homepage -> robots.txt rules -> sitemap + ranked in-site links (links.py) -> best-first
batches within the page, byte and time budgets. Pages off the merchant's registrable domain
are recorded as outbound, never fetched; duplicate URLs and duplicate content are fetched
once. ``SiteCrawler.fetch_more`` lets the agent ask for one more page under the same rules.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import hashlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from merchant_screen.errors import (
    BlockedURLError,
    CrawlError,
    FetchError,
    InvalidURLError,
    ScreenError,
)
from merchant_screen.settings import Settings
from merchant_screen.tools.cache import JsonBlobCache
from merchant_screen.tools.coverage import Coverage, PageSummary, summarise_coverage
from merchant_screen.tools.fetch import Fetcher, FetchOptions, FetchResult, HostLimiter, is_html
from merchant_screen.tools.guard import check_url
from merchant_screen.tools.links import Candidate, classify_link, pick_next, platform_hints
from merchant_screen.tools.pages import ExtractedPage, PageState
from merchant_screen.tools.parsing import PageExtractor, default_extractor
from merchant_screen.tools.robots import Robots, SiteComment, fetch_robots
from merchant_screen.tools.sitemap import parse_sitemap
from merchant_screen.tools.stylesheets import (
    MAX_STYLESHEET_BYTES,
    MAX_STYLESHEETS,
    decode_stylesheet,
    linked_stylesheets,
)
from merchant_screen.tools.text import collapse_ws
from merchant_screen.tools.transport import build_client
from merchant_screen.tools.urls import dedupe_key, host_of, registrable_domain, same_site

__all__ = ["CrawlResult", "CrawledPage", "SiteCrawler", "crawl_site", "open_fetcher"]

MAX_DEPTH = 3
_SITEMAP_BYTES = 5_000_000
_MAX_CHILD_SITEMAPS = 3
_MAX_SKIPPED_LISTED = 200
_SHOWN_URL = 200

InterestFn = Callable[[str], float]
BudgetName = Literal["pages", "bytes", "time"]


class CrawledPage(BaseModel):
    """One URL the crawl tried, with what came back. ``page`` (the extraction) is not dumped."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="final URL after same-site redirects")
    requested_url: str
    status: int | None = Field(description="HTTP status code, null when there was no response")
    state: PageState
    state_reason: str = ""
    kind: str = "other"
    depth: int = 0
    bytes: int = 0
    content_type: str = ""
    fetched_at: str | None = None
    sha256: str | None = None
    title: str = ""
    language: str | None = None
    truncated: bool = False
    duplicate_of: str | None = None
    from_cache: bool = False
    elapsed_ms: float = 0.0
    error: str | None = None
    redirected_to: str | None = None
    page: ExtractedPage | None = Field(None, exclude=True)
    body: builtins.bytes | None = Field(None, exclude=True, repr=False)


class CrawlResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    final_url: str
    domain: str
    pages: list[CrawledPage]
    fetched: int
    skipped: int
    blocked: int
    skipped_urls: list[dict[str, str]] = Field(default_factory=list)
    coverage: Coverage
    outbound_domains: list[str] = Field(default_factory=list)
    language: str | None = None
    robots: dict[str, object] = Field(default_factory=dict)
    sitemap_urls: int = 0
    comments: list[SiteComment] = Field(
        default_factory=list, description="robots.txt and sitemap comments (never evidence)"
    )
    budget_exhausted: BudgetName | None = None
    bytes_total: int = 0
    homepage_error: str | None = None
    homepage_error_transient: bool = False
    crawl_s: float = 0.0

    def ok_pages(self) -> list[CrawledPage]:
        return [
            p
            for p in self.pages
            if p.page is not None and p.duplicate_of is None and p.state in ("ok", "age_gate")
        ]

    def page_for(self, url: str) -> CrawledPage | None:
        try:
            key = dedupe_key(url)
        except ScreenError:
            return None
        for p in self.pages:
            if p.url == url or p.requested_url == url or dedupe_key(p.url) == key:
                return p
        return None


@contextlib.asynccontextmanager
async def open_fetcher(settings: Settings) -> AsyncIterator[Fetcher]:
    """A Fetcher (client, per-host limiter, optional cache) for the duration of a block."""
    client = build_client(
        user_agent=settings.user_agent,
        timeout=settings.request_timeout,
        connect_to=settings.connect_to,
        ca_bundle=settings.ca_bundle,
    )
    cache = None
    if settings.cache:
        cache = JsonBlobCache(
            settings.cache_path / "http",
            size_limit=settings.cache_size_limit,
            ttl=settings.cache_ttl,
        )
    options = FetchOptions(
        user_agent=settings.user_agent,
        request_timeout=settings.request_timeout,
        max_redirects=settings.max_redirects,
        attempts=settings.fetch_retries,
        retry_max_wait=settings.retry_max_wait,
        cache_tag=f"{sorted(settings.connect_to)}|{settings.ca_bundle}",
    )
    try:
        yield Fetcher(
            client, options, HostLimiter(settings.host_concurrency, settings.host_delay), cache
        )
    finally:
        await client.aclose()
        if cache is not None:
            cache.close()


def _state_for(result: FetchResult, page: ExtractedPage | None) -> tuple[PageState, str]:
    if result.offsite:
        return "redirect_offsite", f"redirects to {result.offsite}"
    status = result.status or 0
    if page is not None and page.state == "bot_wall":
        return "bot_wall", page.state_reason
    if status in (404, 410):
        return "not_found", f"HTTP {status}"
    if status >= 400:
        return "error", f"HTTP {status}"
    if not is_html(result.content_type):
        return "non_html", result.content_type.split(";")[0]
    if page is None:
        return "empty", "no body"
    return page.state, page.state_reason


class SiteCrawler:
    """Crawl state for one merchant; ``run`` once, then ``fetch_more`` as the agent asks."""

    def __init__(
        self,
        url: str,
        settings: Settings,
        fetcher: Fetcher,
        interest: InterestFn | None = None,
        extractor: PageExtractor | None = None,
    ) -> None:
        self.start_url = check_url(url)
        self.domain = registrable_domain(host_of(self.start_url))
        self._settings = settings
        self._fetcher = fetcher
        self._interest = interest or (lambda _text: 0.0)
        self._extractor = extractor or default_extractor()
        self._robots = Robots("allow_all", reason="robots.txt not consulted")
        self._pages: list[CrawledPage] = []
        self._frontier: dict[str, Candidate] = {}
        self._seen: set[str] = set()
        self._content: dict[str, str] = {}
        self._done: list[Candidate] = []
        self._skipped: list[dict[str, str]] = []
        self._skipped_count = 0
        self._blocked = 0
        self._bytes = 0
        self._sitemap_urls = 0
        self._comments: list[SiteComment] = []
        self._stylesheets: dict[str, str] = {}  # linked stylesheets by URL ("" if not read)
        self._exhausted: BudgetName | None = None
        self._home_error: FetchError | None = None
        self._started = time.monotonic()

    # --- public -------------------------------------------------------------------------
    async def run(self) -> CrawlResult:
        try:
            async with asyncio.timeout(self._settings.crawl_timeout):
                await self._crawl()
        except TimeoutError:
            self._exhausted = "time"
        return self.result()

    async def fetch_more(self, url: str) -> CrawledPage:
        """One more same-site page through the same guard, robots rules and budgets."""
        target = check_url(url)
        if not same_site(target, self.domain):
            raise BlockedURLError(f"{host_of(target)} is outside {self.domain}")
        existing = self.result().page_for(target)
        if existing is not None:
            return existing
        if self._html_pages() >= self._settings.max_pages + 5:
            raise CrawlError("page budget exhausted")
        if self._bytes >= self._settings.max_total_bytes:
            raise CrawlError("byte budget exhausted")
        candidate = Candidate(target, classify_link(target), depth=1, found_on="agent")
        self._seen.add(dedupe_key(target))
        return await self._fetch_candidate(candidate)

    def result(self) -> CrawlResult:
        summaries = [
            PageSummary(
                url=p.url,
                state=p.state,
                kind=p.kind,
                page=p.page if p.duplicate_of is None else None,
            )
            for p in self._pages
        ]
        coverage = summarise_coverage(summaries, site=self.domain)
        home = self._pages[0] if self._pages else None
        return CrawlResult(
            url=self.start_url,
            final_url=home.url if home else self.start_url,
            domain=self.domain,
            pages=list(self._pages),
            fetched=sum(1 for p in self._pages if p.status is not None),
            skipped=self._skipped_count,
            blocked=self._blocked,
            skipped_urls=self._skipped[:_MAX_SKIPPED_LISTED],
            coverage=coverage,
            outbound_domains=coverage.outbound_domains,
            language=coverage.languages[0] if coverage.languages else None,
            robots=self._robots.summary(),
            sitemap_urls=self._sitemap_urls,
            comments=list(self._comments),
            budget_exhausted=self._exhausted,
            bytes_total=self._bytes,
            homepage_error=str(self._home_error) if self._home_error else None,
            homepage_error_transient=bool(self._home_error and self._home_error.transient),
            crawl_s=round(time.monotonic() - self._started, 3),
        )

    # --- the crawl ----------------------------------------------------------------------
    async def _crawl(self) -> None:
        if self._settings.respect_robots:
            self._robots = await fetch_robots(
                self._fetcher, self.start_url, self._settings.user_agent
            )
            if self._robots.comments:
                robots_url = _join(self.start_url, "/robots.txt")
                self._comments.append(
                    SiteComment(url=robots_url, source="robots", text=self._robots.comments)
                )
            if self._robots.crawl_delay:
                delay = min(self._robots.crawl_delay, self._settings.max_crawl_delay)
                self._fetcher.limiter.set_delay(host_of(self.start_url), delay)
        home = Candidate(self.start_url, "home", depth=0, found_on="")
        self._seen.add(dedupe_key(self.start_url))
        if self._robots.unreachable is not None:
            # The site itself did not answer: say so, rather than "blocked by robots.txt".
            self._home_error = self._robots.unreachable
            self._record_error(home, self._robots.unreachable)
            return
        try:
            page = await self._fetch_candidate(home)
        except FetchError as exc:
            self._home_error = exc
            self._record_error(home, exc)
            return
        if page.page is None or page.state == "redirect_offsite":
            return
        if host_of(page.url) != host_of(self.start_url) and self._robots.crawl_delay:
            self._fetcher.limiter.set_delay(
                host_of(page.url), min(self._robots.crawl_delay, self._settings.max_crawl_delay)
            )
        for path, kind in platform_hints(page.page.platform):
            self._offer(Candidate(_join(page.url, path), kind, depth=1, found_on="platform"))
        await self._read_sitemaps(page.url)
        while self._frontier:
            room = self._settings.max_pages - self._html_pages()
            if room <= 0:
                self._exhausted = "pages"
                break
            if self._bytes >= self._settings.max_total_bytes:
                self._exhausted = "bytes"
                break
            batch = pick_next(
                self._frontier.values(), self._done, min(room, self._settings.host_concurrency * 2)
            )
            if not batch:
                break
            for c in batch:
                key = dedupe_key(c.url)
                del self._frontier[key]
                self._seen.add(key)  # before fetching: pages in flight must not be re-offered
            results = await asyncio.gather(
                *(self._download(c) for c in batch), return_exceptions=True
            )
            for c, outcome in zip(batch, results, strict=True):
                if isinstance(outcome, BlockedURLError):
                    self._blocked += 1
                    self._record_error(c, outcome, state="error")
                elif isinstance(outcome, CrawlError):
                    self._record_error(c, outcome)
                elif isinstance(outcome, BaseException):
                    raise outcome
                else:
                    await self._accept(c, outcome)
        for c in self._frontier.values():
            self._skip(c.url, "budget")

    async def _read_sitemaps(self, home_url: str) -> None:
        urls = [u for u in self._robots.sitemaps if same_site(u, self.domain)][:2]
        if not urls:
            urls = [_join(home_url, "/sitemap.xml")]
        fetched = 0
        while urls and fetched < 1 + _MAX_CHILD_SITEMAPS:
            url = urls.pop(0)
            fetched += 1
            try:
                result = await self._fetcher.fetch(
                    url, max_bytes=_SITEMAP_BYTES, site=self.domain, body_for="text"
                )
            except CrawlError:
                continue
            if result.status != 200 or not result.body:
                continue
            sitemap = parse_sitemap(result.body)
            self._comments += [
                SiteComment(url=url, source="sitemap", text=t) for t in sitemap.comments
            ]
            children = (self._usable(u) for u in sitemap.children)
            urls.extend(u for u in children if u is not None and same_site(u, self.domain))
            for loc in sitemap.pages:
                target = self._usable(loc)
                with contextlib.suppress(ScreenError, ValueError):
                    if target is not None and same_site(target, self.domain):
                        self._sitemap_urls += 1
                        self._offer(
                            Candidate(
                                target,
                                classify_link(target),
                                depth=1,
                                found_on=url,
                                from_sitemap=True,
                                interest=self._interest(target),
                            )
                        )

    async def _fetch_candidate(self, c: Candidate) -> CrawledPage:
        """Fetch one candidate and record it (used for the homepage and agent requests)."""
        return await self._accept(c, await self._download(c))

    async def _download(self, c: Candidate) -> FetchResult | None:
        """The network part (safe to run concurrently); None when robots.txt forbids it."""
        if not self._robots.allowed(c.url, self._settings.user_agent):
            return None
        limit = max(
            1024, min(self._settings.max_page_bytes, self._settings.max_total_bytes - self._bytes)
        )
        result = await self._fetcher.fetch(c.url, max_bytes=limit, site=self.domain)
        await self._read_stylesheets(result)
        return result

    async def _read_stylesheets(self, result: FetchResult) -> None:
        """Fetch the same-site stylesheets an HTML page links (what its classes hide), at most
        MAX_STYLESHEETS per crawl, through the same guard, robots rules and byte budget.
        One that is not read is recorded as skipped; the page is extracted all the same."""
        if not result.body or result.offsite or not is_html(result.content_type):
            return
        for url in linked_stylesheets(result.body, result.final_url):
            if url in self._stylesheets:
                continue
            self._stylesheets[url] = ""  # claimed: pages fetched alongside do not ask again
            room = min(MAX_STYLESHEET_BYTES, self._settings.max_total_bytes - self._bytes)
            try:
                if len(self._stylesheets) > MAX_STYLESHEETS or room <= 0:
                    raise CrawlError("over the stylesheet budget")
                if not same_site(url, self.domain):
                    raise CrawlError(f"{host_of(url)} is outside {self.domain}")
                if not self._robots.allowed(url, self._settings.user_agent):
                    raise CrawlError("disallowed by robots.txt")
                sheet = await self._fetcher.fetch(
                    url, max_bytes=room, site=self.domain, body_for="text"
                )
                kind = sheet.content_type.split(";")[0].strip().lower()
                if sheet.status != 200 or sheet.offsite or kind != "text/css":
                    raise CrawlError(f"HTTP {sheet.status} {kind or 'no content type'}")
            except (ScreenError, ValueError) as exc:
                self._skip(url, f"stylesheet not applied: {exc}")
                continue
            self._bytes += len(sheet.body)
            self._stylesheets[url] = decode_stylesheet(sheet.body)

    async def _accept(self, c: Candidate, result: FetchResult | None) -> CrawledPage:
        """Record a downloaded page: byte budget, extraction, de-duplication, new links.
        Runs in batch order, so a crawl of the same site is the same crawl every time."""
        if result is None:
            self._skip(c.url, "robots")
            blocked = CrawledPage(
                url=c.url,
                requested_url=c.url,
                status=None,
                state="blocked_robots",
                state_reason="disallowed by robots.txt",
                kind=c.kind,
                depth=c.depth,
            )
            self._pages.append(blocked)
            return blocked
        body, truncated = result.body, result.truncated
        room = max(0, self._settings.max_total_bytes - self._bytes)
        if len(body) > room:
            body, truncated = body[:room], True
        self._bytes += len(body)
        page = None
        if body and is_html(result.content_type) and not result.offsite:
            page = await self._extractor.extract(
                body, result.final_url, result.content_type, stylesheets=self._stylesheets
            )
        state, reason = _state_for(result, page)
        crawled = CrawledPage(
            url=result.final_url,
            requested_url=c.url,
            status=result.status,
            state=state,
            state_reason=reason,
            kind=c.kind,
            depth=c.depth,
            bytes=len(body),
            content_type=result.content_type.split(";")[0].strip(),
            fetched_at=result.fetched_at,
            sha256=hashlib.sha256(body).hexdigest() if body else None,
            title=page.title if page else "",
            language=page.language if page else None,
            truncated=truncated,
            from_cache=result.from_cache,
            elapsed_ms=round(result.elapsed * 1000, 1),
            redirected_to=result.offsite,
            page=page,
            body=body or None,
        )
        with contextlib.suppress(ScreenError):
            self._seen.add(dedupe_key(result.final_url))
        if page is not None and state in ("ok", "age_gate"):
            crawled = self._dedupe_content(crawled, page)
        self._pages.append(crawled)
        self._done.append(c)
        if page is not None and crawled.duplicate_of is None and c.depth < MAX_DEPTH:
            self._offer_links(page, c.depth + 1)
        return crawled

    def _dedupe_content(self, crawled: CrawledPage, page: ExtractedPage) -> CrawledPage:
        digest = hashlib.sha256(collapse_ws(page.text).lower().encode()).hexdigest()
        first = self._content.get(digest)
        if first is not None and first != crawled.url:
            return crawled.model_copy(update={"duplicate_of": first})
        self._content[digest] = crawled.url
        if page.canonical and same_site(page.canonical, self.domain):
            with contextlib.suppress(ScreenError):
                self._seen.add(dedupe_key(page.canonical))
        return crawled

    def _offer_links(self, page: ExtractedPage, depth: int) -> None:
        for link in page.links:
            target = self._usable(link.url)
            with contextlib.suppress(ScreenError, ValueError):
                if target is None or not same_site(target, self.domain):
                    continue
                kind = classify_link(target, link.text)
                self._offer(
                    Candidate(
                        target,
                        kind,
                        link.text,
                        depth,
                        page.url,
                        link.region,
                        interest=self._interest(f"{link.text} {target}"),
                    )
                )

    def _offer(self, c: Candidate) -> None:
        key = dedupe_key(c.url)
        if key in self._seen:
            return
        known = self._frontier.get(key)
        if known is None:
            self._frontier[key] = c
            return
        # The same page reached again: keep the best of what each route tells about it.
        linked = c if not c.from_sitemap else known
        self._frontier[key] = replace(
            linked,
            depth=min(c.depth, known.depth),
            interest=max(c.interest, known.interest),
            anchor=linked.anchor or c.anchor or known.anchor,
            kind=linked.kind
            if linked.kind != "other"
            else (c.kind if c.kind != "other" else known.kind),
            from_sitemap=c.from_sitemap and known.from_sitemap,
        )

    def _record_error(self, c: Candidate, exc: Exception, state: PageState = "error") -> None:
        message = str(exc)
        if isinstance(exc, BlockedURLError):
            message = f"blocked: {message}"
        self._pages.append(
            CrawledPage(
                url=c.url,
                requested_url=c.url,
                status=None,
                state=state,
                state_reason=message,
                kind=c.kind,
                depth=c.depth,
                error=message,
            )
        )

    def _usable(self, url: str) -> str | None:
        """``check_url`` of a URL the site gave us; an invalid one (an IDNA host no client
        can send, a 64 KB link) is recorded as skipped with the reason, never raised; a
        blocked one (a private address) is dropped, as an off-site link is."""
        try:
            return check_url(url)
        except InvalidURLError as exc:
            self._skip(url if len(url) <= _SHOWN_URL else url[:_SHOWN_URL] + "…", str(exc))
        except (BlockedURLError, ValueError):
            pass
        return None

    def _skip(self, url: str, reason: str) -> None:
        self._skipped_count += 1
        if len(self._skipped) < _MAX_SKIPPED_LISTED:
            self._skipped.append({"url": url, "reason": reason})

    def _html_pages(self) -> int:
        return sum(1 for p in self._pages if p.status is not None)


def default_interest() -> InterestFn:
    """Link interest from the default policy lexicon: anchors and paths that name a policy
    category ("ammunition", "delta-8", "replica") are fetched before neutral ones."""
    from merchant_screen.policy.lexicon import compile_lexicon, link_interest
    from merchant_screen.policy.loader import load_policy

    return link_interest(compile_lexicon(load_policy(None)))


def _join(base: str, path: str) -> str:
    scheme, rest = base.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}{path}"


async def crawl_site(
    url: str,
    settings: Settings | None = None,
    *,
    fetcher: Fetcher | None = None,
    interest: InterestFn | None = None,
) -> CrawlResult:
    """Crawl one merchant site. Raises InvalidURLError / BlockedURLError for refused input."""
    settings = settings or Settings.from_env()
    if interest is None:
        interest = default_interest()
    if fetcher is not None:
        return await SiteCrawler(url, settings, fetcher, interest).run()
    async with open_fetcher(settings) as own:
        return await SiteCrawler(url, settings, own, interest).run()
