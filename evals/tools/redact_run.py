"""Strip third-party text from a run before it is committed (the real-dev pages are other
people's text: they stay out of the repository, and so do the quotes and titles a verdict
carries from them).

    python evals/tools/redact_run.py evals/reports/<run>

Rewrites ``results.jsonl`` in place — labelled quotes, finding quotes, rejected quotes,
business summary, page titles and the injection, hidden-text, hidden-policy and hidden-offer
samples are removed; labels, decisions, categories, scores, features, model probabilities,
usage and versions stay — and renders ``report.md`` / ``report.html`` again from the
redacted rows.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from merchant_screen.evaluation.report import write_report
from merchant_screen.evaluation.results import RESULTS_FILE, RUN_FILE, ResultRow
from merchant_screen.policy.loader import load_policy

REDACTED = "[redacted]"


def redact_verdict(verdict: dict[str, Any]) -> dict[str, Any]:
    for finding in verdict.get("findings") or []:
        finding["rationale"] = REDACTED
        for evidence in finding.get("evidence") or []:
            evidence["quote"] = REDACTED
    for rejected in verdict.get("rejected_evidence") or []:
        rejected["quote"] = REDACTED
    business = verdict.get("business") or {}
    business["summary"] = ""
    if business.get("declared"):
        business["declared"] = {"name": REDACTED, "description": REDACTED}
    for page in (verdict.get("crawl") or {}).get("pages") or []:
        page["title"] = ""
    signals = verdict.get("signals") or {}
    for key in ("injection", "hidden_text_samples", "hidden_policy_text", "hidden_offers"):
        for sample in signals.get(key) or []:
            sample["text"] = REDACTED
    signals["declared_mismatch_reason"] = REDACTED if signals.get("declared_mismatch") else ""
    verdict["reasons"] = [REDACTED if "declared as" in r else r for r in verdict.get("reasons", [])]
    return verdict


def redact_row(row: ResultRow) -> ResultRow:
    data = row.model_dump()
    data["labelled_evidence"] = [
        {"url": e["url"], "quote": REDACTED} for e in row.labelled_evidence
    ]
    if data.get("verdict"):
        data["verdict"] = redact_verdict(data["verdict"])
    return ResultRow.model_validate(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="run folder (results.jsonl + run.json)")
    args = parser.parse_args(argv)
    results = args.run / RESULTS_FILE
    rows = [
        redact_row(ResultRow.model_validate_json(line))
        for line in results.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    results.write_text("".join(r.model_dump_json() + "\n" for r in rows), encoding="utf-8")
    meta = json.loads((args.run / RUN_FILE).read_text(encoding="utf-8"))
    write_report(args.run, rows, meta, load_policy(None).ids)
    print(f"redacted {len(rows)} rows in {results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
