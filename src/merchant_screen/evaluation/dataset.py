"""Evaluation datasets: ``<dataset>/cases.jsonl`` plus ``<dataset>/sites/<id>/`` page files.

A case line::

    {"id": "ridgeline-outfitters", "url": "https://ridgeline-outfitters.test/",
     "expected": {"decision": "prohibited", "categories": ["weapons"]},
     "evidence": [{"url": "https://ridgeline-outfitters.test/faq", "quote": "..."}],
     "declared": {"name": "...", "description": "..."}, "tags": ["..."],
     "split": "dev", "notes": "..."}

``expected`` may also hold ``forbid_actions`` (an extension of the fixed format): actions the
verdict must not take, e.g. ``["approve"]`` for a site whose policy-relevant text is truly
hidden from people (no quote can verify it, so the decision stays that of the visible site,
but approving it would be wrong). A case is scored right only when its decision is the
labelled one and its action is not forbidden.

``sites/<id>/`` mirrors URL paths (see ``site_file``). ``load_dataset`` validates every line
(schema, unique ids and hosts, ``index.html`` and every evidence page present, ``_server.json``)
and raises ``ConfigError`` with ``file:line`` on the first problem.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from merchant_screen.errors import ConfigError

__all__ = [
    "Case",
    "Dataset",
    "Declared",
    "Expected",
    "GeneratedBody",
    "LabelledEvidence",
    "ServerScript",
    "is_safe_url_path",
    "load_dataset",
    "load_server_script",
    "site_file",
]

Decision = Literal["prohibited", "restricted", "allowed", "unknown"]
Action = Literal["approve", "review", "reject"]
Split = Literal["dev", "test"]
CASES_FILE = "cases.jsonl"
SITES_DIR = "sites"
SCRIPT_FILE = "_server.json"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Expected(_Frozen):
    """The label: the decision and the policy category ids that justify it."""

    decision: Decision
    categories: tuple[str, ...] = Field((), description="category ids, e.g. 'weapons'")
    forbid_actions: tuple[Action, ...] = Field(
        (), description="actions the verdict must not take, e.g. 'approve'"
    )

    @field_validator("categories")
    @classmethod
    def _check_categories(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for category in value:
            if not category or not category.replace("_", "").isalnum() or not category.islower():
                raise ValueError(f"category id {category!r} is not lower_snake_case")
        if len(set(value)) != len(value):
            raise ValueError("category ids repeat")
        return value

    @model_validator(mode="after")
    def _check_consistent(self) -> Expected:
        flagged = self.decision in ("prohibited", "restricted")
        if flagged and not self.categories:
            raise ValueError(f"decision {self.decision!r} needs at least one category")
        if not flagged and self.categories:
            raise ValueError(f"decision {self.decision!r} takes no categories")
        if len(set(self.forbid_actions)) != len(self.forbid_actions):
            raise ValueError("forbid_actions repeat")
        if len(self.forbid_actions) == len(get_args(Action)):
            raise ValueError("forbid_actions leave no action a verdict may take")
        return self

    def allows(self, action: str | None) -> bool:
        """Whether a verdict with ``action`` (None: no verdict) may stand for this label."""
        return action not in self.forbid_actions


class LabelledEvidence(_Frozen):
    """A page URL and a quote that must occur in that page's visible text."""

    url: str
    quote: str = Field(min_length=1)


class Declared(_Frozen):
    """What the merchant told the processor about itself."""

    name: str = ""
    description: str = ""


class Case(_Frozen):
    """One labelled merchant."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)
    url: str
    expected: Expected
    evidence: tuple[LabelledEvidence, ...] = ()
    declared: Declared | None = None
    tags: tuple[str, ...] = ()
    split: Split
    notes: str = ""

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"url {value!r} is not an absolute http(s) URL")
        return value

    @model_validator(mode="after")
    def _check_evidence_hosts(self) -> Case:
        for item in self.evidence:
            host = (urlsplit(item.url).hostname or "").removeprefix("www.")
            if host != self.host.removeprefix("www."):
                raise ValueError(f"evidence url {item.url!r} is not on {self.host}")
        return self

    @property
    def host(self) -> str:
        """The case URL's host, lowercased."""
        return (urlsplit(self.url).hostname or "").lower()


class GeneratedBody(_Frozen):
    """A body the fixture server builds at serve time instead of reading a file.

    ``nested_divs``: ``count`` nested ``<div>`` elements around one paragraph;
    ``many_elements``: ``count`` sibling paragraphs; ``random_bytes``: ``count`` bytes from a
    PRNG seeded with ``seed``. The same spec always gives the same bytes.
    """

    kind: Literal["nested_divs", "many_elements", "random_bytes"]
    count: int = Field(gt=0, le=8_000_000)
    seed: int = 0


class ServerScript(_Frozen):
    """A site's optional ``_server.json``: how the fixture server answers given URL paths.

    Described in ``merchant_screen.evaluation.fixture_server``; keys are decoded URL paths.
    """

    status: dict[str, int] = Field(default_factory=dict)
    redirects: dict[str, tuple[int, str]] = Field(default_factory=dict)
    headers: dict[str, dict[str, str]] = Field(default_factory=dict)
    delay: dict[str, float] = Field(default_factory=dict)
    gzip_bomb: tuple[str, ...] = ()
    content_type: dict[str, str] = Field(default_factory=dict)
    charset: dict[str, str] = Field(default_factory=dict)
    retry_after: dict[str, tuple[int, int]] = Field(default_factory=dict)
    generated: dict[str, GeneratedBody] = Field(default_factory=dict)


def load_server_script(site_dir: Path) -> ServerScript:
    """Read ``_server.json`` from a site folder; an empty script when there is none."""
    path = site_dir / SCRIPT_FILE
    if not path.is_file():
        return ServerScript()
    try:
        return ServerScript.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "file"
        raise ConfigError(f"{path}: invalid {SCRIPT_FILE}: {where}: {err['msg']}") from None


def is_safe_url_path(url_path: str) -> bool:
    """False for a decoded URL path with ``.``/``..`` segments, backslashes or NUL bytes."""
    if "\\" in url_path or "\x00" in url_path:
        return False
    return all(segment not in (".", "..") for segment in url_path.split("/"))


def site_file(site_dir: Path, url_path: str) -> Path | None:
    """The file in ``site_dir`` that serves the decoded ``url_path``, or None.

    ``/`` is ``index.html``; ``/a/b`` is ``a/b`` (exact), else ``a/b.html``, else
    ``a/b/index.html``; ``/a/b/`` is ``a/b/index.html``, else ``a/b.html``. Unsafe paths,
    files or folders whose name starts with ``_``, and anything outside ``site_dir`` give None.
    """
    if not is_safe_url_path(url_path):
        return None
    rel = url_path.strip("/")
    if not rel:
        candidates = ["index.html"]
    elif url_path.endswith("/"):
        candidates = [f"{rel}/index.html", f"{rel}.html"]
    else:
        candidates = [rel, f"{rel}.html", f"{rel}/index.html"]
    root = site_dir.resolve()
    for candidate in candidates:
        if any(part.startswith("_") for part in candidate.split("/")):
            continue
        path = (root / candidate).resolve()
        if path.is_relative_to(root) and path.is_file():
            return path
    return None


@dataclass(frozen=True)
class Dataset:
    """Cases loaded from ``path``, in file order."""

    path: Path
    cases: tuple[Case, ...]

    def __len__(self) -> int:
        return len(self.cases)

    def __iter__(self) -> Iterator[Case]:
        return iter(self.cases)

    def get(self, case_id: str) -> Case:
        for case in self.cases:
            if case.id == case_id:
                return case
        raise KeyError(f"no case {case_id!r} in {self.path}")

    def site_dir(self, case_id: str) -> Path:
        """The folder holding a case's pages."""
        return self.path / SITES_DIR / self.get(case_id).id

    def host_map(self) -> dict[str, Path]:
        """Host of each case URL (lowercased) -> its site folder."""
        return {case.host: self.path / SITES_DIR / case.id for case in self.cases}

    def select(
        self,
        *,
        split: Split | None = None,
        tags: Iterable[str] = (),
        exclude_tags: Iterable[str] = (),
        limit: int | None = None,
    ) -> Dataset:
        """Cases of ``split`` with any of ``tags`` and none of ``exclude_tags``; first ``limit``."""
        wanted, unwanted = set(tags), set(exclude_tags)
        kept = [
            case
            for case in self.cases
            if (split is None or case.split == split)
            and (not wanted or wanted & set(case.tags))
            and not unwanted & set(case.tags)
        ]
        return replace(self, cases=tuple(kept if limit is None else kept[:limit]))


def load_dataset(path: str | Path) -> Dataset:
    """Load and validate a dataset folder (or its ``cases.jsonl``)."""
    root = Path(path)
    if root.name == CASES_FILE:
        root = root.parent
    cases_file = root / CASES_FILE
    try:
        lines = cases_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read dataset {cases_file}: {exc}") from None
    cases: list[Case] = []
    first_line: dict[str, int] = {}
    host_owner: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{cases_file}:{number}"
        case = _parse_case(line, where)
        if case.id in first_line:
            raise ConfigError(
                f"{where}: duplicate case id {case.id!r} (first on line {first_line[case.id]})"
            )
        if case.host in host_owner:
            raise ConfigError(
                f"{where}: host {case.host} already used by {host_owner[case.host]!r}"
            )
        _check_site(root / SITES_DIR / case.id, case, where)
        first_line[case.id] = number
        host_owner[case.host] = case.id
        cases.append(case)
    if not cases:
        raise ConfigError(f"{cases_file}: no cases")
    return Dataset(path=root, cases=tuple(cases))


def _parse_case(line: str, where: str) -> Case:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{where}: invalid JSON: {exc.msg} at column {exc.colno}") from None
    try:
        return Case.model_validate(raw)
    except ValidationError as exc:
        case_id = raw.get("id") if isinstance(raw, dict) else None
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'case'}: "
            + err["msg"].removeprefix("Value error, ")
            for err in exc.errors()
        )
        raise ConfigError(f"{where}: case {case_id!r}: {problems}") from None


def _check_site(site_dir: Path, case: Case, where: str) -> None:
    if not (site_dir / "index.html").is_file():
        raise ConfigError(f"{where}: case {case.id!r} has no {SITES_DIR}/{case.id}/index.html")
    load_server_script(site_dir)
    for item in case.evidence:
        if site_file(site_dir, unquote(urlsplit(item.url).path) or "/") is None:
            raise ConfigError(f"{where}: evidence url {item.url} has no page in {site_dir}")
