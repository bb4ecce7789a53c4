"""One narrow question to the model about one passage, and the probability in its answer.

Two styles (``Settings.question_style``):

* ``choice``: the model must choose between A "the merchant sells or offers this", B "it is
  something the policy excludes" (the category's exclusions that bear on the passage) and C
  "only in passing, or about something else";
* ``yesno``: one yes/no question with the category's definition and exclusions listed.

The model sees the passage's lines that hold lexicon terms, with one line of context each
side, cut to ``MAX_PASSAGE_CHARS``: a small model judges a short text better than a long one,
and each question then costs about 200 tokens.

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
    "MAX_PASSAGE_CHARS",
    "STATED_YES",
    "Question",
    "QuestionStyle",
    "Reading",
    "ask_about",
    "focus",
    "pick_exclusions",
    "read_answer",
]

QuestionStyle = Literal["choice", "yesno"]
Source = Literal["logprobs", "stated", "none"]
MAX_EXCLUSIONS = 2
MAX_PASSAGE_CHARS = 400
STATED_YES = 0.8
_LETTERS = "ABC"
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


def focus(candidate: Candidate, limit: int = MAX_PASSAGE_CHARS) -> str:
    """The passage's lines holding its lexicon terms, one line of context each side, cut to
    ``limit`` characters on a word boundary."""
    lines = [line for line in candidate["text"].split("\n") if line.strip()]
    terms = [term.lower() for term in candidate["terms"]]
    keep: set[int] = set()
    for i, line in enumerate(lines):
        if any(term in line.lower() for term in terms):
            keep.update((i - 1, i, i + 1))
    chosen = [line for i, line in enumerate(lines) if i in keep] or lines
    return _trim("\n".join(chosen), limit)


def ask_about(category: Category, candidate: Candidate, style: QuestionStyle) -> Question:
    """The prompt for one passage; page text is spotlighted, never trusted."""
    passage = focus(candidate)
    exclusions = pick_exclusions(category.excludes, passage)
    page = spotlight(candidate["url"], passage)
    if style == "yesno":
        lines = "\n".join(f"- {text}" for text in exclusions) or "- (none listed)"
        prompt = render(
            "judge_yesno",
            page=page,
            name=category.name,
            definition=_first_sentence(category.definition),
            exclusions=lines,
        )
        return Question(prompt, style, 2)
    prompt = render(
        "judge_choice",
        page=page,
        name=category.name.lower(),
        exclusions="; ".join(exclusions) or "nothing listed",
    )
    return Question(prompt, style, len(_LETTERS))


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
