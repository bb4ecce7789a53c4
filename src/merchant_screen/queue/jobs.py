"""Submitting jobs and re-queueing failed ones: the Python API behind ``batch submit`` and
``batch retry-failed``.

Both write the job rows and enqueue the DBOS workflows in ONE transaction on the queue
database (``DBOSClient.enqueue_in_transaction``): a submit either queues every job of the
file or nothing. Neither launches DBOS, so neither ever runs or recovers a job. Submitting
a merchant_id that the batch already holds adds nothing (it is counted as already there),
so running the same submit twice is harmless.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from merchant_screen.queue.engine import enqueue_options, open_client, prepare_database
from merchant_screen.queue.intake import (
    Duplicate,
    InvalidRow,
    ValidJob,
    check_batch_name,
    plan_jobs,
    read_rows,
)
from merchant_screen.queue.ledger import insert_ignoring_conflicts
from merchant_screen.queue.records import JobArgs, ResultRecord
from merchant_screen.queue.store import (
    connect,
    describe_db,
    jobs,
    resolve_db_url,
    results,
    transaction,
)
from merchant_screen.settings import Settings

__all__ = ["RetrySummary", "SubmitSummary", "retry_failed", "submit", "submit_file"]


@dataclass
class SubmitSummary:
    batch: str
    db: str
    rows: int = 0
    queued: int = 0
    invalid: list[InvalidRow] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    already_submitted: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "rows": self.rows,
            "queued": self.queued,
            "invalid": [
                {"line": r.line, "merchant_id": r.merchant_id, "reason": r.reason}
                for r in self.invalid
            ],
            "duplicates": [
                {"line": d.line, "merchant_id": d.merchant_id, "first_line": d.first_line}
                for d in self.duplicates
            ],
            "already_submitted": self.already_submitted,
        }


@dataclass
class RetrySummary:
    requeued: int = 0
    skipped_invalid: int = 0


def _job_row(batch: str, item: ValidJob | InvalidRow, now: float) -> dict[str, Any]:
    valid = isinstance(item, ValidJob)
    reason = item.reason if isinstance(item, InvalidRow) else None
    return {
        "batch": batch,
        "merchant_id": item.merchant_id,
        "generation": 1,
        "line": item.line,
        "url": item.url,
        "declared_name": item.declared_name if isinstance(item, ValidJob) else None,
        "declared_description": item.declared_description if isinstance(item, ValidJob) else None,
        "domain": item.domain if isinstance(item, ValidJob) else None,
        "status": "queued" if valid else "finished",
        "attempts": 0,
        "last_error": f"invalid input: {reason}" if reason else None,
        "invalid_reason": reason,
        "workflow_id": None,
        "submitted_at": now,
        "enqueued_at": now if valid else None,
    }


def _args(batch: str, job: ValidJob, generation: int, now: float) -> JobArgs:
    return JobArgs(
        batch=batch,
        merchant_id=job.merchant_id,
        url=job.url,
        domain=job.domain,
        generation=generation,
        attempt=1,
        enqueued_at=now,
        declared_name=job.declared_name,
        declared_description=job.declared_description,
    )


def submit(
    rows: Iterable[Mapping[str, Any]] | Iterable[tuple[int, Mapping[str, Any]]],
    *,
    batch: str = "default",
    db: str | None = None,
    settings: Settings | None = None,
) -> SubmitSummary:
    """Queue jobs: ``rows`` are mappings with ``url``, ``merchant_id`` and optionally
    ``declared_name`` / ``declared_description`` (or ``(line, mapping)`` pairs)."""
    numbered = [
        item if isinstance(item, tuple) else (index, item)
        for index, item in enumerate(rows, start=1)
    ]
    plan = plan_jobs(numbered)
    batch = check_batch_name(batch)
    settings = settings or Settings.from_env()
    url = resolve_db_url(settings, db)
    summary = SubmitSummary(batch, describe_db(url), plan.rows, duplicates=plan.duplicates)
    engine = connect(url)
    client = open_client(url)
    try:
        prepare_database(url, engine)
        now = time.time()
        items: list[ValidJob | InvalidRow] = sorted(
            [*plan.valid, *plan.invalid], key=lambda i: i.line
        )
        with transaction(engine) as conn:
            for item in items:
                row = _job_row(batch, item, now)
                if isinstance(item, ValidJob):
                    args = _args(batch, item, 1, now)
                    row["workflow_id"] = args.workflow_id
                inserted = conn.execute(insert_ignoring_conflicts(engine, jobs).values(row))
                if inserted.first() is None:
                    summary.already_submitted += 1
                    continue
                if isinstance(item, ValidJob):
                    client.enqueue_in_transaction(conn, enqueue_options(args), args.to_json())
                    summary.queued += 1
                else:
                    summary.invalid.append(item)
                    record = ResultRecord(
                        batch=batch,
                        merchant_id=item.merchant_id,
                        generation=1,
                        url=item.url,
                        status="failed",
                        attempts=0,
                        finished_at=now,
                        error=f"invalid input: {item.reason}",
                    )
                    conn.execute(sa.insert(results).values(record.row()))
    finally:
        client.destroy()
        engine.dispose()
    return summary


def submit_file(
    path: Path,
    *,
    batch: str | None = None,
    db: str | None = None,
    settings: Settings | None = None,
) -> SubmitSummary:
    """Read a CSV or JSONL batch file (see ``intake``) and queue it; the batch name
    defaults to the file name without its suffix."""
    rows = read_rows(path)
    return submit(rows, batch=batch or path.stem, db=db, settings=settings)


def retry_failed(
    *,
    batch: str | None = None,
    db: str | None = None,
    settings: Settings | None = None,
) -> RetrySummary:
    """Queue failed and dead jobs again (a new generation: their result row is removed
    and rewritten when the new attempts end). Invalid rows cannot be retried."""
    settings = settings or Settings.from_env()
    url = resolve_db_url(settings, db)
    engine = connect(url)
    client = open_client(url)
    summary = RetrySummary()
    try:
        prepare_database(url, engine)
        now = time.time()
        with transaction(engine) as conn:
            query = (
                sa.select(jobs)
                .join(
                    results,
                    sa.and_(
                        results.c.batch == jobs.c.batch, results.c.merchant_id == jobs.c.merchant_id
                    ),
                )
                .where(results.c.status.in_(("failed", "dead")))
            )
            if batch is not None:
                query = query.where(jobs.c.batch == batch)
            for job in conn.execute(query).all():
                if job.invalid_reason is not None:
                    summary.skipped_invalid += 1
                    continue
                valid = ValidJob(
                    job.merchant_id,
                    job.url,
                    job.domain,
                    job.line or 0,
                    job.declared_name or "",
                    job.declared_description or "",
                )
                args = _args(job.batch, valid, int(job.generation) + 1, now)
                key = sa.and_(jobs.c.batch == job.batch, jobs.c.merchant_id == job.merchant_id)
                conn.execute(
                    sa.delete(results).where(
                        results.c.batch == job.batch, results.c.merchant_id == job.merchant_id
                    )
                )
                conn.execute(
                    sa.update(jobs)
                    .where(key)
                    .values(
                        generation=args.generation,
                        status="queued",
                        attempts=0,
                        last_error=None,
                        workflow_id=args.workflow_id,
                        executor_id=None,
                        enqueued_at=now,
                        started_at=None,
                        updated_at=now,
                    )
                )
                client.enqueue_in_transaction(conn, enqueue_options(args), args.to_json())
                summary.requeued += 1
    finally:
        client.destroy()
        engine.dispose()
    return summary
