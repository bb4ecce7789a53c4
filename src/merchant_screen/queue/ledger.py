"""Reads and writes of the job and result tables; each function is one short transaction.

The rule that gives "exactly one result per job" under at-least-once execution:
``write_result`` locks the job row, checks that the attempt's generation is still the
job's (retry-failed starts a new one), and inserts keyed by (batch, merchant_id) with
``ON CONFLICT DO NOTHING``, so a repeated or stale attempt never adds a second row.

Writes made by an attempt are fenced: they take the worker's ``Slot`` and, in the same
transaction, check (and lock) that the worker still holds it (``heartbeat.hold_slot``); a
worker whose slot was taken over gets ``SlotLost`` and nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from merchant_screen.queue.heartbeat import Slot, hold_slot
from merchant_screen.queue.records import JobArgs, ResultRecord
from merchant_screen.queue.store import jobs, results, transaction

__all__ = [
    "STATUSES",
    "count_statuses",
    "defer_attempt",
    "release_jobs",
    "result_rows",
    "start_attempt",
    "unfinished_count",
    "unfinished_jobs",
    "write_result",
]

STATUSES = ("queued", "running", "done", "failed", "dead")


def _key(batch: str, merchant_id: str) -> sa.ColumnElement[bool]:
    return sa.and_(jobs.c.batch == batch, jobs.c.merchant_id == merchant_id)


def insert_ignoring_conflicts(engine: sa.Engine, table: sa.Table) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING 1`` in the engine's dialect: a row
    comes back only when the insert happened (``rowcount`` is not reliable for inserts)."""
    dialect = sqlite if engine.dialect.name == "sqlite" else postgresql
    return dialect.insert(table).on_conflict_do_nothing().returning(sa.literal(1))


def start_attempt(engine: sa.Engine, job: JobArgs, slot: Slot, now: float) -> bool:
    """Mark the job running under this attempt; False when the job already has its result
    or belongs to a newer generation (then the attempt must not run). Raises ``SlotLost``
    when the worker no longer holds ``slot``."""
    with transaction(engine) as conn:
        hold_slot(conn, slot)
        updated = conn.execute(
            sa.update(jobs)
            .where(
                _key(job.batch, job.merchant_id),
                jobs.c.generation == job.generation,
                jobs.c.status != "finished",
            )
            .values(
                status="running",
                attempts=job.attempt,
                workflow_id=job.workflow_id,
                executor_id=slot.executor_id,
                started_at=sa.func.coalesce(jobs.c.started_at, now),
                updated_at=now,
            )
        )
        return updated.rowcount == 1


def defer_attempt(engine: sa.Engine, job: JobArgs, error: str, now: float, slot: Slot) -> None:
    """A transient failure with attempts left: the job waits for its next attempt.
    Raises ``SlotLost`` when the worker no longer holds ``slot``."""
    with transaction(engine) as conn:
        hold_slot(conn, slot)
        conn.execute(
            sa.update(jobs)
            .where(_key(job.batch, job.merchant_id), jobs.c.generation == job.generation)
            .where(jobs.c.status != "finished")
            .values(status="queued", last_error=error, updated_at=now)
        )


def write_result(engine: sa.Engine, record: ResultRecord, slot: Slot | None = None) -> bool:
    """Record the job's result once; True if this call wrote it. An attempt passes its
    worker's ``slot`` (``SlotLost`` if no longer held); the reconciler, which writes for
    attempts that ended without a result, passes none."""
    with transaction(engine) as conn:
        if slot is not None:
            hold_slot(conn, slot)
        query = sa.select(jobs.c.generation).where(_key(record.batch, record.merchant_id))
        if engine.dialect.name != "sqlite":
            query = query.with_for_update()
        generation = conn.execute(query).scalar_one_or_none()
        if generation != record.generation:
            return False
        statement = insert_ignoring_conflicts(engine, results).values(record.row())
        wrote = conn.execute(statement).first() is not None
        conn.execute(
            sa.update(jobs)
            .where(_key(record.batch, record.merchant_id))
            .values(
                status="finished",
                attempts=record.attempts,
                last_error=record.error,
                updated_at=record.finished_at,
            )
        )
        return wrote


def release_jobs(engine: sa.Engine, executor_id: str, now: float) -> int:
    """Jobs an executor was running go back to "queued" (it stopped or was taken over)."""
    with transaction(engine) as conn:
        done = conn.execute(
            sa.update(jobs)
            .where(jobs.c.executor_id == executor_id, jobs.c.status == "running")
            .values(status="queued", updated_at=now)
        )
        return done.rowcount


def unfinished_count(engine: sa.Engine) -> int:
    """Jobs without a result, in every batch."""
    with transaction(engine, readonly=True) as conn:
        query = sa.select(sa.func.count()).select_from(jobs).where(jobs.c.status != "finished")
        return int(conn.execute(query).scalar_one())


def unfinished_jobs(engine: sa.Engine, limit: int = 1000) -> list[dict[str, Any]]:
    """Key, generation, attempt count, URL and current workflow id of jobs without a result."""
    with transaction(engine, readonly=True) as conn:
        query = (
            sa.select(
                jobs.c.batch,
                jobs.c.merchant_id,
                jobs.c.generation,
                jobs.c.attempts,
                jobs.c.url,
                jobs.c.workflow_id,
            )
            .where(jobs.c.status != "finished")
            .limit(limit)
        )
        return [dict(row._mapping) for row in conn.execute(query)]


def _batch_filter(column: sa.Column[Any], batch: str | None) -> list[sa.ColumnElement[bool]]:
    return [] if batch is None else [column == batch]


def count_statuses(engine: sa.Engine, batch: str | None = None) -> dict[str, dict[str, int]]:
    """``{batch: {status: n}}`` for every status in ``STATUSES`` (zeros included)."""
    counts: dict[str, dict[str, int]] = {}

    def add(rows: Iterable[Sequence[Any]]) -> None:
        for name, status, n in rows:
            counts.setdefault(name, dict.fromkeys(STATUSES, 0))[status] = int(n)

    with transaction(engine, readonly=True) as conn:
        add(
            conn.execute(
                sa.select(jobs.c.batch, jobs.c.status, sa.func.count())
                .where(jobs.c.status.in_(("queued", "running")))
                .where(*_batch_filter(jobs.c.batch, batch))
                .group_by(jobs.c.batch, jobs.c.status)
            ).all()
        )
        add(
            conn.execute(
                sa.select(results.c.batch, results.c.status, sa.func.count())
                .where(*_batch_filter(results.c.batch, batch))
                .group_by(results.c.batch, results.c.status)
            ).all()
        )
    return counts


def result_rows(
    engine: sa.Engine, batch: str | None = None, *, verdicts: bool = False
) -> list[dict[str, Any]]:
    """Every result row, oldest batch first, in submission order within a batch; the
    verdict (parsed) only when asked for."""
    columns = [c for c in results.c if verdicts or c.name != "verdict"]
    query = (
        sa.select(*columns, jobs.c.line, jobs.c.submitted_at)
        .join(
            jobs,
            sa.and_(jobs.c.batch == results.c.batch, jobs.c.merchant_id == results.c.merchant_id),
        )
        .where(*_batch_filter(results.c.batch, batch))
        .order_by(jobs.c.submitted_at, results.c.batch, jobs.c.line, results.c.merchant_id)
    )
    with transaction(engine, readonly=True) as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
    for row in rows:
        row["categories"] = json.loads(row["categories"])
        row["timings"] = json.loads(row["timings"])
        if verdicts:
            row["verdict"] = json.loads(row["verdict"]) if row["verdict"] else None
    return rows
