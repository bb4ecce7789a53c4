"""The evaluation commands, wired the way the main app wires them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer

from merchant_screen.errors import ConfigError
from merchant_screen.evaluation.cli import calibrate_command, eval_app
from merchant_screen.evaluation.results import load_run

SMOKE = str(Path(__file__).parents[2] / "evals" / "datasets" / "smoke")

app = typer.Typer()
app.add_typer(eval_app, name="eval")
app.command("calibrate")(calibrate_command)


def invoke(argv: list[str]) -> int:
    code = app(args=argv, standalone_mode=False)
    return code if isinstance(code, int) else 0


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MERCHANT_SCREEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MERCHANT_SCREEN_RETRY_MAX_WAIT", "0")
    monkeypatch.chdir(tmp_path)


def test_run_compare_gate_and_calibrate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert (
        invoke(["eval", "run", SMOKE, "--model", "fake", "--strategy", "keywords", "--out", str(a)])
        == 0
    )
    err = capsys.readouterr().err
    assert f"6 cases, 0 already done; results in {a} (configuration " in err
    assert "[1/6] smoke-ridgeback-outdoor: ok  labelled prohibited, got prohibited" in err
    assert f"report: {a / 'report.html'}" in err
    for name in ("results.jsonl", "run.json", "report.md", "report.html", "confusion.png"):
        assert (a / name).is_file()
    assert invoke(["eval", "run", SMOKE, "--model", "fake", "--out", str(b), "--trace"]) == 0
    assert len(list((b / "traces").glob("*.jsonl"))) == 6
    capsys.readouterr()

    assert invoke(["eval", "compare", str(a), str(b), "--out", str(tmp_path / "cmp.md")]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("# Comparison: A = a, B = b")
    assert "McNemar exact test" in shown
    assert (tmp_path / "cmp.md").read_text() == shown

    baseline = tmp_path / "baseline.json"
    assert invoke(["eval", "gate", str(a), "--baseline", str(baseline), "--update"]) == 0
    pinned = json.loads(baseline.read_text())
    assert pinned["strategy"] == "keywords" and pinned["dataset"] == "smoke"
    assert pinned["floors"]["crawl_recall"] == 1.0
    assert invoke(["eval", "gate", str(a), "--baseline", str(baseline)]) == 0
    assert "PASS accuracy" in capsys.readouterr().err
    assert invoke(["eval", "gate", str(b), "--baseline", str(baseline)]) == 1
    assert "FAIL strategy: baseline keywords, run agent" in capsys.readouterr().err

    calibration = tmp_path / "calibration.json"
    assert invoke(["calibrate", str(a), str(b), "--out", str(calibration)]) == 0
    captured = capsys.readouterr()
    report = captured.out
    assert "note: fitted across 2 configurations (agent, keywords)" in captured.err
    assert "platt calibration fitted on 12 verdicts" in report
    assert "ECE before" in report and "ECE after" in report
    assert json.loads(calibration.read_text())["method"] == "platt"

    c = tmp_path / "c"
    argv = ["eval", "run", SMOKE, "--model", "fake", "--limit", "1", "--out", str(c)]
    assert invoke([*argv, "--calibration", str(calibration)]) == 0
    verdict = load_run(c).rows[0].verdict
    assert verdict is not None and verdict["versions"]["calibration"].startswith("sha256:")

    (a / "report.md").unlink()
    assert invoke(["eval", "report", str(a)]) == 0
    assert (a / "report.md").is_file()


def test_bad_options_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="--strategy must be one of"):
        invoke(["eval", "run", SMOKE, "--model", "fake", "--strategy", "magic"])
    with pytest.raises(ConfigError, match="--split must be dev or test"):
        invoke(["eval", "run", SMOKE, "--model", "fake", "--split", "train"])
    with pytest.raises(ConfigError, match="--method"):
        invoke(["calibrate", "x", "--method", "spline"])
