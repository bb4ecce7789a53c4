"""Deterministic candidate detection with the policy lexicon: pure functions, no I/O.

``compile_lexicon`` turns every phrase of every category into one prefix-tree regex, with each
regex entry filed under the literal prefixes (or the first characters) it can start with, so
``find_hits`` reads a page in one scan of its lowercased text and a word start only tries the
few entries that fit it. Matching rules:

* A hit starts where no word character precedes it and ends where none follows (Unicode word
  characters; phrases always start with a letter or digit).
* A space or hyphen between the words of a phrase matches any run of whitespace (line breaks
  included), a hyphen, or nothing: "weed killer" finds "weed-killer" and "weedkiller". An
  apostrophe is optional; a phrase ending in a letter also matches with ``s`` or ``es``.
* Phrases are read as a prefix tree: at one start the longest phrase on a path wins, and
  the shorter phrases on that path are checked too. Two phrases that could match the same
  text only by placing separators differently ("thca" and "thc-a flower") are on different
  paths, and only one of them is reported there; spell such variants alike.
* Within one category and one polarity the longest hit wins: a hit lying inside another hit
  of the same category and polarity is dropped, so "buy instagram followers" is not also
  counted as "instagram followers". Negative terms never mask positive hits: "weed killer"
  is a negative hit *beside* the positive "weed" it contains.

Scores: a term found ``n`` times adds ``weight * (1 + 1/2 + ... + 1/2**(n-1))`` (``n`` capped
at 10), i.e. less than twice its weight however often it repeats. ``score_categories`` adds
this up per category over the positive hits of a page. ``passages_for`` does the same per
passage and records the distinct negative terms of that category found in it, with their
summed weight, apart from the score. The merchant writes every word we read, so an exclusion
phrase is a cue for the scorer (``merchant_screen.scoring``), never a subtraction: nothing
it writes can delete a candidate.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from merchant_screen.policy.model import Policy

__all__ = [
    "Hit",
    "Lexicon",
    "Passage",
    "compile_lexicon",
    "find_hits",
    "link_interest",
    "passages_for",
    "score_categories",
]

_DECAY = 0.5
_MAX_REPEATS = 10  # later repeats of a term add nothing (keeps rounded scores under 2x)
_SEP, _AP = "\0sep", "\0ap"
_ATOM_RE = {_SEP: r"[\s\-‐‑–]*", _AP: r"['’]?"}
_SEPARATORS = frozenset("-‐‑–")
_APOSTROPHES = frozenset("'’")
_SPACE = re.compile(r"\s+")
_MARKER = re.compile(r"\(\?P<(\w+)>\)")
_MARKS = re.compile("[\0\1]")
_GAPS_AROUND = re.compile("[\\s\\-‐‑–]*\1[\\s\\-‐‑–\1]*")
_PARSER: Any = importlib.import_module("re._parser")
_ZERO_WIDTH = frozenset({"AT", "ASSERT", "ASSERT_NOT"})
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})
_CATEGORY_CHARS = {"CATEGORY_DIGIT": "0123456789", "CATEGORY_SPACE": " \t\n\r\f\v"}
_FIRST_CHARS = 16  # most first characters a regex without a literal prefix is filed under
_WIDE = "\0"  # in a prefix: "any non-ASCII character of the class"
_GAP = "\1"  # in a prefix: "any run of whitespace and hyphens"
_GAP_CHARS = frozenset(" \t\n\r\f\v-‐‑–" + _WIDE)
_GAP_RUN = r"[\s\-‐‑–]*+"
_NON_ASCII = r"[^\x00-\x7f]"
_DIGITS = frozenset([*"0123456789", "CATEGORY_DIGIT"])
_NUMBER_CHARS = _DIGITS | {*".,k \t\n\r\f\v-", "CATEGORY_SPACE"}  # what _NUMBER_RUN eats
_NUMBER_RUN = r"[\d.,k\s\-]*+"
_GATE_STRIP = "0123456789.,k \t\n\r\f\v-" + _GAP
_PREFIX_CHARS = 8  # longest literal prefix a regex is filed under
_GATE_CHARS = 12  # longest literal a number gate checks
_PREFIX_SET = 48  # most literal prefixes one regex is filed under
_PARSE_SURPRISES = (re.error, TypeError, ValueError, IndexError, AttributeError, RecursionError)


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
    negative_score: float = 0.0


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
    groups: tuple[str, ...]  # the entry key of each capturing group of ``pattern``
    entries: Mapping[str, tuple[_Entry, ...]]
    prefixes: Mapping[str, tuple[_Prefix, ...]]
    regex_scan: re.Pattern[str] | None
    regex_single: Mapping[str, re.Pattern[str]]


@dataclass(eq=False, slots=True)
class _Node:
    kids: dict[str, _Node] = field(default_factory=dict)
    name: str | None = None
    entries: list[_Entry] = field(default_factory=list)
    source: str = ""
    hooks: list[str] = field(default_factory=list)
    gated: list[str] = field(default_factory=list)
    gate: set[str] = field(default_factory=set)


@functools.lru_cache(maxsize=8)
def compile_lexicon(policy: Policy) -> Lexicon:
    """Compile every category's lexicon and negative lexicon into one scanner."""
    root = _Node()
    phrases: list[_Node] = []
    regexes: dict[str, list[_Entry]] = {}
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
                    node.name, node.source = f"t{len(phrases)}", _atom_regex(atoms)
                    phrases.append(node)
                node.entries.append(entry)
    names = tuple(f"r{i}" for i in range(len(regexes)))
    entries = {n: tuple(e) for n, e in zip(names, regexes.values(), strict=True)}
    prefixes: dict[str, tuple[_Prefix, ...]] = {}
    _collect(root, (), entries, prefixes)
    scan, groups = _number_groups("|".join(_branches(root, list(regexes))) or "(?!)")
    return Lexicon(
        categories=policy.ids,
        pattern=re.compile(rf"\W(?={scan})"),
        groups=groups,
        entries=entries,
        prefixes=prefixes,
        regex_scan=re.compile("|".join(_branches(_Node(), list(regexes)))) if names else None,
        regex_single={
            n: re.compile(rf"(?:{rx})(?!\w)") for n, rx in zip(names, regexes, strict=True)
        },
    )


def find_hits(lexicon: Lexicon, text: str) -> list[Hit]:
    """Every lexicon hit in ``text``, ordered by position; offsets index ``text``."""
    # The scanner matches the non-word character before a hit; a leading space gives the
    # text's first word one, and offsets in ``padded`` are one more than in ``text``.
    padded = " " + _lower(text)
    hits: list[Hit] = []
    for match in lexicon.pattern.finditer(padded):
        start = match.end()
        for entries, end in _resolve(lexicon, padded, start, match):
            hits.extend(
                Hit(e.category, e.term, e.weight, start - 1, end - 1, e.negative) for e in entries
            )
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
    (default ``4 * window``). Negative hits of the category inside a passage are recorded on
    it (``negatives``, ``negative_score``); they do not change its ``score``.
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
    return Passage(
        category=category,
        text=text[start:end],
        start=start,
        end=end,
        terms=tuple(dict.fromkeys(h.term for h in members)),
        score=round(score, 4),
        negatives=tuple(negative_weights),
        negative_score=round(sum(negative_weights.values()), 4),
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


def _resolve(lexicon: Lexicon, low: str, start: int, match: re.Match[str]) -> list[_Found]:
    """Every entry that matches at ``start``, where ``match`` found the first: the longest
    phrase, the shorter phrases it begins with, and each matching regex."""
    group = match.lastindex or 0
    name = lexicon.groups[group - 1] if group else ""
    found: list[_Found] = []
    if name.startswith("t"):
        found.append((lexicon.entries[name], match.end(group)))
        for pattern, entries in lexicon.prefixes.get(name, ()):
            shorter = pattern.match(low, start)
            if shorter:
                found.append((entries, shorter.end()))
    # Rarely true: only where some regex matches; then each regex is tried on its own.
    if lexicon.regex_scan is not None and lexicon.regex_scan.match(low, start):
        for other, single in lexicon.regex_single.items():
            extra = single.match(low, start)
            if extra:
                found.append((lexicon.entries[other], extra.end()))
    return found


def _longest_per_category(hits: list[Hit]) -> list[Hit]:
    """Drop hits inside a longer hit of the same category and polarity."""
    by_category: dict[tuple[str, bool], list[Hit]] = defaultdict(list)
    for hit in hits:
        by_category[hit.category, hit.negative].append(hit)
    kept = []
    for found in by_category.values():
        reach = -1
        for hit in sorted(found, key=lambda h: (h.start, -h.end, -h.weight)):
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
    return weight * (1 - _DECAY ** min(count, _MAX_REPEATS)) / (1 - _DECAY)


def _lower(text: str) -> str:
    """Lowercase ``text`` without changing its length (so offsets stay valid)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


# --- building the scanner -------------------------------------------------------------------


def _branches(root: _Node, regexes: list[str]) -> list[str]:
    """The scanner's top-level branches, one per first character.

    Under each character the phrase tree is tried first, then a second tree of regex literal
    prefixes whose nodes hold the regexes starting with that prefix; a regex is only tried
    where the text already shows its prefix, from which it looks back to the word start. A
    regex with no literal prefix is filed under each ASCII character it can start with (e.g.
    the ten digits for ``\\d``) plus one branch for any non-ASCII first character, or tried
    at every word start when even that cannot be told. A phrase always wins over a regex at
    the same start, so the resolver needs no second look for phrases.
    """
    hooks, wide, unfiled = _Node(), _Node(), []
    for index, regex in enumerate(regexes):
        starts, non_ascii, gate = _filing(regex)
        if starts is None:
            unfiled.append(_regex_branch(regex, f"r{index}u"))
            continue
        nodes = [_insert(hooks, tuple(s)) for s in sorted(starts)] + ([wide] if non_ascii else [])
        for copy, node in enumerate(nodes):
            (node.gated if gate else node.hooks).append(_regex_branch(regex, f"r{index}c{copy}"))
            node.gate |= gate
    branches = []
    for char in sorted(set(root.kids) | set(hooks.kids)):
        # One flat set of alternatives, phrases first, so each is picked by its first character.
        options = _emit(root.kids[char], char) if char in root.kids else []
        options += _emit_hooks(hooks.kids[char], 1) if char in hooks.kids else []
        branches.append(re.escape(char) + _group(options))
    if wide.hooks or wide.gated:
        branches.append(_NON_ASCII + _group(_emit_hooks(wide, 1)))
    return branches + unfiled


def _filing(regex: str) -> tuple[set[str] | None, bool, set[str]]:
    """Where a regex goes: the literal prefixes it is filed under (``None``: unfiled),
    whether also under non-ASCII first characters, and its number gate when it is filed by a
    leading digit alone."""
    try:
        found = _prefixes(list(_PARSER.parse(regex)), _PREFIX_CHARS)
    except _PARSE_SURPRISES:  # an unknown parse shape only costs speed
        return None, False, set()
    if "" in found or len(found) > _PREFIX_SET:
        return None, False, set()
    starts = {_MARKS.split(prefix)[0] for prefix in found}
    non_ascii = "" in starts
    starts = {s for s in starts if s and not any(o != s and s.startswith(o) for o in starts if o)}
    gate = _number_gate(regex) if all(len(s) == 1 for s in starts) else set()
    return starts, non_ascii, gate


def _number_groups(pattern: str) -> tuple[str, tuple[str, ...]]:
    """Turn the ``(?P<key>)`` markers into plain groups (a much smaller pattern to compile)
    and list their keys in group order. Regex entries contain no ``(?P`` (validated)."""
    keys: list[str] = []

    def plain(marker: re.Match[str]) -> str:
        keys.append(marker[1])
        return "()"

    return _MARKER.sub(plain, pattern), tuple(keys)


def _regex_branch(regex: str, name: str) -> str:
    return rf"(?:{regex})(?P<{name}>)(?!\w)"


def _look_back(alternatives: list[str], width: int, gate: set[str] | None = None) -> str:
    """After ``width`` consumed characters, match the alternatives from where they began;
    with a ``gate``, only if the rest of a number and one of the gate's literals come next."""
    ahead = f"(?={_NUMBER_RUN}{_literal_tree(gate)})" if gate else ""
    return ahead + r"(?<=(?=" + "|".join(alternatives) + rf")[\s\S]{{{width}}})"


def _literal_tree(literals: set[str]) -> str:
    """A regex matching any of ``literals``, shared prefixes factored out."""
    root = _Node()
    for literal in literals:
        _insert(root, tuple(literal)).name = ""
    return _emit_literals(root)


def _emit_literals(node: _Node) -> str:
    if node.name is not None:
        return ""  # a shorter literal already suffices
    kids = sorted(node.kids.items())
    return _group([(_GAP_RUN if a == _GAP else re.escape(a)) + _emit_literals(k) for a, k in kids])


def _group(options: list[str]) -> str:
    return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"


def _atoms(phrase: str) -> tuple[str, ...]:
    atoms = []
    for char in phrase:
        if char.isspace() or char in _SEPARATORS:
            atoms.append(_SEP)
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


def _emit(node: _Node, atom: str) -> list[str]:
    """The phrase tree below ``node`` as alternatives: longer phrases first, then the phrase
    ending here."""
    parts = [(_ATOM_RE.get(a) or re.escape(a)) + _group(_emit(k, a)) for a, k in node.kids.items()]
    if node.name is not None:
        parts.append(f"{_plural(atom)}(?P<{node.name}>)(?!\\w)")
    return parts


def _emit_hooks(node: _Node, depth: int) -> list[str]:
    """The regex-prefix tree below ``node`` as alternatives."""
    parts = [re.escape(a) + _group(_emit_hooks(k, depth + 1)) for a, k in node.kids.items()]
    if node.hooks:
        parts.append(_look_back(node.hooks, depth))
    if node.gated:
        parts.append(_look_back(node.gated, depth, node.gate))
    return parts


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


def _prefixes(sequence: list[Any], budget: int, start: bool = True, gaps: bool = False) -> set[str]:
    """Literal strings one of which starts every match of a parsed sequence (``""`` if some
    match may start otherwise). ``_WIDE`` ends a prefix whose next character may be any
    non-ASCII character of a class such as ``\\d``; with ``gaps``, ``_GAP`` stands for a run of
    whitespace and hyphens inside a prefix instead of ending it. Reads the parse tree of
    CPython's private ``re._parser``; a shape it does not know just gives ``""``."""
    if not sequence or budget == 0:
        return {""}
    (op, value), rest = sequence[0], sequence[1:]
    kind = str(op)
    if gaps and not start and _only_gap(op, value):
        return {_GAP + tail for tail in _prefixes(rest, budget - 1, False, gaps)}
    if kind in {"LITERAL", "IN"}:
        chars = _class_chars([(op, value)] if kind == "LITERAL" else value)
        if chars is None or (not start and (len(chars) > 4 or _WIDE in chars)):
            return {""}  # a prefix ends before a wide class
        if len(chars) > 4 or _WIDE in chars:
            return set(chars)  # a wide first class: one character, then stop
        tails = _prefixes(rest, budget - 1, False, gaps)
        return {char + tail for char in chars for tail in tails}
    if kind in _ZERO_WIDTH:
        return _prefixes(rest, budget, start, gaps)
    if kind == "SUBPATTERN" and not value[1]:
        return _prefixes(list(value[3]) + rest, budget, start, gaps)
    if kind == "BRANCH":
        found: set[str] = set()
        for branch in value[1]:
            found |= _prefixes(list(branch) + rest, budget, start, gaps)
            if len(found) > _PREFIX_SET:
                return {""}
        return found
    if kind in _REPEATS:
        once = list(value[2]) + rest if value[1] == 1 else list(value[2])
        skipped = _prefixes(rest, budget, start, gaps) if value[0] == 0 else set()
        return _prefixes(once, budget, start, gaps) | skipped
    return {""}


def _only_gap(op: Any, value: Any) -> bool:
    """Whether a parsed element only matches whitespace and hyphens (``\\s+``, ``[\\s-]?``)."""
    kind = str(op)
    if kind in _REPEATS and len(value[2]) == 1:
        op, value = value[2][0]
        kind = str(op)
    if kind not in {"LITERAL", "IN"}:
        return False
    chars = _class_chars([(op, value)] if kind == "LITERAL" else value)
    return bool(chars) and set(chars or "") <= _GAP_CHARS


def _class_chars(items: list[Any]) -> str | None:
    """The characters a class (or one literal) matches: each one, plus ``_WIDE`` for "and
    non-ASCII ones"; ``None`` if negated, unknown or more than ``_FIRST_CHARS``."""
    chars: set[str] = set()
    for op, value in items:
        kind = str(op)
        if kind == "LITERAL":
            chars.add(chr(value))
        elif kind == "RANGE" and value[1] - value[0] < _FIRST_CHARS:
            chars.update(map(chr, range(value[0], value[1] + 1)))
        elif kind == "CATEGORY" and str(value) in _CATEGORY_CHARS:
            chars.update(_CATEGORY_CHARS[str(value)] + _WIDE)
        else:
            return None
    wide = {c for c in chars if ord(c) > 127}
    chars = (chars - wide) | ({_WIDE} if wide and _WIDE in chars else wide)
    return "".join(sorted(chars)) if len(chars) <= _FIRST_CHARS else None


def _number_gate(regex: str) -> set[str]:
    """Literal prefixes one of which must follow the leading number of ``regex`` (digits,
    then any of digits, ``.``, ``,``, ``k``, whitespace, hyphens); empty if it does not start
    with a digit or the literals cannot be told. Lets a word starting with a digit skip these
    regexes unless the number is followed by something they need, e.g. ``mg`` or ``%``."""
    try:
        sequence = list(_PARSER.parse(regex))
        if not sequence or not _one_digit_or_more(sequence[0]):
            return set()
        index = 1
        while index < len(sequence) and _only(sequence[index], _NUMBER_CHARS):
            index += 1
        found = _prefixes(sequence[index:], _GATE_CHARS, False, gaps=True)
        if "" in found or len(found) > _PREFIX_SET:
            found = _prefixes(sequence[index:], _GATE_CHARS, False, gaps=False)
    except _PARSE_SURPRISES:  # an unknown parse shape only costs speed
        return set()
    # The gate eats number characters and gaps possessively, so a literal never starts or
    # ends with them, and gap characters next to a gap belong to it.
    found = {_GAPS_AROUND.sub(_GAP, literal).lstrip(_GATE_STRIP).rstrip(_GAP) for literal in found}
    return set() if "" in found or len(found) > _PREFIX_SET else found


def _one_digit_or_more(item: tuple[Any, Any]) -> bool:
    """Whether a parsed element always starts with a digit (``\\d``, ``[1-9]``, ``\\d+``...)."""
    op, value = item
    kind = str(op)
    if kind in {"LITERAL", "IN"}:
        return _only(item, _DIGITS)
    if kind in _REPEATS and value[0] >= 1 and len(value[2]) == 1:
        return _one_digit_or_more(value[2][0])
    return False


def _only(item: tuple[Any, Any], allowed: frozenset[str]) -> bool:
    """Whether a parsed element can only match characters in ``allowed``."""
    op, value = item
    kind = str(op)
    if kind == "LITERAL":
        return chr(value) in allowed
    if kind == "RANGE":
        return all(chr(c) in allowed for c in range(value[0], value[1] + 1))
    if kind == "CATEGORY":
        return str(value) in allowed
    if kind == "IN":
        return all(_only((o, v), allowed) for o, v in value)
    if kind in _REPEATS:
        return all(_only(x, allowed) for x in value[2])
    if kind == "SUBPATTERN" and not value[1]:
        return all(_only(x, allowed) for x in value[3])
    return False


def link_interest(lexicon: Lexicon, cap: float = 3.0) -> Callable[[str], float]:
    """How strongly a link (anchor text and URL) names a policy category, for crawl ranking:
    the lexicon score of the text with URL separators read as spaces, capped at ``cap``."""

    def interest(text: str) -> float:
        readable = text.replace("-", " ").replace("_", " ").replace("/", " ")
        return min(cap, sum(score_categories(find_hits(lexicon, readable)).values()))

    return interest
