from __future__ import annotations

import json
from pathlib import Path

import pytest

from merchant_screen.errors import ConfigError
from merchant_screen.evaluation.compare import compare_runs, comparison_markdown
from merchant_screen.evaluation.gate import check_gate, load_baseline, update_baseline
from merchant_screen.evaluation.results import ResultRow
from merchant_screen.evaluation.stats import mcnemar_exact
from tests.evaluation.factories import make_row, run_of


def pair_rows() -> tuple[list[ResultRow], list[ResultRow]]:
    """Ten cases: A right on 1-4, B right on 1-3 and 5-10."""
    a, b = [], []
    for i in range(1, 11):
        a.append(
            make_row(
                f"c{i:02d}", "prohibited", "prohibited" if i <= 4 else "allowed",
                expected_categories=("weapons",), categories=("weapons",) if i <= 4 else (),
                usage={"input_tokens": 100, "output_tokens": 0}, latency_s=2.0,
            )
        )  # fmt: skip
        b.append(
            make_row(
                f"c{i:02d}", "prohibited", "prohibited" if i != 4 else "allowed",
                expected_categories=("weapons",), categories=("weapons",) if i != 4 else (),
                usage={"input_tokens": 150, "output_tokens": 0}, latency_s=1.0, config="cfg-b",
            )
        )  # fmt: skip
    return a, b


def test_compare_counts_discordant_cases_and_tests_them() -> None:
    a, b = pair_rows()
    extra = make_row("only-a", "allowed", "allowed")
    result = compare_runs(run_of([*a, extra], "run-a"), run_of(b, "run-b"))
    assert result.common == 10
    assert result.only_a == ["only-a"] and result.only_b == []
    assert (result.a_only_right, result.b_only_right) == (1, 6)
    assert result.mcnemar_p == pytest.approx(mcnemar_exact(1, 6)) == pytest.approx(0.125)
    assert result.accuracy_a.value == 0.4 and result.accuracy_b.value == 0.9
    assert result.accuracy_diff.value == pytest.approx(0.5)
    assert result.accuracy_diff.low is not None and result.accuracy_diff.low > 0
    assert result.tokens_diff.value == pytest.approx(50.0)
    assert result.tokens_diff.low == pytest.approx(50.0)  # constant per-case difference
    assert result.latency_diff.value == pytest.approx(-1.0)
    assert result.macro_f1_a == pytest.approx(2 * 4 / (2 * 4 + 6))
    assert result.macro_f1_b == pytest.approx(2 * 9 / (2 * 9 + 1))
    assert result.macro_f1_diff.value == pytest.approx(result.macro_f1_b - result.macro_f1_a)
    changes = {d.case_id: d.change for d in result.diffs}
    assert changes == {"c04": "broken", **{f"c{i:02d}": "fixed" for i in range(5, 11)}}
    assert result.diffs[0].case_id == "c04"  # regressions first

    text = comparison_markdown(result)
    assert "A = run-a, B = run-b" in text
    assert "A right only 1, B right only 6, p = 0.1250 (not significant at 0.05)" in text
    assert "| c04 | prohibited | prohibited (weapons) | allowed | broken |" in text
    assert "only in A: 1" in text


def test_compare_identical_runs() -> None:
    a, _ = pair_rows()
    result = compare_runs(run_of(a), run_of(a))
    assert result.diffs == [] and result.mcnemar_p == 1.0
    assert result.macro_f1_diff.value == 0.0
    assert "None." in comparison_markdown(result)


def smoke_rows(correct: int, *, recall: bool = True, unverified: int = 0) -> list[ResultRow]:
    rows = []
    for i in range(6):
        right = i < correct
        rows.append(
            make_row(
                f"s{i}", "prohibited", "prohibited" if right else "allowed",
                in_crawl=(recall or i > 0,), shown_quotes=1,
                shown_unverified=unverified if i == 0 else 0,
            )
        )  # fmt: skip
    return rows


def baseline(tmp_path: Path, correct: int | None = 5, recall: float | None = 1.0) -> Path:
    path = tmp_path / "baseline.json"
    floors = {
        "correct": correct,
        "accuracy": None if correct is None else correct / 6,
        "crawl_recall": recall,
    }
    path.write_text(
        json.dumps({"strategy": "agent", "model": "fake", "cases": 6, "floors": floors})
    )
    return path


def test_gate_passes_with_one_case_of_slack(tmp_path: Path) -> None:
    pinned = load_baseline(baseline(tmp_path))
    assert check_gate(run_of(smoke_rows(5)), pinned).passed
    result = check_gate(run_of(smoke_rows(4)), pinned)  # one case below the floor: allowed
    assert result.passed, result.lines()
    result = check_gate(run_of(smoke_rows(3)), pinned)  # two below: fails
    assert not result.passed
    assert any(line.startswith("FAIL accuracy: 3/6 correct") for line in result.lines())


def test_gate_fails_outright_on_deterministic_measures(tmp_path: Path) -> None:
    pinned = load_baseline(baseline(tmp_path))
    lost_quote = check_gate(run_of(smoke_rows(6, recall=False)), pinned)
    assert [c.name for c in lost_quote.checks if not c.ok] == ["crawl recall"]
    unverified = check_gate(run_of(smoke_rows(6, unverified=1)), pinned)
    assert [c.name for c in unverified.checks if not c.ok] == ["shown quotes verified"]
    broken = smoke_rows(6)
    broken[2] = make_row("s2", "prohibited", None, in_crawl=(True,))
    invalid = check_gate(run_of(broken), pinned)
    assert "valid verdicts" in [c.name for c in invalid.checks if not c.ok]
    core_run = run_of(smoke_rows(6)).model_copy(update={"meta": {"dataset_name": "core"}})
    wrong_set = check_gate(core_run, {**pinned, "dataset": "smoke"})
    assert [c.name for c in wrong_set.checks if not c.ok] == ["dataset"]
    partial = check_gate(run_of(smoke_rows(6)[:2]), pinned)
    assert [c.name for c in partial.checks if not c.ok] == ["cases"]
    other_model = [r.model_copy(update={"model": "gpt-x"}) for r in smoke_rows(6)]
    assert [c.name for c in check_gate(run_of(other_model), pinned).checks if not c.ok] == ["model"]


def test_gate_skips_floors_not_pinned_yet(tmp_path: Path) -> None:
    pinned = load_baseline(baseline(tmp_path, correct=None, recall=None))
    result = check_gate(run_of(smoke_rows(0, recall=False)), pinned)
    assert result.passed
    assert {c.name for c in result.checks} == {
        "cases", "strategy", "model", "valid verdicts", "shown quotes verified"
    }  # fmt: skip


def test_update_baseline_never_lowers_silently(tmp_path: Path) -> None:
    path = baseline(tmp_path, correct=5)
    with pytest.raises(ConfigError, match="--allow-lower-floor"):
        update_baseline(path, run_of(smoke_rows(4)))
    assert load_baseline(path)["floors"]["correct"] == 5  # unchanged
    data, lowered = update_baseline(path, run_of(smoke_rows(4)), allow_lower=True, note="flaky")
    assert lowered == ["correct: 5 -> 4", "accuracy: 0.8333333333333334 -> 0.6667"]
    assert load_baseline(path)["floors"] == {"correct": 4, "accuracy": 0.6667, "crawl_recall": 1.0}
    assert data["measured"]["note"] == "flaky"
    _, raised = update_baseline(path, run_of(smoke_rows(6)))  # raising needs no flag
    assert raised == []
    assert load_baseline(path)["floors"]["correct"] == 6


def test_load_baseline_rejects_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "b.json"
    bad.write_text("{}")
    with pytest.raises(ConfigError, match="floors"):
        load_baseline(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_baseline(tmp_path / "missing.json")


def hard_negative_rows(flagged: int, total: int = 10) -> list[ResultRow]:
    return [
        make_row(
            f"h{i:02d}",
            "allowed",
            "restricted" if i < flagged else "allowed",
            tags=["hard_negative"],
        )
        for i in range(total)
    ]


def test_the_hard_negative_ceiling_allows_one_case_of_slack() -> None:
    baseline = {"floors": {}, "ceilings": {"fpr_hard_negative": 0.2}}
    ok = check_gate(run_of(hard_negative_rows(3)), baseline)  # 2 cases + 1 of slack
    assert ok.passed
    bad = check_gate(run_of(hard_negative_rows(4)), baseline)
    assert not bad.passed
    assert "FAIL hard-negative false positives: 4/10 flagged" in "\n".join(bad.lines())


def test_the_split_is_pinned_and_the_dev_test_gap_is_checked() -> None:
    test_run = run_of(hard_negative_rows(5), "test-run")  # accuracy 0.5
    dev_run = run_of(hard_negative_rows(1), "dev-run")  # accuracy 0.9
    test_run = test_run.__class__(path=test_run.path, rows=test_run.rows,
                                  meta={"selection": {"split": "test"}})  # fmt: skip
    baseline = {"split": "dev", "floors": {}, "max_dev_test_gap": 0.3}
    result = check_gate(test_run, baseline, dev_run)
    lines = "\n".join(result.lines())
    assert "FAIL split: baseline dev, run test" in lines
    assert "FAIL dev/test gap: dev 0.9000 - test 0.5000 = +0.4000 (at most 0.3)" in lines
    assert check_gate(
        test_run, {**baseline, "split": "test", "max_dev_test_gap": 0.4}, dev_run
    ).passed


def test_update_pins_the_ceiling_and_refuses_to_loosen_it(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    update_baseline(path, run_of(hard_negative_rows(1)))
    assert json.loads(path.read_text())["ceilings"] == {"fpr_hard_negative": 0.1}
    with pytest.raises(ConfigError, match=r"fpr_hard_negative ceiling: 0\.1 -> 0\.3"):
        update_baseline(path, run_of(hard_negative_rows(3)))
