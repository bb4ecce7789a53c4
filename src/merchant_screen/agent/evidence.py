"""Evidence verification (pure): a quote counts only if it is in the visible text of a page
the crawl fetched, at the cited URL.

Matching normalises whitespace, case, quotes, dashes and Unicode (``text.find_quote``) and
keeps to word boundaries (a quote may not begin or end inside a word of the page); what the
verdict shows is the span exactly as it stands on the page. Hidden text, JSON-LD, meta
tags and alt text never verify a quote, and the reason says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from merchant_screen.errors import ScreenError
from merchant_screen.tools.pages import ExtractedPage
from merchant_screen.tools.text import MIN_QUOTE_CHARS, find_quote, normalise_for_match
from merchant_screen.tools.urls import dedupe_key
from merchant_screen.verdict import Evidence, RejectedEvidence

__all__ = ["Claim", "PageIndex", "VerifiedClaim", "verify_claims"]

MAX_QUOTE_CHARS = 600


@dataclass(frozen=True)
class Claim:
    """A quote the model cites for a category."""

    category: str
    url: str
    quote: str


@dataclass(frozen=True)
class VerifiedClaim:
    category: str
    evidence: Evidence


class PageIndex:
    """Fetched, readable pages by URL (exact and de-duplicated forms)."""

    def __init__(self, pages: Iterable[ExtractedPage]) -> None:
        self.pages = list(pages)
        self._by_url: dict[str, ExtractedPage] = {}
        for page in self.pages:
            self._by_url.setdefault(page.url, page)
            self._by_url.setdefault(dedupe_key(page.url), page)

    def get(self, url: str) -> ExtractedPage | None:
        page = self._by_url.get(url.strip())
        if page is not None:
            return page
        try:
            return self._by_url.get(dedupe_key(url.strip()))
        except (ScreenError, ValueError):
            return None


def _in_non_visible(quote: str, page: ExtractedPage) -> str | None:
    needle = normalise_for_match(quote)
    for hidden in page.hidden:
        if needle in normalise_for_match(hidden.text):
            kind = "an HTML comment" if hidden.reason == "html_comment" else "hidden text"
            return f"the quote is in {kind}, which visitors do not see"
    if needle in normalise_for_match(page.meta_description):
        return "the quote is in a meta tag, not in the visible text"
    if any(needle in normalise_for_match(alt) for alt in page.alt_texts):
        return "the quote is image alt text, not visible text"
    blob = normalise_for_match(json.dumps(list(page.json_ld), ensure_ascii=False))
    if needle in blob:
        return "the quote is in JSON-LD markup, not in the visible text"
    return None


def _check(claim: Claim, index: PageIndex) -> Evidence | RejectedEvidence:
    quote = claim.quote.strip()

    def reject(reason: str) -> RejectedEvidence:
        return RejectedEvidence(
            url=claim.url, quote=claim.quote, reason=reason, category=claim.category
        )

    if len(normalise_for_match(quote)) < MIN_QUOTE_CHARS:
        return reject(
            f"the quote is too short to prove anything (under {MIN_QUOTE_CHARS} characters)"
        )
    if len(quote) > MAX_QUOTE_CHARS:
        return reject(f"the quote is longer than {MAX_QUOTE_CHARS} characters; quote one passage")
    page = index.get(claim.url)
    if page is None:
        elsewhere = next((p.url for p in index.pages if find_quote(quote, p.text)), None)
        if elsewhere:
            return reject(f"{claim.url} was not fetched; the quote is on {elsewhere}")
        return reject(f"{claim.url} is not a page that was fetched")
    span = find_quote(quote, page.text)
    if span is not None:
        return Evidence(url=page.url, quote=page.text[span[0] : span[1]], verified=True)
    if find_quote(quote, page.text, whole_words=False) is not None:
        return reject(
            "the quote starts or ends inside a word of the page; quote whole words exactly"
        )
    hidden = _in_non_visible(quote, page)
    if hidden:
        return reject(hidden)
    if "..." in quote or "…" in quote:
        return reject("the quote is not contiguous text of the page (no ellipses; quote exactly)")
    elsewhere = next((p.url for p in index.pages if find_quote(quote, p.text)), None)
    if elsewhere:
        return reject(f"the quote is not on {page.url} but it is on {elsewhere}")
    return reject(f"the quote does not occur in the visible text of {page.url}")


def verify_claims(
    claims: Iterable[Claim], index: PageIndex
) -> tuple[list[VerifiedClaim], list[RejectedEvidence]]:
    """Split claims into verified evidence (shown exactly as on the page) and rejections."""
    verified: list[VerifiedClaim] = []
    rejected: list[RejectedEvidence] = []
    seen: set[tuple[str, str, str]] = set()
    for claim in claims:
        outcome = _check(claim, index)
        if isinstance(outcome, Evidence):
            key = (claim.category, outcome.url, outcome.quote)
            if key not in seen:
                seen.add(key)
                verified.append(VerifiedClaim(claim.category, outcome))
        else:
            rejected.append(outcome)
    return verified, rejected


def evidence_by_category(verified: Iterable[VerifiedClaim]) -> Mapping[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = {}
    for item in verified:
        out.setdefault(item.category, []).append(item.evidence)
    return out
