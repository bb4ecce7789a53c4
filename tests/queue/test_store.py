from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from merchant_screen.errors import ConfigError
from merchant_screen.queue import ledger
from merchant_screen.queue.engine import prepare_database
from merchant_screen.queue.heartbeat import (
    Liveness,
    Slot,
    beat,
    claim_executor,
    try_takeover,
)
from merchant_screen.queue.jobs import submit
from merchant_screen.queue.records import JobArgs, ResultRecord, trace_file
from merchant_screen.queue.report import read_status
from merchant_screen.queue.store import connect, resolve_db_url
from merchant_screen.settings import Settings
from tests.queue.conftest import BACKENDS
from tests.queue.helpers import PG_URL, result_rows


def test_db_url_defaults_to_the_data_dir_and_is_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    assert resolve_db_url(settings) == f"sqlite:///{tmp_path / 'data' / 'queue.sqlite'}"
    monkeypatch.chdir(tmp_path)
    assert resolve_db_url(settings, "sqlite:///q.db") == f"sqlite:///{tmp_path / 'q.db'}"
    env = {"MERCHANT_SCREEN_DB": "postgres://u:pw@127.0.0.1:5/db"}
    assert resolve_db_url(Settings.from_env(env)) == "postgresql://u:pw@127.0.0.1:5/db"
    assert "pw" not in repr(Settings.from_env(env))


@pytest.mark.parametrize("url", ["mysql://h/db", "sqlite://", "sqlite:///:memory:", "::"])
def test_unsupported_db_urls(url: str) -> None:
    with pytest.raises(ConfigError):
        resolve_db_url(Settings(), url)


def test_an_unreachable_database_is_one_config_error() -> None:
    url = "postgresql://nobody@127.0.0.1:1/none"  # nothing listens on port 1
    for call in (
        lambda: read_status(db=url, settings=Settings()),
        lambda: submit(
            [{"url": "https://a.test", "merchant_id": "a"}], db=url, settings=Settings()
        ),
    ):
        with pytest.raises(ConfigError, match="queue database postgresql://nobody@") as caught:
            call()
        assert "\n" not in str(caught.value)


def test_trace_file_names_are_safe_and_distinct(tmp_path: Path) -> None:
    a = JobArgs("june/../x", "m 1/..", "https://a.test/", "a.test")
    b = JobArgs("june/../x", "m_1_..", "https://a.test/", "a.test")
    path_a, path_b = trace_file(tmp_path, a, "r" * 32), trace_file(tmp_path, b, "r" * 32)
    assert path_a != path_b
    assert path_a.parent == path_b.parent == tmp_path / "june_.._x"


def _job(engine_url: str) -> JobArgs:
    submit(
        [{"url": "https://a.test/", "merchant_id": "m1"}],
        batch="b",
        db=engine_url,
        settings=Settings(),
    )
    return JobArgs("b", "m1", "https://a.test/", "a.test", generation=1, attempt=1)


def _result(job: JobArgs, status: str = "done", generation: int = 1) -> ResultRecord:
    return ResultRecord(
        job.batch,
        job.merchant_id,
        generation,
        job.url,
        status,  # type: ignore[arg-type]
        attempts=1,
        finished_at=time.time(),
        decision="allowed",
    )


def test_result_is_written_once_and_never_by_a_stale_generation(db_url: str) -> None:
    job = _job(db_url)
    engine = connect(db_url)
    try:
        slot = claim_executor(engine, concurrency=1, liveness=Liveness())
        assert ledger.start_attempt(engine, job, slot, time.time())
        assert not ledger.write_result(engine, _result(job, generation=2), slot)
        assert ledger.write_result(engine, _result(job), slot)
        assert not ledger.write_result(engine, _result(job, "dead"), slot)
        assert not ledger.start_attempt(engine, job, slot, time.time())  # finished
        assert ledger.unfinished_count(engine) == 0
        assert ledger.count_statuses(engine) == {
            "b": {"queued": 0, "running": 0, "done": 1, "failed": 0, "dead": 0}
        }
    finally:
        engine.dispose()
    assert [(r["merchant_id"], r["status"]) for r in result_rows(db_url)] == [("m1", "done")]


def test_executor_slots_takeover_and_fencing(db_url: str) -> None:
    engine = connect(db_url)
    liveness = Liveness(interval=0.1, dead_after=0.4)
    try:
        prepare_database(db_url, engine)
        first = claim_executor(
            engine, concurrency=2, liveness=liveness, host="h", pid=10, alive=lambda pid: True
        )
        second = claim_executor(
            engine, concurrency=2, liveness=liveness, host="h", pid=11, alive=lambda pid: True
        )
        assert (first, second) == (Slot("h-0", 1), Slot("h-1", 1))
        # pid 10 is gone: a new process on the same host adopts its slot at once (new token)
        adopted = claim_executor(
            engine, concurrency=2, liveness=liveness, host="h", pid=12, alive=lambda pid: pid != 10
        )
        assert adopted == Slot("h-0", 2)
        assert not beat(engine, first)  # the old holder of h-0 is fenced
        with pytest.raises(ConfigError, match="in use"):
            claim_executor(
                engine,
                concurrency=2,
                liveness=liveness,
                explicit="h-1",
                host="other",
                pid=1,
                alive=lambda pid: True,
            )
        assert not try_takeover(engine, "h-1", "h-0", liveness.dead_after)  # still fresh
        time.sleep(0.6)
        assert beat(engine, adopted)
        assert try_takeover(engine, "h-1", "h-0", liveness.dead_after)
        assert not try_takeover(engine, "h-1", "h-2", liveness.dead_after)  # taken once
        assert not beat(engine, second)  # the worker taken over is fenced
    finally:
        engine.dispose()


def test_postgres_runs_whenever_ci_runs() -> None:
    """CI must run every backend test on Postgres too (.ci/run starts one with
    scripts/ci-postgres.sh); outside CI the Postgres variants run when a URL is given."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        assert PG_URL, (
            "CI is set but MERCHANT_SCREEN_TEST_PG_URL is not: run scripts/ci-postgres.sh"
        )
    assert (["sqlite", "postgres"] if PG_URL else ["sqlite"]) == BACKENDS
