"""Worker fencing with real processes: a worker stalled (SIGSTOP) past ``dead_after`` loses
its slot to a live worker and, once resumed, writes nothing and stops; a worker whose
heartbeat keeps failing stops taking work. Workers are ``tests.queue.procworker``
processes whose scripted screen logs ``start|end URL PID`` lines."""

from __future__ import annotations

import os
import signal
from collections import Counter
from pathlib import Path

import pytest

from merchant_screen.queue.store import jobs, workers
from tests.queue.helpers import (
    PG_URL,
    Workers,
    count_results,
    events,
    pg_admin,
    result_rows,
    submit_jobs,
    table_rows,
    wait_until,
)

LIVENESS = ("--interval", "0.3", "--dead-after", "2")


def starts(log: Path, pid: int | None = None) -> list[str]:
    return [u for k, u, p in events(log) if k == "start" and (pid is None or p == pid)]


def worker_row(db_url: str, pid: int) -> dict[str, object]:
    rows = [r for r in table_rows(db_url, workers) if r["pid"] == pid]
    assert len(rows) == 1, rows
    return rows[0]


def test_a_stalled_worker_resumed_after_takeover_writes_nothing_and_stops(
    pool: Workers,
) -> None:
    urls = submit_jobs(pool.db_url, 4)
    # A runs one job at a time; each holds its event loop for 2.5 s (a parser hog), so
    # once resumed A cannot be cancelled before its screen returns and it tries to write
    stalled = pool.start("--concurrency", "1", "--delay", "2.5", "--block", *LIVENESS)
    assert wait_until(lambda: bool(starts(pool.log, stalled.pid)), timeout=40)
    os.kill(stalled.pid, signal.SIGSTOP)  # stalls mid-job, past dead_after
    (stolen,) = starts(pool.log, stalled.pid)
    stalled_id = str(worker_row(pool.db_url, stalled.pid)["executor_id"])
    try:
        # B's jobs take longer than what A has left, so a resumed A would write first
        taker = pool.start("--drain", "--concurrency", "4", "--delay", "6", *LIVENESS)
        assert wait_until(lambda: stolen in starts(pool.log, taker.pid), timeout=40)
        row = worker_row(pool.db_url, stalled.pid)
        assert row["state"] in ("taking", "dead") and row["executor_id"] == stalled_id
    finally:
        os.kill(stalled.pid, signal.SIGCONT)
    out = pool.finish(stalled, timeout=40)
    assert out.split()[:2] == [stalled_id, "fenced"]
    # A's screen did finish its job after SIGCONT; its result was refused
    assert ("end", stolen, stalled.pid) in events(pool.log)
    pool.finish(taker, timeout=60)

    rows = result_rows(pool.db_url)
    assert sorted(r["url"] for r in rows) == sorted(urls)  # exactly one result per job
    assert all(r["status"] == "done" for r in rows)
    taker_id = str(worker_row(pool.db_url, taker.pid)["executor_id"])
    assert {r["executor_id"] for r in rows} == {taker_id}  # nothing from the stalled worker
    assert Counter(starts(pool.log, taker.pid)) == Counter(urls)
    assert Counter(starts(pool.log, stalled.pid)) == Counter([stolen])  # nothing new
    assert {r["status"] for r in table_rows(pool.db_url, jobs)} == {"finished"}
    row = worker_row(pool.db_url, stalled.pid)
    assert row["taken_by"] == taker_id and row["state"] in ("dead", "stopped")


def test_a_worker_whose_heartbeat_keeps_failing_stops_taking_work(
    pool: Workers, tmp_path: Path
) -> None:
    urls = submit_jobs(pool.db_url, 8)
    fault = tmp_path / "database-unreachable"
    sick = pool.start("--concurrency", "1", "--delay", "1.0", "--beat-fault", str(fault), *LIVENESS)
    assert wait_until(lambda: bool(starts(pool.log, sick.pid)), timeout=40)
    fault.touch()  # from now on every heartbeat of this worker fails
    out = pool.finish(sick, timeout=40)  # it stops by itself; no signal
    assert out.split()[1] == "unhealthy"
    taken = starts(pool.log, sick.pid)
    assert len(taken) < len(urls)
    assert count_results(pool.db_url) == len(taken)  # in-flight work finished, no more taken
    assert worker_row(pool.db_url, sick.pid)["state"] == "stopped"

    healthy = pool.start("--drain", "--concurrency", "4", "--delay", "0.2", *LIVENESS)
    pool.finish(healthy)
    assert sorted(r["url"] for r in result_rows(pool.db_url)) == sorted(urls)
    assert Counter(starts(pool.log)) == Counter(urls)  # every job ran once


@pytest.mark.skipif(not PG_URL, reason="needs MERCHANT_SCREEN_TEST_PG_URL (CI sets it)")
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_worker_that_loses_its_database_stops_and_a_successor_finishes(pool: Workers) -> None:
    urls = submit_jobs(pool.db_url, 6)
    name = pool.db_url.rsplit("/", 1)[1]
    sick = pool.start("--concurrency", "1", "--delay", "1.0", "--grace", "3", *LIVENESS)
    assert wait_until(lambda: bool(starts(pool.log, sick.pid)), timeout=40)
    try:
        with pg_admin() as admin:  # the database goes away for this worker
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
        out = pool.finish(sick, timeout=90)  # it stops by itself, with a one-line report
        assert out.split()[1] == "unhealthy"
    finally:
        with pg_admin() as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    successor = pool.start("--drain", "--concurrency", "4", "--delay", "0.2", *LIVENESS)
    pool.finish(successor)
    rows = result_rows(pool.db_url)
    assert sorted(r["url"] for r in rows) == sorted(urls)  # one result each, none lost
    assert all(r["status"] == "done" for r in rows)
