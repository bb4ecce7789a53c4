"""Command line of the batch queue: ``batch submit|status|results|retry-failed`` and
``worker``. Wired into the main app by ``merchant_screen.cli``.

Every command reads its database from ``--db`` or ``MERCHANT_SCREEN_DB`` (default: a SQLite
file in the data directory), so it works from any directory with the environment alone.
Heavy imports (DBOS, the screening pipeline) happen inside the commands.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from merchant_screen.cli_options import (
    BaseUrl,
    CaBundle,
    ConnectTo,
    JsonOut,
    MaxPages,
    MaxToolCalls,
    Model,
    NoCache,
    PolicyFile,
    ToolProtocolOpt,
    Verbose,
    build_settings,
)
from merchant_screen.errors import ConfigError
from merchant_screen.settings import Settings
from merchant_screen.storage import check_storage, writable_dir, writing_stdout

__all__ = ["batch_app", "worker_command"]

batch_app = typer.Typer(
    help="Queue merchants for screening and read the results (see also: worker).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stderr = Console(stderr=True, highlight=False, emoji=False)

Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Queue database URL (sqlite:///PATH or postgresql://...); "
        "env MERCHANT_SCREEN_DB; default: queue.sqlite in the data directory.",
    ),
]
BatchName = Annotated[str | None, typer.Option("--batch", help="Only this batch.")]

# Stops a supervisor should see as failures (exit 1) so that it restarts the worker.
_WORKER_FAILURES = {
    "fenced": "another worker declared this one dead and took over its jobs",
    "unhealthy": "the heartbeat kept failing (queue database unreachable?); stopped taking work",
}


def _print(text: str) -> None:
    with writing_stdout():
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _writable_db(settings: Settings) -> Settings:
    """Refuse, with the path, a SQLite queue database that cannot be created or written
    (commands that only read it say there is no database yet instead)."""
    from merchant_screen.queue.store import is_sqlite, resolve_db_url, sqlite_path

    url = resolve_db_url(settings)
    if is_sqlite(url):
        path = sqlite_path(url)
        writable_dir(path.parent, "queue database directory")
        if path.exists() and not (path.is_file() and os.access(path, os.R_OK | os.W_OK)):
            raise ConfigError(f"cannot write the queue database {path}: not a writable file")
    return settings


@batch_app.command("submit")
def submit_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV (url,merchant_id[,declared_name,"
            "declared_description]) or JSONL with those keys."
        ),
    ],
    batch: Annotated[
        str | None,
        typer.Option("--batch", help="Batch name (default: the file name without its suffix)."),
    ] = None,
    db: Db = None,
    json_out: JsonOut = False,
) -> None:
    """Queue every row of FILE; invalid rows are recorded at once as failed jobs."""
    from merchant_screen.queue.jobs import submit_file

    summary = submit_file(file, batch=batch, settings=_writable_db(build_settings(db=db)))
    if json_out:
        _print(json.dumps(summary.as_dict(), ensure_ascii=False))
        return
    lines = [
        f"batch {summary.batch}: {summary.rows} rows read from {file}",
        f"  queued: {summary.queued}",
        f"  invalid: {len(summary.invalid)} (recorded as failed jobs)",
    ]
    lines += [f"    line {r.line} ({r.merchant_id}): {r.reason}" for r in summary.invalid]
    lines.append(f"  duplicate merchant_id: {len(summary.duplicates)} (one job each)")
    lines += [
        f"    line {d.line}: {d.merchant_id} repeats line {d.first_line}"
        for d in summary.duplicates
    ]
    if summary.already_submitted:
        lines.append(f"  already in the batch: {summary.already_submitted} (not queued again)")
    lines.append(f"  database: {summary.db}")
    _print("\n".join(lines))


@batch_app.command("status")
def status_command(batch: BatchName = None, db: Db = None, json_out: JsonOut = False) -> None:
    """Progress: jobs queued, running, done, failed and dead; workers running."""
    from merchant_screen.queue.report import read_status, status_lines

    snapshot = read_status(batch=batch, settings=build_settings(db=db))
    if json_out:
        _print(json.dumps(snapshot.as_dict(), ensure_ascii=False))
    else:
        _print("\n".join(status_lines(snapshot)))


@batch_app.command("results")
def results_command(
    output_format: Annotated[
        str, typer.Option("--format", help="jsonl or csv.", case_sensitive=False)
    ] = "jsonl",
    batch: BatchName = None,
    db: Db = None,
    full: Annotated[
        bool, typer.Option("--full", help="JSONL only: add each job's whole verdict.")
    ] = False,
) -> None:
    """One row per finished merchant: id, url, decision, action, confidence, categories,
    error, attempts, timings, run_id (and batch, status, trace path)."""
    from merchant_screen.errors import InputError
    from merchant_screen.queue.report import csv_text, jsonl_lines, read_results

    kind = output_format.lower()
    if kind not in ("jsonl", "csv"):
        raise InputError(f"--format must be jsonl or csv, not {output_format!r}")
    if full and kind == "csv":
        raise InputError("--full needs --format jsonl (a verdict does not fit a CSV cell)")
    rows = read_results(batch=batch, settings=build_settings(db=db), full=full)
    if kind == "csv":
        with writing_stdout():
            sys.stdout.write(csv_text(rows))
    else:
        with writing_stdout():
            for line in jsonl_lines(rows):
                sys.stdout.write(line + "\n")


@batch_app.command("retry-failed")
def retry_failed_command(batch: BatchName = None, db: Db = None) -> None:
    """Queue failed and dead jobs again (invalid rows cannot be retried)."""
    from merchant_screen.queue.jobs import retry_failed

    summary = retry_failed(batch=batch, settings=_writable_db(build_settings(db=db)))
    note = f" ({summary.skipped_invalid} invalid rows skipped)" if summary.skipped_invalid else ""
    _print(f"requeued {summary.requeued} jobs{note}")


def worker_command(
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            help="Jobs at once per worker; env MERCHANT_SCREEN_WORKER_CONCURRENCY. "
            "Stored with the queue: the latest worker's value applies to every worker.",
        ),
    ] = None,
    drain: Annotated[
        bool,
        typer.Option("--drain", help="Exit 0 once every job has finished (done, failed or dead)."),
    ] = False,
    db: Db = None,
    grace: Annotated[
        float,
        typer.Option(
            "--grace",
            help="Seconds in-flight jobs may finish after SIGTERM before they are "
            "put back on the queue.",
        ),
    ] = 20.0,
    worker_id: Annotated[
        str | None,
        typer.Option(
            "--worker-id", help="Stable executor id (default: HOST-SLOT, reused after a crash)."
        ),
    ] = None,
    attempts: Annotated[
        int, typer.Option("--attempts", help="Attempts per job for transient errors (1-10).")
    ] = 3,
    retry_backoff: Annotated[
        float,
        typer.Option(
            "--retry-backoff",
            help="Seconds before the 2nd attempt; x3 after, 60 s in total "
            "at most; 0 retries at once.",
        ),
    ] = 10.0,
    job_timeout: Annotated[
        float,
        typer.Option(
            "--job-timeout", help="Seconds one attempt may take (a timeout is transient)."
        ),
    ] = 600.0,
    poll_interval: Annotated[
        float,
        typer.Option(
            "--poll-interval",
            help="Seconds between queue polls: pickup takes about half of it (stored with "
            "the queue, like --concurrency).",
        ),
    ] = 0.2,
    heartbeat_interval: Annotated[
        float, typer.Option("--heartbeat-interval", help="Seconds between heartbeats.")
    ] = 5.0,
    dead_after: Annotated[
        float,
        typer.Option(
            "--dead-after",
            help="Heartbeat silence after which a worker's jobs are taken over "
            "(at least 3 heartbeats).",
        ),
    ] = 45.0,
    trace_dir: Annotated[
        Path | None, typer.Option("--trace-dir", help="Per-job traces (default: DATA_DIR/traces).")
    ] = None,
    model: Model = None,
    base_url: BaseUrl = None,
    policy: PolicyFile = None,
    max_pages: MaxPages = None,
    max_tool_calls: MaxToolCalls = None,
    tool_protocol: ToolProtocolOpt = None,
    connect_to: ConnectTo = None,
    ca_bundle: CaBundle = None,
    no_cache: NoCache = False,
    verbose: Verbose = False,
) -> None:
    """Run queued jobs until stopped (SIGTERM/SIGINT: finish or release in-flight jobs,
    exit 0), or with --drain until every job has finished."""
    from merchant_screen.queue.heartbeat import Liveness
    from merchant_screen.queue.outcome import RetryPolicy
    from merchant_screen.queue.worker import WorkerOptions, run_worker

    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    settings = build_settings(
        db=db,
        worker_concurrency=concurrency,
        model=model,
        base_url=base_url,
        policy=policy,
        max_pages=max_pages,
        max_tool_calls=max_tool_calls,
        tool_protocol=tool_protocol,
        connect_to=connect_to,
        ca_bundle=ca_bundle,
        no_cache=no_cache,
        verbose=verbose or None,
    )
    seconds = {
        "--grace": grace,
        "--retry-backoff": retry_backoff,
        "--job-timeout": job_timeout,
        "--poll-interval": poll_interval,
        "--heartbeat-interval": heartbeat_interval,
        "--dead-after": dead_after,
    }
    for flag, value in seconds.items():
        if not math.isfinite(value):
            raise ConfigError(f"{flag} must be a finite number of seconds, not {value}")
    try:
        options = WorkerOptions(
            drain=drain,
            poll_interval=poll_interval,
            grace=grace,
            retry=RetryPolicy(attempts=attempts, first_wait=retry_backoff),
            job_timeout=job_timeout,
            liveness=Liveness(interval=heartbeat_interval, dead_after=dead_after),
            worker_id=worker_id,
            trace_dir=trace_dir,
            verbose=verbose,
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    _writable_db(settings)
    check_storage(settings)
    writable_dir(trace_dir or settings.data_dir / "traces", "trace directory")
    report = run_worker(settings, options=options)
    stderr.print(
        f"worker {report.executor_id} stopped ({report.reason}) after {report.seconds:.1f}s; "
        f"{report.released} in-flight jobs put back on the queue",
        markup=False,
        soft_wrap=True,
    )
    failure = _WORKER_FAILURES.get(report.reason)
    if failure:
        stderr.print(f"error: {failure}", markup=False, soft_wrap=True)
        raise typer.Exit(1)
