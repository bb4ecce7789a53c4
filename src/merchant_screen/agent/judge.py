"""One narrow question to the model about one passage, and the probability in its answer.

Two styles (``Settings.question_style``):

* ``choice``: the model must choose between "the merchant sells or offers this", each of the
  category's exclusions that bears on the passage, and "none of these" (letters A, B, ...);
* ``yesno``: one yes/no question with the exclusions listed.

The answer is one token. The probability that the category applies is read from the
token's log-probabilities: P(A) (or P(yes)) divided by the probability of all valid answers,
case and spaces folded. When the endpoint returns no log-probabilities the stated answer is
used instead (``source="stated"``, probability ``STATED_YES`` or ``1 - STATED_YES``), and the
verdict's versions say so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from merchant_screen.agent.prompts import render, spotlight
from merchant_screen.llm.port import LLMResponse
from merchant_screen.policy.model import Category
from merchant_screen.scoring.evidence import Candidate

__all__ = [
    "MAX_EXCLUSIONS",
    "STATED_YES",
    "Question",
    "QuestionStyle",
    "Reading",
    "ask_about",
    "pick_exclusions",
    "read_answer",
]

QuestionStyle = Literal["choice", "yesno"]
Source = Literal["logprobs", "stated", "none"]
MAX_EXCLUSIONS = 3
MAX_PASSAGE_CHARS = 600
STATED_YES = 0.8
_LETTERS = "ABCDEFGH"
_WORD = re.compile(r"[a-z0-9]{4,}")
_LEAD = re.compile(r"^\s*not a violation if\s+", re.I)


@dataclass(frozen=True)
class Question:
    prompt: str
    style: QuestionStyle
    options: int  # answer letters in use (choice style); 2 for yes/no


@dataclass(frozen=True)
class Reading:
    """What one answer says: P(the category applies), where it came from, the token."""

    probability: float
    source: Source
    token: str


def _trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    cut = text.find(". ")
    return text if cut == -1 else text[: cut + 1]


def pick_exclusions(
    excludes: Sequence[str], passage: str, limit: int = MAX_EXCLUSIONS
) -> list[str]:
    """The exclusions that share most words with the passage (policy order breaks ties),
    without their "Not a violation if" lead."""
    words = set(_WORD.findall(passage.lower()))
    ranked = sorted(
        enumerate(excludes),
        key=lambda item: (-len(words & set(_WORD.findall(item[1].lower()))), item[0]),
    )
    return [_LEAD.sub("", text).rstrip(".") for _, text in ranked[:limit]]


def ask_about(category: Category, candidate: Candidate, style: QuestionStyle) -> Question:
    """The prompt for one passage; page text is spotlighted, never trusted."""
    passage = _trim(candidate["text"], MAX_PASSAGE_CHARS)
    exclusions = pick_exclusions(category.excludes, passage)
    common = {
        "name": category.name,
        "definition": _first_sentence(category.definition),
        "page": spotlight(candidate["url"], passage),
    }
    if style == "yesno":
        lines = "\n".join(f"- {text}" for text in exclusions) or "- (none listed)"
        return Question(render("judge_yesno", **common, exclusions=lines), style, 2)
    letters = _LETTERS[1 : 1 + len(exclusions)]
    lines = "\n".join(
        f"{letter}. Not a violation: {text}."
        for letter, text in zip(letters, exclusions, strict=True)
    )
    none = _LETTERS[1 + len(exclusions)]
    return Question(
        render("judge_choice", **common, exclusions=lines, none=none), style, len(exclusions) + 2
    )


def _fold(token: str) -> str:
    return token.strip().strip(".:)").lower()


def read_answer(response: LLMResponse, question: Question) -> Reading:
    """P(the category applies) from the first token's log-probabilities, else the stated
    answer; ``source="none"`` with 0.5 when the answer is not one of the options."""
    if question.style == "yesno":
        valid = {"yes": True, "no": False}
    else:
        valid = {letter.lower(): letter == "A" for letter in _LETTERS[: question.options]}
    token = _fold(response.content or "")
    if response.top_logprobs:
        yes = no = 0.0
        for alternative, logprob in response.top_logprobs:
            folded = _fold(alternative)
            if folded in valid:
                mass = math.exp(logprob)
                if valid[folded]:
                    yes += mass
                else:
                    no += mass
        if yes + no > 0:
            return Reading(round(yes / (yes + no), 4), "logprobs", token)
    if token in valid:
        return Reading(STATED_YES if valid[token] else 1 - STATED_YES, "stated", token)
    return Reading(0.5, "none", token)
