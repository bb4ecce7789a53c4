"""The issue's "Done when" scenario through the command line, on each backend.

A mixed batch (good fixture sites, a host that does not resolve, an invalid row, a repeated
merchant_id) is submitted from an empty directory with only environment variables set; a
worker is killed with SIGKILL after the first results; a fresh ``worker --drain`` runs to
the end; every merchant_id then has exactly one result row.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from merchant_screen.evaluation.dataset import Dataset
from merchant_screen.queue.cli import batch_app, worker_command
from tests.queue.helpers import Tools, count_results, job_rows, result_rows, run, stop, wait_until


def queue_app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(batch_app, name="batch")
    app.command("worker")(worker_command)
    return app


def cli_env(tools: Tools, db_url: str, site_env: dict[str, Any]) -> dict[str, str]:
    return tools.env(
        {
            "MERCHANT_SCREEN_DB": db_url,
            "MERCHANT_SCREEN_DATA_DIR": str(site_env["data_dir"]),
            "MERCHANT_SCREEN_MODEL": "fake",
            "MERCHANT_SCREEN_CONNECT_TO": " ".join(site_env["connect_to"]),
            "MERCHANT_SCREEN_CA_BUNDLE": str(site_env["ca_bundle"]),
            "MERCHANT_SCREEN_HOST_DELAY": "0",
            "MERCHANT_SCREEN_RETRY_MAX_WAIT": "0",
            "MERCHANT_SCREEN_REQUEST_TIMEOUT": "3",
            "MERCHANT_SCREEN_CACHE": "false",
            "MERCHANT_SCREEN_LLM_CACHE": "false",
            "MERCHANT_SCREEN_WORKER_CONCURRENCY": "2",
        }
    )


def test_mixed_batch_survives_sigkill_and_ends_with_one_row_each(
    db_url: str, tmp_path: Path, smoke_sites: Dataset, site_env: dict[str, Any]
) -> None:
    tools = Tools.create(tmp_path / "tools")
    env = cli_env(tools, db_url, site_env)
    empty = tmp_path / "empty"
    empty.mkdir()
    good = {f"g{n}": case.url for n, case in enumerate(smoke_sites.cases)}
    batch = tmp_path / "mixed.csv"
    lines = ["url,merchant_id,declared_name"]
    lines += [f"{url},{mid},Shop {mid}" for mid, url in good.items()]
    lines += ["https://no-such-shop.invalid/,nx,", "::not a url::,bad,", f"{good['g1']},g1,again"]
    batch.write_text("\n".join(lines) + "\n")

    submitted = run(tools.cli("batch", "submit", str(batch), "--json"), env, empty)
    assert submitted.returncode == 0, submitted.stderr
    summary = json.loads(submitted.stdout)
    assert (summary["queued"], len(summary["invalid"])) == (len(good) + 1, 1)
    assert summary["duplicates"] == [{"line": 10, "merchant_id": "g1", "first_line": 3}]
    assert list(empty.iterdir()) == []

    worker = subprocess.Popen(
        tools.cli("worker"),
        env=env,
        cwd=empty,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:

        def mid_batch() -> bool:
            running = [j for j in job_rows(db_url) if j["status"] == "running"]
            return count_results(db_url) >= 3 and bool(running)  # 1 invalid + 2 screened

        assert wait_until(mid_batch, timeout=60, interval=0.05)
        worker.kill()
    finally:
        stop(worker)
    assert count_results(db_url) < len(good) + 2

    drained = run(tools.cli("worker", "--drain"), env, empty, timeout=120)
    assert drained.returncode == 0, drained.stderr
    assert "stopped (drained)" in drained.stderr

    exported = run(tools.cli("batch", "results"), env, empty)
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    ids = sorted(r["merchant_id"] for r in rows)
    assert ids == sorted([*good, "nx", "bad"])  # exactly one row per merchant_id
    by_id = {r["merchant_id"]: r for r in rows}
    assert all(by_id[mid]["status"] == "done" for mid in good)
    assert all(
        by_id[mid]["decision"] in ("prohibited", "restricted", "allowed", "unknown") for mid in good
    )
    assert (by_id["nx"]["status"], by_id["nx"]["attempts"]) == ("failed", 1)
    assert "does not resolve" in by_id["nx"]["error"]
    assert by_id["bad"]["error"].startswith("invalid input")
    for mid in good:  # every job keeps its trace and its cited-page snapshots
        assert Path(by_id[mid]["trace_path"]).is_file()
    verdicts = [json.loads(r["verdict"]) for r in result_rows(db_url) if r["verdict"]]
    snapshots = [p["snapshot"] for v in verdicts for p in v["crawl"]["pages"] if p["snapshot"]]
    assert snapshots and all(Path(path).is_file() for path in snapshots)

    status = run(tools.cli("batch", "status", "--json"), env, empty)
    counts = json.loads(status.stdout)["counts"]
    assert counts == {"queued": 0, "running": 0, "done": len(good), "failed": 2, "dead": 0}

    # the same commands in-process (no interpreter start-up): CSV and plain status
    runner = CliRunner()
    table = runner.invoke(queue_app(), ["batch", "results", "--format", "csv"], env=env)
    parsed = list(csv.DictReader(io.StringIO(table.stdout)))
    assert len(parsed) == len(rows)
    assert {
        "merchant_id",
        "url",
        "decision",
        "action",
        "confidence",
        "categories",
        "error",
        "attempts",
        "timings_total_s",
        "run_id",
    } <= set(parsed[0])
    plain = runner.invoke(queue_app(), ["batch", "status"], env=env)
    assert plain.stdout.startswith(f"mixed: {len(good) + 2}/{len(good) + 2} finished (100%)")
    assert list(empty.iterdir()) == []


def test_cli_rejects_a_malformed_file_with_one_line(tmp_path: Path) -> None:
    tools = Tools.create(tmp_path / "tools")
    env = tools.env({"MERCHANT_SCREEN_DATA_DIR": str(tmp_path / "data")})
    bad = tmp_path / "bad.csv"
    bad.write_text("website,id\nhttps://a.test,1\n")
    result = run(tools.cli("batch", "submit", str(bad)), env, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "must name url and merchant_id" in result.stderr
    status = run(tools.cli("batch", "status", "--json"), env, tmp_path)
    assert json.loads(status.stdout)["counts"]["queued"] == 0
    assert not (tmp_path / "data" / "queue.sqlite").exists()
