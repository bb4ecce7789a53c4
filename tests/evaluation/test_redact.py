"""evals/tools/redact_run.py leaves no third-party text in a verdict it redacts."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).parents[2]
SECRET = "Their own words, not ours"


def redact() -> ModuleType:
    spec = importlib.util.spec_from_file_location("redact", ROOT / "evals/tools/redact_run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_text_a_page_put_in_the_verdict_is_redacted() -> None:
    text = {"url": "https://a.test/", "text": SECRET, "where": "hidden", "reason": "offscreen"}
    hidden = {"url": "https://a.test/", "reason": "display_none", "category": "weapons"}
    verdict = {
        "findings": [{"rationale": SECRET, "evidence": [{"url": "u", "quote": SECRET}]}],
        "rejected_evidence": [{"quote": SECRET}],
        "business": {"summary": SECRET, "declared": {"name": SECRET, "description": ""}},
        "crawl": {"pages": [{"title": SECRET}]},
        "signals": {
            "injection": [dict(text)],
            "hidden_text_samples": [dict(text)],
            "hidden_policy_text": [{**hidden, "tier": "prohibited", "terms": [], "text": SECRET}],
            "hidden_offers": [dict(text)],
            "declared_mismatch": True,
            "declared_mismatch_reason": SECRET,
        },
        "reasons": [f"declared as '{SECRET}'"],
    }
    redacted = redact().redact_verdict(verdict)
    assert SECRET not in json.dumps(redacted)
    assert redacted["signals"]["hidden_policy_text"][0]["category"] == "weapons"  # kept
