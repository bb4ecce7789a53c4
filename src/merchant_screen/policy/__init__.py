"""Screening policy: the model, the loader and the deterministic lexicon."""

from merchant_screen.policy.lexicon import (
    Hit,
    Lexicon,
    Passage,
    compile_lexicon,
    find_hits,
    passages_for,
    score_categories,
)
from merchant_screen.policy.loader import load_policy, parse_policy
from merchant_screen.policy.model import (
    Action,
    Category,
    Decision,
    LexiconTerm,
    Policy,
    Thresholds,
    Tier,
)

__all__ = [
    "Action",
    "Category",
    "Decision",
    "Hit",
    "Lexicon",
    "LexiconTerm",
    "Passage",
    "Policy",
    "Thresholds",
    "Tier",
    "compile_lexicon",
    "find_hits",
    "load_policy",
    "parse_policy",
    "passages_for",
    "score_categories",
]
