"""Per-run budget accounting and the audit trace (JSONL: one event per step)."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from merchant_screen.errors import ConfigError
from merchant_screen.llm.port import LLMResponse
from merchant_screen.storage import os_reason

__all__ = ["Budget", "Trace"]


class Trace:
    """Collects events in memory and, if given a path, appends them as JSONL as they happen."""

    def __init__(
        self,
        run_id: str,
        path: Path | None = None,
        on_event: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.run_id = run_id
        self._on_event = on_event
        self.events: list[dict[str, Any]] = []
        self._start = time.monotonic()
        self._file: IO[str] | None = None
        self.path = path
        self.write_error: str | None = None
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._file = path.open("a", encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"cannot write the trace file {path}: {os_reason(exc)}") from None

    def emit(self, node: str, event: str, **data: Any) -> None:
        record = {
            "run_id": self.run_id,
            "t": round(time.monotonic() - self._start, 4),
            "node": node,
            "event": event,
            **data,
        }
        self.events.append(record)
        if self._on_event is not None:
            self._on_event(record)
        if self._file is not None:
            try:
                self._file.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
                self._file.flush()
            except OSError as exc:
                # The run goes on: events stay in memory and the verdict says the file is short.
                self.write_error = f"trace file {self.path} is incomplete: {os_reason(exc)}"
                self._close_quietly()

    def _close_quietly(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None

    def close(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            except OSError as exc:
                self.write_error = f"trace file {self.path} is incomplete: {os_reason(exc)}"
            self._file = None


@dataclass
class Budget:
    """Limits per merchant; ``exhausted`` names the first limit hit, if any."""

    max_llm_calls: int
    max_tokens: int
    max_tool_calls: int
    llm_calls: int = 0
    cached_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    tool_calls: int = 0
    llm_seconds: float = 0.0
    exhausted: str | None = None
    by_purpose: dict[str, int] = field(default_factory=dict)

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def can_call_llm(self) -> bool:
        if self.llm_calls >= self.max_llm_calls:
            self.exhausted = self.exhausted or f"LLM call budget ({self.max_llm_calls}) used up"
            return False
        if self.tokens >= self.max_tokens:
            self.exhausted = self.exhausted or f"token budget ({self.max_tokens}) used up"
            return False
        return True

    def can_call_tool(self) -> bool:
        return self.tool_calls < self.max_tool_calls

    def record_llm(self, response: LLMResponse, purpose: str) -> None:
        self.llm_calls += 1
        self.by_purpose[purpose] = self.by_purpose.get(purpose, 0) + 1
        if response.cached:
            self.cached_calls += 1
        self.input_tokens += response.usage.input_tokens
        self.output_tokens += response.usage.output_tokens
        self.cached_tokens += response.usage.cached_tokens
        self.llm_seconds += response.seconds
