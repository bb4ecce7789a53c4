"""Composition root: Settings -> dependencies -> graph -> Verdict.

``Screener`` holds what is shared across merchants in one process (HTTP client, cache, model
client, policy, lexicon) and is safe to use concurrently from one event loop; each ``screen``
gets fresh graph state and a fresh run context, so nothing leaks between merchants.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Callable, Mapping
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from merchant_screen.agent.calibration import Calibrator, load_calibrator
from merchant_screen.agent.graph import build_graph
from merchant_screen.agent.injection_model import bundled_detector
from merchant_screen.agent.prompts import prompts_version
from merchant_screen.agent.state import Asked, Mode, RunContext, ScreenState
from merchant_screen.agent.trace import Budget, Trace
from merchant_screen.errors import ConfigError, InputError, InvalidURLError
from merchant_screen.llm.port import LLMClient
from merchant_screen.llm.pricing import cost_usd, load_prices
from merchant_screen.llm.select import build_llm
from merchant_screen.policy.lexicon import Lexicon, compile_lexicon
from merchant_screen.policy.loader import load_policy
from merchant_screen.policy.model import Policy
from merchant_screen.scoring.model import Scorer, load_scorer
from merchant_screen.settings import Settings
from merchant_screen.storage import check_storage, os_reason
from merchant_screen.tools.crawl import CrawlResult, open_fetcher
from merchant_screen.tools.fetch import Fetcher
from merchant_screen.tools.guard import check_url
from merchant_screen.tools.snapshots import SnapshotStore
from merchant_screen.verdict import (
    Business,
    CrawlPageRecord,
    CrawlSummary,
    Declared,
    Timings,
    Usage,
    Verdict,
    Versions,
)

__all__ = ["Screener", "package_version", "screen", "screen_async"]


def package_version() -> str:
    try:
        return version("merchant-screen")
    except PackageNotFoundError:
        return "0+unknown"


def answer_probability(asked: list[Asked]) -> Literal["logprobs", "stated", "mixed", "none"]:
    """Where the model's probabilities in a run came from (``Versions.answer_probability``)."""
    sources = {a["answer"].source for a in asked} - {"none"}
    if not sources:
        return "none"
    if len(sources) > 1:
        return "mixed"
    return "logprobs" if "logprobs" in sources else "stated"


def _checked_url(url: object) -> str:
    """The caller's URL, refused with ``InvalidURLError`` unless it is a string."""
    if not isinstance(url, str):
        raise InvalidURLError(f"the URL must be a string, got {type(url).__name__}")
    return url


def _declared(value: object) -> Declared | None:
    """What the merchant declared: a ``Declared``, a mapping of its fields or a description."""
    if value is None or isinstance(value, Declared):
        return value
    if isinstance(value, str):
        return Declared(description=value) if value.strip() else None
    if isinstance(value, Mapping):
        try:
            return Declared.model_validate(dict(value))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'declared'}: {e['msg']}"
                for e in exc.errors()
            )
            raise InputError(f"invalid declared business: {problems}") from None
    raise InputError(
        "declared must be a string, a mapping with name/description or a Declared, "
        f"got {type(value).__name__}"
    )


def _trace_path(value: object) -> Path | None:
    if value is None or isinstance(value, Path):
        return value
    if isinstance(value, str | os.PathLike):
        return Path(value)
    raise ConfigError(f"trace_path must be a path, got {type(value).__name__}")


def _settings(value: object) -> Settings:
    if value is None:
        return Settings.from_env()
    if isinstance(value, Settings):
        return value
    raise ConfigError(f"settings must be a merchant_screen.Settings, got {type(value).__name__}")


class Screener:
    """Shared, process-level dependencies. Use as ``async with Screener(settings) as s``."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        llm: LLMClient | None = None,
        policy: Policy | None = None,
    ) -> None:
        self.settings = _settings(settings)
        self.policy = policy or load_policy(self.settings.policy)
        self.lexicon: Lexicon = compile_lexicon(self.policy)
        self._llm = llm
        self._stack = AsyncExitStack()
        self._fetcher: Fetcher | None = None
        self.calibrator: Calibrator | None = (
            load_calibrator(self.settings.calibration) if self.settings.calibration else None
        )
        self.scorer: Scorer = load_scorer(self.settings.scorer)
        self.prices = load_prices(self.settings.prices)
        self.snapshots = SnapshotStore(self.settings.snapshot_path)

    @property
    def llm(self) -> LLMClient:
        if self._llm is None:
            # The cache key holds every message sent; the salt adds the prompt files and the
            # policy text a prompt can quote, so an edit to either never reuses an answer.
            salt = f"{prompts_version()}|{self.policy.text_hash}"
            self._llm = build_llm(self.settings, salt=salt)
        return self._llm

    async def __aenter__(self) -> Screener:
        check_storage(self.settings)  # an unwritable directory fails now, not after the crawl
        self._fetcher = await self._stack.enter_async_context(open_fetcher(self.settings))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()
        if self._llm is not None:
            await self._llm.aclose()

    def mode(self) -> Mode:
        chosen = self.settings.assess_mode
        if chosen in ("agent", "evidence"):
            return chosen  # type: ignore[return-value]
        return "evidence" if (self.llm.is_local or self.llm.model_id == "fake") else "agent"

    async def screen(
        self,
        url: str,
        *,
        declared: Declared | dict[str, str] | str | None = None,
        trace_path: Path | None = None,
        run_id: str | None = None,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        on_crawl: Callable[[CrawlResult], None] | None = None,
    ) -> Verdict:
        """Screen one merchant. Raises InvalidURLError/BlockedURLError for refused input,
        LLMError when the model is unavailable; an unreachable site is an ``unknown`` verdict.
        ``on_crawl`` receives the final crawl (pages with their extracted text) before the
        verdict is built; the evaluation uses it to measure crawl recall."""
        if self._fetcher is None:
            raise RuntimeError("use 'async with Screener(...)' before screening")
        # Refuse bad or blocked input before anything is reported or started.
        check_url(_checked_url(url))
        declared_business = _declared(declared)
        trace_file = _trace_path(trace_path)
        run_id = run_id or uuid.uuid4().hex
        started = time.monotonic()
        screened_at = datetime.now(UTC).isoformat(timespec="seconds")
        llm = self.llm
        s = self.settings
        trace = Trace(run_id, trace_file, on_event)
        budget = Budget(
            max_llm_calls=s.max_llm_calls, max_tokens=s.max_tokens, max_tool_calls=s.max_tool_calls
        )
        context = RunContext(
            settings=s,
            llm=llm,
            policy=self.policy,
            lexicon=self.lexicon,
            fetcher=self._fetcher,
            trace=trace,
            budget=budget,
            mode=self.mode(),
            protocol=llm.tool_protocol,
            declared=declared_business,
            calibrator=self.calibrator,
            scorer=self.scorer,
        )
        trace.emit(
            "screen",
            "start",
            url=url,
            model=llm.model_id,
            mode=context.mode,
            settings=s.fingerprint(),
        )
        try:
            state: dict[str, Any] = await build_graph().ainvoke(
                ScreenState(url=url), context=context, config={"recursion_limit": 200}
            )
            if on_crawl is not None:
                on_crawl(state["crawl"])
            verdict = self._verdict(state, context, run_id, screened_at, started)
            trace.emit(
                "screen",
                "verdict",
                decision=verdict.decision,
                action=verdict.action,
                confidence=verdict.confidence,
            )
        except Exception as exc:
            trace.emit("screen", "error", error=f"{type(exc).__name__}: {exc}")
            raise
        finally:
            trace.close()
        if trace.write_error:  # the verdict stands; it says its trace is short
            verdict.reasons.append(trace.write_error)
            trace.emit("screen", "warning", message=trace.write_error)
        return verdict

    def _keep_snapshots(
        self, crawl: CrawlResult, cited: set[str]
    ) -> tuple[dict[str, str], list[str]]:
        """Store the cited pages: ``{url: snapshot path}`` and a problem per page that could
        not be stored (reported on the verdict, never fatal: the verdict is not lost)."""
        kept: dict[str, str] = {}
        problems: list[str] = []
        for page in crawl.pages:
            if page.url not in cited or not page.body or page.url in kept:
                continue
            try:
                _, path = self.snapshots.put(page.body)
            except OSError as exc:
                problems.append(
                    f"snapshot of cited page {page.url} not saved in "
                    f"{self.snapshots.directory}: {os_reason(exc)}"
                )
                continue
            kept[page.url] = str(path)
        return kept, problems

    def _verdict(
        self, state: dict[str, Any], ctx: RunContext, run_id: str, screened_at: str, started: float
    ) -> Verdict:
        crawl: CrawlResult = state["crawl"]
        findings = state.get("findings") or []
        cited = {e.url for f in findings for e in f.evidence}
        snapshots, unsaved = self._keep_snapshots(crawl, cited)
        for problem in unsaved:
            ctx.trace.emit("screen", "warning", message=problem)
        pages = []
        for page in crawl.pages:
            pages.append(
                CrawlPageRecord(
                    url=page.url,
                    status=page.status,
                    state=page.state,
                    bytes=page.bytes,
                    fetched_at=page.fetched_at,
                    sha256=page.sha256,
                    title=page.title,
                    kind=page.kind,
                    snapshot=snapshots.get(page.url),
                )
            )
        b = ctx.budget
        cost = cost_usd(
            self.prices,
            ctx.llm.model_id,
            local=ctx.llm.is_local,
            input_tokens=b.input_tokens,
            cached_tokens=b.cached_tokens,
            output_tokens=b.output_tokens,
        )
        home = crawl.ok_pages()[0].page if crawl.ok_pages() else None
        reasons = list(state.get("reasons") or []) + ctx.notes + unsaved
        if cost is None:
            reasons.append(f"no price known for model '{ctx.llm.model_id}'; cost_usd is 0")
        return Verdict(
            url=crawl.url,
            domain=crawl.domain,
            decision=state["decision"],
            action=state["action"],
            confidence=state["confidence"],
            raw_confidence=state.get("raw_confidence"),
            findings=findings,
            rejected_evidence=state.get("rejected") or [],
            scores=state.get("scores") or [],
            signals=state["signals"],
            business=Business(
                summary=state.get("summary") or "",
                declared=ctx.declared,
                platform=home.platform if home else None,
                languages=crawl.coverage.languages,
            ),
            crawl=CrawlSummary(
                pages=pages,
                fetched=crawl.fetched,
                skipped=crawl.skipped,
                blocked=crawl.blocked,
                coverage=crawl.coverage.model_dump(mode="json"),
                outbound_domains=crawl.outbound_domains,
                language=crawl.language,
                robots=crawl.robots,
                budget_exhausted=crawl.budget_exhausted,
                error=crawl.homepage_error,
                error_transient=crawl.homepage_error_transient,
            ),
            usage=Usage(
                llm_calls=b.llm_calls,
                input_tokens=b.input_tokens,
                output_tokens=b.output_tokens,
                cached_tokens=b.cached_tokens,
                cached_calls=b.cached_calls,
                tool_calls=b.tool_calls,
                cost_usd=cost or 0.0,
                llm_seconds=round(b.llm_seconds, 3),
            ),
            versions=Versions(
                package=package_version(),
                policy=self.policy.version_hash,
                prompts=prompts_version(),
                model=ctx.llm.model_id,
                calibration=self.calibrator.version if self.calibrator else "none",
                scorer=self.scorer.version if ctx.mode == "evidence" else "none",
                injection=bundled_detector().version,
                answer_probability=answer_probability(state.get("asked") or []),
                settings=self.settings.fingerprint(),
            ),
            reasons=reasons,
            run_id=run_id,
            screened_at=screened_at,
            timings=Timings(
                total_s=round(time.monotonic() - started, 3),
                crawl_s=crawl.crawl_s,
                llm_s=round(b.llm_seconds, 3),
            ),
        )


async def screen_async(
    url: str,
    *,
    settings: Settings | None = None,
    declared: Declared | dict[str, str] | str | None = None,
    screener: Screener | None = None,
    trace_path: Path | None = None,
) -> Verdict:
    """Screen one merchant URL and return its Verdict. Bad arguments raise ``InputError``
    (the URL, ``declared``) or ``ConfigError`` (``settings``, ``trace_path``) before any work."""
    check_url(_checked_url(url))
    _declared(declared)
    _trace_path(trace_path)
    if screener is not None:
        return await screener.screen(url, declared=declared, trace_path=trace_path)
    async with Screener(_settings(settings)) as own:
        return await own.screen(url, declared=declared, trace_path=trace_path)


def screen(
    url: str,
    *,
    settings: Settings | None = None,
    declared: Declared | dict[str, str] | str | None = None,
    trace_path: Path | None = None,
) -> Verdict:
    """Blocking form of ``screen_async``, for code with no event loop of its own.

    Inside a running event loop (an async web handler, a notebook cell run by an event loop)
    it would block that loop for the whole screen, so it refuses with a ``RuntimeError`` that
    points to ``await screen_async(...)``.
    """
    coro_args: dict[str, Any] = {
        "settings": settings,
        "declared": declared,
        "trace_path": trace_path,
    }
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(screen_async(url, **coro_args))
    raise RuntimeError(
        "merchant_screen.screen() was called inside a running event loop and would block it; "
        "use `await merchant_screen.screen_async(...)` there"
    )
