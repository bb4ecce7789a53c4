"""Run results on disk: one ``results.jsonl`` line per screened case, plus ``run.json``.

A row carries the label, the verdict and the scores computed from both, so metrics,
calibration, comparison and the gate read a results file alone, without the dataset.
Rows are appended and flushed one at a time; a killed run loses at most the cases in flight.
When a file holds several rows for one case and configuration, the last one counts.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from merchant_screen.errors import ConfigError

__all__ = [
    "RESULTS_FILE",
    "RUN_FILE",
    "ResultRow",
    "RunData",
    "append_row",
    "config_hash",
    "drop_torn_tail",
    "latest_rows",
    "load_run",
    "read_rows",
    "results_path",
]

RESULTS_FILE = "results.jsonl"
RUN_FILE = "run.json"


class ResultRow(BaseModel):
    """One screened case: label, prediction, per-case scores, usage and the verdict."""

    model_config = ConfigDict(extra="forbid")

    case_id: str
    config: str = Field(description="hash of the configuration that produced this row")
    strategy: str
    model: str
    split: str
    tags: list[str] = Field(default_factory=list)
    expected_decision: str
    expected_categories: list[str] = Field(default_factory=list)
    labelled_evidence: list[dict[str, str]] = Field(default_factory=list)
    decision: str | None = Field(None, description="predicted decision; None on error")
    categories: list[str] = Field(default_factory=list, description="categories of findings")
    correct: bool = False
    confidence: float | None = None
    raw_confidence: float | None = None
    valid: bool = Field(False, description="a verdict was produced and validates")
    error: str | None = None
    shown_quotes: int = 0
    shown_unverified: int = Field(0, description="shown quotes not verbatim on a crawled page")
    cited_quotes: int = Field(0, description="quotes cited: shown plus rejected")
    labelled_in_crawl: list[bool] = Field(
        default_factory=list, description="per labelled quote: present in crawled text"
    )
    labelled_page_cited: list[bool] = Field(
        default_factory=list, description="per labelled quote: its page cited by a finding"
    )
    pages: int = 0
    injection_detected: bool = False
    action: str | None = None
    usage: dict[str, int | float] = Field(default_factory=dict)
    latency_s: float = 0.0
    extra: dict[str, Any] = Field(default_factory=dict)
    verdict: dict[str, Any] | None = None
    finished_at: str = ""

    @property
    def tokens(self) -> float:
        return self.usage.get("input_tokens", 0.0) + self.usage.get("output_tokens", 0.0)


def config_hash(parts: Mapping[str, str]) -> str:
    """Short stable hash of the configuration parts (strategy, model, versions, settings)."""
    blob = json.dumps(dict(parts), sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def results_path(run: Path) -> Path:
    """``run`` itself when it is a file, else ``run/results.jsonl``."""
    return run if run.is_file() or run.suffix == ".jsonl" else run / RESULTS_FILE


def append_row(path: Path, row: ResultRow) -> None:
    """Append one row and push it to disk before returning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(row.model_dump_json() + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def drop_torn_tail(path: Path) -> bool:
    """Cut an unfinished last line (a run killed mid-write) so appends start on a fresh
    line; every complete row ends with a newline. True if something was cut."""
    if not path.is_file():
        return False
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return False
    with path.open("r+b") as handle:
        handle.truncate(data.rfind(b"\n") + 1)
    return True


def read_rows(path: Path) -> list[ResultRow]:
    """Every row of a results file, in file order. A torn last line (killed mid-write) is
    ignored; any other invalid line raises ``ConfigError`` with its line number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read results {path}: {exc}") from None
    rows: list[ResultRow] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(ResultRow.model_validate_json(line))
        except ValidationError as exc:
            if number == len(lines) and not line.endswith("}"):
                break
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise ConfigError(
                f"{path}:{number}: invalid result row: {where}: {first['msg']}"
            ) from None
    return rows


def latest_rows(rows: Iterable[ResultRow], config: str | None = None) -> list[ResultRow]:
    """The last row per case (of ``config`` when given), in first-seen case order."""
    chosen: dict[str, ResultRow] = {}
    for row in rows:
        if config is None or row.config == config:
            chosen[row.case_id] = row
    return list(chosen.values())


class RunData(BaseModel):
    """A run read back from disk: its rows (last per case) and its ``run.json``, if any."""

    model_config = ConfigDict(frozen=True)

    path: Path
    rows: tuple[ResultRow, ...]
    meta: dict[str, Any] = Field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name if self.path.is_dir() else self.path.parent.name


def load_run(path: Path) -> RunData:
    """Load a run folder (or a results file). Rows of the configuration named in ``run.json``
    are kept; without ``run.json`` the file must hold a single configuration."""
    file = results_path(path)
    rows = read_rows(file)
    meta_file = file.parent / RUN_FILE
    meta: dict[str, Any] = {}
    if meta_file.is_file():
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read {meta_file}: {exc}") from None
    config = meta.get("config")
    if config is None:
        configs = {row.config for row in rows}
        if len(configs) > 1:
            raise ConfigError(
                f"{file} holds {len(configs)} configurations and has no {RUN_FILE} to pick one"
            )
    kept = latest_rows(rows, config)
    if not kept:
        raise ConfigError(
            f"{file} has no results" + (f" for configuration {config}" if config else "")
        )
    return RunData(path=path, rows=tuple(kept), meta=meta)
