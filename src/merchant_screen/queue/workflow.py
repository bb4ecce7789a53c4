"""The DBOS workflow that runs one attempt at one job.

A job is a chain of attempt workflows (``ms-<key>-g<generation>-a<n>``). Each runs one
durable step, ``run_attempt``: mark the job running, screen the merchant, classify the
outcome and, when the job ends here, write its result row (idempotently). On a transient
failure with attempts left the workflow enqueues the next attempt with a delay, so a
waiting job holds no worker slot and no domain slot. If the process dies inside the step,
DBOS runs the step again on recovery; if it dies after the step, the recorded outcome is
replayed and only the enqueue is repeated (it is idempotent: same workflow id).

Every write an attempt makes is fenced by the worker's slot (``heartbeat.Slot``): when the
worker has lost its slot (another worker took over its jobs after it stalled), the write is
refused, the worker is told (``on_slot_lost``) and the attempt is cancelled, so neither
our tables nor DBOS record anything; the attempt belongs to whoever holds it now.

DBOS registers workflows by name at import time, so the step reaches the worker's
process-level dependencies through ``bind``; nothing else in the package does this.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from dbos import DBOS

from merchant_screen.queue import ledger
from merchant_screen.queue.engine import MAX_RECOVERY_ATTEMPTS, WORKFLOW_NAME, enqueue_options
from merchant_screen.queue.heartbeat import Slot, SlotLost
from merchant_screen.queue.outcome import (
    Outcome,
    RetryPolicy,
    classify_error,
    classify_verdict,
    final_status,
)
from merchant_screen.queue.records import JobArgs, ResultRecord, trace_file
from merchant_screen.queue.store import retry_db
from merchant_screen.verdict import Declared, Verdict

__all__ = ["AttemptContext", "ScreenFn", "bind", "execute_attempt", "screen_attempt", "unbind"]

T = TypeVar("T")


class ScreenFn(Protocol):
    """How a worker screens one merchant (``Screener.screen`` fits)."""

    def __call__(
        self, url: str, *, declared: Declared | None, trace_path: Path, run_id: str
    ) -> Awaitable[Verdict]: ...


@dataclass
class AttemptContext:
    """What attempts in this process share."""

    engine: sa.Engine
    screen: ScreenFn
    slot: Slot
    trace_dir: Path
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    job_timeout: float = 600.0
    clock: Callable[[], float] = time.time
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    on_slot_lost: Callable[[], None] = lambda: None

    @property
    def executor_id(self) -> str:
        return self.slot.executor_id


_bound: AttemptContext | None = None


def bind(context: AttemptContext) -> None:
    global _bound
    _bound = context


def unbind() -> None:
    global _bound
    _bound = None


def _context() -> AttemptContext:
    if _bound is None:
        raise RuntimeError("no worker is running in this process")
    return _bound


def _record(
    ctx: AttemptContext,
    job: JobArgs,
    status: str,
    outcome: Outcome,
    timings: dict[str, float],
    run_id: str,
    trace_path: Path,
) -> ResultRecord:
    verdict = outcome.verdict
    return ResultRecord(
        batch=job.batch,
        merchant_id=job.merchant_id,
        generation=job.generation,
        url=job.url,
        status=status,  # type: ignore[arg-type]
        attempts=job.attempt,
        finished_at=ctx.clock(),
        decision=verdict.decision if verdict else None,
        action=verdict.action if verdict else None,
        confidence=verdict.confidence if verdict else None,
        categories=verdict.categories if verdict else [],
        error=outcome.error,
        timings=timings,
        run_id=run_id,
        trace_path=str(trace_path),
        verdict=verdict.model_dump_json() if verdict else None,
        executor_id=ctx.executor_id,
    )


async def _fenced(ctx: AttemptContext, write: Callable[[], T]) -> T:
    """Run a fenced ledger write in a thread; if the worker lost its slot, tell it and
    cancel this attempt (a cancelled attempt records nothing in DBOS either)."""
    try:
        return await asyncio.to_thread(retry_db, write)
    except SlotLost as lost:
        ctx.on_slot_lost()
        raise asyncio.CancelledError(str(lost)) from None


async def execute_attempt(ctx: AttemptContext, job: JobArgs) -> dict[str, Any]:
    """Run one attempt; returns ``{"status": done|failed|dead|retry|skipped, ...}``."""
    started = ctx.clock()
    claimed = await _fenced(ctx, lambda: ledger.start_attempt(ctx.engine, job, ctx.slot, started))
    if not claimed:
        return {"status": "skipped"}
    run_id = uuid.uuid4().hex
    path = trace_file(ctx.trace_dir, job, run_id)
    try:
        async with asyncio.timeout(ctx.job_timeout):
            verdict = await ctx.screen(
                job.url, declared=job.declared, trace_path=path, run_id=run_id
            )
        outcome = classify_verdict(verdict)
    except Exception as exc:  # every failure is recorded, the worker keeps going
        outcome = classify_error(exc)
    finished = ctx.clock()
    status = final_status(outcome, job.attempt, ctx.retry)
    error = outcome.error or ""
    if status == "retry":
        wait = ctx.retry.wait_after(job.attempt)
        await _fenced(ctx, lambda: ledger.defer_attempt(ctx.engine, job, error, finished, ctx.slot))
        return {
            "status": "retry",
            "error": error,
            "wait": wait,
            "next": job.next_attempt(finished + wait).to_json(),
        }
    timings = {
        "queue_s": round(max(started - job.enqueued_at, 0.0), 3),
        "job_s": round(finished - started, 3),
    }
    if outcome.verdict is not None:
        v = outcome.verdict.timings
        timings.update(total_s=v.total_s, crawl_s=v.crawl_s, llm_s=v.llm_s)
    record = _record(ctx, job, status, outcome, timings, run_id, path)
    written = await _fenced(ctx, lambda: ledger.write_result(ctx.engine, record, ctx.slot))
    return {"status": status, "error": outcome.error, "written": written}


@DBOS.step(name="merchant_screen.run_attempt")
async def run_attempt(job: dict[str, Any]) -> dict[str, Any]:
    return await execute_attempt(_context(), JobArgs.from_json(job))


@DBOS.workflow(name=WORKFLOW_NAME, max_recovery_attempts=MAX_RECOVERY_ATTEMPTS)
async def screen_attempt(job: dict[str, Any]) -> dict[str, Any]:
    """One attempt; on "retry" it enqueues the next one (delayed) before returning."""
    ctx = _context()
    task = asyncio.current_task()
    if task is not None:
        ctx.tasks.add(task)
    try:
        outcome = await run_attempt(job)
        if outcome["status"] == "retry":
            following = JobArgs.from_json(outcome["next"])
            options = enqueue_options(following, delay=float(outcome["wait"]))
            await DBOS.enqueue_workflow_with_options_async(options, following.to_json())
        return outcome
    finally:
        if task is not None:
            ctx.tasks.discard(task)
