"""The queue's own tables (jobs, results, workers), in the same database as DBOS.

One database URL selects the backend: ``sqlite:///path`` (default: ``queue.sqlite`` in the
data directory) or ``postgresql://...``. ``connect`` returns a SQLAlchemy engine set up for
several processes at once: on SQLite every write transaction starts with ``BEGIN IMMEDIATE``
(so a read-then-write cannot interleave with another writer) and the file is in WAL mode;
on Postgres the pool is kept small, because DBOS holds its own pool in every process.

Tables (prefixed ``ms_`` so they never meet DBOS's own):

- ``ms_jobs``: one row per (batch, merchant_id); ``generation`` grows on retry-failed;
  ``status`` is queued, running or finished.
- ``ms_results``: at most one row per (batch, merchant_id): the idempotency key of every
  result write; ``status`` is done, failed or dead.
- ``ms_workers``: one row per executor id, with a heartbeat in database time and the
  slot's fencing ``token`` (see ``heartbeat``); added to older databases by ``create_tables``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from merchant_screen.errors import ConfigError
from merchant_screen.settings import Settings

__all__ = [
    "DEFAULT_DB_FILE",
    "connect",
    "create_tables",
    "db_error",
    "db_now",
    "describe_db",
    "is_sqlite",
    "jobs",
    "metadata",
    "resolve_db_url",
    "results",
    "retry_db",
    "sqlite_path",
    "transaction",
    "workers",
]

DEFAULT_DB_FILE = "queue.sqlite"
T = TypeVar("T")

metadata = sa.MetaData()

jobs = sa.Table(
    "ms_jobs",
    metadata,
    sa.Column("batch", sa.String(200), primary_key=True),
    sa.Column("merchant_id", sa.String(200), primary_key=True),
    sa.Column("generation", sa.Integer, nullable=False),
    sa.Column("line", sa.Integer),
    sa.Column("url", sa.Text),
    sa.Column("declared_name", sa.Text),
    sa.Column("declared_description", sa.Text),
    sa.Column("domain", sa.String(255)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text),
    sa.Column("invalid_reason", sa.Text),
    sa.Column("workflow_id", sa.String(100)),
    sa.Column("executor_id", sa.String(200)),
    sa.Column("submitted_at", sa.Float, nullable=False),
    sa.Column("enqueued_at", sa.Float),
    sa.Column("started_at", sa.Float),
    sa.Column("updated_at", sa.Float),
    sa.Index("ms_jobs_status", "status"),
    sa.Index("ms_jobs_executor", "executor_id"),
)

results = sa.Table(
    "ms_results",
    metadata,
    sa.Column("batch", sa.String(200), primary_key=True),
    sa.Column("merchant_id", sa.String(200), primary_key=True),
    sa.Column("generation", sa.Integer, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("decision", sa.String(16)),
    sa.Column("action", sa.String(16)),
    sa.Column("confidence", sa.Float),
    sa.Column("categories", sa.Text, nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("timings", sa.Text, nullable=False),
    sa.Column("run_id", sa.String(64)),
    sa.Column("trace_path", sa.Text),
    sa.Column("verdict", sa.Text),
    sa.Column("executor_id", sa.String(200)),
    sa.Column("finished_at", sa.Float, nullable=False),
    sa.Index("ms_results_status", "status"),
)

workers = sa.Table(
    "ms_workers",
    metadata,
    sa.Column("executor_id", sa.String(200), primary_key=True),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("concurrency", sa.Integer, nullable=False),
    sa.Column("started_at", sa.Float, nullable=False),
    sa.Column("heartbeat_at", sa.Float, nullable=False),
    sa.Column("taken_by", sa.String(200)),
    sa.Column("taken_at", sa.Float),
    sa.Column("token", sa.Integer, nullable=False, server_default="0"),
)

_ADDED_COLUMNS = {"ms_workers": ["token INTEGER NOT NULL DEFAULT 0"]}


def resolve_db_url(settings: Settings, db: str | None = None) -> str:
    """The queue database URL: ``db``, else ``settings.db`` (MERCHANT_SCREEN_DB), else
    ``sqlite:///<data_dir>/queue.sqlite``. SQLite paths become absolute, so every process
    started with the same environment agrees on the file, wherever it runs from."""
    raw = (db or settings.db or "").strip()
    if not raw:
        return f"sqlite:///{(settings.data_dir / DEFAULT_DB_FILE).resolve()}"
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw.removeprefix("postgres://")
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(
            f"invalid database URL {raw[:80]!r}: expected sqlite:///PATH or "
            "postgresql://USER@HOST/DB"
        ) from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ConfigError("the queue database must be a file: sqlite:///PATH")
        return f"sqlite:///{Path(url.database).expanduser().resolve()}"
    if backend == "postgresql":
        return url.set(drivername="postgresql").render_as_string(hide_password=False)
    raise ConfigError(
        f"unsupported database {url.render_as_string(hide_password=True)!r}: "
        "use sqlite:///PATH or postgresql://..."
    )


def db_error(action: str, url: str, exc: BaseException) -> ConfigError:
    """A one-line ConfigError for a database that cannot be used."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    reason = " ".join(str(cause).split())[:300]
    return ConfigError(f"cannot {action} the queue database {describe_db(url)}: {reason}")


def describe_db(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite:")


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def connect(url: str, *, pool_size: int = 3) -> sa.Engine:
    """An engine for the queue tables (see the module docstring for the locking rules)."""
    if is_sqlite(url):
        sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            dbapi_conn.execute("PRAGMA busy_timeout=30000")
            dbapi_conn.execute("PRAGMA synchronous=NORMAL")

        @event.listens_for(engine, "begin")
        def _on_begin(conn: sa.Connection) -> None:
            readonly = conn.get_execution_options().get("readonly", False)
            conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

        return engine
    pg_url = make_url(url).set(drivername="postgresql+psycopg")
    return sa.create_engine(
        pg_url,
        pool_size=pool_size,
        max_overflow=2,
        pool_pre_ping=True,
        pool_timeout=30,
        connect_args={"connect_timeout": 10},  # a vanished server fails a beat, not hangs it
    )


@contextmanager
def transaction(engine: sa.Engine, *, readonly: bool = False) -> Iterator[sa.Connection]:
    """A transaction; ``readonly`` ones take no write lock on SQLite."""
    with engine.connect() as conn:
        if readonly:
            conn = conn.execution_options(readonly=True)
        with conn.begin():
            yield conn


def db_now(engine: sa.Engine) -> sa.ColumnElement[float]:
    """Seconds since the epoch by the database's clock, so hosts with skewed clocks agree."""
    if engine.dialect.name == "sqlite":
        return sa.literal_column("((julianday('now') - 2440587.5) * 86400.0)", sa.Float)
    return sa.cast(sa.literal_column("extract(epoch from clock_timestamp())"), sa.Float)


def _add_missing_columns(conn: sa.Connection) -> None:
    inspector = sa.inspect(conn)
    for table, columns in _ADDED_COLUMNS.items():
        present = {column["name"] for column in inspector.get_columns(table)}
        for column in columns:
            if column.split()[0] not in present:
                conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column}")


def create_tables(engine: sa.Engine) -> None:
    """Create the queue tables if missing and add columns newer code needs; safe when
    several processes start at once."""
    with transaction(engine) as conn:
        if engine.dialect.name != "sqlite":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(7268131002)"))
        metadata.create_all(conn, checkfirst=True)
        _add_missing_columns(conn)
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()  # outside any transaction, as the pragma requires
        try:
            raw.driver_connection.execute("PRAGMA journal_mode=WAL")  # type: ignore[union-attr]
        finally:
            raw.close()


def retry_db(action: Callable[[], T], *, attempts: int = 4, first_wait: float = 0.5) -> T:
    """Run ``action``, retrying database connection trouble with backoff (Postgres restarts,
    a full connection pool, a locked SQLite file past its busy timeout)."""
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except OperationalError:
            if attempt == attempts:
                raise
            time.sleep(first_wait * 2 ** (attempt - 1))
    raise AssertionError("unreachable")
