"""Reading a batch file and checking its rows (pure: no database).

A batch file is CSV with a header naming ``url`` and ``merchant_id`` (optional
``declared_name``, ``declared_description``; other columns are ignored), or JSON Lines
with the same keys. ``read_rows`` raises ``InputError`` (one line, with ``file:line``)
when the file as a whole cannot be used: unreadable, not UTF-8, empty, a CSV header
without the required columns, JSON Lines of which no line is a JSON object. A single line
that cannot be read (malformed CSV, a field over the CSV field limit, invalid JSON) is an
``UnreadableRow`` carrying the reason: nothing a user gave is lost, the rest goes on.
``plan_jobs`` sorts rows into valid jobs, invalid rows (recorded as failed jobs with the
reason) and repeats of a ``merchant_id`` (the first row wins; repeats are only reported).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from merchant_screen.errors import InputError, ScreenError
from merchant_screen.tools.urls import host_of, normalise_url, registrable_domain

__all__ = [
    "MAX_ID_CHARS",
    "Duplicate",
    "InvalidRow",
    "Plan",
    "UnreadableRow",
    "ValidJob",
    "check_batch_name",
    "plan_jobs",
    "read_rows",
]

MAX_ID_CHARS = 200
MAX_TEXT_CHARS = 2000
REQUIRED = ("url", "merchant_id")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")


class UnreadableRow(Mapping[str, Any]):
    """A line of the batch file that could not be read into fields: an empty row that
    carries why, so it becomes a failed job like any other invalid row."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return f"UnreadableRow({self.reason!r})"


@dataclass(frozen=True)
class ValidJob:
    merchant_id: str
    url: str
    domain: str
    line: int
    declared_name: str = ""
    declared_description: str = ""


@dataclass(frozen=True)
class InvalidRow:
    merchant_id: str
    url: str | None
    line: int
    reason: str


@dataclass(frozen=True)
class Duplicate:
    merchant_id: str
    line: int
    first_line: int


@dataclass
class Plan:
    valid: list[ValidJob] = field(default_factory=list)
    invalid: list[InvalidRow] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.valid) + len(self.invalid) + len(self.duplicates)


def check_batch_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_ID_CHARS or _CONTROL.search(cleaned):
        raise InputError(f"invalid batch name {name[:60]!r}: 1-200 printable characters")
    return cleaned


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def _csv_records(text: str) -> Iterator[tuple[int, list[str] | UnreadableRow]]:
    """``(first line, cells)`` per CSV record; a record the reader rejects is reported and
    the reader goes on at the next line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        first = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield first, UnreadableRow(f"malformed CSV: {exc}")
            continue
        yield first, record


def _csv_rows(path: Path, text: str) -> list[tuple[int, Mapping[str, Any]]]:
    header: list[str] | None = None
    rows: list[tuple[int, Mapping[str, Any]]] = []
    for line, record in _csv_records(text):
        if isinstance(record, UnreadableRow):
            if header is None:
                raise InputError(f"{path}:{line}: {record.reason} (in the header)")
            rows.append((line, record))
            continue
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in record]
            missing = [name for name in REQUIRED if name not in header]
            if missing:
                raise InputError(
                    f"{path}:{line}: CSV header must name url and merchant_id "
                    f"(missing {', '.join(missing)}; found {', '.join(header)[:120]})"
                )
            continue
        rows.append((line, dict(zip(header, record, strict=False))))
    if header is None:
        raise InputError(f"{path}: empty file (expected a CSV header or JSON lines)")
    return rows


def _json_row(line: str) -> Mapping[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return UnreadableRow(f"invalid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return UnreadableRow("invalid JSON: nested too deeply")
    if not isinstance(value, dict):
        return UnreadableRow(f"not a JSON object (a {type(value).__name__})")
    return value


def _jsonl_rows(path: Path, text: str) -> list[tuple[int, Mapping[str, Any]]]:
    rows: list[tuple[int, Mapping[str, Any]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            rows.append((number, _json_row(line)))
    if not rows:
        raise InputError(f"{path}: empty file (expected a CSV header or JSON lines)")
    unreadable = [(n, row.reason) for n, row in rows if isinstance(row, UnreadableRow)]
    if len(unreadable) == len(rows):
        # Not one object: this is not a JSON Lines batch at all, so say so once.
        number, reason = unreadable[0]
        raise InputError(f"{path}:{number}: {reason}")
    return rows


def read_rows(path: Path) -> list[tuple[int, Mapping[str, Any]]]:
    """``(line number, row)`` pairs from a CSV or JSONL batch file."""
    text = _decode(path)
    as_json = path.suffix.lower() in _JSON_SUFFIXES or (
        path.suffix.lower() != ".csv" and text.lstrip().startswith("{")
    )
    return _jsonl_rows(path, text) if as_json else _csv_rows(path, text)


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{name} must be a string")
    if isinstance(value, float) and not math.isfinite(value):  # JSON 1e400 reads as inf
        raise ValueError(f"{name} must be a string, not the number {value}")
    return str(value).strip()


def _check_row(line: int, row: Mapping[str, Any]) -> ValidJob | InvalidRow:
    placeholder = f"(line {line})"
    if isinstance(row, UnreadableRow):
        return InvalidRow(placeholder, None, line, row.reason)
    try:
        merchant_id = _text(row.get("merchant_id"), "merchant_id")
    except ValueError as exc:
        return InvalidRow(placeholder, None, line, str(exc))
    if not merchant_id:
        return InvalidRow(placeholder, None, line, "missing merchant_id")
    if len(merchant_id) > MAX_ID_CHARS or _CONTROL.search(merchant_id):
        return InvalidRow(placeholder, None, line, "merchant_id must be 1-200 printable characters")
    try:
        url = _text(row.get("url"), "url")
        name = _text(row.get("declared_name"), "declared_name")[:MAX_TEXT_CHARS]
        description = _text(row.get("declared_description"), "declared_description")
    except ValueError as exc:
        return InvalidRow(merchant_id, None, line, str(exc))
    if not url:
        return InvalidRow(merchant_id, None, line, "missing url")
    try:
        normalised = normalise_url(url)
        domain = registrable_domain(host_of(normalised))
    except ScreenError as exc:
        return InvalidRow(merchant_id, url[:2000], line, str(exc))
    return ValidJob(merchant_id, normalised, domain, line, name, description[:MAX_TEXT_CHARS])


def plan_jobs(rows: Iterable[tuple[int, Mapping[str, Any]]]) -> Plan:
    """Check every row; the first row of a ``merchant_id`` wins, later ones are duplicates."""
    plan = Plan()
    first_line: dict[str, int] = {}
    for line, row in rows:
        checked = _check_row(line, row)
        if checked.merchant_id in first_line:
            plan.duplicates.append(
                Duplicate(checked.merchant_id, line, first_line[checked.merchant_id])
            )
            continue
        first_line[checked.merchant_id] = line
        if isinstance(checked, ValidJob):
            plan.valid.append(checked)
        else:
            plan.invalid.append(checked)
    return plan
