"""What the policy lexicon finds on a site, read in one pass (pure, no I/O).

For every category with a positive lexicon hit this gathers its passages (the candidates the
model is asked about) and the context around its hits: in which page region they stand
(nav, header, footer, main content), whether the text is repeated across the site, on which
kind of page (product, catalogue, terms...), whether the merchant offers something there
(a price in the passage, a buy button or a product schema on the page) and which exclusion
terms of the category stand beside them. ``merchant_screen.scoring.features`` turns this
into the scorer's features.

Nothing the merchant writes removes anything here: exclusion terms are counted beside the
hits, never subtracted from them, and every category with a hit is reported.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from merchant_screen.policy.lexicon import Hit, Lexicon, find_hits, passages_for, score_categories
from merchant_screen.tools.coverage import PRICE, offers_products, page_kinds
from merchant_screen.tools.pages import ExtractedPage
from merchant_screen.tools.text import MIN_QUOTE_CHARS, normalise_for_match

__all__ = [
    "LEGAL_KINDS",
    "Candidate",
    "CategoryEvidence",
    "SiteEvidence",
    "boilerplate_lines",
    "gather_evidence",
]

LEGAL_KINDS = frozenset({"terms", "privacy", "refund", "shipping"})
STRONG_WEIGHT = 1.5  # a term this heavy is specific on its own ("sportsbook", "80% lower")
# A negation on the same line as a hit ("we do not sell ammunition"): a cue the scorer weighs;
# the merchant can write it, so it never removes anything. English, German, French, Spanish.
NEGATION = re.compile(
    r"\b(?:no|not|never|without|don't|doesn't|won't|cannot|can't|nicht|kein\w*|nie|"
    r"ne|pas|jamais|sans|nunca|sin)\b",
    re.IGNORECASE,
)


class Candidate(TypedDict):
    """A passage the policy lexicon flagged for a category."""

    category: str
    url: str
    text: str
    score: float
    terms: list[str]
    negatives: list[str]
    chrome: bool  # every hit of it stands in nav/header/footer or in text repeated site-wide
    line: str  # the passage's line with the most hits, main-content lines before chrome ones


@dataclass
class CategoryEvidence:
    """Everything the lexicon pass found for one category on one site."""

    category: str
    site_score: float = 0.0
    passages: list[Candidate] = field(default_factory=list)
    terms: set[str] = field(default_factory=set)
    negative_terms: set[str] = field(default_factory=set)
    hits: int = 0
    strong_terms: set[str] = field(default_factory=set)
    negated_hits: int = 0
    chrome_hits: int = 0
    legal_hits: int = 0
    main_pages: set[str] = field(default_factory=set)
    main_passages: int = 0
    negative_passages: int = 0
    offer_near: bool = False
    offer_line: bool = False
    offer_page: bool = False

    def ranked(self) -> list[Candidate]:
        """Passages best first: page-specific before site-wide chrome, then by score."""
        return sorted(self.passages, key=lambda c: (c["chrome"], -c["score"], c["url"]))


@dataclass
class SiteEvidence:
    categories: dict[str, CategoryEvidence]

    def scores(self) -> dict[str, float]:
        """Site-level lexicon score per category, highest first."""
        ordered = sorted(self.categories.values(), key=lambda e: (-e.site_score, e.category))
        return {e.category: e.site_score for e in ordered}


def boilerplate_lines(pages: Sequence[ExtractedPage]) -> frozenset[str]:
    """Lines repeated on at least half of the pages (three or more): nav, footer, banners."""
    if len(pages) < 3:
        return frozenset()
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({line.strip() for line in page.text.split("\n") if line.strip()})
    threshold = max(3, len(pages) // 2)
    return frozenset(line for line, n in counts.items() if n >= threshold)


def _line_at(text: str, position: int) -> str:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start : end if end != -1 else len(text)].strip()


def _best_line(text: str, hits: Sequence[Hit], chrome_at: dict[tuple[str, int], bool]) -> str:
    """The line to quote for a passage: one long enough to verify, then main content before
    nav/footer/site-wide lines (a licence line in every footer names the category but proves
    nothing about the page), then the most hits, then one with a price (an offer), then the
    heaviest, then the longest."""
    lines: dict[str, tuple[bool, int, float]] = {}
    for hit in hits:
        line = _line_at(text, hit.start)
        main, count, weight = lines.get(line, (False, 0, 0.0))
        lines[line] = (
            main or not chrome_at[hit.category, hit.start],
            count + 1,
            weight + hit.weight,
        )

    def rank(line: str) -> tuple[bool, bool, int, bool, float, int]:
        main, count, weight = lines[line]
        quotable = len(normalise_for_match(line)) >= MIN_QUOTE_CHARS
        return quotable, main, count, PRICE.search(line) is not None, weight, min(len(line), 300)

    return max(lines, key=rank) if lines else ""


def gather_evidence(lexicon: Lexicon, pages: Iterable[ExtractedPage]) -> SiteEvidence:
    """One pass of the lexicon over the site's readable pages (in crawl order).

    Text repeated across the site counts once for the site score, and the same passage text
    on several pages is kept once (first page wins).
    """
    pages = list(pages)
    shared = boilerplate_lines(pages)
    found: dict[str, CategoryEvidence] = {}
    site_hits: list[Hit] = []
    seen_boilerplate: set[tuple[str, str, str]] = set()
    seen_text: set[tuple[str, str]] = set()
    for page in pages:
        kinds = page_kinds(page.url, page)
        legal = bool(kinds & LEGAL_KINDS) and "products" not in kinds
        product = "products" in kinds or offers_products(page)
        hits = find_hits(lexicon, page.text)
        chrome_at: dict[tuple[str, int], bool] = {}
        for hit in hits:
            evidence = found.get(hit.category)
            if evidence is None:
                evidence = found[hit.category] = CategoryEvidence(hit.category)
            if hit.negative:
                evidence.negative_terms.add(hit.term)
                continue
            line = _line_at(page.text, hit.start)
            chrome = line in shared or page.region_at(hit.start) != "main"
            chrome_at[hit.category, hit.start] = chrome
            evidence.terms.add(hit.term)
            if hit.weight >= STRONG_WEIGHT:
                evidence.strong_terms.add(hit.term)
            evidence.hits += 1
            evidence.chrome_hits += chrome
            evidence.legal_hits += legal
            if not chrome:
                evidence.main_pages.add(page.url)
                evidence.offer_page |= product
                evidence.offer_line |= PRICE.search(line) is not None
                evidence.negated_hits += NEGATION.search(line) is not None
            if line in shared:
                repeat = (hit.category, hit.term, line)
                if repeat in seen_boilerplate:
                    continue
                seen_boilerplate.add(repeat)
            site_hits.append(hit)
        for passage in passages_for(hits, page.text):
            key = (passage.category, " ".join(passage.text.split()))
            if key in seen_text:
                continue
            seen_text.add(key)
            evidence = found[passage.category]
            mine = [
                h
                for h in hits
                if h.category == passage.category
                and not h.negative
                and passage.start <= h.start < passage.end
            ]
            chrome = all(chrome_at[passage.category, h.start] for h in mine)
            if not chrome:
                evidence.main_passages += 1
                evidence.negative_passages += bool(passage.negatives)
                evidence.offer_near |= PRICE.search(passage.text) is not None
            evidence.passages.append(
                Candidate(
                    category=passage.category,
                    url=page.url,
                    text=passage.text,
                    score=passage.score,
                    terms=list(passage.terms),
                    negatives=list(passage.negatives),
                    chrome=chrome,
                    line=_best_line(page.text, mine, chrome_at),
                )
            )
    for category, score in score_categories(site_hits).items():
        found[category].site_score = score
    return SiteEvidence({c: e for c, e in found.items() if e.terms})
