"""Deterministic signals computed before (and beside) the model: the candidate passages to
ask about, hidden-text samples, hidden text that reads as a policy category, and
declared-vs-observed mismatches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from merchant_screen.policy.lexicon import (
    Hit,
    Lexicon,
    Passage,
    find_hits,
    passages_for,
    score_categories,
)
from merchant_screen.policy.model import Policy
from merchant_screen.scoring.evidence import Candidate, SiteEvidence
from merchant_screen.tools.coverage import BUY_CUE, PRICE
from merchant_screen.tools.pages import ExtractedPage
from merchant_screen.tools.text import collapse_ws
from merchant_screen.verdict import Declared, Finding, HiddenPassage, SuspiciousText

__all__ = [
    "declared_mismatch",
    "hidden_offers",
    "hidden_policy_passages",
    "hidden_samples",
    "select_candidates",
]

PASSAGES_PER_CATEGORY = 3
HIDDEN_EXCERPT_CHARS = 300
# Hidden text escalates from this lexicon score (or the policy's candidate score if higher),
# or from the candidate score when a hidden passage offers it at a price (the scorer's offer
# cue). On the 165 real allowed pages of real-dev, hidden menus and pop-ups held single
# ordinary words ("nude" and "champagne" as colours, "indica", a product named "Feuerwerk",
# an APR) scoring 0.5-1.5, none beside a price; a hidden catalogue holds several terms, one
# specific term ("kratom", 2.0) or prices. 2.0 is also the score at which an unresolved
# candidate lowers an agent-mode "allowed".
HIDDEN_MIN_SCORE = 2.0
# Hidden runs that are not prose hidden from a visitor: markup shown to nobody (comments) or
# only without / by scripts (noscript, template). Any other reason hides text from a person.
_NOT_HIDDEN_PROSE = frozenset({"html_comment", "noscript", "template"})
# A comment is shown to nobody, not even to a script-free visitor or a search engine, so it
# does not count as hidden policy text; noscript and template content can reach a person.
_NEVER_SHOWN = frozenset({"html_comment"})


def select_candidates(evidence: SiteEvidence, min_score: float) -> list[Candidate]:
    """The passages to ask about: for every category whose site-level lexicon score reaches
    ``min_score``, its best passages (page-specific text before site-wide chrome), at most
    three; categories by descending score."""
    chosen: list[Candidate] = []
    for category, score in evidence.scores().items():
        if score >= min_score:
            chosen += evidence.categories[category].ranked()[:PASSAGES_PER_CATEGORY]
    return chosen


def hidden_samples(pages: Iterable[ExtractedPage], min_chars: int = 20) -> list[SuspiciousText]:
    """Substantial text hidden from visitors (comments and noscript do not count here)."""
    out = []
    for page in pages:
        for hidden in page.hidden:
            text = " ".join(hidden.text.split())
            if hidden.reason not in _NOT_HIDDEN_PROSE and len(text) >= min_chars:
                out.append(
                    SuspiciousText(
                        url=page.url, text=text[:300], where="hidden", reason=hidden.reason
                    )
                )
    return out


def hidden_policy_passages(
    lexicon: Lexicon,
    policy: Policy,
    pages: Iterable[ExtractedPage],
    min_score: float | None = None,
) -> list[HiddenPassage]:
    """Hidden text that reads as a policy category.

    The lexicon reads every hidden run (comments excepted) as it reads visible text. A
    category counts when its score over the site's hidden text reaches ``min_score``
    (default: ``HIDDEN_MIN_SCORE`` or the policy's candidate score, whichever is higher), or
    reaches the candidate score with a price in one of its hidden passages (a hidden offer).
    It is reported with its best hidden passages (offers first), at most three, categories
    by descending score. A hidden line that also stands in the visible text of a crawled
    page (a mobile copy of the menu) hides nothing and is left out; the same hidden run on
    several pages counts once. Nothing here is evidence: it can only send a verdict to
    review.
    """
    floor = policy.thresholds.candidate_min_score
    if min_score is None:
        min_score = max(floor, HIDDEN_MIN_SCORE)
    seen: set[str] = set()
    hits: list[Hit] = []
    found: list[tuple[str, str, Passage]] = []
    for url, reason, lines in _unshown_hidden_lines(pages, _NEVER_SHOWN):
        text = "\n".join(lines)
        key = _key(text)
        if not key or key in seen:
            continue
        seen.add(key)
        run_hits = find_hits(lexicon, text)
        hits += run_hits
        found += [(url, reason, p) for p in passages_for(run_hits, text)]
    out: list[HiddenPassage] = []
    for category, score in score_categories(hits).items():
        mine = sorted(
            (f for f in found if f[2].category == category),
            key=lambda f: (PRICE.search(f[2].text) is None, -f[2].score),
        )
        offered = bool(mine) and PRICE.search(mine[0][2].text) is not None
        if score < min_score and not (offered and score >= floor):
            continue
        tier = policy.category(category).tier
        out += [
            HiddenPassage(
                url=url,
                reason=reason,
                category=category,
                tier=tier,
                terms=list(passage.terms),
                text=_excerpt(passage.text),
            )
            for url, reason, passage in mine[:PASSAGES_PER_CATEGORY]
        ]
    return out


def hidden_offers(pages: Iterable[ExtractedPage], limit: int = 3) -> list[SuspiciousText]:
    """Hidden runs that sell something no crawled page shows: a price and a buy button
    (the lexicon's languages) in text hidden from visitors, after dropping the lines that
    also stand in visible text (a quick-view copy of a listed product hides nothing).

    A hidden catalogue is a hidden catalogue whatever the lexicon makes of its words: the
    merchant chose to sell it where visitors (and our quotes) cannot see it. On the dev
    data, one of 165 real allowed pages holds one (a "similar products" carousel); no
    synthetic dev site does. Like hidden policy text, it can only send a verdict to review.
    """
    seen: set[str] = set()
    out: list[SuspiciousText] = []
    for url, reason, lines in _unshown_hidden_lines(pages, _NOT_HIDDEN_PROSE):
        text = collapse_ws(" ".join(lines))
        key = text.casefold()
        if key in seen or not (PRICE.search(text) and BUY_CUE.search(text)):
            continue
        seen.add(key)
        out.append(SuspiciousText(url=url, text=_excerpt(text), where="hidden", reason=reason))
        if len(out) >= limit:
            break
    return out


def _unshown_hidden_lines(
    pages: Iterable[ExtractedPage], skip: frozenset[str]
) -> Iterator[tuple[str, str, list[str]]]:
    """(page URL, hiding reason, lines) of every hidden run whose reason is not in ``skip``,
    without the lines that also stand in the visible text of some crawled page (a mobile
    copy of the menu, a quick-view copy of a listed product hides nothing)."""
    pages = list(pages)
    shown = {_key(line) for page in pages for line in page.text.split("\n")}
    for page in pages:
        for hidden in page.hidden:
            if hidden.reason not in skip:
                lines = [line for line in hidden.text.split("\n") if _key(line) not in shown]
                yield page.url, hidden.reason, lines


def _key(text: str) -> str:
    return collapse_ws(text).casefold()


def _excerpt(text: str) -> str:
    text = collapse_ws(text)
    if len(text) <= HIDDEN_EXCERPT_CHARS:
        return text
    return text[:HIDDEN_EXCERPT_CHARS].rsplit(" ", 1)[0]


def declared_mismatch(
    declared: Declared | None, findings: Sequence[Finding], lexicon: Lexicon, policy: Policy
) -> str:
    """Why the declared business does not cover what the site was found to sell ("" if it does)."""
    if declared is None or not findings:
        return ""
    declared_scores = score_categories(
        find_hits(lexicon, f"{declared.name}. {declared.description}")
    )
    missing = [f for f in findings if declared_scores.get(f.category, 0.0) <= 0.0]
    if not missing:
        return ""
    names = ", ".join(policy.category(f.category).name for f in missing)
    described = declared.description or declared.name
    return f"declared as '{described[:120]}', but the site shows {names}"
