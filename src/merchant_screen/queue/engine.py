"""DBOS setup: names, the pinned application version, configuration, client and queue.

Traps handled here (see the project's FACTS notes on DBOS 3.4):

- ``APP_VERSION`` is pinned. By default DBOS hashes the workflow code, so any code change
  would strand queued and in-flight jobs. Change it only when the workflow's steps change
  in a way that cannot replay old runs.
- Every process has its own executor id (``heartbeat.claim_executor``); never "local".
- Workflow arguments and results are JSON (``DBOSPortableJSONSerializer``), never pickle.
- The queue is registered after launch. It is partitioned by registrable domain with one
  job per domain at a time across all workers (politeness); every enqueue sets the key.
- Processes that only submit or report use ``DBOSClient``: they never launch DBOS, so they
  never dequeue or recover anything.
- Postgres pools are kept small (DBOS opens one pool per process).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import sqlalchemy as sa
from dbos import DBOS, DBOSClient, DBOSConfig, DBOSPortableJSONSerializer, EnqueueOptions
from sqlalchemy.exc import SQLAlchemyError

from merchant_screen.queue.records import JobArgs
from merchant_screen.queue.store import create_tables, db_error, is_sqlite, retry_db

__all__ = [
    "APP_NAME",
    "APP_VERSION",
    "QUEUE_NAME",
    "WORKFLOW_NAME",
    "enqueue_options",
    "launch",
    "migrate_dbos",
    "open_client",
    "prepare_database",
    "register_queue",
    "worker_config",
]

APP_NAME = "merchant-screen"
APP_VERSION = "merchant-screen-queue-1"
QUEUE_NAME = "merchant-screen-jobs"
WORKFLOW_NAME = "merchant_screen.screen_attempt"
MAX_RECOVERY_ATTEMPTS = 5  # a job that crashes its worker this often is dead-lettered
DBOS_POOL_SIZE = 8


def _quiet_dbos(verbose: bool) -> None:
    logging.getLogger("dbos").setLevel(logging.INFO if verbose else logging.WARNING)


def migrate_dbos(url: str) -> None:
    """Create or upgrade DBOS's system tables (idempotent, concurrency-safe)."""
    logging.getLogger("dbos").setLevel(logging.ERROR)
    try:
        DBOS.migrate(url)
    except (SQLAlchemyError, OSError) as exc:
        raise db_error("open", url, exc) from None


def prepare_database(url: str, engine: sa.Engine) -> None:
    """DBOS's system tables and the queue tables, created if missing."""
    migrate_dbos(url)
    try:
        retry_db(lambda: create_tables(engine))
    except SQLAlchemyError as exc:
        raise db_error("open", url, exc) from None


def open_client(url: str) -> DBOSClient:
    """A client that enqueues and inspects workflows without running any."""
    return DBOSClient(
        system_database_url=url,
        serializer=DBOSPortableJSONSerializer(),
        application_name=APP_NAME,
        system_database_pool_size=2,
        lazy=True,
    )


def enqueue_options(job: JobArgs, *, delay: float = 0.0) -> EnqueueOptions:
    options: EnqueueOptions = {
        "workflow_name": WORKFLOW_NAME,
        "queue_name": QUEUE_NAME,
        "workflow_id": job.workflow_id,
        "app_version": APP_VERSION,
        "queue_partition_key": job.domain,
        "application_name": APP_NAME,
    }
    if delay > 0:
        options["delay_seconds"] = delay
    return options


def worker_config(url: str, executor_id: str, *, verbose: bool = False) -> DBOSConfig:
    config: DBOSConfig = {
        "name": APP_NAME,
        "system_database_url": url,
        "executor_id": executor_id,
        "application_version": APP_VERSION,
        "serializer": DBOSPortableJSONSerializer(),
        "log_level": "INFO" if verbose else "WARNING",
        "run_migrations": True,
    }
    if not is_sqlite(url):
        config["sys_db_pool_size"] = DBOS_POOL_SIZE
    return config


def launch(url: str, executor_id: str, *, verbose: bool = False) -> None:
    """Start DBOS in this process, listening to the job queue only. Call it from the
    thread running the event loop: DBOS then runs async workflows on that loop."""
    _quiet_dbos(verbose)
    DBOS(config=worker_config(url, executor_id, verbose=verbose))
    DBOS.listen_queues([QUEUE_NAME])
    started = time.monotonic()
    DBOS.launch()
    logging.getLogger(__name__).debug("DBOS launched in %.2fs", time.monotonic() - started)


async def register_queue(concurrency: int, poll_interval: float) -> Any:
    """Create or update the job queue. Its settings live in the database, so the latest
    worker's ``concurrency`` (per worker) and ``poll_interval`` apply to every worker."""
    return await DBOS.register_queue_async(
        QUEUE_NAME,
        worker_concurrency=concurrency,
        partition_concurrency=1,
        polling_interval_sec=poll_interval,
        on_conflict="always_update",
    )
