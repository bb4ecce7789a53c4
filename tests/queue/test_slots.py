"""Executor slots and their fencing tokens, in one process: adoption, refused writes,
hand-back (reclaim), the token column on older databases, and the heartbeat thread's
reactions to a lost slot and to a failing database."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from merchant_screen.queue import ledger
from merchant_screen.queue.engine import prepare_database
from merchant_screen.queue.heartbeat import (
    Heartbeat,
    Liveness,
    Slot,
    SlotLost,
    beat,
    claim_executor,
    finish_reclaim,
    finish_takeover,
    hold_slot,
    reclaim,
    slot_state,
    try_takeover,
)
from merchant_screen.queue.jobs import submit
from merchant_screen.queue.records import JobArgs, ResultRecord
from merchant_screen.queue.store import connect, create_tables, transaction, workers
from merchant_screen.settings import Settings
from tests.queue.helpers import job_rows, result_rows

FAST = Liveness(interval=0.1, dead_after=0.4)
JOB = JobArgs("b", "m1", "https://a.test/", "a.test", generation=1, attempt=1)


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    engine = connect(db_url)
    prepare_database(db_url, engine)
    yield engine
    engine.dispose()


def claim(engine: sa.Engine, pid: int, alive: bool = True) -> Slot:
    return claim_executor(
        engine, concurrency=1, liveness=FAST, host="h", pid=pid, alive=lambda _: alive
    )


def record(slot: Slot) -> ResultRecord:
    return ResultRecord(
        "b",
        "m1",
        1,
        JOB.url,
        "done",
        attempts=1,
        finished_at=time.time(),
        executor_id=slot.executor_id,
    )


def take_over(engine: sa.Engine, dead: Slot, taker: Slot) -> None:
    time.sleep(FAST.dead_after + 0.2)
    assert beat(engine, taker)
    assert try_takeover(engine, dead.executor_id, taker.executor_id, FAST.dead_after)
    finish_takeover(engine, dead.executor_id, taker.executor_id)


def test_a_stale_slot_whose_process_still_lives_here_is_never_adopted(engine: sa.Engine) -> None:
    stalled = claim(engine, pid=10)
    time.sleep(FAST.dead_after + 0.2)  # silent (SIGSTOP'd) but its process exists
    newcomer = claim(engine, pid=11)
    assert newcomer == Slot("h-1", 1)
    assert beat(engine, stalled)  # still its own: it resumes as if nothing happened
    gone = claim(engine, pid=12, alive=False)  # a process that is gone frees its slot
    assert gone == Slot("h-0", 2)
    assert not beat(engine, stalled)


def test_writes_of_a_worker_that_lost_its_slot_are_refused(engine: sa.Engine, db_url: str) -> None:
    submit([{"url": JOB.url, "merchant_id": "m1"}], batch="b", db=db_url, settings=Settings())
    stalled, taker = claim(engine, pid=10), claim(engine, pid=11)
    assert ledger.start_attempt(engine, JOB, stalled, time.time())
    take_over(engine, stalled, taker)
    with pytest.raises(SlotLost):
        ledger.write_result(engine, record(stalled), stalled)
    with pytest.raises(SlotLost):
        ledger.defer_attempt(engine, JOB, "reset", time.time(), stalled)
    with pytest.raises(SlotLost):
        ledger.start_attempt(engine, JOB, stalled, time.time())
    assert result_rows(db_url) == []
    (job,) = job_rows(db_url)
    assert (job["status"], job["executor_id"], job["last_error"]) == ("running", "h-0", None)
    assert ledger.start_attempt(engine, JOB, taker, time.time())  # the taker runs it
    assert ledger.write_result(engine, record(taker), taker)
    assert [r["executor_id"] for r in result_rows(db_url)] == ["h-1"]


def test_a_takeover_waits_for_a_fenced_write_in_progress(engine: sa.Engine, db_url: str) -> None:
    submit([{"url": JOB.url, "merchant_id": "m1"}], batch="b", db=db_url, settings=Settings())
    stalled, taker = claim(engine, pid=10), claim(engine, pid=11)
    time.sleep(FAST.dead_after + 0.2)
    assert beat(engine, taker)
    won: list[bool] = []
    with transaction(engine) as conn:
        hold_slot(conn, stalled)  # the write's check: the row stays locked until commit
        thread = threading.Thread(
            target=lambda: won.append(try_takeover(engine, "h-0", "h-1", FAST.dead_after))
        )
        thread.start()
        thread.join(timeout=1.5)
        assert thread.is_alive()  # blocked behind the write's transaction
        conn.execute(sa.update(workers).where(workers.c.executor_id == "h-0").values(pid=10))
    thread.join(timeout=30)
    assert won == [True]  # then it goes ahead, and the stalled worker is fenced
    with pytest.raises(SlotLost):
        ledger.write_result(engine, record(stalled), stalled)


def test_reclaim_hands_back_under_the_slot(engine: sa.Engine) -> None:
    mine = claim(engine, pid=10)
    held = reclaim(engine, mine)
    assert held == Slot("h-0", 2) and slot_state(engine, "h-0") == "taking"
    assert not beat(engine, mine)
    assert reclaim(engine, mine) is None  # taking: held by someone (here: itself)
    finish_reclaim(engine, held)
    assert slot_state(engine, "h-0") == "stopped"
    assert claim(engine, pid=11) == Slot("h-0", 3)  # a stopped slot is free

    stalled, taker = Slot("h-0", 3), claim(engine, pid=12)
    time.sleep(FAST.dead_after + 0.2)
    assert beat(engine, taker)
    assert try_takeover(engine, "h-0", "h-1", FAST.dead_after)
    assert reclaim(engine, stalled) is None  # a takeover in progress: hands off
    finish_takeover(engine, "h-0", "h-1")
    late = reclaim(engine, stalled)  # taken over: only leftovers remain, hand them back
    assert late == Slot("h-0", 5)
    finish_reclaim(engine, late)
    assert slot_state(engine, "h-0") == "stopped"


def test_an_older_database_gains_the_token_column(db_url: str) -> None:
    engine = connect(db_url)
    try:
        old = sa.MetaData()
        sa.Table(
            "ms_workers",
            old,
            *[
                sa.Column(c.name, c.type, primary_key=c.primary_key)
                for c in workers.c
                if c.name != "token"
            ],
        )
        old.create_all(engine)
        with transaction(engine) as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO ms_workers (executor_id, host, pid, state, concurrency, "
                    "started_at, heartbeat_at) VALUES ('h-0', 'h', 1, 'stopped', 1, 0, 0)"
                )
            )
        create_tables(engine)
        create_tables(engine)  # idempotent
        assert claim(engine, pid=2) == Slot("h-0", 1)
    finally:
        engine.dispose()


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.done = threading.Event()

    def note(self, name: str, final: bool = False) -> object:
        def call() -> None:
            self.events.append(name)
            if final:
                self.done.set()

        return call


def run_heartbeat(beat_fn: object, clock: object = time.monotonic) -> Recorder:
    seen = Recorder()
    heartbeat = Heartbeat(
        sa.create_engine("sqlite://"),
        Slot("h-0", 1),
        Liveness(interval=0.05, dead_after=10.0, max_failures=3),
        on_tick=seen.note("tick"),  # type: ignore[arg-type]
        on_fenced=seen.note("fenced", final=True),  # type: ignore[arg-type]
        on_unhealthy=seen.note("unhealthy", final=True),  # type: ignore[arg-type]
        beat_fn=beat_fn,  # type: ignore[arg-type]
        clock=clock,  # type: ignore[arg-type]
    )
    heartbeat.start()
    try:
        assert seen.done.wait(timeout=30)
        time.sleep(0.3)  # a few more beats: the callbacks above fire once
    finally:
        heartbeat.stop()
    return seen


def scripted(*answers: bool | None) -> object:
    """A beat that answers True/False in turn, None meaning "the database is away", then
    keeps failing."""
    queue = list(answers)

    def fake(engine: sa.Engine, slot: Slot) -> bool:
        answer = queue.pop(0) if queue else None
        if answer is None:
            raise OperationalError("UPDATE ms_workers", {}, Exception("unreachable"))
        return answer

    return fake


def test_the_heartbeat_stops_work_after_repeated_failures() -> None:
    seen = run_heartbeat(scripted(True, None, None, True, None, None, None))
    # two failures, a success (resets the count), then three failures in a row
    assert seen.events == ["tick", "tick", "unhealthy"]


def test_the_heartbeat_stops_work_when_no_beat_succeeded_within_dead_after() -> None:
    ticks = iter([0.0, 1.0, 12.0])  # start, a success, then a failure 11 s later
    seen = run_heartbeat(scripted(True, None), clock=lambda: next(ticks, 12.0))
    assert seen.events == ["tick", "unhealthy"]


def test_the_heartbeat_reports_a_lost_slot_once_and_stops_beating() -> None:
    calls: list[int] = []

    def lost(engine: sa.Engine, slot: Slot) -> bool:
        calls.append(1)
        return len(calls) < 3

    seen = run_heartbeat(lost)
    assert seen.events == ["tick", "tick", "fenced"] and len(calls) == 3


def test_two_workers_starting_at_once_take_different_slots(db_url: str) -> None:
    """The first slot is inserted by another process between our read and our insert: the
    claim moves on to the next slot instead of failing (seen on PostgreSQL in CI)."""
    engine = connect(db_url)
    prepare_database(db_url, engine)
    other = connect(db_url)
    raced = []

    def insert_first(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not raced and statement.lstrip().upper().startswith("INSERT INTO MS_WORKERS"):
            raced.append(True)
            if engine.dialect.name == "sqlite":
                # SQLite writers are serialised: the rival's row is already there when our
                # transaction takes its lock, so make the rival's insert precede our read.
                return
            claim_executor(other, concurrency=1, liveness=FAST, host="h", pid=2)

    if engine.dialect.name == "sqlite":
        claim_executor(other, concurrency=1, liveness=FAST, host="h", pid=2)
    sa.event.listen(engine, "before_cursor_execute", insert_first)
    try:
        mine = claim(engine, pid=1)
    finally:
        sa.event.remove(engine, "before_cursor_execute", insert_first)
        other.dispose()
    assert raced
    assert mine.executor_id == "h-1"
    with transaction(engine, readonly=True) as conn:
        owners = dict(conn.execute(sa.select(workers.c.executor_id, workers.c.pid)).all())
    engine.dispose()
    assert owners == {"h-0": 2, "h-1": 1}
