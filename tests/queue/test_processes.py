"""Several worker processes on one queue: sharing, SIGKILL, takeover, liveness, SIGTERM.

Workers are ``tests.queue.procworker`` processes (the real worker with a scripted screen
that logs ``start|end URL PID`` lines), so a test can see how often each job ran and where.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

import pytest

from merchant_screen.queue.store import workers
from tests.queue.helpers import (
    Workers,
    count_results,
    events,
    result_rows,
    submit_jobs,
    table_rows,
    wait_until,
)


def assert_one_result_each(db_url: str, urls: list[str]) -> None:
    rows = result_rows(db_url)
    assert sorted(r["url"] for r in rows) == sorted(urls)
    assert all(r["status"] == "done" for r in rows)


def test_two_workers_share_one_queue(pool: Workers) -> None:
    urls = submit_jobs(pool.db_url, 24)
    first = pool.start("--drain", "--concurrency", "3", "--delay", "0.3")
    second = pool.start("--drain", "--concurrency", "3", "--delay", "0.3")
    pool.finish(first)
    pool.finish(second)
    assert_one_result_each(pool.db_url, urls)
    starts = [(url, pid) for kind, url, pid in events(pool.log) if kind == "start"]
    assert Counter(url for url, _ in starts) == Counter(urls)  # each job ran once
    share = Counter(pid for _, pid in starts)
    assert set(share) == {first.pid, second.pid}  # both did work
    assert len({r["executor_id"] for r in result_rows(pool.db_url)}) == 2


def test_sigkill_mid_batch_then_restart_completes_every_job_once(pool: Workers) -> None:
    urls = submit_jobs(pool.db_url, 10)
    victim = pool.start("--concurrency", "3", "--delay", "1.0")

    def in_flight() -> set[str]:
        started = {url for kind, url, _ in events(pool.log) if kind == "start"}
        return started - {url for kind, url, _ in events(pool.log) if kind == "end"}

    assert wait_until(lambda: count_results(pool.db_url) >= 1 and bool(in_flight()), 40)
    victim.kill()  # SIGKILL: no chance to release anything
    victim.wait(timeout=10)
    lost = in_flight()
    assert lost, "the victim should have died with jobs in flight"

    heir = pool.start("--drain", "--concurrency", "3", "--delay", "0.2")
    out = pool.finish(heir)
    assert_one_result_each(pool.db_url, urls)
    heir_starts = {
        url for kind, url, pid in events(pool.log) if kind == "start" and pid == heir.pid
    }
    assert lost <= heir_starts  # recovered at launch, under the dead worker's id
    executor = out.split()[0]
    assert {r["executor_id"] for r in result_rows(pool.db_url)} == {executor}


def test_a_running_worker_takes_over_a_killed_one(pool: Workers) -> None:
    urls = submit_jobs(pool.db_url, 8)
    args = ("--concurrency", "2", "--delay", "1.0", "--interval", "0.3", "--dead-after", "2")
    victim = pool.start(*args)
    assert wait_until(lambda: any(k == "start" for k, _, _ in events(pool.log)), timeout=40)
    survivor = pool.start(*args)

    def victim_in_flight() -> set[str]:
        log = events(pool.log)
        started = {u for k, u, p in log if k == "start" and p == victim.pid}
        return started - {u for k, u, p in log if k == "end" and p == victim.pid}

    def both_alive() -> bool:
        return [r["state"] for r in table_rows(pool.db_url, workers)] == ["alive", "alive"]

    assert wait_until(both_alive, timeout=40)  # the survivor runs: no restart involved
    assert wait_until(lambda: bool(victim_in_flight()), timeout=40)
    victim.kill()
    victim.wait(timeout=10)
    killed_at = time.time()
    in_flight = victim_in_flight()
    assert in_flight
    assert wait_until(lambda: count_results(pool.db_url) == len(urls), timeout=40)
    took = [
        float(line.split()[3]) - killed_at
        for line in pool.log.read_text().splitlines()
        if line.startswith("start")
        and int(line.split()[2]) == survivor.pid
        and line.split()[1] in in_flight
    ]
    assert len(took) == len(in_flight)
    assert max(took, default=0) < 2 + 5  # dead_after plus a few heartbeats and polls
    survivor.send_signal(signal.SIGTERM)
    pool.finish(survivor)
    assert_one_result_each(pool.db_url, urls)
    rows = {r["executor_id"]: r for r in table_rows(pool.db_url, workers)}
    dead = [r for r in rows.values() if r["state"] == "dead"]
    assert len(dead) == 1 and dead[0]["taken_by"] in rows, rows


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_busy_live_worker_is_never_declared_dead(pool: Workers) -> None:
    urls = submit_jobs(pool.db_url, 6)
    liveness = ("--interval", "0.3", "--dead-after", "1.2")
    # each job blocks its worker's event loop for 1.8 s, longer than dead-after
    busy = pool.start("--drain", "--concurrency", "1", "--delay", "1.8", "--block", *liveness)
    watcher = pool.start("--drain", "--concurrency", "1", "--delay", "0.5", *liveness)
    pool.finish(busy)
    pool.finish(watcher)
    assert_one_result_each(pool.db_url, urls)
    assert Counter(u for k, u, _ in events(pool.log) if k == "start") == Counter(urls)
    assert any(p == busy.pid for k, _, p in events(pool.log) if k == "start")
    assert {r["state"] for r in table_rows(pool.db_url, workers)} == {"stopped"}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sigterm_finishes_in_flight_jobs_and_exits_zero(pool: Workers) -> None:
    submit_jobs(pool.db_url, 6)
    proc = pool.start("--concurrency", "2", "--delay", "1.5", "--grace", "10")
    assert wait_until(lambda: sum(k == "start" for k, _, _ in events(pool.log)) >= 2, timeout=40)
    os.kill(proc.pid, signal.SIGTERM)
    out = pool.finish(proc, timeout=30)
    assert "signal released=0" in out
    kinds = Counter(k for k, _, _ in events(pool.log))
    assert kinds["start"] == kinds["end"] == 2
    assert count_results(pool.db_url) == 2
