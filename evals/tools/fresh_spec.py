"""The "fresh" site spec (``evals/tools/fresh/SPEC.md``) as pydantic models, and its loader.

``load_spec`` reads one YAML file into a :class:`Spec` (``extra="forbid"`` everywhere; category
ids and the decision's tier checked against the policy passed as validation context) and parses
every page body into typed blocks (``fresh_body``). Every problem is one line:
``<file>: <where>: <what>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from fresh_body import Block, BodyError, block_text, parse_body
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from merchant_screen.policy.model import Policy

Decision = Literal["prohibited", "restricted", "allowed", "unknown"]
DECISIONS: tuple[Decision, ...] = ("prohibited", "restricted", "allowed", "unknown")
SPLITS = ("dev", "test")
PageKind = Literal[
    "home", "catalog", "product", "about", "policy", "faq", "contact", "blog", "other"
]
Tag = Literal["hard_negative", "evasion", "injection", "misrepresentation"]

_PATH = re.compile(r"/(?:[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*/?)?")
Text = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Expected(_Strict):
    decision: Decision
    categories: tuple[str, ...] = ()

    @field_validator("categories")
    @classmethod
    def _known(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        policy = _policy(info)
        unknown = [c for c in value if c not in policy.ids]
        if unknown:
            raise ValueError(f"not a policy category: {', '.join(unknown)}")
        if len(set(value)) != len(value):
            raise ValueError("a category is listed twice")
        return value

    @model_validator(mode="after")
    def _decision_matches_tiers(self, info: ValidationInfo) -> Expected:
        tiers = {c: _policy(info).tier_of(c) for c in self.categories}
        if "prohibited" in tiers.values():
            wanted = "prohibited"
        elif tiers:
            wanted = "restricted"
        else:
            wanted = None
        if wanted is None and self.decision in ("prohibited", "restricted"):
            raise ValueError(f"decision {self.decision!r} needs at least one category")
        if wanted is not None and self.decision != wanted:
            listed = ", ".join(f"{c} is {t}" for c, t in tiers.items())
            raise ValueError(f"decision {self.decision!r} does not fit the tiers ({listed}): "
                             f"it should be {wanted!r}")  # fmt: skip
        return self


class Declared(_Strict):
    name: str
    description: str


class SiteInfo(_Strict):
    name: Text
    tagline: str = ""
    banner: str = ""
    footer_note: str = ""


class EvidenceSpec(_Strict):
    path: str
    quote: Text


class PageSpec(_Strict):
    path: str
    title: Text
    kind: PageKind
    body: str

    @field_validator("path")
    @classmethod
    def _clean_path(cls, value: str) -> str:
        return check_path(value)


class Spec(_Strict):
    id: str = Field(pattern=r"^f-[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)
    split: Literal["dev", "test"]
    host: str = Field(pattern=r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+test$", max_length=120)
    expected: Expected
    tags: tuple[Tag, ...] = ()
    declared: Declared
    notes: Text
    site: SiteInfo
    nav: tuple[tuple[Text, Text], ...] = ()
    footer: tuple[tuple[Text, Text], ...] = ()
    evidence: tuple[EvidenceSpec, ...] = ()
    robots: str | None = None
    pages: tuple[PageSpec, ...] = Field(min_length=1)


def _policy(info: ValidationInfo) -> Policy:
    policy = (info.context or {}).get("policy")
    if not isinstance(policy, Policy):
        raise TypeError("validate a Spec with context={'policy': Policy}")
    return policy


def check_path(value: str) -> str:
    """A site path as the spec may write it: ``/`` or ``/a/b`` (a trailing ``/`` allowed)."""
    if not _PATH.fullmatch(value):
        raise ValueError(f"path {value!r} must look like /a/b (letters, digits, . _ ~ -)")
    segments = [s for s in value.split("/") if s]
    if any(s in (".", "..") or s.startswith("_") for s in segments):
        raise ValueError(f"path {value!r} has a '.', '..' or '_'-prefixed segment")
    if value.endswith((".html", ".htm")):
        raise ValueError(f"path {value!r} ends in .html: write the URL path without it")
    return value


# ---------------------------------------------------------------- loading


@dataclass(frozen=True)
class Page:
    """A spec page with its body parsed."""

    path: str
    title: str
    kind: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class LoadedSpec:
    file: str  # as shown in messages
    spec: Spec
    pages: tuple[Page, ...]


def load_spec(path: Path, policy: Policy, label: str) -> tuple[LoadedSpec | None, list[str]]:
    """Read and validate one spec file; ``label`` prefixes every problem line."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        return None, [f"{label}: not valid YAML: {where}{exc.problem or exc.context}"]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return None, [f"{label}: cannot read: {_flat(str(exc))}"]
    if not isinstance(data, dict):
        return None, [f"{label}: the top level must be a mapping"]
    raw_pages = data.get("pages")
    bodies: dict[int, tuple[Block, ...]] = {}
    problems = []
    for number, page in enumerate(raw_pages if isinstance(raw_pages, list) else []):
        if isinstance(page, dict) and isinstance(page.get("body"), str):
            try:
                bodies[number] = parse_body(page["body"])
            except BodyError as exc:
                problems.append(f"{label}: pages[{number}] {page.get('path')}: {exc}")
    try:
        spec = Spec.model_validate(data, context={"policy": policy})
    except ValidationError as exc:
        return None, [f"{label}: {_describe(err)}" for err in exc.errors()] + problems
    if spec.id != path.stem:
        problems.insert(0, f"{label}: id {spec.id!r} does not match the file name {path.name!r}")
    if problems:
        return None, problems
    pages = tuple(Page(p.path, p.title, p.kind, bodies[n]) for n, p in enumerate(spec.pages))
    return LoadedSpec(label, spec, pages), []


def content_text(loaded: LoadedSpec) -> str:
    return "\n".join(block_text(b) for page in loaded.pages for b in page.blocks)


def _describe(err: Any) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
    message = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] in ("literal_error", "string_pattern_mismatch", "extra_forbidden"):
        message += f" (got {_flat(repr(err['input']))[:60]})"
    if err["loc"][0] in ("nav", "footer") and err["type"] in ("tuple_type", "too_short"):
        message += " (write [label, /path])"
    return f"{where or 'spec'}: {message}"


def _flat(text: str) -> str:
    return " ".join(text.split())
