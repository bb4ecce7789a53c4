from __future__ import annotations

import json
from pathlib import Path

import pytest

from merchant_screen.errors import ConfigError
from merchant_screen.evaluation.results import (
    append_row,
    config_hash,
    drop_torn_tail,
    latest_rows,
    load_run,
    read_rows,
)
from tests.evaluation.factories import make_row


def test_config_hash_is_stable_and_order_free() -> None:
    a = config_hash({"model": "m", "strategy": "agent"})
    assert a == config_hash({"strategy": "agent", "model": "m"})
    assert a != config_hash({"strategy": "agent", "model": "n"})
    assert len(a) == 16


def test_append_read_and_last_row_wins(tmp_path: Path) -> None:
    path = tmp_path / "run" / "results.jsonl"
    append_row(path, make_row("a", "allowed", None))
    append_row(path, make_row("b", "allowed", "allowed"))
    append_row(path, make_row("a", "allowed", "allowed"))
    append_row(path, make_row("a", "allowed", "unknown", config="other"))
    rows = read_rows(path)
    assert [r.case_id for r in rows] == ["a", "b", "a", "a"]
    latest = latest_rows(rows, "cfg-a")
    assert [(r.case_id, r.decision) for r in latest] == [("a", "allowed"), ("b", "allowed")]


def test_torn_last_line_is_ignored_then_cut(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    append_row(path, make_row("a", "allowed", "allowed"))
    with path.open("a") as handle:
        handle.write('{"case_id": "b", "con')
    assert [r.case_id for r in read_rows(path)] == ["a"]
    assert drop_torn_tail(path)
    assert path.read_text().endswith("}\n")
    assert not drop_torn_tail(path)
    append_row(path, make_row("b", "allowed", "allowed"))
    assert [r.case_id for r in read_rows(path)] == ["a", "b"]


def test_a_bad_line_in_the_middle_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    append_row(path, make_row("a", "allowed", "allowed"))
    with path.open("a") as handle:
        handle.write('{"case_id": 3}\n')
    append_row(path, make_row("b", "allowed", "allowed"))
    with pytest.raises(ConfigError, match=r"results.jsonl:2: invalid result row"):
        read_rows(path)


def test_load_run_uses_the_configuration_in_run_json(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    append_row(path, make_row("a", "allowed", "allowed", config="old"))
    append_row(path, make_row("a", "allowed", "unknown", config="new"))
    with pytest.raises(ConfigError, match="2 configurations"):
        load_run(tmp_path)
    (tmp_path / "run.json").write_text(json.dumps({"config": "new", "strategy": "agent"}))
    run = load_run(tmp_path)
    assert [r.decision for r in run.rows] == ["unknown"]
    assert run.meta["strategy"] == "agent"
    assert run.name == tmp_path.name
    assert load_run(path).rows == run.rows
    (tmp_path / "run.json").write_text(json.dumps({"config": "missing"}))
    with pytest.raises(ConfigError, match="no results for configuration missing"):
        load_run(tmp_path)
