"""The batch worker: run queued jobs with async concurrency until stopped or drained.

``serve`` (async) and ``run_worker`` (blocking) run one worker in this process:

1. create the tables if needed, claim an executor id, start the heartbeat thread
   (takeover of dead workers, reconciliation), open a ``Screener``;
2. launch DBOS on this event loop (async workflows then run here), register the queue;
3. wait for SIGTERM/SIGINT, the ``stop`` event, or -- with ``drain`` -- for every job in
   the database to have its result;
4. stop taking work, give in-flight jobs ``grace`` seconds to finish, cancel the rest and
   put them back on the queue (release), mark the worker stopped.

A second signal skips the grace period. A worker whose heartbeat keeps failing stops the
same way (reason "unhealthy"): others are about to count it as dead.

Fencing: a worker that lost its slot (it stalled past ``dead_after`` and another worker took
over its jobs; seen by its heartbeat or by a refused job write) stops at once (reason
"fenced"): it cancels its in-flight attempts, which write nothing, hands back only what it
dequeued after the takeover, and exits. It does not re-register under a new id: its DBOS
instance is bound to the lost id (recovery happens at launch), and a process that stalled
that long is better restarted fresh by its supervisor, which then claims a slot anew.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import math
import signal
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from dbos import DBOS, DBOSClient
from sqlalchemy.exc import SQLAlchemyError

from merchant_screen.errors import ConfigError
from merchant_screen.queue import ledger, workflow
from merchant_screen.queue.engine import launch, open_client, prepare_database, register_queue
from merchant_screen.queue.heartbeat import (
    BeatFn,
    Heartbeat,
    Liveness,
    Slot,
    beat,
    claim_executor,
    finish_reclaim,
    mark_state,
    reclaim,
    slot_state,
)
from merchant_screen.queue.outcome import RetryPolicy
from merchant_screen.queue.recovery import reconcile_ended, release_pending, take_over_dead
from merchant_screen.queue.store import connect, resolve_db_url, retry_db
from merchant_screen.settings import Settings
from merchant_screen.verdict import Declared, Verdict

__all__ = ["WorkerOptions", "WorkerReport", "run_worker", "serve"]


@dataclass(frozen=True)
class WorkerOptions:
    """How one worker runs. ``concurrency`` None means ``Settings.worker_concurrency``."""

    concurrency: int | None = None
    drain: bool = False
    poll_interval: float = 0.2
    grace: float = 20.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    job_timeout: float = 600.0
    liveness: Liveness = field(default_factory=Liveness)
    reconcile_every: int = 6
    worker_id: str | None = None
    trace_dir: Path | None = None
    handle_signals: bool = True
    verbose: bool = False

    def __post_init__(self) -> None:
        if self.concurrency is not None and not 1 <= self.concurrency <= 256:
            raise ConfigError("concurrency must be between 1 and 256")
        if self.poll_interval <= 0 or self.grace < 0 or self.job_timeout <= 0:
            raise ConfigError("poll interval and job timeout must be > 0, grace >= 0")
        if self.reconcile_every < 1:
            raise ConfigError("reconcile_every must be >= 1")


@dataclass
class WorkerReport:
    """Why and how the worker stopped."""

    executor_id: str
    reason: str = "stopped"  # drained | signal | stopped | unhealthy | fenced
    released: int = 0
    seconds: float = 0.0


class _Stopper:
    """Collects stop requests from signals, the heartbeat thread and the drain watcher."""

    def __init__(self, loop: asyncio.AbstractEventLoop, external: asyncio.Event | None) -> None:
        self.loop = loop
        self.event = asyncio.Event()
        self.reason = "stopped"
        self.hurry = asyncio.Event()
        self._external = external

    def request(self, reason: str) -> None:
        if not self.event.is_set():
            self.reason = reason
        self.event.set()

    def on_signal(self) -> None:
        if self.event.is_set():
            self.hurry.set()  # a second signal: no more grace
        self.request("signal")

    def from_thread(self, reason: str) -> Callable[[], None]:
        def request() -> None:
            self.loop.call_soon_threadsafe(self.request, reason)

        return request

    async def wait(self, engine: sa.Engine, drain: bool, poll: float) -> None:
        waiters = [asyncio.ensure_future(self.event.wait())]
        if self._external is not None:
            waiters.append(asyncio.ensure_future(self._external.wait()))
        try:
            while True:
                done, _ = await asyncio.wait(
                    waiters, timeout=poll if drain else None, return_when=asyncio.FIRST_COMPLETED
                )
                if done:
                    if self._external is not None and self._external.is_set():
                        self.request("stopped")
                    return
                remaining = await asyncio.to_thread(
                    retry_db, lambda: ledger.unfinished_count(engine)
                )
                if remaining == 0:
                    self.request("drained")
                    return
        finally:
            for waiter in waiters:
                waiter.cancel()


async def _cancel(tasks: set[asyncio.Task[Any]]) -> None:
    pending = list(tasks)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


async def _stop_dbos(ctx: workflow.AttemptContext, grace: float, stopper: _Stopper) -> None:
    """Stop dequeuing, let in-flight attempts run for up to ``grace`` seconds (a second
    signal cuts it short), cancel the rest, then tear DBOS down. Cancelled attempts stay
    PENDING under this executor; ``release_pending`` puts them back on the queue."""
    logging.getLogger("dbos").setLevel(logging.ERROR)  # not a warning per cancelled attempt
    if grace <= 0 or not ctx.tasks:
        # DBOS's own wait polls once a second: skip it when there is nothing to wait for.
        await _cancel(ctx.tasks)
        await asyncio.to_thread(DBOS.destroy, workflow_completion_timeout_sec=0)
    else:
        destroyer = asyncio.ensure_future(
            asyncio.to_thread(DBOS.destroy, workflow_completion_timeout_sec=math.ceil(grace) + 2)
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while ctx.tasks and not stopper.hurry.is_set() and loop.time() < deadline:
            hurry = asyncio.ensure_future(stopper.hurry.wait())
            await asyncio.wait(
                [*ctx.tasks, hurry],
                timeout=deadline - loop.time(),
                return_when=asyncio.FIRST_COMPLETED,
            )
            hurry.cancel()
        await _cancel(ctx.tasks)
        await destroyer
    # DBOS routed this loop's to_thread through its executor, which destroy shut down.
    asyncio.get_running_loop().set_default_executor(concurrent.futures.ThreadPoolExecutor())


def hand_back(engine: sa.Engine, client: DBOSClient, slot: Slot, liveness: Liveness) -> int:
    """After DBOS has stopped in this process: put the attempts this executor still holds
    back on the queue, under the slot (``reclaim``), so no takeover runs at the same time.
    A fenced worker first waits (bounded) for the takeover in progress to finish; if
    someone else holds the slot, it hands back nothing. Returns how many it put back."""
    deadline = time.monotonic() + liveness.dead_after
    while slot_state(engine, slot.executor_id) == "taking" and time.monotonic() < deadline:
        time.sleep(liveness.interval)
    held = retry_db(lambda: reclaim(engine, slot))
    if held is None:
        logging.getLogger(__name__).warning(
            "worker %s: its slot is held by another worker; nothing handed back", slot.executor_id
        )
        return 0
    count = release_pending(engine, client, slot.executor_id)
    # Only once released: a worker dying before this leaves "taking", which is taken over.
    retry_db(lambda: finish_reclaim(engine, held))
    return count


def _tick(
    engine: sa.Engine, client: DBOSClient, me: str, options: WorkerOptions
) -> Callable[[], None]:
    count = 0

    def tick() -> None:
        nonlocal count
        take_over_dead(engine, client, me, options.liveness)
        count += 1
        if count % options.reconcile_every == 0:
            reconcile_ended(engine, client)

    return tick


def _install_signals(loop: asyncio.AbstractEventLoop, stopper: _Stopper) -> list[int]:
    installed: list[int] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stopper.on_signal)
            installed.append(sig)
    return installed


async def _open_screener(stack: AsyncExitStack, settings: Settings) -> workflow.ScreenFn:
    from merchant_screen.api import Screener

    screener = await stack.enter_async_context(Screener(settings))
    await asyncio.to_thread(lambda: screener.llm)  # a misconfigured model fails here, once

    async def screen(
        url: str, *, declared: Declared | None, trace_path: Path, run_id: str
    ) -> Verdict:
        return await screener.screen(url, declared=declared, trace_path=trace_path, run_id=run_id)

    return screen


async def _run(
    ctx: workflow.AttemptContext,
    url: str,
    concurrency: int,
    options: WorkerOptions,
    stopper: _Stopper,
    client: DBOSClient,
    heartbeat: Heartbeat,
) -> WorkerReport:
    """Launch DBOS, wait for the stop condition, stop; DBOS is always torn down and what
    it still held is handed back."""
    report = WorkerReport(ctx.executor_id)
    workflow.bind(ctx)
    launched = False
    try:
        launch(url, ctx.executor_id, verbose=options.verbose)
        launched = True
        await register_queue(concurrency, options.poll_interval)
        await stopper.wait(ctx.engine, options.drain, options.poll_interval)
        report.reason = stopper.reason
        fenced = stopper.reason == "fenced"
        with contextlib.suppress(Exception):  # an unhealthy worker may not reach the database
            await asyncio.to_thread(mark_state, ctx.engine, ctx.slot, "stopping")
        launched = False
        await _stop_dbos(ctx, 0.0 if fenced else options.grace, stopper)
        await asyncio.to_thread(heartbeat.stop)
        try:
            report.released = await asyncio.to_thread(
                hand_back, ctx.engine, client, ctx.slot, options.liveness
            )
        except SQLAlchemyError as exc:  # the database is away: a takeover will hand them back
            logging.getLogger(__name__).error(
                "worker %s could not hand back its jobs: %s", ctx.executor_id, exc
            )
        return report
    finally:
        if launched:  # an error after launch: stop DBOS here, hand back what it held
            await _stop_dbos(ctx, 0.0, stopper)
            await asyncio.to_thread(heartbeat.stop)
            with contextlib.suppress(Exception):
                await asyncio.to_thread(hand_back, ctx.engine, client, ctx.slot, options.liveness)
        workflow.unbind()


async def serve(
    settings: Settings | None = None,
    *,
    db: str | None = None,
    options: WorkerOptions | None = None,
    screen: workflow.ScreenFn | None = None,
    stop: asyncio.Event | None = None,
    beat_fn: BeatFn = beat,
) -> WorkerReport:
    """Run a worker on this event loop until it is stopped or (``drain``) nothing is left.
    ``screen`` and ``beat_fn`` replace the real screen and heartbeat (tests, fault injection)."""
    settings = settings or Settings.from_env()
    options = options or WorkerOptions()
    started = time.monotonic()
    url = resolve_db_url(settings, db)
    concurrency = options.concurrency or settings.worker_concurrency
    loop = asyncio.get_running_loop()
    stopper = _Stopper(loop, stop)
    engine = connect(url)
    client = open_client(url)
    heartbeat: Heartbeat | None = None
    installed: list[int] = []
    slot: Slot | None = None
    try:
        await asyncio.to_thread(prepare_database, url, engine)
        slot = await asyncio.to_thread(
            claim_executor,
            engine,
            concurrency=concurrency,
            liveness=options.liveness,
            explicit=options.worker_id,
        )
        heartbeat = Heartbeat(
            engine,
            slot,
            options.liveness,
            on_tick=_tick(engine, client, slot.executor_id, options),
            on_fenced=stopper.from_thread("fenced"),
            on_unhealthy=stopper.from_thread("unhealthy"),
            beat_fn=beat_fn,
        )
        heartbeat.start()
        if options.handle_signals:
            installed = _install_signals(loop, stopper)
        async with AsyncExitStack() as stack:
            ctx = workflow.AttemptContext(
                engine=engine,
                screen=screen or await _open_screener(stack, settings),
                slot=slot,
                trace_dir=options.trace_dir or settings.data_dir / "traces",
                retry=options.retry,
                job_timeout=options.job_timeout,
                on_slot_lost=stopper.from_thread("fenced"),
            )
            report = await _run(ctx, url, concurrency, options, stopper, client, heartbeat)
        report.seconds = round(time.monotonic() - started, 3)
        return report
    except BaseException:
        if heartbeat is not None:
            heartbeat.stop()
        if slot is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(mark_state, engine, slot, "stopped")
        raise
    finally:
        if heartbeat is not None:
            heartbeat.stop()
        for sig in installed:
            loop.remove_signal_handler(sig)
        client.destroy()
        engine.dispose()


def run_worker(
    settings: Settings | None = None,
    *,
    db: str | None = None,
    options: WorkerOptions | None = None,
    screen: workflow.ScreenFn | None = None,
    beat_fn: BeatFn = beat,
) -> WorkerReport:
    """Blocking form of ``serve`` (its own event loop); the worker as a callable."""
    return asyncio.run(serve(settings, db=db, options=options, screen=screen, beat_fn=beat_fn))
