"""Pydantic models of a screening policy: categories, their lexicons and the action thresholds.

A policy is plain data. ``Policy.version_hash`` identifies it on every verdict: for a policy
read from a file it is the SHA-256 of the file's raw bytes (so any edit, even whitespace or a
comment, gives a new version); for a policy built in code it is the SHA-256 of its canonical
JSON. ``Policy.text_hash`` covers only the text a model can be shown (it keys cached answers).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    field_validator,
    model_validator,
)

__all__ = [
    "ID_PATTERN",
    "Action",
    "Category",
    "Decision",
    "LexiconTerm",
    "Policy",
    "Thresholds",
    "Tier",
    "content_hash",
    "duplicate_id_problems",
]

Tier = Literal["prohibited", "restricted"]
Decision = Literal["prohibited", "restricted", "allowed", "unknown"]
Action = Literal["approve", "review", "reject"]

ID_PATTERN = r"^[a-z][a-z0-9_]{1,40}$"
_WORD_START = re.compile(r"\w")
_ESCAPE = re.compile(r"\\.")
_UPPER_OUTSIDE_ESCAPES = re.compile(r"[A-Z]")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]


def content_hash(raw: bytes) -> str:
    """``sha256:`` and the first 16 hex digits of the SHA-256 of ``raw``."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:16]


def duplicate_id_problems(ids: Sequence[object]) -> list[str]:
    """One message per category whose id repeats an earlier one, e.g. ``categories[5]: ...``."""
    seen: set[str] = set()
    problems = []
    for index, value in enumerate(ids):
        if not isinstance(value, str):
            continue
        if value in seen:
            problems.append(f"categories[{index}]: duplicate id {value!r}")
        seen.add(value)
    return problems


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LexiconTerm(_Frozen):
    """One lexicon entry: a literal phrase or a regular expression, with a weight.

    In YAML a bare string is a phrase of weight 1.0. Phrases are lowercase and start with a
    letter or digit; a space or hyphen between words matches any whitespace, a hyphen or
    nothing, and a trailing ``s``/``es`` plural is accepted. A regex runs on the lowercased
    text, so it is written in lowercase; it matches only where no word character precedes
    and none follows, and may not contain capturing groups (use ``(?:...)``).
    ``policy.lexicon`` documents the matching rules in full.
    """

    term: str | None = None
    regex: str | None = None
    weight: float = Field(1.0, gt=0, le=5, description="score a hit adds (or removes if negative)")

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"term": data} if isinstance(data, str) else data

    @field_validator("term")
    @classmethod
    def _check_term(cls, value: str | None) -> str | None:
        if value is None:
            return None
        term = " ".join(value.split())
        if not term:
            raise ValueError("must not be empty")
        if len(term) > 120:
            raise ValueError("must be at most 120 characters")
        if term != term.lower():
            raise ValueError(f"must be lowercase, got {term!r}")
        if not _WORD_START.match(term):
            raise ValueError(f"must start with a letter or digit, got {term!r}")
        return term

    @field_validator("regex")
    @classmethod
    def _check_regex(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.strip():
            raise ValueError("must not be empty")
        try:
            compiled = re.compile(value)
            re.compile(rf"\b(?=(?:{value})(?!\w))")
        except re.error as exc:
            raise ValueError(f"invalid regex {value!r}: {exc}") from None
        if compiled.groups or "(?P" in value:
            raise ValueError(f"regex {value!r} has capturing groups; use (?:...)")
        if _UPPER_OUTSIDE_ESCAPES.search(_ESCAPE.sub("", value)):
            raise ValueError(f"regex {value!r} must be lowercase (it runs on lowercased text)")
        if compiled.match(""):
            raise ValueError(f"regex {value!r} matches the empty string")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> LexiconTerm:
        if (self.term is None) == (self.regex is None):
            raise ValueError("give exactly one of 'term' or 'regex'")
        return self

    @property
    def label(self) -> str:
        """The phrase or the regex source; what a hit reports as its term."""
        return self.term if self.term is not None else str(self.regex)


class Category(_Frozen):
    """One policy category. ``excludes`` are "not a violation if ..." statements."""

    id: str = Field(pattern=ID_PATTERN)
    tier: Tier
    name: Text
    definition: Text
    includes: tuple[Text, ...] = ()
    excludes: tuple[Text, ...] = ()
    example_signals: tuple[Text, ...] = ()
    required_evidence: tuple[Text, ...] = Field(min_length=1)
    lexicon: tuple[LexiconTerm, ...] = Field(
        (), description="terms whose hits make this category a candidate"
    )
    negative_lexicon: tuple[LexiconTerm, ...] = Field(
        (), description="terms that mask contained hits and lower a passage's score"
    )

    @model_validator(mode="after")
    def _check_lexicons(self) -> Category:
        problems = []
        for field, terms in (
            ("lexicon", self.lexicon),
            ("negative_lexicon", self.negative_lexicon),
        ):
            seen: set[str] = set()
            for term in terms:
                if term.label in seen:
                    problems.append(f"{field} repeats {term.label!r}")
                seen.add(term.label)
        both = {t.label for t in self.lexicon} & {t.label for t in self.negative_lexicon}
        problems.extend(
            f"{label!r} is in both lexicon and negative_lexicon" for label in sorted(both)
        )
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Thresholds(_Frozen):
    """How code maps a decision and its confidence to an action, and when a lexicon score
    makes a category a candidate. Confidence comparisons are "at or above"."""

    reject_min_confidence: float = Field(
        0.8, ge=0, le=1, description="prohibited at or above this -> reject; below -> review"
    )
    restricted_action: Action = Field("review", description="action for a restricted decision")
    approve_min_confidence: float = Field(
        0.7, ge=0, le=1, description="allowed at or above this -> approve; below -> review"
    )
    unknown_action: Literal["review", "reject"] = Field(
        "review", description="action when the site cannot be assessed"
    )
    candidate_min_score: float = Field(
        1.0, gt=0, description="lexicon score at or above which a category is a candidate"
    )

    def action_for(self, decision: Decision, confidence: float) -> Action:
        """The action for ``decision`` taken with ``confidence`` (0..1)."""
        if decision == "prohibited":
            return "reject" if confidence >= self.reject_min_confidence else "review"
        if decision == "restricted":
            return self.restricted_action
        if decision == "allowed":
            return "approve" if confidence >= self.approve_min_confidence else "review"
        return self.unknown_action


class Policy(_Frozen):
    """A screening policy: categories with tiers, lexicons, and action thresholds."""

    version: Text = Field(description="human label, e.g. '2025.1'; the hash is the real version")
    name: Text
    description: str = ""
    lexicon_languages: tuple[LanguageCode, ...] = Field(
        ("en",), min_length=1, description="languages the lexicons cover (ISO 639-1)"
    )
    thresholds: Thresholds = Field(default_factory=Thresholds)
    categories: tuple[Category, ...] = Field(min_length=1)

    _source_hash: str | None = PrivateAttr(None)
    _index: dict[str, Category] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _unique_ids(self) -> Policy:
        problems = duplicate_id_problems([c.id for c in self.categories])
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def model_post_init(self, context: Any, /) -> None:
        self._index = {c.id: c for c in self.categories}

    @classmethod
    def from_source(cls, data: Mapping[str, Any], raw: bytes) -> Policy:
        """Validate ``data`` parsed from ``raw``; the version hash is that of ``raw``."""
        policy = cls.model_validate(data)
        policy._source_hash = content_hash(raw)
        return policy

    @property
    def version_hash(self) -> str:
        """``sha256:<16 hex>`` of the source file's bytes, else of the canonical JSON."""
        if self._source_hash is not None:
            return self._source_hash
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return content_hash(canonical.encode())

    @property
    def text_hash(self) -> str:
        """``sha256:<16 hex>`` of what a model can be shown of the policy: each category's id,
        tier, name, definition, includes, excludes, example signals and required evidence.
        Lexicons and thresholds never reach a model, so editing them keeps this hash (and the
        model answers cached under it); any change to the text a prompt can quote changes it."""
        shown = [
            c.model_dump(mode="json", exclude={"lexicon", "negative_lexicon"})
            for c in self.categories
        ]
        canonical = json.dumps(shown, sort_keys=True, separators=(",", ":"))
        return content_hash(canonical.encode())

    @property
    def ids(self) -> tuple[str, ...]:
        """Category ids in file order."""
        return tuple(self._index)

    def category(self, category_id: str) -> Category:
        """The category with this id; ``KeyError`` if the policy has none."""
        try:
            return self._index[category_id]
        except KeyError:
            raise KeyError(f"unknown policy category {category_id!r}") from None

    def tier_of(self, category_id: str) -> Tier:
        """The tier of a category; ``KeyError`` if the policy has no such category."""
        return self.category(category_id).tier

    def ids_in(self, tier: Tier) -> tuple[str, ...]:
        """Category ids of one tier, in file order."""
        return tuple(c.id for c in self.categories if c.tier == tier)
