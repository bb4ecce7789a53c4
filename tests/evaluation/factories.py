"""Hand-made result rows for metric, gate, compare and calibration tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from merchant_screen.evaluation.results import ResultRow, RunData


def make_row(
    case_id: str,
    expected: str,
    decision: str | None,
    *,
    expected_categories: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    in_crawl: tuple[bool, ...] = (),
    page_cited: tuple[bool, ...] = (),
    config: str = "cfg-a",
    **fields: Any,
) -> ResultRow:
    """A row; ``decision=None`` makes an error row. Labelled evidence follows ``in_crawl``."""
    evidence = [
        {"url": f"https://{case_id}.test/p{i}", "quote": f"quote {i}"} for i in range(len(in_crawl))
    ]
    base: dict[str, Any] = {
        "case_id": case_id,
        "config": config,
        "strategy": "agent",
        "model": "fake",
        "split": "test",
        "expected_decision": expected,
        "expected_categories": list(expected_categories),
        "labelled_evidence": evidence,
        "decision": decision,
        "categories": list(categories),
        "correct": decision == expected,
        "valid": decision is not None,
        "error": None if decision is not None else "RuntimeError: boom",
        "labelled_in_crawl": list(in_crawl),
        "labelled_page_cited": list(page_cited or (False,) * len(in_crawl)),
    }
    base.update(fields)
    return ResultRow(**base)


def run_of(rows: list[ResultRow], name: str = "run-a") -> RunData:
    return RunData(path=Path("/nonexistent") / name / "results.jsonl", rows=tuple(rows))
