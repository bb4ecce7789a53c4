"""Putting in-flight work back on the queue: after a graceful stop, after a worker died,
and for jobs whose attempt workflow ended without writing a result.

All of it goes through ``DBOSClient`` (public API): ``resume_workflow(id, queue_name=...)``
turns a PENDING workflow back into an ENQUEUED one on the job queue, with its partition
key, so per-domain politeness and per-worker concurrency still apply; DBOS skips the steps
it already recorded and DBOS's dequeue admits exactly one runner.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import sqlalchemy as sa
from dbos import DBOSClient

from merchant_screen.queue import ledger
from merchant_screen.queue.engine import APP_VERSION, QUEUE_NAME
from merchant_screen.queue.heartbeat import (
    Liveness,
    finish_takeover,
    stale_workers,
    try_takeover,
)
from merchant_screen.queue.records import ResultRecord

__all__ = ["ENDED_STATUSES", "reconcile_ended", "release_pending", "take_over_dead"]

log = logging.getLogger(__name__)
ENDED_STATUSES = ["ERROR", "CANCELLED", "MAX_RECOVERY_ATTEMPTS_EXCEEDED"]
_CHUNK = 500


def release_pending(
    engine: sa.Engine, client: DBOSClient, executor_id: str, clock: Callable[[], float] = time.time
) -> int:
    """Re-enqueue every workflow the executor still holds; returns how many."""
    pending = client.list_workflows(
        executor_id=executor_id,
        status="PENDING",
        app_version=APP_VERSION,
        queue_name=QUEUE_NAME,
        load_input=False,
        load_output=False,
    )
    ids = [wf.workflow_id for wf in pending]
    for start in range(0, len(ids), _CHUNK):
        client.resume_workflows(ids[start : start + _CHUNK], queue_name=QUEUE_NAME)
    ledger.release_jobs(engine, executor_id, clock())
    return len(ids)


def take_over_dead(
    engine: sa.Engine,
    client: DBOSClient,
    me: str,
    liveness: Liveness,
    clock: Callable[[], float] = time.time,
) -> list[str]:
    """Take over every worker whose heartbeat is older than ``dead_after``; returns the
    executor ids this worker took over (each is taken by exactly one worker)."""
    taken = []
    for dead in stale_workers(engine, me, liveness.dead_after):
        if not try_takeover(engine, dead, me, liveness.dead_after):
            continue
        count = release_pending(engine, client, dead, clock)
        finish_takeover(engine, dead, me)
        log.warning("worker %s stopped beating; %s resumed %d of its jobs", dead, me, count)
        taken.append(dead)
    return taken


def reconcile_ended(
    engine: sa.Engine, client: DBOSClient, clock: Callable[[], float] = time.time
) -> int:
    """Write a "dead" result for jobs whose current attempt workflow ended without one
    (DBOS dead-lettered it after repeated crashes, it errored, or it was cancelled)."""
    written = 0
    unfinished = [row for row in ledger.unfinished_jobs(engine) if row["workflow_id"]]
    for start in range(0, len(unfinished), _CHUNK):
        chunk = unfinished[start : start + _CHUNK]
        ended = {
            wf.workflow_id: wf
            for wf in client.list_workflows(
                workflow_ids=[row["workflow_id"] for row in chunk],
                status=ENDED_STATUSES,
                load_input=False,
                load_output=True,
            )
        }
        for row in chunk:
            wf = ended.get(row["workflow_id"])
            if wf is None:
                continue
            reason = f"attempt ended as {wf.status}" + (f": {wf.error}" if wf.error else "")
            record = ResultRecord(
                batch=row["batch"],
                merchant_id=row["merchant_id"],
                generation=int(row["generation"]),
                url=row["url"],
                status="dead",
                attempts=max(int(row["attempts"]), 1),
                finished_at=clock(),
                error=" ".join(reason.split())[:500],
            )
            written += int(ledger.write_result(engine, record))
    return written
