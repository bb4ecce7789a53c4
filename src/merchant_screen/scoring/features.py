"""The scorer's features for one candidate category on one site (pure).

Each feature is a number the scorer weighs; none of them removes a candidate. They describe
how strongly and where the policy vocabulary shows (lexicon strength, distinct terms, pages),
whether it sits in site chrome (menus, footers, text repeated on every page) or on legal pages
rather than in what the merchant offers (a price beside it, a buy button or product schema on
the page, a product page), the exclusion cues the merchant wrote beside it, what the model
answered when asked about its passages, and whether the declared business names it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from merchant_screen.scoring.evidence import CategoryEvidence

__all__ = ["FEATURES", "category_features"]

FEATURES: tuple[str, ...] = (
    "lexicon_site",  # log1p of the site-level lexicon score
    "lexicon_best",  # log1p of the best passage's score
    "terms",  # log1p of the number of distinct terms
    "strong_terms",  # log1p of the distinct terms specific on their own (weight >= 1.5)
    "pages",  # log1p of the pages where it shows in main content
    "chrome_share",  # share of its hits in nav / header / footer or site-wide repeated text
    "legal_share",  # share of its hits on terms / privacy / refund / shipping pages
    "offer_near",  # a price inside one of its main-content passages
    "offer_line",  # a price on the same line as one of its main-content hits
    "offer_page",  # a main-content hit on a page that sells (buy button, product schema)
    "negative_terms",  # log1p of the distinct exclusion terms of the category on the site
    "negative_share",  # share of its main-content passages that carry an exclusion term
    "negated_share",  # share of its main-content hits with a negation on the same line
    "model_max",  # highest model probability over its asked passages (0.5 if none asked)
    "model_mean",  # mean model probability over its asked passages (0.5 if none asked)
    "model_asked",  # 1 if the model was asked about at least one of its passages
    "declared",  # the declared business description names the category
    "prohibited",  # 1 for a prohibited category, 0 for a restricted one
)


def category_features(
    evidence: CategoryEvidence,
    *,
    model_probabilities: Sequence[float],
    declared_score: float,
    prohibited: bool,
) -> dict[str, float]:
    """The feature vector (as a name -> value mapping, in ``FEATURES`` order)."""
    best = max((c["score"] for c in evidence.passages), default=0.0)
    hits = max(evidence.hits, 1)
    main_hits = evidence.hits - evidence.chrome_hits
    main = max(evidence.main_passages, 1)
    asked = bool(model_probabilities)
    values: Mapping[str, float] = {
        "lexicon_site": math.log1p(evidence.site_score),
        "lexicon_best": math.log1p(best),
        "terms": math.log1p(len(evidence.terms)),
        "strong_terms": math.log1p(len(evidence.strong_terms)),
        "pages": math.log1p(len(evidence.main_pages)),
        "chrome_share": evidence.chrome_hits / hits,
        "legal_share": evidence.legal_hits / hits,
        "offer_near": float(evidence.offer_near),
        "offer_line": float(evidence.offer_line),
        "offer_page": float(evidence.offer_page),
        "negative_terms": math.log1p(len(evidence.negative_terms)),
        "negative_share": evidence.negative_passages / main if evidence.main_passages else 0.0,
        "negated_share": evidence.negated_hits / main_hits if main_hits else 0.0,
        "model_max": max(model_probabilities) if asked else 0.5,
        "model_mean": sum(model_probabilities) / len(model_probabilities) if asked else 0.5,
        "model_asked": float(asked),
        "declared": float(declared_score > 0),
        "prohibited": float(prohibited),
    }
    return {name: round(float(values[name]), 6) for name in FEATURES}
