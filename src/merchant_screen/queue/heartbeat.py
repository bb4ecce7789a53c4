"""Worker liveness in the database: executor ids, heartbeats and takeover of dead workers.

DBOS recovers a dead executor's in-flight workflows only when a process restarts with the
same executor id; across machines that is a paid service. So:

- ``claim_executor`` gives each worker process a stable id (``<host>-<slot>``). A worker
  restarted on the same host adopts the slot of a predecessor whose process is gone, and
  DBOS then recovers that slot's in-flight jobs at launch.
- A ``Heartbeat`` thread stamps ``ms_workers.heartbeat_at`` (database clock) every
  ``interval`` seconds, in its own thread so a busy event loop cannot starve it.
- Every live worker looks for workers whose heartbeat is older than ``dead_after``; one of
  them wins a compare-and-set on the dead worker's row and resumes its pending workflows
  onto the job queue, where any worker (itself included) picks them up.
- ``dead_after`` must be at least three heartbeats.

Fencing. Every claim, adoption and takeover of a slot increments its ``token``; a worker
holds a ``Slot`` (executor id and token) and every heartbeat and every job write it makes
is conditional on that token (``hold_slot`` locks the row inside the write's transaction).
A worker that stalled past ``dead_after`` (SIGSTOP, a hog on its loop) and resumes finds
its token stale: its beat fails, its writes are refused (``SlotLost``), and it stops
without writing anything. A slot whose process is still alive on this host is never
adopted, so two live processes never share an executor id. A worker whose heartbeat keeps
failing (``Liveness.max_failures`` in a row, or no success within ``dead_after``) is told
to stop taking work (``on_unhealthy``): others will soon count it as dead.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa

from merchant_screen.errors import ConfigError
from merchant_screen.queue.store import db_now, transaction, workers

__all__ = [
    "BeatFn",
    "Heartbeat",
    "Liveness",
    "Slot",
    "SlotLost",
    "beat",
    "claim_executor",
    "finish_reclaim",
    "finish_takeover",
    "hold_slot",
    "list_workers",
    "mark_state",
    "pid_alive",
    "reclaim",
    "slot_state",
    "stale_workers",
    "try_takeover",
]

log = logging.getLogger(__name__)
MAX_SLOTS = 256


@dataclass(frozen=True)
class Liveness:
    """Heartbeat period and the silence after which a worker counts as dead."""

    interval: float = 5.0
    dead_after: float = 45.0
    max_failures: int = 3  # failed beats in a row after which the worker stops taking work

    def __post_init__(self) -> None:
        if self.interval <= 0:
            raise ConfigError("heartbeat interval must be > 0")
        if self.dead_after < 3 * self.interval:
            raise ConfigError("dead-after must be at least three heartbeat intervals")
        if self.max_failures < 1:
            raise ConfigError("max failures must be >= 1")


@dataclass(frozen=True)
class Slot:
    """An executor id and the token this process holds it with (the fence)."""

    executor_id: str
    token: int


class SlotLost(Exception):
    """This worker's slot was taken over or adopted: it must write nothing more."""

    def __init__(self, slot: Slot) -> None:
        super().__init__(f"worker {slot.executor_id} lost its slot (token {slot.token})")
        self.slot = slot


LIVE_STATES = ("alive", "stopping")


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _adoptable(
    row: Any, host: str, age: float, liveness: Liveness, alive: Callable[[int], bool]
) -> bool:
    """Whether a new process may take this slot. On this host the process table decides:
    a slot whose process still exists is never adopted, however stale its heartbeat (a
    SIGSTOP'd worker resumes; it must not share its executor id with a newcomer). A slot
    on another host (explicit ids only) is adoptable once stopped, taken over or silent."""
    if row.state == "taking":
        return False
    if row.state == "stopped":
        return True
    if row.host == host:
        return not alive(int(row.pid))
    return row.state == "dead" or age > liveness.dead_after


def claim_executor(
    engine: sa.Engine,
    *,
    concurrency: int,
    liveness: Liveness,
    explicit: str | None = None,
    host: str | None = None,
    pid: int | None = None,
    alive: Callable[[int], bool] = pid_alive,
) -> Slot:
    """Claim an executor slot for this process (a new token) and write its first heartbeat."""
    host = host or socket.gethostname()
    pid = os.getpid() if pid is None else pid
    now = db_now(engine)
    candidates = [explicit] if explicit else [f"{host}-{n}" for n in range(MAX_SLOTS)]
    for executor_id in candidates:
        values = {
            "host": host,
            "pid": pid,
            "state": "alive",
            "concurrency": concurrency,
            "started_at": now,
            "heartbeat_at": now,
            "taken_by": None,
            "taken_at": None,
        }
        try:
            with transaction(engine) as conn:
                row = conn.execute(
                    sa.select(workers, (now - workers.c.heartbeat_at).label("age")).where(
                        workers.c.executor_id == executor_id
                    )
                ).first()
                if row is None:
                    conn.execute(
                        sa.insert(workers).values(executor_id=executor_id, token=1, **values)
                    )
                    return Slot(executor_id, 1)
                if _adoptable(row, host, float(row.age), liveness, alive):
                    token = int(row.token) + 1
                    claimed = conn.execute(
                        sa.update(workers)
                        .where(workers.c.executor_id == executor_id, workers.c.token == row.token)
                        .values(token=token, **values)
                    )
                    if claimed.rowcount == 1:
                        return Slot(executor_id, token)
        except sa.exc.IntegrityError:
            # Another process inserted this slot between our read and our insert (two
            # workers starting at once): it is theirs; try the next one.
            if explicit:
                raise ConfigError(
                    f"worker id {explicit!r} was just claimed by another worker"
                ) from None
            continue
        if explicit:
            raise ConfigError(
                f"worker id {explicit!r} is in use by pid {row.pid} on {row.host} "
                f"(state {row.state}, last heartbeat {float(row.age):.0f}s ago)"
            )
    raise ConfigError(f"no free worker slot on {host} (more than {MAX_SLOTS} workers?)")


def _mine(slot: Slot) -> sa.ColumnElement[bool]:
    return sa.and_(
        workers.c.executor_id == slot.executor_id,
        workers.c.token == slot.token,
        workers.c.state.in_(LIVE_STATES),
    )


def beat(engine: sa.Engine, slot: Slot) -> bool:
    """Stamp the heartbeat; False when this worker no longer holds its slot (fenced)."""
    with transaction(engine) as conn:
        done = conn.execute(
            sa.update(workers).where(_mine(slot)).values(heartbeat_at=db_now(engine))
        )
        return done.rowcount == 1


def mark_state(engine: sa.Engine, slot: Slot, state: str) -> bool:
    """Move this worker's row to ``state`` if it still holds the slot."""
    with transaction(engine) as conn:
        done = conn.execute(
            sa.update(workers).where(_mine(slot)).values(state=state, heartbeat_at=db_now(engine))
        )
        return done.rowcount == 1


def hold_slot(conn: sa.Connection, slot: Slot) -> None:
    """Inside a write transaction: raise ``SlotLost`` unless ``slot`` is still held, and
    keep the row locked until commit, so no takeover can land between check and write (on
    Postgres a share lock that a takeover's UPDATE waits for; on SQLite every write
    transaction is already exclusive)."""
    query = sa.select(workers.c.token, workers.c.state).where(
        workers.c.executor_id == slot.executor_id
    )
    if conn.dialect.name != "sqlite":
        query = query.with_for_update(read=True)
    row = conn.execute(query).first()
    if row is None or int(row.token) != slot.token or row.state not in LIVE_STATES:
        raise SlotLost(slot)


def slot_state(engine: sa.Engine, executor_id: str) -> str | None:
    with transaction(engine, readonly=True) as conn:
        query = sa.select(workers.c.state).where(workers.c.executor_id == executor_id)
        state = conn.execute(query).scalar_one_or_none()
        return None if state is None else str(state)


def reclaim(engine: sa.Engine, slot: Slot) -> Slot | None:
    """Take this worker's own slot into "taking" (a new token) to hand back the jobs it
    still holds: from a live state with its own token (a normal stop), or from "dead"
    (another worker finished taking it over; what is left was dequeued after that). None
    when someone else holds the slot (a takeover in progress, an adopter) or it is gone.
    A worker that dies while holding it is taken over like any stale "taking" row."""
    with transaction(engine) as conn:
        query = sa.select(workers.c.token, workers.c.state).where(
            workers.c.executor_id == slot.executor_id
        )
        if engine.dialect.name != "sqlite":
            query = query.with_for_update()
        row = conn.execute(query).first()
        if row is None:
            return None
        mine = int(row.token) == slot.token and row.state in LIVE_STATES
        if not (mine or row.state == "dead"):
            return None
        token = int(row.token) + 1
        conn.execute(
            sa.update(workers)
            .where(workers.c.executor_id == slot.executor_id, workers.c.token == row.token)
            .values(state="taking", token=token, taken_at=db_now(engine))
        )
        return Slot(slot.executor_id, token)


def finish_reclaim(engine: sa.Engine, slot: Slot) -> None:
    """The slot reclaimed by ``reclaim`` is free again ("stopped": adoptable)."""
    with transaction(engine) as conn:
        conn.execute(
            sa.update(workers)
            .where(
                workers.c.executor_id == slot.executor_id,
                workers.c.token == slot.token,
                workers.c.state == "taking",
            )
            .values(state="stopped", heartbeat_at=db_now(engine))
        )


def _stale(engine: sa.Engine, dead_after: float) -> sa.ColumnElement[bool]:
    now = db_now(engine)
    return sa.or_(
        sa.and_(workers.c.state.in_(LIVE_STATES), workers.c.heartbeat_at < now - dead_after),
        sa.and_(workers.c.state == "taking", workers.c.taken_at < now - dead_after),
    )


def stale_workers(engine: sa.Engine, me: str, dead_after: float) -> list[str]:
    with transaction(engine, readonly=True) as conn:
        query = sa.select(workers.c.executor_id).where(
            _stale(engine, dead_after), workers.c.executor_id != me
        )
        return [str(value) for value in conn.execute(query).scalars()]


def try_takeover(engine: sa.Engine, dead: str, me: str, dead_after: float) -> bool:
    """Compare-and-set a stale worker to "taking" by ``me`` (a new token, so the stale
    worker is fenced from now on); True if this call won."""
    with transaction(engine) as conn:
        won = conn.execute(
            sa.update(workers)
            .where(workers.c.executor_id == dead, _stale(engine, dead_after))
            .values(state="taking", taken_by=me, taken_at=db_now(engine), token=workers.c.token + 1)
        )
        return won.rowcount == 1


def finish_takeover(engine: sa.Engine, dead: str, me: str) -> None:
    with transaction(engine) as conn:
        conn.execute(
            sa.update(workers)
            .where(workers.c.executor_id == dead, workers.c.state == "taking")
            .where(workers.c.taken_by == me)
            .values(state="dead")
        )


class BeatFn(Protocol):
    """How the heartbeat stamps the row (``beat``; tests inject faults here)."""

    def __call__(self, engine: sa.Engine, slot: Slot) -> bool: ...


class Heartbeat(threading.Thread):
    """Beats every ``interval`` and runs ``on_tick`` (takeover, reconciliation) after each
    successful beat. Calls ``on_fenced`` once and stops when the slot was lost; calls
    ``on_unhealthy`` once when beats keep failing (``max_failures`` in a row, or none
    succeeded for ``dead_after``), then keeps beating but takes nothing over."""

    def __init__(
        self,
        engine: sa.Engine,
        slot: Slot,
        liveness: Liveness,
        *,
        on_tick: Callable[[], None],
        on_fenced: Callable[[], None],
        on_unhealthy: Callable[[], None],
        beat_fn: BeatFn = beat,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(name="merchant-screen-heartbeat", daemon=True)
        self._engine = engine
        self._slot = slot
        self._liveness = liveness
        self._on_tick = on_tick
        self._on_fenced = on_fenced
        self._on_unhealthy = on_unhealthy
        self._beat = beat_fn
        self._clock = clock
        self._stop_event = threading.Event()

    def stop(self) -> None:
        """Stop beating; waits (bounded) for a takeover in progress to finish."""
        self._stop_event.set()
        if self.is_alive() and self is not threading.current_thread():
            self.join(timeout=30)

    def run(self) -> None:
        last_ok = self._clock()
        failures = 0
        unhealthy = False
        while not self._stop_event.wait(self._liveness.interval):
            try:
                alive = self._beat(self._engine, self._slot)
            except Exception as exc:  # the database may be briefly away: keep trying
                failures += 1
                silent = self._clock() - last_ok
                log.warning("heartbeat failed (%d in a row): %s", failures, exc)
                if not unhealthy and (
                    failures >= self._liveness.max_failures or silent > self._liveness.dead_after
                ):
                    unhealthy = True
                    log.error(
                        "worker %s: no heartbeat for %.1fs (%d failures): it stops taking work",
                        self._slot.executor_id,
                        silent,
                        failures,
                    )
                    self._on_unhealthy()
                continue
            if not alive:
                log.error("worker %s lost its slot to another worker", self._slot.executor_id)
                self._on_fenced()
                return
            failures, last_ok = 0, self._clock()
            if unhealthy:
                continue
            try:
                self._on_tick()
            except Exception as exc:
                log.warning("takeover check failed: %s", exc)


def list_workers(engine: sa.Engine) -> list[dict[str, Any]]:
    """Workers that have not stopped, with seconds since their last heartbeat."""
    now = db_now(engine)
    query = (
        sa.select(
            workers.c.executor_id,
            workers.c.host,
            workers.c.pid,
            workers.c.state,
            workers.c.concurrency,
            (now - workers.c.heartbeat_at).label("heartbeat_age"),
        )
        .where(workers.c.state.in_((*LIVE_STATES, "taking")))
        .order_by(workers.c.executor_id)
    )
    with transaction(engine, readonly=True) as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
    for row in rows:
        row["heartbeat_age"] = round(float(row["heartbeat_age"]), 1)
    return rows
