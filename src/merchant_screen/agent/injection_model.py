"""The learned injection detector: folded sentence -> P(text addressed to an automated
reviewer).

A logistic regression over sparse features of one folded sentence (``agent.fold``): word
unigrams and bigrams, character 3-5-grams inside words, a few strong multilingual cues
(regular expressions stored in the artifact itself, so the file alone defines the model) and
conjunctions of cues (an addressee *and* a directive in one sentence).
The artifact is JSON (never pickle); its version is ``sha256:`` + 16 hex of the file,
recorded in every verdict's ``versions.injection``. ``evals/tools/injection_fit.py``
rebuilds it from ``evals/injection/train.jsonl``. Inference is plain Python.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from merchant_screen.errors import ConfigError

__all__ = [
    "DETECTOR_FORMAT",
    "Cue",
    "Detector",
    "DetectorArtifact",
    "ReportRule",
    "bundled_detector",
    "features",
    "load_detector",
]

DETECTOR_FORMAT: Literal["merchant-screen-injection/1"] = "merchant-screen-injection/1"
_BUNDLED = "injection_model.json"
_WORD = re.compile(r"\w+")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Cue(_Strict):
    """A strong cue: a named regular expression over folded text, one feature of the model."""

    name: str
    pattern: str


class ReportRule(_Strict):
    """Which sentences at or above the threshold are reported (chosen on whole dev sites).

    A probability at or above ``sure`` is reported on its own; below it, a sentence is
    reported only if it carries every cue of at least one of ``cue_sets`` (say an addressee
    and a directive), named from the model's cues or the rule's own ``cues`` (regular
    expressions over folded text that are not features of the model). No cue sets: every
    sentence at or above the threshold is reported.
    """

    cues: list[Cue] = Field(default_factory=list)
    sure: float = Field(default=1.0, ge=0, le=1)
    cue_sets: list[list[str]] = Field(default_factory=list)


class DetectorArtifact(_Strict):
    format: Literal["merchant-screen-injection/1"] = DETECTOR_FORMAT
    char_ngrams: tuple[int, int] = (3, 5)
    cues: list[Cue]
    pair_cues: list[Cue] = Field(
        default_factory=list, description="cues that are features only inside conjunctions"
    )
    conjunctions: list[list[str]] = Field(
        default_factory=list, description="groups of cue names: a feature when all are present"
    )
    conjunction_max_words: int = Field(
        default=30, ge=1, description="conjunctions count only in sentences this short"
    )
    intercept: float
    weights: dict[str, float] = Field(description="feature name -> coefficient")
    threshold: float = Field(ge=0, le=1, description="P at or above which a sentence is flagged")
    rule: ReportRule = Field(default_factory=ReportRule, description="which flagged are reported")
    fitted: dict[str, object] = Field(default_factory=dict, description="how it was trained")

    @model_validator(mode="after")
    def _rule_names_known_cues(self) -> DetectorArtifact:
        known = {c.name for c in [*self.cues, *self.pair_cues, *self.rule.cues]}
        unknown = sorted({n for needed in self.rule.cue_sets for n in needed} - known)
        model = {c.name for c in [*self.cues, *self.pair_cues]}
        unknown += sorted({n for group in self.conjunctions for n in group} - model)
        if unknown:
            raise ValueError(f"report rule names unknown cue(s): {', '.join(unknown)}")
        return self


def features(
    folded: str,
    cues: tuple[tuple[str, re.Pattern[str]], ...],
    char_ngrams: tuple[int, int],
    conjunctions: Sequence[Sequence[str]] = (),
    conjunction_max_words: int = 30,
    pair_cues: tuple[tuple[str, re.Pattern[str]], ...] = (),
    matched: Collection[str] | None = None,
) -> dict[str, float]:
    """Sparse features of one folded sentence: the n-gram block L2-normalised, cues as 1.0,
    and conjunctions of cues and ``pair_cues`` (``p:a+b``) as 1.0 in sentences of at most
    ``conjunction_max_words`` words (an instruction is short; a long sentence naming a
    "system" and a "set" is not one).

    Shared by inference and ``evals/tools/injection_fit.py``, so both see the same numbers.
    ``matched``: the names of the cues already found in ``folded`` (their patterns are then
    not searched again).
    """

    def found(name: str, pattern: re.Pattern[str]) -> bool:
        return name in matched if matched is not None else pattern.search(folded) is not None

    words = _WORD.findall(folded)
    grams: set[str] = {f"w:{w}" for w in words}
    grams.update(f"b:{a}_{b}" for a, b in itertools.pairwise(words))
    low, high = char_ngrams
    for w in words:
        padded = f" {w} "
        for n in range(low, high + 1):
            grams.update(f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1))
    out: dict[str, float] = {}
    if grams:
        value = 1 / math.sqrt(len(grams))
        out = dict.fromkeys(grams, value)
    for name, pattern in cues:
        if found(name, pattern):
            out[f"r:{name}"] = 1.0
    if not conjunctions or len(words) > conjunction_max_words:
        return out
    present = {name for name, _ in cues if f"r:{name}" in out}
    present.update(name for name, pattern in pair_cues if found(name, pattern))
    for group in conjunctions:
        if present.issuperset(group):
            out["p:" + "+".join(group)] = 1.0
    return out


@dataclass(frozen=True)
class Detector:
    """A loaded artifact and its version."""

    artifact: DetectorArtifact
    version: str
    _cues: tuple[tuple[str, re.Pattern[str]], ...] = field(default=(), repr=False)
    _rule_cues: tuple[tuple[str, re.Pattern[str]], ...] = field(default=(), repr=False)
    _pair_cues: tuple[tuple[str, re.Pattern[str]], ...] = field(default=(), repr=False)

    @classmethod
    def from_artifact(cls, artifact: DetectorArtifact, version: str) -> Detector:
        cues = tuple((c.name, re.compile(c.pattern)) for c in artifact.cues)
        rule_cues = tuple((c.name, re.compile(c.pattern)) for c in artifact.rule.cues)
        pair_cues = tuple((c.name, re.compile(c.pattern)) for c in artifact.pair_cues)
        return cls(artifact, version, cues, rule_cues, pair_cues)

    def cues_in(self, folded: str) -> list[str]:
        """Names of the cues (the model's, its pair cues', then the report rule's) found in a
        folded sentence."""
        every = (*self._cues, *self._pair_cues, *self._rule_cues)
        return list(dict.fromkeys(n for n, pattern in every if pattern.search(folded)))

    def probability(self, folded: str) -> float:
        """P(the folded sentence addresses an automated reviewer)."""
        return self.assess(folded)[0]

    def assess(self, folded: str) -> tuple[float, list[str]]:
        """P(the folded sentence addresses an automated reviewer) and the names of the cues
        in it (``cues_in``), each cue pattern searched once."""
        a = self.artifact
        cues = self.cues_in(folded)
        weights: Mapping[str, float] = a.weights
        z = a.intercept + sum(
            weights.get(k, 0.0) * v
            for k, v in features(
                folded,
                self._cues,
                a.char_ngrams,
                a.conjunctions,
                a.conjunction_max_words,
                self._pair_cues,
                matched=set(cues),
            ).items()
        )
        return (1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))), cues

    @property
    def threshold(self) -> float:
        return self.artifact.threshold

    def reports(self, probability: float, cues: Sequence[str]) -> bool:
        """Whether a sentence with this probability and these cues is reported
        (the threshold, then the artifact's ``ReportRule``)."""
        rule = self.artifact.rule
        if probability < self.threshold:
            return False
        if probability >= rule.sure or not rule.cue_sets:
            return True
        have = set(cues)
        return any(have.issuperset(needed) for needed in rule.cue_sets)


def load_detector(path: Path | None = None) -> Detector:
    """The artifact at ``path``, else the bundled one; one-line ``ConfigError`` if unusable."""
    where = str(path) if path else "the bundled injection detector"
    try:
        if path is None:
            data = resources.files("merchant_screen.agent").joinpath(_BUNDLED).read_bytes()
        else:
            data = path.read_bytes()
        artifact = DetectorArtifact.model_validate(json.loads(data))
        detector = Detector.from_artifact(
            artifact, "sha256:" + hashlib.sha256(data).hexdigest()[:16]
        )
    except OSError as exc:
        raise ConfigError(f"cannot read {where}: {exc.strerror or exc}") from None
    except ValidationError as exc:
        first = [str(exc.errors()[0]["msg"])] if exc.errors() else []
        raise ConfigError(
            f"{where} is not a valid artifact: {first[0] if first else exc}"
        ) from None
    except (ValueError, re.error) as exc:
        first = str(exc).strip().splitlines()
        raise ConfigError(
            f"{where} is not a valid artifact: {first[0] if first else exc}"
        ) from None
    return detector


@cache
def bundled_detector() -> Detector:
    """The detector shipped with the package (read once per process)."""
    return load_detector(None)
