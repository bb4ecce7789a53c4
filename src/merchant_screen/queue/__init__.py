"""Batch queue on DBOS: durable, concurrent, one result per job; SQLite or Postgres.

Python API::

    from merchant_screen.queue import submit, run_worker, read_results
    submit([{"url": "https://shop.example", "merchant_id": "m-1"}], batch="june", db=url)
    run_worker(settings, db=url, options=WorkerOptions(drain=True))
    rows = read_results(batch="june", db=url)

Names are imported on first use, so ``import merchant_screen.queue.cli`` stays cheap (DBOS
itself is imported only by the commands that need it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from merchant_screen.queue.heartbeat import Liveness
    from merchant_screen.queue.jobs import (
        RetrySummary,
        SubmitSummary,
        retry_failed,
        submit,
        submit_file,
    )
    from merchant_screen.queue.outcome import RetryPolicy
    from merchant_screen.queue.report import Snapshot, read_results, read_status
    from merchant_screen.queue.worker import WorkerOptions, WorkerReport, run_worker, serve

__all__ = [
    "Liveness",
    "RetryPolicy",
    "RetrySummary",
    "Snapshot",
    "SubmitSummary",
    "WorkerOptions",
    "WorkerReport",
    "read_results",
    "read_status",
    "retry_failed",
    "run_worker",
    "serve",
    "submit",
    "submit_file",
]

_HOME = {
    "Liveness": "heartbeat",
    "RetryPolicy": "outcome",
    "RetrySummary": "jobs",
    "Snapshot": "report",
    "SubmitSummary": "jobs",
    "WorkerOptions": "worker",
    "WorkerReport": "worker",
    "read_results": "report",
    "read_status": "report",
    "retry_failed": "jobs",
    "run_worker": "worker",
    "serve": "worker",
    "submit": "jobs",
    "submit_file": "jobs",
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
