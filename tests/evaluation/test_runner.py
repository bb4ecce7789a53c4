"""The runner end to end on the smoke dataset: real fixture server, real crawler, fake model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from merchant_screen.errors import ConfigError
from merchant_screen.evaluation.metrics import compute_metrics
from merchant_screen.evaluation.results import RESULTS_FILE, RUN_FILE, read_rows
from merchant_screen.evaluation.runner import Progress, RunOptions, run_eval
from merchant_screen.llm.fake import RuleBasedFake, request_text
from merchant_screen.llm.port import LLMRequest
from merchant_screen.settings import Settings

SMOKE = Path(__file__).parents[2] / "evals" / "datasets" / "smoke"
WEAPONS_CASE = "smoke-ridgeback-outdoor"


@pytest.fixture
def base(tmp_path: Path) -> Settings:
    return Settings(model="fake", data_dir=tmp_path / "data", llm_cache=False, retry_max_wait=0)


async def run(base: Settings, out: Path, **options: Any) -> Any:
    events: list[Progress] = []
    outcome = await run_eval(SMOKE, base, RunOptions(**options), out=out, progress=events.append)
    return outcome, events


@pytest.mark.parametrize("strategy", ["agent", "keywords"])
async def test_crawling_strategies_on_smoke(base: Settings, tmp_path: Path, strategy: str) -> None:
    outcome, events = await run(base, tmp_path / "run", strategy=strategy)
    rows = {r.case_id: r for r in outcome.rows}
    assert len(rows) == 6 and outcome.ran == 6 and outcome.skipped == 0
    assert [e.done for e in events] == [0, 1, 2, 3, 4, 5, 6]
    assert events[0].row is None and events[0].out == outcome.out
    assert all(r.valid and r.error is None for r in rows.values())
    assert all(r.shown_unverified == 0 for r in rows.values())
    # Every labelled quote of the smoke set is off the homepage and the crawl finds all.
    assert all(all(r.labelled_in_crawl) for r in rows.values())
    assert rows[WEAPONS_CASE].decision == "prohibited"
    assert rows[WEAPONS_CASE].categories == ["weapons"]
    assert rows["smoke-maplecrest-parked"].decision == "unknown"
    assert rows["smoke-luxe-atelier-bags"].injection_detected
    assert {r.strategy for r in rows.values()} == {strategy}
    assert len({r.config for r in rows.values()}) == 1
    assert rows[WEAPONS_CASE].verdict is not None
    meta = json.loads((outcome.out / RUN_FILE).read_text())
    assert meta["config"] == outcome.config and meta["strategy"] == strategy
    assert meta["config_parts"]["model"] == ("fake" if strategy == "agent" else "none")
    assert len((outcome.out / RESULTS_FILE).read_text().splitlines()) == 6


async def test_naive_with_the_fake_model(base: Settings, tmp_path: Path) -> None:
    outcome, _ = await run(base, tmp_path / "run", strategy="naive")
    assert len(outcome.rows) == 6
    for row in outcome.rows:
        assert row.valid and row.pages <= 1
        assert row.usage["llm_calls"] == 1  # even the parked page's text goes to the model
        assert not any(row.labelled_in_crawl)  # the homepage never holds the smoke labels


def naive_rule(request: LLMRequest) -> dict[str, Any] | None:
    if request.purpose != "naive":
        return None
    text = request_text(request)
    if "ridgebackoutdoor.test" in text:
        return {
            "decision": "prohibited",
            "categories": [
                {
                    "category": "weapons",
                    "quote": "Tents, packs, optics and hunting supplies from a Montana shop.",
                },
                {"category": "gambling", "quote": "Play poker online for real money tonight."},
            ],
            "confidence": 0.8,
            "summary": "outdoor shop",
        }
    if "vineandbarrel.test" in text:
        quote = "We sell moonshine by the barrel, no questions asked."
        return {"decision": "restricted", "categories": [{"category": "alcohol", "quote": quote}]}
    return {"decision": "allowed", "categories": [], "confidence": 0.6}


async def test_naive_verifies_quotes_on_the_homepage(base: Settings, tmp_path: Path) -> None:
    fake = RuleBasedFake([naive_rule], model_id="scripted")
    outcome = await run_eval(
        SMOKE, base, RunOptions(strategy="naive"), out=tmp_path / "run", llm=fake
    )
    rows = {r.case_id: r for r in outcome.rows}
    weapons = rows[WEAPONS_CASE]
    assert (weapons.decision, weapons.categories) == ("prohibited", ["weapons"])
    assert (weapons.shown_quotes, weapons.cited_quotes, weapons.shown_unverified) == (1, 2, 0)
    assert weapons.verdict is not None
    rejected = weapons.verdict["rejected_evidence"]
    assert [r["category"] for r in rejected] == ["gambling"]
    # A claimed violation whose only quote fails verification does not stand.
    wine = rows["smoke-vine-and-barrel"]
    assert (wine.decision, wine.extra["model_decision"]) == ("allowed", "restricted")
    # The naive baseline trusts the model on what the pipeline would call unknown.
    assert rows["smoke-maplecrest-parked"].decision == "allowed"
    assert weapons.model == "scripted"
    metrics = compute_metrics(outcome.rows)
    assert metrics.evidence_precision.value == pytest.approx(1 / 3)
    assert metrics.model_decision_accuracy is not None
    assert len(fake.requests) == 6  # one call per case, no re-asks
    prompt = fake.requests[0].messages[0]["content"]
    assert "weapons:" in prompt and "«PAGE https://" in prompt


async def test_resume_skips_done_cases_and_retries_errors(base: Settings, tmp_path: Path) -> None:
    out = tmp_path / "run"
    first, _ = await run(base, out, strategy="keywords", limit=2)
    assert first.ran == 2 and len(first.rows) == 2
    with pytest.raises(ConfigError, match="--resume"):
        await run(base, out, strategy="keywords")
    second, events = await run(base, out, strategy="keywords", resume=True)
    assert (second.ran, second.skipped) == (4, 2)
    assert [e.done for e in events] == [2, 3, 4, 5, 6]
    assert second.config == first.config
    results = out / RESULTS_FILE
    assert len(results.read_text().splitlines()) == 6

    # A run killed mid-write leaves a torn line; a failed case left an error row.
    lines = results.read_text().splitlines()
    failed = json.loads(lines[3])
    failed.update(error="TimeoutError: boom", decision=None, valid=False, verdict=None)
    results.write_text("\n".join([*lines, json.dumps(failed), lines[0][:50]]))
    third, events = await run(base, out, strategy="keywords", resume=True)
    assert (third.ran, third.skipped) == (1, 5)
    assert [e.case_id for e in events] == ["", failed["case_id"]]
    assert len(third.rows) == 6 and all(r.error is None for r in third.rows)
    meta = json.loads((out / RUN_FILE).read_text())
    assert meta["sittings"] == 3

    with pytest.raises(ConfigError, match="configuration"):
        await run(base.replace(max_pages=3), out, strategy="keywords", resume=True)


async def test_resume_without_out_continues_the_latest_matching_run(
    base: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "runs"
    first = await run_eval(SMOKE, base, RunOptions(strategy="keywords", limit=3), runs_root=root)
    assert first.out.parent == root and first.out.name.endswith("-fake-keywords")
    second = await run_eval(
        SMOKE, base, RunOptions(strategy="keywords", resume=True), runs_root=root
    )
    assert second.out == first.out
    assert (second.ran, second.skipped) == (3, 3)
    assert len(read_rows(second.out / RESULTS_FILE)) == 6


async def test_selection_by_tags_and_split(base: Settings, tmp_path: Path) -> None:
    outcome, _ = await run(base, tmp_path / "run", strategy="keywords", tags=("hard_negative",))
    assert sorted(r.case_id for r in outcome.rows) == [
        "smoke-edgecraft-knives",
        "smoke-greenthumb-garden",
    ]
    with pytest.raises(ConfigError, match="no cases"):
        await run(base, tmp_path / "other", strategy="keywords", split="dev")
