"""`merchant-screen check` and `demo` through the CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli_crawl import run

FIELDS = {
    "schema_version",
    "url",
    "domain",
    "decision",
    "action",
    "confidence",
    "findings",
    "rejected_evidence",
    "signals",
    "business",
    "crawl",
    "usage",
    "versions",
    "run_id",
    "screened_at",
    "timings",
}


def test_check_json_contract(routed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace = routed / "trace.jsonl"
    code, out, err = run(
        [
            "check",
            "https://ridgeline-outfitters.test/",
            "--json",
            "--model",
            "fake",
            "--trace",
            str(trace),
        ],
        capsys,
    )
    assert code == 0, err
    verdict = json.loads(out)
    assert set(verdict) >= FIELDS
    assert verdict["schema_version"] == "1"
    assert verdict["decision"] == "prohibited"
    assert verdict["action"] in ("approve", "review", "reject")
    assert 0 <= verdict["confidence"] <= 1
    pages = {p["url"]: p for p in verdict["crawl"]["pages"]}
    for finding in verdict["findings"]:
        for evidence in finding["evidence"]:
            assert evidence["verified"] is True
            assert pages[evidence["url"]]["status"] == 200
            assert pages[evidence["url"]]["sha256"]
    assert verdict["versions"]["policy"].startswith("sha256:")
    assert verdict["versions"]["model"] == "fake"
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    assert events and all(e["run_id"] == verdict["run_id"] for e in events)
    assert "screening https://ridgeline-outfitters.test/" in err  # progress on stderr


def test_check_readable_report(routed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "check",
            "https://hone-and-edge.test/",
            "--model",
            "fake",
            "--declared",
            "Japanese kitchen knives",
        ],
        capsys,
    )
    assert code == 0
    assert "decision: ALLOWED" in out
    assert "Cost and provenance" in out
    assert "declared:" in out


def test_remote_model_without_endpoint_is_one_line(
    routed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("MERCHANT_SCREEN_API_KEY", raising=False)
    code, out, err = run(
        ["check", "https://hone-and-edge.test/", "--model", "gpt-4.1-mini"], capsys
    )
    assert code == 5
    assert out == ""
    assert err.startswith("error: model 'gpt-4.1-mini' needs an endpoint")
    assert len(err.strip().splitlines()) == 1


def test_invalid_policy_file_is_one_line(routed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = routed / "policy.yaml"
    bad.write_text("version: x\nname: y\ncategories:\n  - id: Bad Id\n    tier: banned\n")
    code, _, err = run(
        ["check", "https://hone-and-edge.test/", "--model", "fake", "--policy", str(bad)], capsys
    )
    assert code == 2
    assert err.startswith("error: policy") and len(err.strip().splitlines()) == 1


def test_blocked_check_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", "http://169.254.169.254/", "--model", "fake"], capsys)
    assert code == 3
    assert err.strip() == "blocked: 169.254.169.254 is a cloud metadata address"


def test_demo_with_the_fake_model(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MERCHANT_SCREEN_DATA_DIR", str(tmp_path))
    code, out, err = run(["demo", "--model", "fake"], capsys)
    assert code == 0, err
    assert "3 merchants screened" in out
    assert "prohibited/" in out and "restricted/" in out and "allowed/" in out
