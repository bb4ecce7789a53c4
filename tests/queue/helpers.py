"""Shared helpers for the queue tests: scripted screens, bounded waits, subprocesses."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

from merchant_screen.errors import FetchError
from merchant_screen.queue.jobs import submit
from merchant_screen.queue.store import connect, jobs, results
from merchant_screen.settings import Settings
from merchant_screen.verdict import CrawlSummary, Declared, Verdict, Versions

REPO = Path(__file__).parents[2]
PG_URL = os.environ.get("MERCHANT_SCREEN_TEST_PG_URL", "")

LAUNCHER = """\
import sys
from merchant_screen.cli import app, main
from merchant_screen.queue.cli import batch_app, worker_command

# The same two lines merchant_screen/cli.py gets, unless it has them already.
if "batch" not in [group.name for group in app.registered_groups]:
    app.add_typer(batch_app, name="batch")
if "worker" not in [command.name for command in app.registered_commands]:
    app.command("worker")(worker_command)
main()
"""

DNS_STUB = """\
# Test-only resolver: no name resolves (EAI_NONAME, i.e. NXDOMAIN) except loopback literals,
# so no test ever sends a DNS query. Fixture hosts are reached through --connect-to routes.
import socket

_real = socket.getaddrinfo
_LOCAL = {"127.0.0.1", "::1", "localhost"}

def _getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is None or name in _LOCAL:
        return _real(host, *args, **kwargs)
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

socket.getaddrinfo = _getaddrinfo
"""


@contextmanager
def pg_admin() -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        yield conn


def offline_getaddrinfo(real: Callable[..., Any]) -> Callable[..., Any]:
    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is None or name in ("127.0.0.1", "::1", "localhost"):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    return getaddrinfo


def make_verdict(
    url: str,
    decision: str = "allowed",
    error: str | None = None,
    transient: bool = False,
    run_id: str = "r",
) -> Verdict:
    return Verdict(
        url=url,
        domain=url.split("/")[2],
        decision=decision,  # type: ignore[arg-type]
        action="approve" if decision == "allowed" else "review",
        confidence=0.8,
        versions=Versions(package="0", policy="p", prompts="p", model="scripted"),
        crawl=CrawlSummary(error=error, error_transient=transient),
        run_id=run_id,
        screened_at="2025-01-01T00:00:00+00:00",
    )


@dataclass
class ScriptedScreen:
    """A screen function that records its calls; ``transient[url] = n`` fails the first n
    calls for that URL with a transient FetchError; ``permanent`` URLs raise a permanent
    one; ``verdict_errors`` URLs return an "unknown" verdict with a homepage error."""

    delay: float = 0.0
    transient: dict[str, int] = field(default_factory=dict)
    permanent: set[str] = field(default_factory=set)
    verdict_errors: dict[str, bool] = field(default_factory=dict)
    calls: list[tuple[str, float, float]] = field(default_factory=list)
    running: int = 0
    peak: int = 0
    busy_at: int = 2
    busy: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(
        self, url: str, *, declared: Declared | None, trace_path: Path, run_id: str
    ) -> Verdict:
        started = time.monotonic()
        self.running += 1
        self.peak = max(self.peak, self.running)
        if self.running >= self.busy_at:
            self.busy.set()
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.running -= 1
        self.calls.append((url, started, time.monotonic()))
        if self.transient.get(url, 0) > 0:
            self.transient[url] -= 1
            raise FetchError(f"{url}: connection reset", transient=True)
        if url in self.permanent:
            raise FetchError(f"{url}: HTTP 404", transient=False, status=404)
        if url in self.verdict_errors:
            transient = self.verdict_errors[url]
            return make_verdict(url, "unknown", f"{url}: homepage failed", transient, run_id)
        return make_verdict(url, run_id=run_id)

    def count(self, url: str) -> int:
        return sum(1 for call in self.calls if call[0] == url)


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    """Poll ``predicate`` until true or ``timeout`` seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def table_rows(db_url: str, table: sa.Table) -> list[dict[str, Any]]:
    engine = connect(db_url, pool_size=1)
    try:
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(sa.select(table))]
    finally:
        engine.dispose()


def result_rows(db_url: str) -> list[dict[str, Any]]:
    return table_rows(db_url, results)


def job_rows(db_url: str) -> list[dict[str, Any]]:
    return table_rows(db_url, jobs)


def count_results(db_url: str) -> int:
    engine = connect(db_url, pool_size=1)
    try:
        with engine.connect() as conn:
            query = sa.select(sa.func.count()).select_from(results)
            return int(conn.execute(query).scalar_one())
    except sa.exc.OperationalError:
        return 0
    except sa.exc.ProgrammingError:
        return 0
    finally:
        engine.dispose()


@dataclass
class Tools:
    """Scripts a subprocess test needs: the CLI launcher and the DNS stub directory."""

    launcher: Path
    stub_dir: Path

    @classmethod
    def create(cls, where: Path) -> Tools:
        where.mkdir(parents=True, exist_ok=True)
        launcher = where / "merchant_screen_cli.py"
        launcher.write_text(LAUNCHER)
        stub_dir = where / "dns-stub"
        stub_dir.mkdir(exist_ok=True)
        (stub_dir / "sitecustomize.py").write_text(DNS_STUB)
        return cls(launcher, stub_dir)

    def env(self, extra: dict[str, str]) -> dict[str, str]:
        """A clean environment: no MERCHANT_SCREEN_* from the caller, the stub on the path."""
        base = {k: v for k, v in os.environ.items() if not k.startswith("MERCHANT_SCREEN_")}
        base["PYTHONPATH"] = os.pathsep.join([str(self.stub_dir), str(REPO)])
        base["PYTHONUNBUFFERED"] = "1"
        return {**base, **extra}

    def cli(self, *args: str) -> list[str]:
        return [sys.executable, str(self.launcher), *args]

    def proc_worker(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "tests.queue.procworker", *args]


def run(
    command: list[str],
    env: dict[str, str],
    cwd: Path,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def stop(process: subprocess.Popen[str], timeout: float = 20) -> None:
    """Kill a process left running by a failed test (bounded)."""
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=timeout)  # reaps it and closes its pipes


def submit_jobs(db_url: str, count: int) -> list[str]:
    urls = [f"https://site{n}.test/" for n in range(count)]
    rows = [{"url": url, "merchant_id": f"m{n}"} for n, url in enumerate(urls)]
    assert submit(rows, batch="p", db=db_url, settings=Settings()).queued == count
    return urls


def events(log: Path) -> list[tuple[str, str, int]]:
    """``(start|end, url, pid)`` lines a ``procworker`` screen wrote."""
    if not log.exists():
        return []
    lines = [line.split() for line in log.read_text().splitlines() if line.strip()]
    return [(kind, url, int(pid)) for kind, url, pid, _ in lines]


class Workers:
    """``procworker`` processes on one queue database, killed at the end of the test."""

    def __init__(self, tmp_path: Path, db_url: str) -> None:
        self.tools = Tools.create(tmp_path / "tools")
        self.db_url = db_url
        self.data = tmp_path / "data"
        self.log = tmp_path / "screen.log"
        self.procs: list[subprocess.Popen[str]] = []

    def start(self, *args: str) -> subprocess.Popen[str]:
        command = self.tools.proc_worker(
            "--db", self.db_url, "--data-dir", str(self.data), "--log", str(self.log), *args
        )
        proc = subprocess.Popen(
            command,
            env=self.tools.env({}),
            cwd=self.data.parent,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.procs.append(proc)
        return proc

    def finish(self, proc: subprocess.Popen[str], timeout: float = 60) -> str:
        out, err = proc.communicate(timeout=timeout)
        assert proc.returncode == 0, err[-3000:]
        return out

    def close(self) -> None:
        for proc in self.procs:
            stop(proc)
