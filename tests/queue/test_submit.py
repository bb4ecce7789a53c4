from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from merchant_screen.errors import InputError
from merchant_screen.queue.engine import QUEUE_NAME, open_client
from merchant_screen.queue.jobs import submit, submit_file
from merchant_screen.queue.recovery import reconcile_ended
from merchant_screen.queue.report import (
    csv_cell,
    csv_text,
    read_results,
    read_status,
    status_lines,
)
from merchant_screen.queue.store import connect
from merchant_screen.settings import Settings
from tests.cli.test_cli_crawl import run
from tests.queue.helpers import count_results, job_rows

BATCH_CSV = """url,merchant_id,declared_name,declared_description
https://shop-a.test/,m1,Shop A,Tea
https://www.shop-b.test/x,m2,,
not a url at all,m3,,
https://shop-c.test/,,,
https://shop-a.test/other,m1,,
"""


def test_submit_records_invalid_rows_and_reports_duplicates(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "june.csv"
    path.write_text(BATCH_CSV)
    summary = submit_file(path, db=db_url, settings=Settings())
    assert summary.batch == "june"
    assert (summary.rows, summary.queued, summary.already_submitted) == (5, 2, 0)
    assert [(r.line, r.merchant_id) for r in summary.invalid] == [(4, "m3"), (5, "(line 5)")]
    assert [(d.merchant_id, d.line, d.first_line) for d in summary.duplicates] == [("m1", 6, 2)]

    snapshot = read_status(db=db_url, settings=Settings())
    assert snapshot.as_dict()["counts"] == {
        "queued": 2,
        "running": 0,
        "done": 0,
        "failed": 2,
        "dead": 0,
    }
    assert snapshot.workers == []
    assert "june: 2/4 finished (50%)" in status_lines(snapshot)[0]
    failed = read_results(db=db_url, settings=Settings())
    assert [(r["merchant_id"], r["status"], r["attempts"]) for r in failed] == [
        ("m3", "failed", 0),
        ("(line 5)", "failed", 0),
    ]
    assert failed[0]["error"].startswith("invalid input: invalid URL")
    assert csv_text(failed).splitlines()[0].startswith("batch,merchant_id,url,status,decision")

    client = open_client(db_url)
    try:
        queued = client.list_workflows(queue_name=QUEUE_NAME, load_output=False)
    finally:
        client.destroy()
    assert sorted((w.status, w.queue_partition_key) for w in queued) == [
        ("ENQUEUED", "shop-a.test"),
        ("ENQUEUED", "shop-b.test"),
    ]

    again = submit_file(path, db=db_url, settings=Settings())
    assert (again.queued, again.already_submitted, len(again.invalid)) == (0, 4, 0)
    assert len(job_rows(db_url)) == 4


def test_a_bad_line_fails_its_row_and_the_batch_goes_on(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"url": "https://a.test", "merchant_id": "a"}\n{oops}\n'
        '{"url": "https://b.test", "merchant_id": "b"}\n'
    )
    summary = submit_file(path, db=db_url, settings=Settings())
    assert (summary.rows, summary.queued) == (3, 2)
    assert [(r.line, r.merchant_id) for r in summary.invalid] == [(2, "(line 2)")]
    failed = read_results(db=db_url, settings=Settings())
    assert [(r["merchant_id"], r["status"], r["error"]) for r in failed] == [
        ("(line 2)", "failed", "invalid input: invalid JSON: Expecting property name "
         "enclosed in double quotes (column 2)")
    ]  # fmt: skip
    assert read_status(db=db_url, settings=Settings()).counts["queued"] == 2


def test_a_file_with_no_json_object_queues_nothing(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("{oops}\n[1, 2]\n")
    with pytest.raises(InputError, match=r"bad.jsonl:1: invalid JSON"):
        submit_file(path, db=db_url, settings=Settings())
    assert count_results(db_url) == 0


FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]


def test_results_csv_escapes_cells_that_start_a_formula(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """OWASP CSV injection: a merchant-supplied cell must not run in a spreadsheet."""
    rows = [{"url": f"ftp://x{i}.test", "merchant_id": m} for i, m in enumerate(FORMULAS)]
    rows.append({"url": '=HYPERLINK("http://evil.test")', "merchant_id": "plain"})
    submit(rows, batch="f", db=db_url, settings=Settings())
    code, out, err = run(["batch", "results", "--format", "csv", "--db", db_url], capsys)
    assert code == 0, err
    parsed = list(csv.DictReader(io.StringIO(out)))
    assert [r["merchant_id"] for r in parsed] == ["'" + m for m in FORMULAS] + ["plain"]
    assert parsed[-1]["url"] == '\'=HYPERLINK("http://evil.test")'
    assert parsed[-1]["error"].startswith("invalid input: ")  # ordinary text unchanged
    assert parsed[0]["attempts"] == "0"


def test_csv_cell_leaves_numbers_and_ordinary_text_alone() -> None:
    assert [csv_cell(v) for v in ("\tx", "\r=1", "-", "=")] == ["'\tx", "'\r=1", "'-", "'="]
    assert [csv_cell(v) for v in (None, -0.5, 3, "shop-1", "a=b", " =x")] == [
        "", -0.5, 3, "shop-1", "a=b", " =x"
    ]  # fmt: skip


def test_submit_to_an_unwritable_database_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "afile").write_text("not a directory")
    batch = tmp_path / "b.csv"
    batch.write_text("url,merchant_id\nhttps://a.test,a\n")
    db = f"sqlite:///{tmp_path / 'afile' / 'queue.sqlite'}"
    for argv in (
        ["batch", "submit", str(batch), "--db", db],
        ["batch", "retry-failed", "--db", db],
        ["worker", "--drain", "--model", "fake", "--db", db],
    ):
        code, _, err = run(argv, capsys)
        assert code == 2, (argv, err)
        assert err.strip() == (
            f"error: cannot write to the queue database directory {tmp_path / 'afile'}: "
            "it is a file, not a directory"
        )


def test_worker_with_an_unwritable_trace_dir_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MERCHANT_SCREEN_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "afile").write_text("not a directory")
    db = f"sqlite:///{tmp_path / 'queue.sqlite'}"
    traces = tmp_path / "afile" / "traces"
    code, _, err = run(
        ["worker", "--drain", "--model", "fake", "--db", db, "--trace-dir", str(traces)], capsys
    )
    assert code == 2
    assert err.strip() == f"error: cannot write to the trace directory {traces}: Not a directory"


def test_python_api_takes_mappings_and_a_db_url(db_url: str) -> None:
    summary = submit(
        [
            {"url": "https://a.test", "merchant_id": "a", "declared_name": "A"},
            {"url": "https://b.test", "merchant_id": "b"},
        ],
        batch="api",
        db=db_url,
        settings=Settings(),
    )
    assert summary.queued == 2
    rows = {row["merchant_id"]: row for row in job_rows(db_url)}
    assert rows["a"]["declared_name"] == "A"
    assert rows["a"]["status"] == "queued"
    assert rows["a"]["workflow_id"].endswith("-g1-a1")


def test_status_of_a_database_that_does_not_exist_yet(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.sqlite'}"
    snapshot = read_status(db=url, settings=Settings())
    assert not snapshot.exists
    assert snapshot.as_dict()["counts"]["queued"] == 0
    assert read_results(db=url, settings=Settings()) == []
    assert not (tmp_path / "none.sqlite").exists()


def test_a_job_whose_attempt_ended_without_a_result_is_reconciled_as_dead(db_url: str) -> None:
    """E.g. DBOS dead-lettered the attempt after repeated crashes, or it was cancelled."""
    submit(
        [
            {"url": "https://a.test", "merchant_id": "a"},
            {"url": "https://b.test", "merchant_id": "b"},
        ],
        batch="r",
        db=db_url,
        settings=Settings(),
    )
    wanted = {row["merchant_id"]: row["workflow_id"] for row in job_rows(db_url)}
    engine = connect(db_url)
    client = open_client(db_url)
    try:
        client.cancel_workflow(wanted["a"])
        assert reconcile_ended(engine, client) == 1
        assert reconcile_ended(engine, client) == 0  # once only
    finally:
        client.destroy()
        engine.dispose()
    rows = {r["merchant_id"]: r for r in read_results(db=db_url, settings=Settings())}
    assert list(rows) == ["a"]
    assert (rows["a"]["status"], rows["a"]["attempts"]) == ("dead", 1)
    assert rows["a"]["error"].startswith("attempt ended as CANCELLED")


@pytest.mark.parametrize(
    ("reason", "code", "message"),
    [
        ("drained", 0, None),
        ("signal", 0, None),
        ("fenced", 1, "error: another worker declared this one dead and took over its jobs"),
        ("unhealthy", 1, "error: the heartbeat kept failing"),
    ],
)
def test_worker_exit_code_tells_a_supervisor_whether_to_restart(
    reason: str,
    code: int,
    message: str | None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from merchant_screen.queue import worker

    monkeypatch.setenv("MERCHANT_SCREEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(
        worker, "run_worker", lambda *a, **k: worker.WorkerReport("h-0", reason=reason)
    )
    db = f"sqlite:///{tmp_path / 'queue.sqlite'}"
    got, _, err = run(["worker", "--drain", "--model", "fake", "--db", db], capsys)
    assert got == code
    last = err.strip().splitlines()[-1]
    assert last.startswith(message) if message else last.startswith("worker h-0 stopped")
