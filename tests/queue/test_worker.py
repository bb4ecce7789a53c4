"""The worker in this process (DBOS on the test's event loop) with scripted screens."""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from merchant_screen.evaluation.dataset import Dataset
from merchant_screen.queue.heartbeat import Liveness
from merchant_screen.queue.jobs import retry_failed, submit
from merchant_screen.queue.outcome import RetryPolicy
from merchant_screen.queue.report import read_results, read_status
from merchant_screen.queue.worker import WorkerOptions, serve
from merchant_screen.settings import Settings
from tests.queue.helpers import ScriptedScreen, job_rows, result_rows


def options(**changes: object) -> WorkerOptions:
    values: dict[str, object] = {
        "concurrency": 4,
        "drain": True,
        "poll_interval": 0.1,
        "grace": 5.0,
        "retry": RetryPolicy(first_wait=0),
        "liveness": Liveness(interval=0.2, dead_after=5.0),
        "reconcile_every": 2,
        "handle_signals": False,
    }
    values.update(changes)
    return WorkerOptions(**values)  # type: ignore[arg-type]


def url(domain: str, n: int) -> str:
    return f"https://{'www.' if n % 2 else ''}{domain}-shop.test/p{n}"


async def test_drain_runs_each_job_to_one_result(db_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    rows = [{"url": url(d, n), "merchant_id": f"{d}-{n}"} for d in "abcd" for n in range(3)]
    special = {
        "flaky": "https://flaky.test/",
        "down": "https://down.test/",
        "gone": "https://gone.test/",
        "parked": "https://parked.test/",
        "busy": "https://busy.test/",
    }
    rows += [{"url": target, "merchant_id": name} for name, target in special.items()]
    submit(rows, batch="b1", db=db_url, settings=settings)
    screen = ScriptedScreen(
        delay=0.15,
        transient={special["flaky"]: 1, special["down"]: 99},
        permanent={special["gone"]},
        verdict_errors={special["parked"]: False, special["busy"]: True},
    )

    report = await asyncio.wait_for(
        serve(settings, db=db_url, options=options(), screen=screen), timeout=60
    )

    assert report.reason == "drained"
    results = {r["merchant_id"]: r for r in read_results(db=db_url, settings=settings)}
    assert len(results) == len(rows) == len(result_rows(db_url))
    summary = {k: (r["status"], r["attempts"]) for k, r in results.items() if k in special}
    assert summary == {
        "flaky": ("done", 2),
        "down": ("dead", 3),
        "gone": ("failed", 1),
        "parked": ("failed", 1),
        "busy": ("dead", 3),
    }
    assert results["down"]["error"].endswith("connection reset")
    assert results["gone"]["error"].endswith("HTTP 404")
    assert results["parked"]["decision"] == "unknown"
    plain = [r for k, r in results.items() if k not in special]
    assert all(r["status"] == "done" and r["attempts"] == 1 for r in plain)
    assert all(r["decision"] == "allowed" and r["run_id"] for r in plain)
    assert all(r["timings"]["queue_s"] >= 0 and r["timings"]["job_s"] > 0 for r in plain)
    # at-least-once never shows here: every attempt ran exactly once
    assert len(screen.calls) == sum(r["attempts"] for r in results.values())
    full = read_results(db=db_url, settings=settings, full=True)
    assert all(row["verdict"]["run_id"] == row["run_id"] for row in full if row["verdict"])
    assert sum(row["verdict"] is None for row in full) == 2  # the two raised errors
    # politeness: never two jobs of one registrable domain at the same time
    by_domain: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for target, start, end in screen.calls:
        by_domain[target.split("/")[2].removeprefix("www.")].append((start, end))
    for spans in by_domain.values():
        spans.sort()
        assert all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(spans))
    assert 2 <= screen.peak <= 4
    assert read_status(db=db_url, settings=settings).counts == {
        "queued": 0,
        "running": 0,
        "done": 13,
        "failed": 2,
        "dead": 2,
    }

    # retry-failed: a new generation for failed and dead jobs; still one row per job
    fixed = ScriptedScreen(delay=0.01)
    again = retry_failed(db=db_url, settings=settings)
    assert (again.requeued, again.skipped_invalid) == (4, 0)
    await asyncio.wait_for(serve(settings, db=db_url, options=options(), screen=fixed), timeout=60)
    retried = {r["merchant_id"]: r for r in read_results(db=db_url, settings=settings)}
    assert len(retried) == len(rows)
    assert {k: retried[k]["status"] for k in ("down", "gone", "parked", "busy")} == dict.fromkeys(
        ("down", "gone", "parked", "busy"), "done"
    )
    assert len(fixed.calls) == 4
    generations = {r["merchant_id"]: r["generation"] for r in job_rows(db_url)}
    assert generations["down"] == 2 and generations["a-0"] == 1


async def test_stop_finishes_or_releases_in_flight_jobs(db_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    rows = [{"url": f"https://s{n}.test/", "merchant_id": f"s{n}"} for n in range(6)]
    submit(rows, batch="b", db=db_url, settings=settings)

    async def stop_when_running(screen: ScriptedScreen, stop: asyncio.Event) -> None:
        await screen.busy.wait()  # two attempts in flight
        stop.set()

    # 1. generous grace: the two in-flight jobs finish, nothing else starts
    slow = ScriptedScreen(delay=0.6)
    stop = asyncio.Event()
    run = serve(
        settings, db=db_url, options=options(drain=False, concurrency=2), screen=slow, stop=stop
    )
    report, _ = await asyncio.wait_for(
        asyncio.gather(run, stop_when_running(slow, stop)), timeout=60
    )
    assert (report.reason, report.released) == ("stopped", 0)
    assert len(result_rows(db_url)) == 2
    assert read_status(db=db_url, settings=settings).counts["queued"] == 4

    # 2. no grace: in-flight jobs are cancelled and put back on the queue
    stuck = ScriptedScreen(delay=30)
    stop = asyncio.Event()
    run = serve(
        settings,
        db=db_url,
        options=options(drain=False, concurrency=2, grace=0),
        screen=stuck,
        stop=stop,
    )
    report, _ = await asyncio.wait_for(
        asyncio.gather(run, stop_when_running(stuck, stop)), timeout=60
    )
    assert report.released == 2
    assert len(result_rows(db_url)) == 2
    status = read_status(db=db_url, settings=settings)
    assert (status.counts["queued"], status.counts["running"]) == (4, 0)
    assert [w["executor_id"] for w in status.workers] == []

    # 3. a later worker completes everything, each job once
    fast = ScriptedScreen(delay=0.01)
    await asyncio.wait_for(serve(settings, db=db_url, options=options(), screen=fast), timeout=60)
    assert sorted(r["merchant_id"] for r in result_rows(db_url)) == [f"s{n}" for n in range(6)]
    assert len(fast.calls) == 4


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.usefixtures("offline_dns")
async def test_real_screens_classify_site_failures(
    db_url: str, site_env: dict[str, Any], smoke_sites: Dataset
) -> None:
    """The real pipeline (``--model fake``): a good site is done; a host that does not
    resolve fails at once; a refused connection is transient and ends dead."""
    refused = ("down-shop.test:443:127.0.0.1:9", "down-shop.test:80:127.0.0.1:9")
    settings = Settings(**{**site_env, "connect_to": (*site_env["connect_to"], *refused)})
    good = smoke_sites.cases[0].url
    rows = [
        {"url": good, "merchant_id": "good", "declared_name": "Outdoor shop"},
        {"url": "https://no-such-shop.invalid/", "merchant_id": "nx"},
        {"url": "https://down-shop.test/", "merchant_id": "down"},
    ]
    submit(rows, batch="real", db=db_url, settings=settings)
    report = await asyncio.wait_for(serve(settings, db=db_url, options=options()), timeout=60)
    assert report.reason == "drained"
    by_id = {r["merchant_id"]: r for r in read_results(db=db_url, settings=settings)}
    assert (by_id["good"]["status"], by_id["good"]["attempts"]) == ("done", 1)
    assert by_id["good"]["decision"] == smoke_sites.cases[0].expected.decision
    trace = await asyncio.to_thread(Path(by_id["good"]["trace_path"]).read_text)
    assert trace.count('"run_id"') > 3
    assert (by_id["nx"]["status"], by_id["nx"]["attempts"]) == ("failed", 1)
    assert "does not resolve" in by_id["nx"]["error"]
    assert (by_id["down"]["status"], by_id["down"]["attempts"]) == ("dead", 3)
