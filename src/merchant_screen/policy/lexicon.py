"""Deterministic candidate detection with the policy lexicon: pure functions, no I/O.

``compile_lexicon`` turns every phrase of every category into one prefix-tree regex (plus the
regex entries as further alternatives), so ``find_hits`` reads a page in a single scan of its
lowercased text. Matching rules:

* A hit starts where a word starts and ends where a word ends (Unicode word characters).
* Words of a phrase match across any run of whitespace (line breaks included) or a hyphen;
  a hyphen in a phrase matches a hyphen, whitespace or nothing; an apostrophe is optional;
  a phrase ending in a letter also matches with a trailing ``s`` or ``es``.
* Within one category the longest hit wins: a hit lying inside another hit of the same
  category is dropped. So a negative term masks the positive hits it contains ("weed killer"
  hides "weed"), and "buy instagram followers" is not also counted as "instagram followers".

Scores: a term found ``n`` times adds ``weight * (1 + 1/2 + ... + 1/2**(n-1))``, i.e. less than
twice its weight however often it repeats. ``score_categories`` adds this up per category over
the positive hits of a page. ``passages_for`` does the same per passage and then subtracts the
weight of every distinct negative term of that category found in the same passage (never
below zero): exclusions weigh against evidence where they stand, not page-wide.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from merchant_screen.policy.model import Policy

__all__ = [
    "Hit",
    "Lexicon",
    "Passage",
    "compile_lexicon",
    "find_hits",
    "passages_for",
    "score_categories",
]

_DECAY = 0.5
_WS, _HY, _AP = "\0ws", "\0hy", "\0ap"
_ATOM_RE = {
    _WS: r"(?:\s+|\s*[-‐‑–]\s*)",
    _HY: r"(?:\s*[-‐‑–]\s*|\s+)?",
    _AP: r"['’]?",
}
_HYPHENS = frozenset("-‐‑–")
_APOSTROPHES = frozenset("'’")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Hit:
    """One lexicon match in a text; ``negative`` marks an exclusion term."""

    category: str
    term: str
    weight: float
    start: int
    end: int
    negative: bool = False


@dataclass(frozen=True, slots=True)
class Passage:
    """A line-aligned stretch of text around hits of one category; ``text`` is the exact slice."""

    category: str
    text: str
    start: int
    end: int
    terms: tuple[str, ...]
    score: float
    negatives: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Entry:
    category: str
    term: str
    weight: float
    negative: bool


_Found = tuple[tuple[_Entry, ...], int]
_Prefix = tuple[re.Pattern[str], tuple[_Entry, ...]]


@dataclass(frozen=True, eq=False)
class Lexicon:
    """A policy's lexicon compiled for ``find_hits``. Build it with ``compile_lexicon``."""

    categories: tuple[str, ...]
    pattern: re.Pattern[str]
    entries: Mapping[str, tuple[_Entry, ...]]
    prefixes: Mapping[str, tuple[_Prefix, ...]]
    regex_names: tuple[str, ...]
    regex_any: re.Pattern[str] | None
    regex_single: Mapping[str, re.Pattern[str]]


@dataclass(eq=False)
class _Node:
    kids: dict[str, _Node] = field(default_factory=dict)
    name: str | None = None
    entries: list[_Entry] = field(default_factory=list)
    source: str = ""


@functools.lru_cache(maxsize=8)
def compile_lexicon(policy: Policy) -> Lexicon:
    """Compile every category's lexicon and negative lexicon into one scanner."""
    root = _Node()
    regexes: dict[str, list[_Entry]] = {}
    count = 0
    for category in policy.categories:
        for negative, terms in ((False, category.lexicon), (True, category.negative_lexicon)):
            for term in terms:
                entry = _Entry(category.id, term.label, term.weight, negative)
                if term.regex is not None:
                    regexes.setdefault(term.regex, []).append(entry)
                    continue
                atoms = _atoms(term.term or "")
                node = _insert(root, atoms)
                if node.name is None:
                    node.name, node.source = f"t{count}", _atom_regex(atoms)
                    count += 1
                node.entries.append(entry)
    names = tuple(f"r{i}" for i in range(len(regexes)))
    alternatives = [_emit_kids(root)] if root.kids else []
    alternatives += [f"(?:{rx})(?P<{n}>)(?!\\w)" for n, rx in zip(names, regexes, strict=True)]
    entries: dict[str, tuple[_Entry, ...]] = dict(zip(names, map(tuple, regexes.values()), strict=True))
    prefixes: dict[str, tuple[_Prefix, ...]] = {}
    _collect(root, (), entries, prefixes)
    return Lexicon(
        categories=policy.ids,
        pattern=re.compile(r"\b(?=" + ("|".join(alternatives) or "(?!)") + ")"),
        entries=entries,
        prefixes=prefixes,
        regex_names=names,
        regex_any=re.compile("|".join(alternatives[-len(names) :])) if names else None,
        regex_single={n: re.compile(f"(?:{rx})(?!\\w)") for n, rx in zip(names, regexes, strict=True)},
    )


def find_hits(lexicon: Lexicon, text: str) -> list[Hit]:
    """Every lexicon hit in ``text``, ordered by position; offsets index ``text``."""
    low = _lower(text)
    hits: list[Hit] = []
    for match in lexicon.pattern.finditer(low):
        for entries, end in _resolve(lexicon, low, match):
            start = match.start()
            hits.extend(Hit(e.category, e.term, e.weight, start, end, e.negative) for e in entries)
    return _longest_per_category(hits)


def score_categories(hits: Iterable[Hit]) -> dict[str, float]:
    """Lexicon score per category over positive hits, highest first (diminishing repeats)."""
    scores: dict[str, float] = defaultdict(float)
    for (category, _), (weight, count) in _term_counts(hits).items():
        scores[category] += _diminishing(weight, count)
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return {category: round(score, 4) for category, score in ordered}


def passages_for(
    hits: Iterable[Hit], text: str, window: int = 240, *, max_chars: int | None = None
) -> list[Passage]:
    """Passages around the positive hits of each category, ordered by position.

    Each hit is widened by up to ``window`` characters on each side, to whole lines where the
    lines fit in that reach and to word boundaries where a line is longer. Overlapping or
    adjacent stretches of one category merge while the result stays within ``max_chars``
    (default ``4 * window``). Negative hits of the category inside a passage lower its score.
    """
    limit = max_chars if max_chars is not None else 4 * window
    positives: dict[str, list[Hit]] = defaultdict(list)
    negatives: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        (negatives if hit.negative else positives)[hit.category].append(hit)
    passages = []
    for category, found in positives.items():
        groups: list[tuple[int, int, list[Hit]]] = []
        for hit in sorted(found, key=lambda h: (h.start, h.end)):
            start, end = _span(text, hit.start, hit.end, window)
            if groups and start <= groups[-1][1] + 1:
                first, last, members = groups[-1]
                if max(end, last) - first <= limit:
                    groups[-1] = (first, max(end, last), [*members, hit])
                    continue
            groups.append((start, end, [hit]))
        for start, end, members in groups:
            against = [h for h in negatives[category] if h.start < end and h.end > start]
            passages.append(_passage(category, text, start, end, members, against))
    return sorted(passages, key=lambda p: (p.start, p.category))


def _passage(
    category: str, text: str, start: int, end: int, members: list[Hit], against: list[Hit]
) -> Passage:
    score = sum(_diminishing(w, n) for w, n in _term_counts(members).values())
    negative_weights = {h.term: h.weight for h in against}
    score = max(0.0, score - sum(negative_weights.values()))
    return Passage(
        category=category,
        text=text[start:end],
        start=start,
        end=end,
        terms=tuple(dict.fromkeys(h.term for h in members)),
        score=round(score, 4),
        negatives=tuple(negative_weights),
    )


def _span(text: str, start: int, end: int, window: int) -> tuple[int, int]:
    """``[start, end)`` widened to whole lines within ``window`` chars, else to word bounds."""
    low_limit, high_limit = max(0, start - window), min(len(text), end + window)
    left = text.rfind("\n", 0, start) + 1
    if left >= low_limit:
        while left > 0:
            previous = text.rfind("\n", 0, left - 1) + 1
            if previous < low_limit:
                break
            left = previous
    else:
        space = _SPACE.search(text, low_limit, start)
        left = space.end() if space else low_limit
    right = _line_end(text, end)
    if right <= high_limit:
        while right < len(text):
            following = _line_end(text, right + 1)
            if following > high_limit:
                break
            right = following
    else:
        cut = text.rfind(" ", end, high_limit)
        right = cut if cut > end else high_limit
    while left < right and text[left].isspace():
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    return left, right


def _line_end(text: str, position: int) -> int:
    found = text.find("\n", position)
    return len(text) if found == -1 else found


def _resolve(lexicon: Lexicon, low: str, match: re.Match[str]) -> list[_Found]:
    """Every entry that matches where ``match`` starts: the longest phrase, the shorter
    phrases it begins with, and each matching regex."""
    name = match.lastgroup
    if name is None:
        return []
    start, found = match.start(), [(lexicon.entries[name], match.end(name))]
    later = lexicon.regex_names
    if name.startswith("t"):
        for pattern, entries in lexicon.prefixes.get(name, ()):
            shorter = pattern.match(low, start)
            if shorter:
                found.append((entries, shorter.end()))
        regex = lexicon.regex_any.match(low, start) if lexicon.regex_any else None
        if regex is None or regex.lastgroup is None:
            return found
        name = regex.lastgroup
        found.append((lexicon.entries[name], regex.end(name)))
    for other in later[later.index(name) + 1 :]:
        extra = lexicon.regex_single[other].match(low, start)
        if extra:
            found.append((lexicon.entries[other], extra.end()))
    return found


def _longest_per_category(hits: list[Hit]) -> list[Hit]:
    by_category: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        by_category[hit.category].append(hit)
    kept = []
    for found in by_category.values():
        reach = -1
        for hit in sorted(found, key=lambda h: (h.start, -h.end, not h.negative, -h.weight)):
            if hit.end <= reach:
                continue
            kept.append(hit)
            reach = hit.end
    return sorted(kept, key=lambda h: (h.start, h.end, h.category, h.term))


def _term_counts(hits: Iterable[Hit]) -> dict[tuple[str, str], tuple[float, int]]:
    counts: dict[tuple[str, str], tuple[float, int]] = {}
    for hit in hits:
        if not hit.negative:
            weight, count = counts.get((hit.category, hit.term), (hit.weight, 0))
            counts[hit.category, hit.term] = (weight, count + 1)
    return counts


def _diminishing(weight: float, count: int) -> float:
    return weight * (1 - _DECAY**count) / (1 - _DECAY)


def _lower(text: str) -> str:
    """Lowercase ``text`` without changing its length (so offsets stay valid)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _atoms(phrase: str) -> tuple[str, ...]:
    atoms = []
    for char in phrase:
        if char.isspace():
            atoms.append(_WS)
        elif char in _HYPHENS:
            atoms.append(_HY)
        elif char in _APOSTROPHES:
            atoms.append(_AP)
        else:
            atoms.append(char)
    return tuple(atoms)


def _atom_regex(atoms: tuple[str, ...]) -> str:
    return "".join(_ATOM_RE.get(a) or re.escape(a) for a in atoms) + _plural(atoms[-1])


def _plural(last_atom: str) -> str:
    """An optional ``s``/``es`` after a phrase that ends in a letter."""
    return r"(?:e?s)?" if last_atom.isalpha() else ""


def _insert(root: _Node, atoms: tuple[str, ...]) -> _Node:
    node = root
    for atom in atoms:
        node = node.kids.setdefault(atom, _Node())
    return node


def _emit_kids(node: _Node) -> str:
    parts = [(_ATOM_RE.get(a) or re.escape(a)) + _emit(kid, a) for a, kid in node.kids.items()]
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _emit(node: _Node, atom: str) -> str:
    parts = [(_ATOM_RE.get(a) or re.escape(a)) + _emit(kid, a) for a, kid in node.kids.items()]
    if node.name is not None:
        parts.append(f"{_plural(atom)}(?P<{node.name}>)(?!\\w)")
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _collect(
    node: _Node,
    above: tuple[_Prefix, ...],
    entries: dict[str, tuple[_Entry, ...]],
    prefixes: dict[str, tuple[_Prefix, ...]],
) -> None:
    """Record each phrase's entries and the shorter phrases on its path from the root."""
    if node.name is not None:
        entries[node.name] = tuple(node.entries)
        if above:
            prefixes[node.name] = above
        if node.kids:
            above = (*above, (re.compile(node.source + r"(?!\w)"), entries[node.name]))
    for kid in node.kids.values():
        _collect(kid, above, entries, prefixes)
