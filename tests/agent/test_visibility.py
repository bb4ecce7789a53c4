"""What people can see decides what is visible (issue 10, items 1 and 4), through the whole
graph with the fake model: a catalogue under ``aria-hidden`` is read and judged like any
visible text, and one hidden by a class of a same-site linked stylesheet is hidden text
that never verifies a quote."""

from __future__ import annotations

from merchant_screen.api import Screener
from merchant_screen.settings import Settings
from merchant_screen.tools.crawl import CrawlResult
from merchant_screen.verdict import Verdict


async def _screen(settings: Settings, url: str) -> tuple[Verdict, list[CrawlResult]]:
    crawls: list[CrawlResult] = []
    async with Screener(settings.replace(model="fake", llm_cache=False)) as screener:
        verdict = await screener.screen(url, on_crawl=crawls.append)
    return verdict, crawls


async def test_a_catalogue_under_aria_hidden_is_not_approved(settings: Settings) -> None:
    verdict, crawls = await _screen(settings, "https://greenshed-aria.test/")
    assert verdict.action != "approve"
    assert verdict.decision == "prohibited"
    quotes = [e.quote for f in verdict.findings for e in f.evidence if e.verified]
    assert any("Buy oxycodone 30mg and Xanax 2mg bars online" in q for q in quotes)
    home = crawls[-1].pages[0].page
    assert home is not None and "no prescription needed" in home.text
    assert home.hidden == ()


async def test_a_catalogue_hidden_by_a_linked_stylesheet_is_hidden_text(
    settings: Settings,
) -> None:
    verdict, crawls = await _screen(settings, "https://greenshed-linked-css.test/")
    assert verdict.action != "approve"
    home = crawls[-1].pages[0].page
    assert home is not None
    assert "oxycodone" not in home.text.lower()
    assert {h.reason for h in home.hidden} == {"clipped", "transparent"}
    assert any("Buy oxycodone 30mg" in h.text for h in home.hidden)
    quotes = [e.quote.lower() for f in verdict.findings for e in f.evidence]
    assert not any("oxycodone" in q or "tramadol" in q for q in quotes)
