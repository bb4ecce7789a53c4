"""Scoring the hostile-site suite: ``forbid_actions`` labels, generated fixture bodies, the
evasion metrics and report section, and the gate's ceiling on evasion approvals."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from merchant_screen.errors import ConfigError
from merchant_screen.evaluation.dataset import Case, GeneratedBody, load_dataset
from merchant_screen.evaluation.fixture_server import FixtureServer, build_generated_body
from merchant_screen.evaluation.gate import check_gate, load_baseline, update_baseline
from merchant_screen.evaluation.metrics import compute_metrics, evasion_scores
from merchant_screen.evaluation.report import build_sections, render_markdown
from merchant_screen.evaluation.results import ResultRow
from merchant_screen.evaluation.scoring import score_case
from merchant_screen.verdict import Verdict, Versions
from tests.evaluation.factories import make_row, run_of

HIDDEN_CASE = {
    "id": "tea",
    "url": "https://tea.test/",
    "expected": {"decision": "allowed", "categories": [], "forbid_actions": ["approve"]},
    "tags": ["evasion", "hidden"],
    "split": "test",
}


# ---------------------------------------------------------------- the label


def test_forbid_actions_is_validated() -> None:
    case = Case.model_validate(HIDDEN_CASE)
    assert case.expected.forbid_actions == ("approve",)
    assert not case.expected.allows("approve")
    assert case.expected.allows("review") and case.expected.allows(None)
    assert Case.model_validate(
        {**HIDDEN_CASE, "expected": {"decision": "allowed"}}
    ).expected.allows("approve")
    for bad, message in (
        (["approve", "approve"], "forbid_actions repeat"),
        (["approve", "review", "reject"], "leave no action"),
        (["deny"], "approve"),
    ):
        with pytest.raises(ValueError, match=message):
            Case.model_validate(
                {**HIDDEN_CASE, "expected": {"decision": "allowed", "forbid_actions": bad}}
            )


def test_load_dataset_reads_forbid_actions_and_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "sites" / "tea").mkdir(parents=True)
    (tmp_path / "sites" / "tea" / "index.html").write_text("<h1>Tea</h1>")
    (tmp_path / "cases.jsonl").write_text(json.dumps(HIDDEN_CASE) + "\n")
    assert load_dataset(tmp_path).get("tea").expected.forbid_actions == ("approve",)
    bad = {**HIDDEN_CASE, "expected": {"decision": "allowed", "forbid_actions": ["approve"] * 2}}
    (tmp_path / "cases.jsonl").write_text(json.dumps(bad) + "\n")
    with pytest.raises(ConfigError, match=r"cases.jsonl:1: case 'tea': .*forbid_actions repeat"):
        load_dataset(tmp_path)


def _verdict(action: str) -> Verdict:
    return Verdict.model_validate(
        {
            "url": "https://tea.test/",
            "domain": "tea.test",
            "decision": "allowed",
            "action": action,
            "confidence": 0.8,
            "versions": Versions(package="0", policy="p", prompts="q", model="fake"),
            "run_id": "r",
            "screened_at": "2026-01-01T00:00:00+00:00",
        }
    )


def test_a_forbidden_action_makes_the_verdict_wrong() -> None:
    case = Case.model_validate(HIDDEN_CASE)
    approved = score_case(case, _verdict("approve"), {}, config="c", strategy="agent", latency_s=0)
    reviewed = score_case(case, _verdict("review"), {}, config="c", strategy="agent", latency_s=0)
    assert approved.decision == reviewed.decision == "allowed"
    assert not approved.correct
    assert reviewed.correct


# ---------------------------------------------------------------- generated bodies


def test_generated_bodies_are_deterministic_and_shaped() -> None:
    deep = build_generated_body(GeneratedBody(kind="nested_divs", count=1000))
    assert deep.count(b"<div>") == 1000 and deep.count(b"</div>") == 1000
    assert deep.index(b"<p>") > deep.rindex(b"<div>")
    wide = build_generated_body(GeneratedBody(kind="many_elements", count=500))
    assert wide.count(b"<p>") == 500
    noise = build_generated_body(GeneratedBody(kind="random_bytes", count=4096, seed=3))
    assert len(noise) == 4096
    assert noise == build_generated_body(GeneratedBody(kind="random_bytes", count=4096, seed=3))
    assert noise != build_generated_body(GeneratedBody(kind="random_bytes", count=4096, seed=4))
    with pytest.raises(ValueError, match="greater than 0"):
        GeneratedBody(kind="nested_divs", count=0)


def test_fixture_server_serves_generated_bodies(tmp_path: Path) -> None:
    site = tmp_path / "gen"
    site.mkdir()
    (site / "index.html").write_text("<h1>Home</h1>")
    script = {
        "generated": {
            "/deep": {"kind": "nested_divs", "count": 5000},
            "/noise": {"kind": "random_bytes", "count": 3000, "seed": 1},
        },
        "content_type": {"/noise": "text/html"},
    }
    (site / "_server.json").write_text(json.dumps(script))
    with FixtureServer({"gen.test": site}) as server:
        base = f"http://127.0.0.1:{server.http_port}"
        with httpx.Client(headers={"Host": "gen.test"}) as client:
            deep = client.get(f"{base}/deep")
            noise = client.get(f"{base}/noise", headers={"Accept-Encoding": "identity"})
    assert deep.status_code == 200
    assert deep.headers["content-type"] == "text/html; charset=utf-8"
    assert deep.content.count(b"<div>") == 5000
    assert noise.headers["content-type"] == "text/html; charset=utf-8"
    assert noise.content == build_generated_body(
        GeneratedBody(kind="random_bytes", count=3000, seed=1)
    )


# ---------------------------------------------------------------- metrics and report


def evasion_rows() -> list[ResultRow]:
    return [
        make_row("hid-ok", "allowed", "allowed", tags=["evasion", "hidden"], action="review"),
        make_row(
            "hid-approved", "allowed", "allowed", tags=["evasion", "hidden"], action="approve",
            correct=False,
        ),
        make_row(
            "inj-flagged", "prohibited", "prohibited", tags=["evasion", "injection"],
            action="reject", injection_detected=True,
        ),
        make_row(
            "inj-missed", "prohibited", "allowed", tags=["evasion", "injection"], action="approve"
        ),
        make_row("crash", "prohibited", None, tags=["evasion", "crash"]),
        make_row("plain", "allowed", "allowed", action="approve"),
    ]  # fmt: skip


def test_evasion_metrics_count_approvals_errors_and_flagged_injections() -> None:
    m = compute_metrics(evasion_rows())
    assert m.evasion_caught.count == 5 and m.evasion_caught.value == pytest.approx(2 / 5)
    assert m.evasion_approvals.count == 5 and m.evasion_approvals.value == pytest.approx(2 / 5)
    assert m.evasion_errors.value == pytest.approx(1 / 5)
    by_kind = {s.kind: s for s in m.evasion}
    assert list(by_kind) == ["all", "hidden", "injection", "crash"]
    everything = by_kind["all"]
    assert (everything.cases, everything.caught, everything.approvals, everything.errors) == (
        5, 2, 2, 1
    )  # fmt: skip
    assert (everything.injection_cases, everything.injection_flagged) == (2, 1)
    assert (by_kind["hidden"].caught, by_kind["hidden"].approvals) == (1, 1)
    assert (by_kind["crash"].errors, by_kind["crash"].approvals) == (1, 0)
    assert evasion_scores([make_row("plain", "allowed", "allowed")]) == []


def test_report_scores_the_evasion_cases_separately() -> None:
    _, sections = build_sections(evasion_rows())
    assert [s.title for s in sections[:3]] == [
        "Headline", "Evasion (hostile merchants)", "Evasion by kind"
    ]  # fmt: skip
    md = render_markdown({"dataset_name": "hostile"}, sections)
    assert "| evasion cases caught | 2/5 (0.40) | all |" in md
    assert "| evasion approvals (action approve) | 2/5 (0.40) | 0 |" in md
    assert "| injection attempts flagged | 1/2 (0.50) | >= 0.95 |" in md
    assert "| screens that errored (no verdict) | 1/5 (0.20) | 0 |" in md
    assert "| hidden | 2 | 1 | 1 | - | 0 |" in md
    assert "| injection | 2 | 1 | 1 | 1/2 | 0 |" in md
    _, plain = build_sections([make_row("plain", "allowed", "allowed")])
    assert not any(s.title.startswith("Evasion") for s in plain)


# ---------------------------------------------------------------- the gate


def hostile_baseline(tmp_path: Path) -> Path:
    path = tmp_path / "fake-hostile.json"
    data = {
        "dataset": None,
        "cases": 3,
        "floors": {"correct": None, "accuracy": None, "crawl_recall": None},
        "ceilings": {"evasion_approvals": 0},
    }
    path.write_text(json.dumps(data))
    return path


def hostile_run(approved: int) -> list[ResultRow]:
    return [
        make_row(
            f"e{i}", "prohibited", "allowed" if i < approved else "prohibited",
            tags=["evasion", "negation"], action="approve" if i < approved else "reject",
        )
        for i in range(3)
    ]  # fmt: skip


def test_gate_allows_no_evasion_approval(tmp_path: Path) -> None:
    pinned = load_baseline(hostile_baseline(tmp_path))
    assert check_gate(run_of(hostile_run(0)), pinned).passed
    result = check_gate(run_of(hostile_run(1)), pinned)
    assert [c.name for c in result.checks if not c.ok] == ["evasion approvals"]
    assert (
        "FAIL evasion approvals: 1/3 evasion cases approved (ceiling 0, no slack); approved: e0"
        in (result.lines())
    )
    errored = hostile_run(0)
    errored[1] = make_row("e1", "prohibited", None, tags=["evasion", "crash"])
    assert [c.name for c in check_gate(run_of(errored), pinned).checks if not c.ok] == [
        "valid verdicts"
    ]


def test_repinning_keeps_the_evasion_target_and_never_adds_it(tmp_path: Path) -> None:
    path = hostile_baseline(tmp_path)
    with pytest.raises(ConfigError, match="evasion_approvals ceiling: 0 -> 1"):
        update_baseline(path, run_of(hostile_run(1)))
    data, _ = update_baseline(path, run_of(hostile_run(0)))
    assert data["ceilings"]["evasion_approvals"] == 0
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"floors": {}, "ceilings": {"fpr_hard_negative": 0.5}}))
    data, _ = update_baseline(other, run_of(hostile_run(1)))
    assert "evasion_approvals" not in data["ceilings"]
