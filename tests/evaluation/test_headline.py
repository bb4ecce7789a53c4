"""The README's headline table is what evals/tools/headline.py renders from the committed
reports, and every report behind it was run with the policy, prompts and scorer that ship."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from merchant_screen.agent.prompts import prompts_version
from merchant_screen.evaluation.results import load_run
from merchant_screen.policy.loader import load_policy
from merchant_screen.scoring.model import load_scorer

ROOT = Path(__file__).parents[2]


def headline() -> ModuleType:
    spec = importlib.util.spec_from_file_location("headline", ROOT / "evals/tools/headline.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_table_is_rendered_from_the_committed_reports() -> None:
    tool = headline()
    manifest = json.loads(tool.MANIFEST.read_text(encoding="utf-8"))
    expected = tool.render(manifest)
    assert tool.readme_table((ROOT / "README.md").read_text(encoding="utf-8")) == expected


def test_every_headline_report_ran_what_ships() -> None:
    tool = headline()
    manifest = json.loads(tool.MANIFEST.read_text(encoding="utf-8"))
    policy, prompts, scorer = load_policy(None).version_hash, prompts_version(), load_scorer()
    for names in manifest.values():
        for strategy, name in names.items():
            run = load_run(tool.REPORTS / name)
            assert run.meta["config_parts"]["policy"] == policy, name
            if strategy == "agent":
                assert run.meta["config_parts"]["prompts"] == prompts, name
                versions = {r.verdict["versions"]["scorer"] for r in run.rows if r.verdict}
                assert versions == {scorer.version}, name
