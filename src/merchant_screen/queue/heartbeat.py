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
- ``dead_after`` must be at least three heartbeats, and a worker that finds its own row
  taken over stops at once (fencing): the database, not a guess, decides who is alive.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from merchant_screen.errors import ConfigError
from merchant_screen.queue.store import db_now, transaction, workers

__all__ = [
    "Heartbeat",
    "Liveness",
    "beat",
    "claim_executor",
    "finish_takeover",
    "list_workers",
    "mark_state",
    "pid_alive",
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

    def __post_init__(self) -> None:
        if self.interval <= 0:
            raise ConfigError("heartbeat interval must be > 0")
        if self.dead_after < 3 * self.interval:
            raise ConfigError("dead-after must be at least three heartbeat intervals")


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
    if row.state in ("stopped", "dead"):
        return True
    if row.state == "taking":
        return False
    if row.host == host and not alive(int(row.pid)):
        return True
    return age > liveness.dead_after


def claim_executor(
    engine: sa.Engine,
    *,
    concurrency: int,
    liveness: Liveness,
    explicit: str | None = None,
    host: str | None = None,
    pid: int | None = None,
    alive: Callable[[int], bool] = pid_alive,
) -> str:
    """Claim an executor id for this process and write its first heartbeat."""
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
        with transaction(engine) as conn:
            row = conn.execute(
                sa.select(workers, (now - workers.c.heartbeat_at).label("age")).where(
                    workers.c.executor_id == executor_id
                )
            ).first()
            if row is None:
                conn.execute(sa.insert(workers).values(executor_id=executor_id, **values))
                return executor_id
            if _adoptable(row, host, float(row.age), liveness, alive):
                claimed = conn.execute(
                    sa.update(workers)
                    .where(
                        workers.c.executor_id == executor_id,
                        workers.c.state == row.state,
                        workers.c.pid == row.pid,
                        workers.c.heartbeat_at == row.heartbeat_at,
                    )
                    .values(**values)
                )
                if claimed.rowcount == 1:
                    return executor_id
        if explicit:
            raise ConfigError(
                f"worker id {explicit!r} is in use by pid {row.pid} on {row.host} "
                f"(state {row.state}, last heartbeat {float(row.age):.0f}s ago)"
            )
    raise ConfigError(f"no free worker slot on {host} (more than {MAX_SLOTS} workers?)")


def beat(engine: sa.Engine, executor_id: str) -> bool:
    """Stamp the heartbeat; False when this worker was declared dead (fenced)."""
    with transaction(engine) as conn:
        done = conn.execute(
            sa.update(workers)
            .where(workers.c.executor_id == executor_id)
            .where(workers.c.state.in_(("alive", "stopping")))
            .values(heartbeat_at=db_now(engine))
        )
        return done.rowcount == 1


def mark_state(engine: sa.Engine, executor_id: str, state: str) -> None:
    with transaction(engine) as conn:
        conn.execute(
            sa.update(workers)
            .where(workers.c.executor_id == executor_id)
            .where(workers.c.state.in_(("alive", "stopping")))
            .values(state=state, heartbeat_at=db_now(engine))
        )


def _stale(engine: sa.Engine, dead_after: float) -> sa.ColumnElement[bool]:
    now = db_now(engine)
    return sa.or_(
        sa.and_(
            workers.c.state.in_(("alive", "stopping")), workers.c.heartbeat_at < now - dead_after
        ),
        sa.and_(workers.c.state == "taking", workers.c.taken_at < now - dead_after),
    )


def stale_workers(engine: sa.Engine, me: str, dead_after: float) -> list[str]:
    with transaction(engine, readonly=True) as conn:
        query = sa.select(workers.c.executor_id).where(
            _stale(engine, dead_after), workers.c.executor_id != me
        )
        return [str(value) for value in conn.execute(query).scalars()]


def try_takeover(engine: sa.Engine, dead: str, me: str, dead_after: float) -> bool:
    """Compare-and-set a stale worker to "taking" by ``me``; True if this call won."""
    with transaction(engine) as conn:
        won = conn.execute(
            sa.update(workers)
            .where(workers.c.executor_id == dead, _stale(engine, dead_after))
            .values(state="taking", taken_by=me, taken_at=db_now(engine))
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


class Heartbeat(threading.Thread):
    """Beats every ``interval``; runs ``on_tick`` (takeover, reconciliation) after each
    beat; calls ``on_fenced`` once and stops if this worker was declared dead."""

    def __init__(
        self,
        engine: sa.Engine,
        executor_id: str,
        liveness: Liveness,
        *,
        on_tick: Callable[[], None],
        on_fenced: Callable[[], None],
    ) -> None:
        super().__init__(name="merchant-screen-heartbeat", daemon=True)
        self._engine = engine
        self._executor_id = executor_id
        self._liveness = liveness
        self._on_tick = on_tick
        self._on_fenced = on_fenced
        self._stop_event = threading.Event()

    def stop(self) -> None:
        """Stop beating; waits (bounded) for a takeover in progress to finish."""
        self._stop_event.set()
        if self.is_alive() and self is not threading.current_thread():
            self.join(timeout=30)

    def run(self) -> None:
        while not self._stop_event.wait(self._liveness.interval):
            try:
                alive = beat(self._engine, self._executor_id)
            except Exception as exc:  # the database may be briefly away: keep trying
                log.warning("heartbeat failed: %s", exc)
                continue
            if not alive:
                log.error("worker %s was declared dead by another worker", self._executor_id)
                self._on_fenced()
                return
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
        .where(workers.c.state.in_(("alive", "stopping", "taking")))
        .order_by(workers.c.executor_id)
    )
    with transaction(engine, readonly=True) as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
    for row in rows:
        row["heartbeat_age"] = round(float(row["heartbeat_age"]), 1)
    return rows
