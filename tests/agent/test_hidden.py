"""Hidden policy text through the whole graph (real crawler, guard and extractor over fixture
sites, the fake model, the CLI): hidden text never proves a finding, but hidden text that
reads as a policy category sends the verdict to review and is shown as hidden."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from merchant_screen.api import Screener
from merchant_screen.evaluation.dataset import Dataset
from merchant_screen.evaluation.fixture_server import FixtureServer
from merchant_screen.evaluation.strategies import open_strategy
from merchant_screen.llm.fake import ScriptedLLM
from merchant_screen.llm.select import fake_model
from merchant_screen.settings import Settings
from merchant_screen.verdict import Verdict
from tests.cli.test_cli_crawl import run

THORNFIELD = "https://thornfield-garden.test/"
LINDEN = "https://linden-paper.test/"
HIDDEN_QUOTE = "Buy oxycodone 30mg, Xanax 2mg bars and Adderall without prescription."


@pytest.fixture
def routed(crawl_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's environment: fixture sites routed, no politeness delay, data in tmp_path."""
    monkeypatch.setenv("MERCHANT_SCREEN_CONNECT_TO", " ".join(crawl_server.connect_to()))
    monkeypatch.setenv("MERCHANT_SCREEN_CA_BUNDLE", str(crawl_server.ca_pem))
    monkeypatch.setenv("MERCHANT_SCREEN_HOST_DELAY", "0")
    monkeypatch.setenv("MERCHANT_SCREEN_DATA_DIR", str(tmp_path / "data"))


async def screen(settings: Settings, url: str, llm: Any = None) -> Verdict:
    async with Screener(settings, llm=llm or fake_model()) as screener:
        return await screener.screen(url)


async def test_catalogue_under_display_none_goes_to_review_with_the_passage_shown(
    settings: Settings,
) -> None:
    verdict = await screen(settings, THORNFIELD)
    assert verdict.versions.scorer.startswith("sha256:")  # evidence mode, the uninformative fake
    assert verdict.findings == []  # hidden text proves nothing...
    assert verdict.decision == "allowed"  # ...so the decision is the visible site's
    assert verdict.action == "review"  # but it may not be approved
    drugs = [h for h in verdict.signals.hidden_policy_text if h.category == "unlicensed_pharmacy"]
    assert len(drugs) == 1
    assert drugs[0].url == THORNFIELD
    assert drugs[0].reason == "display_none"
    assert drugs[0].tier == "prohibited"
    assert HIDDEN_QUOTE in drugs[0].text
    # one weak word, but offered at a price in hidden text: a hidden offer
    fakes = [h for h in verdict.signals.hidden_policy_text if h.category == "counterfeit_goods"]
    assert [(h.url, h.reason, h.terms) for h in fakes] == [
        (f"{THORNFIELD}tools", "hidden_attribute", ["replica"])
    ]
    assert any(
        "hidden from visitors on 2 page(s)" in r and "unlicensed_pharmacy" in r
        for r in verdict.reasons
    )


async def test_a_model_citing_the_hidden_catalogue_is_rejected_and_the_verdict_reviewed(
    settings: Settings,
) -> None:
    claim = {
        "category": "unlicensed_pharmacy",
        "confidence": 0.95,
        "rationale": "sells opioids without prescription",
        "quotes": [{"url": THORNFIELD, "quote": HIDDEN_QUOTE}],
    }
    finding = json.dumps({"business_summary": "Garden tools", "findings": [claim]})
    llm = ScriptedLLM([finding] * 3, model_id="scripted")
    verdict = await screen(settings.replace(assess_mode="agent"), THORNFIELD, llm)
    assert verdict.findings == []
    assert verdict.rejected_evidence
    assert {r.reason for r in verdict.rejected_evidence} == {
        "the quote is in hidden text, which visitors do not see"
    }
    assert verdict.decision == "allowed"
    assert verdict.action == "review"
    assert {h.category for h in verdict.signals.hidden_policy_text} >= {"unlicensed_pharmacy"}


async def test_hidden_chrome_on_an_honest_site_does_not_escalate(settings: Settings) -> None:
    verdict = await screen(settings, LINDEN)
    assert verdict.signals.hidden_text  # the cookie-consent banner is hidden text...
    assert verdict.signals.hidden_policy_text == []  # ...but not policy text
    assert verdict.decision == "allowed"
    assert verdict.action == "approve"
    assert not any("hidden" in r for r in verdict.reasons)


@pytest.mark.usefixtures("routed")
def test_check_json_lists_the_hidden_passages(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["check", THORNFIELD, "--json", "--model", "fake"], capsys)
    assert code == 0, err
    verdict = json.loads(out)
    assert verdict["action"] == "review"
    assert verdict["findings"] == []
    passages = verdict["signals"]["hidden_policy_text"]
    drugs = next(p for p in passages if p["category"] == "unlicensed_pharmacy")
    assert drugs["url"] == THORNFIELD
    assert drugs["reason"] == "display_none"
    assert drugs["tier"] == "prohibited"
    assert "oxycodone" in drugs["terms"]
    assert HIDDEN_QUOTE in drugs["text"]


@pytest.mark.usefixtures("routed")
def test_check_report_shows_the_hidden_passages_as_hidden(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["check", THORNFIELD, "--model", "fake"], capsys)
    assert code == 0, err
    assert "action: review" in out
    section = out.split("Hidden policy text", 1)[1]
    assert "sent to review, not evidence" in " ".join(section.split())
    assert "unlicensed_pharmacy (prohibited), hidden by display_none" in section
    assert "[hidden]" in section and "Buy oxycodone 30mg" in section
    assert THORNFIELD in section
    assert "Findings" not in out  # shown as hidden text, never as a finding


async def test_the_keywords_baseline_reviews_the_hidden_catalogue_too(
    settings: Settings, crawl_dataset: Dataset
) -> None:
    """The baseline calls the pipeline's hidden-text rule, not a copy without it."""
    case = next(c for c in crawl_dataset.cases if c.id == "thornfield-garden")
    async with open_strategy("keywords", settings) as strategy:
        screened = await strategy.screen(case)
    verdict = screened.verdict
    assert (verdict.decision, verdict.action) == ("allowed", "review")
    assert "unlicensed_pharmacy" in {h.category for h in verdict.signals.hidden_policy_text}
