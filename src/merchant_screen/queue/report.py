"""Reading progress and results: ``batch status`` and ``batch results``, and their Python API.

These only read the queue tables (never DBOS, never a migration): a missing database or
one that never received a batch reads as empty.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from merchant_screen.queue import ledger
from merchant_screen.queue.heartbeat import list_workers
from merchant_screen.queue.store import (
    connect,
    db_error,
    describe_db,
    is_sqlite,
    jobs,
    resolve_db_url,
    sqlite_path,
)
from merchant_screen.settings import Settings

__all__ = [
    "RESULT_COLUMNS",
    "Snapshot",
    "csv_cell",
    "csv_text",
    "jsonl_lines",
    "read_results",
    "read_status",
    "status_lines",
]

RESULT_COLUMNS = (
    "batch",
    "merchant_id",
    "url",
    "status",
    "decision",
    "action",
    "confidence",
    "categories",
    "error",
    "attempts",
    "timings",
    "run_id",
    "trace_path",
)
TIMING_KEYS = ("total_s", "crawl_s", "llm_s", "queue_s", "job_s")


@dataclass
class Snapshot:
    """Counts per status (all batches and per batch) and the workers not stopped."""

    db: str
    exists: bool
    batches: dict[str, dict[str, int]] = field(default_factory=dict)
    workers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        total = dict.fromkeys(ledger.STATUSES, 0)
        for counts in self.batches.values():
            for status, n in counts.items():
                total[status] += n
        return total

    def as_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "batches": self.batches, "workers": self.workers}


@contextmanager
def _open(settings: Settings | None, db: str | None) -> Iterator[tuple[str, sa.Engine | None]]:
    """The URL and an engine, or None when no batch was ever submitted there."""
    url = resolve_db_url(settings or Settings.from_env(), db)
    if is_sqlite(url) and not sqlite_path(url).exists():
        yield url, None
        return
    engine = connect(url, pool_size=1)
    try:
        yield url, (engine if sa.inspect(engine).has_table(jobs.name) else None)
    except SQLAlchemyError as exc:
        raise db_error("read", url, exc) from None
    finally:
        engine.dispose()


def read_status(
    *, batch: str | None = None, db: str | None = None, settings: Settings | None = None
) -> Snapshot:
    with _open(settings, db) as (url, engine):
        if engine is None:
            return Snapshot(describe_db(url), exists=False)
        return Snapshot(
            describe_db(url), True, ledger.count_statuses(engine, batch), list_workers(engine)
        )


def read_results(
    *,
    batch: str | None = None,
    db: str | None = None,
    settings: Settings | None = None,
    full: bool = False,
) -> list[dict[str, Any]]:
    """One dict per finished job (columns in ``RESULT_COLUMNS``; ``full`` adds the
    verdict as an object, or None for jobs that never produced one)."""
    with _open(settings, db) as (_, engine):
        rows = [] if engine is None else ledger.result_rows(engine, batch, verdicts=full)
    names = (*RESULT_COLUMNS, "verdict") if full else RESULT_COLUMNS
    return [{name: row.get(name) for name in names} for row in rows]


def status_lines(snapshot: Snapshot) -> list[str]:
    """Readable progress: one line per batch, a total, and the workers."""
    if not snapshot.exists:
        return [f"no queue database yet at {snapshot.db}"]
    lines = []
    for name, counts in sorted(snapshot.batches.items()):
        lines.append(f"{name}: {_progress(counts)}")
    lines.append(f"total: {_progress(snapshot.counts)}")
    if not snapshot.workers:
        lines.append("workers: none running")
    for worker in snapshot.workers:
        lines.append(
            f"worker {worker['executor_id']} (pid {worker['pid']}, {worker['state']}, "
            f"concurrency {worker['concurrency']}, heartbeat {worker['heartbeat_age']:.0f}s ago)"
        )
    return lines


def _progress(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    finished = counts["done"] + counts["failed"] + counts["dead"]
    share = f"{100 * finished / total:.0f}%" if total else "-"
    return (
        f"{finished}/{total} finished ({share}): done {counts['done']}, failed "
        f"{counts['failed']}, dead {counts['dead']}; running {counts['running']}, "
        f"queued {counts['queued']}"
    )


def jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value safe to open in a spreadsheet: text that starts like a formula (``=``, ``+``,
    ``-``, ``@``, tab, carriage return) gets a leading ``'`` (OWASP "CSV injection");
    numbers are written as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(rows: Iterable[dict[str, Any]]) -> str:
    """CSV with ``categories`` joined by ";" and one ``timings_<name>`` column per timing.
    Every text cell goes through ``csv_cell``: the merchant writes some of them."""
    columns = [c for c in RESULT_COLUMNS if c != "timings"]
    header = columns[: columns.index("run_id")] + [f"timings_{k}" for k in TIMING_KEYS]
    header += columns[columns.index("run_id") :]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        flat = {**row, "categories": ";".join(row.get("categories") or [])}
        timings = row.get("timings") or {}
        flat.update({f"timings_{k}": timings.get(k, "") for k in TIMING_KEYS})
        writer.writerow([csv_cell(flat.get(name)) for name in header])
    return buffer.getvalue()
