"""Run a strategy over a dataset: serve the sites, screen each case, append scored rows.

The dataset is served by ``FixtureServer`` over real HTTP(S) on 127.0.0.1 and the real
crawler is pointed at it (``connect_to``, ``ca_bundle``, no politeness delay, no HTTP cache).
Cases run ``concurrency`` at a time on one event loop with one shared ``Screener``. Each
finished case is appended to ``results.jsonl`` at once, keyed by case id and a hash of the
configuration (strategy, model, prompts, policy, settings fingerprint without the ephemeral
routes); ``resume`` skips cases already there without an error for the same hash.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from merchant_screen.api import package_version
from merchant_screen.errors import ConfigError, LLMUnavailableError
from merchant_screen.evaluation.dataset import Case, Dataset, Split, load_dataset
from merchant_screen.evaluation.fixture_server import FixtureServer
from merchant_screen.evaluation.results import (
    RESULTS_FILE,
    RUN_FILE,
    ResultRow,
    append_row,
    config_hash,
    drop_torn_tail,
    latest_rows,
    read_rows,
)
from merchant_screen.evaluation.scoring import error_row, score_case
from merchant_screen.evaluation.strategies import Strategy, StrategyName, open_strategy
from merchant_screen.llm.port import LLMClient
from merchant_screen.settings import Settings

__all__ = [
    "ABORT_AFTER",
    "Progress",
    "RunOptions",
    "RunOutcome",
    "default_out_dir",
    "eval_settings",
    "run_eval",
    "settings_fingerprint",
]

ABORT_AFTER = 3  # consecutive "model unavailable" failures that stop a run
RUNS_ROOT = Path("evals") / "runs"


@dataclass(frozen=True)
class RunOptions:
    strategy: StrategyName = "agent"
    split: Split | None = None
    tags: tuple[str, ...] = ()
    limit: int | None = None
    concurrency: int = 1
    resume: bool = False
    traces: bool = False


@dataclass(frozen=True)
class Progress:
    """A finished case (``row`` set), or the start of a sitting (``row`` None, ``done`` the
    cases already in the results file)."""

    done: int
    total: int
    case_id: str
    row: ResultRow | None
    out: Path | None = None
    config: str = ""


@dataclass(frozen=True)
class RunOutcome:
    out: Path
    config: str
    rows: list[ResultRow]
    ran: int
    skipped: int
    seconds: float
    meta: dict[str, Any] = field(default_factory=dict)


def eval_settings(base: Settings, server: FixtureServer) -> Settings:
    """``base`` routed to the fixture server: its CA trusted, no delay, no HTTP cache."""
    return base.replace(
        connect_to=tuple(server.connect_to()), ca_bundle=server.ca_pem, host_delay=0.0, cache=False
    )


def settings_fingerprint(settings: Settings) -> str:
    """The settings fingerprint without what differs between sittings of one run (server
    routes and CA file) or cannot change a verdict (caches, politeness delay)."""
    stable = settings.replace(
        connect_to=(), ca_bundle=None, cache=False, llm_cache=False, host_delay=0.0
    )
    return stable.fingerprint()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "model"


def default_out_dir(model: str | None, strategy: str, root: Path = RUNS_ROOT) -> Path:
    """``evals/runs/<UTC timestamp>-<model>-<strategy>``."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return root / f"{stamp}-{_slug(model or 'local')}-{strategy}"


def _find_resumable(root: Path, config: str, dataset: Path) -> Path | None:
    """The most recent run folder under ``root`` with this configuration and dataset."""
    if not root.is_dir():
        return None
    for folder in sorted(root.iterdir(), reverse=True):
        meta_file = folder / RUN_FILE
        with contextlib.suppress(OSError, ValueError):
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            if meta.get("config") == config and meta.get("dataset") == str(dataset):
                return folder
    return None


def _select(dataset: Dataset, options: RunOptions) -> Dataset:
    chosen = dataset.select(split=options.split, tags=options.tags, limit=options.limit)
    if not chosen.cases:
        raise ConfigError(f"no cases in {dataset.path} match the selection")
    return chosen


def _meta(
    previous: dict[str, Any],
    dataset: Dataset,
    options: RunOptions,
    parts: dict[str, str],
    config: str,
    seconds: float,
) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return {
        "dataset": str(dataset.path.resolve()),
        "dataset_name": dataset.path.resolve().name,
        "strategy": options.strategy,
        "model": parts.get("model", "none"),
        "config": config,
        "config_parts": parts,
        "selection": {"split": options.split, "tags": list(options.tags), "limit": options.limit},
        "cases": [c.id for c in dataset.cases],
        "concurrency": options.concurrency,
        "package": package_version(),
        "started_at": previous.get("started_at", now),
        "updated_at": now,
        "sittings": int(previous.get("sittings", 0)) + 1,
        "seconds": round(float(previous.get("seconds", 0.0)) + seconds, 3),
    }


async def _run_case(
    strategy: Strategy, case: Case, config: str, trace_dir: Path | None
) -> ResultRow:
    started = time.monotonic()
    trace_path = trace_dir / f"{case.id}.jsonl" if trace_dir else None
    try:
        screened = await strategy.screen(case, trace_path)
    except LLMUnavailableError:
        raise
    except Exception as exc:  # one broken case must not stop a long run; it is recorded
        return error_row(
            case,
            f"{type(exc).__name__}: {exc}",
            config=config,
            strategy=strategy.name,
            model=strategy.config_parts().get("model", "none"),
            latency_s=time.monotonic() - started,
        )
    return score_case(
        case,
        screened.verdict,
        screened.page_texts,
        config=config,
        strategy=strategy.name,
        latency_s=time.monotonic() - started,
        extra=screened.extra,
    )


def _finished(results: Path, config: str) -> set[str]:
    """Cases already screened without an error under ``config``; refuses a results file
    written by another configuration (its rows would not be comparable)."""
    if not results.exists():
        return set()
    drop_torn_tail(results)
    rows = read_rows(results)
    others = {r.config for r in rows} - {config}
    if others:
        raise ConfigError(
            f"{results} holds results of configuration {sorted(others)[0]}, not {config} "
            "(model, prompts, policy or settings changed): use a new --out"
        )
    return {r.case_id for r in latest_rows(rows, config) if r.error is None}


async def run_eval(
    dataset_path: Path,
    base: Settings,
    options: RunOptions,
    *,
    out: Path | None = None,
    runs_root: Path = RUNS_ROOT,
    progress: Callable[[Progress], None] | None = None,
    llm: LLMClient | None = None,
) -> RunOutcome:
    """Screen the selected cases and append their rows; returns this configuration's rows
    for the selected cases (earlier sittings included)."""
    dataset = _select(load_dataset(dataset_path), options)
    started = time.monotonic()
    with FixtureServer(dataset.host_map()) as server:
        settings = eval_settings(base, server)
        async with open_strategy(options.strategy, settings, llm=llm) as strategy:
            parts = {**strategy.config_parts(), "settings": settings_fingerprint(settings)}
            config = config_hash(parts)
            if out is None and options.resume:
                out = _find_resumable(runs_root, config, dataset.path.resolve())
            out = out or default_out_dir(base.model, options.strategy, runs_root)
            results = out / RESULTS_FILE
            if results.exists() and not options.resume:
                raise ConfigError(f"{results} exists: pass --resume to continue it, or --out")
            finished = _finished(results, config)
            meta_file = out / RUN_FILE
            previous = json.loads(meta_file.read_text("utf-8")) if meta_file.is_file() else {}
            out.mkdir(parents=True, exist_ok=True)
            meta = _meta(previous, dataset, options, parts, config, 0.0)
            meta_file.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
            todo = [c for c in dataset.cases if c.id not in finished]
            total, skipped = len(dataset.cases), len(dataset.cases) - len(todo)
            if progress is not None:
                progress(Progress(skipped, total, "", None, out, config))
            ran = await _run_all(strategy, todo, config, out, options, progress, total, skipped)
    seconds = time.monotonic() - started
    meta = _meta(previous, dataset, options, parts, config, seconds)
    meta_file.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    wanted = {c.id for c in dataset.cases}
    rows = [r for r in latest_rows(read_rows(results), config) if r.case_id in wanted]
    return RunOutcome(out, config, rows, ran, skipped, round(seconds, 3), meta)


async def _run_all(
    strategy: Strategy,
    todo: list[Case],
    config: str,
    out: Path,
    options: RunOptions,
    progress: Callable[[Progress], None] | None,
    total: int,
    skipped: int,
) -> int:
    gate = asyncio.Semaphore(max(1, options.concurrency))
    trace_dir = out / "traces" if options.traces else None
    state = {"done": skipped, "unavailable": 0, "ran": 0}

    async def one(case: Case) -> None:
        async with gate:
            try:
                row = await _run_case(strategy, case, config, trace_dir)
                state["unavailable"] = 0
            except LLMUnavailableError as exc:
                state["unavailable"] += 1
                if state["unavailable"] >= ABORT_AFTER:
                    raise
                row = error_row(
                    case,
                    f"LLMUnavailableError: {exc}",
                    config=config,
                    strategy=strategy.name,
                    model=strategy.config_parts().get("model", "none"),
                    latency_s=0.0,
                )
            append_row(out / RESULTS_FILE, row)
            state["done"] += 1
            state["ran"] += 1
            if progress is not None:
                progress(Progress(state["done"], total, case.id, row, out, config))

    try:
        async with asyncio.TaskGroup() as group:
            for case in todo:
                group.create_task(one(case))
    except BaseExceptionGroup as failed:  # surface the model failure itself, not the group
        raise failed.exceptions[0] from None
    return state["ran"]
