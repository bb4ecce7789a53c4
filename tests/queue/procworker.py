"""A worker process for the multi-process tests: ``python -m tests.queue.procworker``.

It runs the real worker (``run_worker``) with a scripted screen that appends
``start|end <url> <pid>`` lines to ``--log`` (so tests can count how often each job ran and
where) and sleeps ``--delay`` seconds, either awaiting (normal) or blocking the event loop
(``--block``, to prove heartbeats do not depend on the loop). With ``--beat-fault FILE``
every heartbeat fails (as if the database were unreachable) while FILE exists.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from merchant_screen.queue.heartbeat import Liveness, Slot, beat
from merchant_screen.queue.outcome import RetryPolicy
from merchant_screen.queue.worker import WorkerOptions, run_worker
from merchant_screen.settings import Settings
from merchant_screen.verdict import Declared, Verdict
from tests.queue.helpers import make_verdict


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--log", required=True, type=Path)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--block", action="store_true")
    parser.add_argument("--drain", action="store_true")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--interval", type=float, default=0.3)
    parser.add_argument("--dead-after", type=float, default=2.0)
    parser.add_argument("--grace", type=float, default=10.0)
    parser.add_argument("--poll", type=float, default=0.2)
    parser.add_argument("--beat-fault", type=Path)
    args = parser.parse_args()

    def note(event: str, url: str) -> None:
        with args.log.open("a", encoding="utf-8") as log:
            log.write(f"{event} {url} {os.getpid()} {time.time():.3f}\n")

    async def screen(
        url: str, *, declared: Declared | None, trace_path: Path, run_id: str
    ) -> Verdict:
        note("start", url)
        if args.block:
            time.sleep(args.delay)  # noqa: ASYNC251 - deliberately blocks the event loop
        else:
            await asyncio.sleep(args.delay)
        note("end", url)
        return make_verdict(url, run_id=run_id)

    options = WorkerOptions(
        concurrency=args.concurrency,
        drain=args.drain,
        poll_interval=args.poll,
        grace=args.grace,
        retry=RetryPolicy(first_wait=0),
        liveness=Liveness(interval=args.interval, dead_after=args.dead_after),
        reconcile_every=3,
    )

    def faulty_beat(engine: sa.Engine, slot: Slot) -> bool:
        if args.beat_fault.exists():
            raise OperationalError("UPDATE ms_workers", {}, Exception("injected: unreachable"))
        return beat(engine, slot)

    extra: dict[str, Any] = {"beat_fn": faulty_beat} if args.beat_fault else {}
    report = run_worker(
        Settings(data_dir=args.data_dir), db=args.db, options=options, screen=screen, **extra
    )
    print(f"{report.executor_id} {report.reason} released={report.released}", flush=True)


if __name__ == "__main__":
    main()
