"""Plain data the queue passes around: one attempt's arguments and one result row.

``JobArgs`` is what a DBOS workflow receives (as JSON: no pickle in the database), so it
holds only strings and numbers. Workflow ids are derived from (batch, merchant_id,
generation, attempt), which makes every enqueue idempotent.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from merchant_screen.verdict import Declared

__all__ = [
    "FinalStatus",
    "JobArgs",
    "ResultRecord",
    "job_key_hash",
    "trace_file",
    "workflow_id",
]

FinalStatus = Literal["done", "failed", "dead"]
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def job_key_hash(batch: str, merchant_id: str) -> str:
    """A short stable hash of the job key (ids may hold any character)."""
    return hashlib.sha256(f"{batch}\x00{merchant_id}".encode()).hexdigest()[:20]


def workflow_id(batch: str, merchant_id: str, generation: int, attempt: int) -> str:
    return f"ms-{job_key_hash(batch, merchant_id)}-g{generation}-a{attempt}"


@dataclass(frozen=True)
class JobArgs:
    """One attempt at one job, as enqueued."""

    batch: str
    merchant_id: str
    url: str
    domain: str
    generation: int = 1
    attempt: int = 1
    enqueued_at: float = 0.0
    declared_name: str = ""
    declared_description: str = ""

    @property
    def workflow_id(self) -> str:
        return workflow_id(self.batch, self.merchant_id, self.generation, self.attempt)

    @property
    def declared(self) -> Declared | None:
        if not (self.declared_name or self.declared_description):
            return None
        return Declared(name=self.declared_name, description=self.declared_description)

    def next_attempt(self, eligible_at: float) -> JobArgs:
        return replace(self, attempt=self.attempt + 1, enqueued_at=eligible_at)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobArgs:
        return cls(
            batch=str(data["batch"]),
            merchant_id=str(data["merchant_id"]),
            url=str(data["url"]),
            domain=str(data["domain"]),
            generation=int(data["generation"]),
            attempt=int(data["attempt"]),
            enqueued_at=float(data["enqueued_at"]),
            declared_name=str(data.get("declared_name") or ""),
            declared_description=str(data.get("declared_description") or ""),
        )


@dataclass(frozen=True)
class ResultRecord:
    """The one result row of a job."""

    batch: str
    merchant_id: str
    generation: int
    url: str | None
    status: FinalStatus
    attempts: int
    finished_at: float
    decision: str | None = None
    action: str | None = None
    confidence: float | None = None
    categories: list[str] = field(default_factory=list)
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    run_id: str | None = None
    trace_path: str | None = None
    verdict: str | None = None
    executor_id: str | None = None

    def row(self) -> dict[str, Any]:
        """Column values for ``ms_results``."""
        values = asdict(self)
        values["categories"] = json.dumps(self.categories)
        values["timings"] = json.dumps(self.timings, sort_keys=True)
        return values


def _safe(text: str, limit: int = 60) -> str:
    cleaned = _UNSAFE.sub("_", text).strip("._")[:limit]
    return cleaned or "x"


def trace_file(trace_dir: Path, job: JobArgs, run_id: str) -> Path:
    """``<trace_dir>/<batch>/<merchant_id>-<hash>-<run_id>.jsonl``: readable, collision-free."""
    name = f"{_safe(job.merchant_id)}-{job_key_hash(job.batch, job.merchant_id)[:8]}"
    return trace_dir / _safe(job.batch) / f"{name}-{run_id[:12]}.jsonl"
