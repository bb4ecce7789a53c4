"""Text helpers: whitespace collapsing and lenient quote matching.

``find_quote`` looks a quote up in page text after normalising both sides (Unicode
compatibility forms, case, quote and dash variants, invisible characters, whitespace)
and answers with the span in the *original* text, so a caller can show the quote exactly
as it stands on the page.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["collapse_ws", "find_quote", "guess_language", "normalise_for_match"]

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u02bc"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u301d\u301e"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"

_TRANSLATION: dict[int, str | None] = {
    **{ord(c): None for c in _ZERO_WIDTH},
    **{ord(c): "'" for c in _SINGLE_QUOTES},
    **{ord(c): '"' for c in _DOUBLE_QUOTES},
    **{ord(c): "-" for c in _DASHES},
    ord("\u2026"): "...",
}


def collapse_ws(s: str) -> str:
    """Collapse every whitespace run (including no-break spaces) to one space and strip."""
    return " ".join(s.split())


def _fold(segment: str) -> str:
    """Normalise one segment (a starter and its combining marks); whitespace becomes ' '."""
    if segment.isascii():
        folded = segment.lower()
    else:
        folded = unicodedata.normalize("NFKC", segment)
        folded = unicodedata.normalize("NFKC", folded.casefold()).translate(_TRANSLATION)
    if folded.isspace():
        return " "
    if any(c.isspace() for c in folded):
        return "".join(" " if c.isspace() else c for c in folded)
    return folded


_WORD = re.compile(r"\S+")


def _append_segments(run: str, offset: int, state: _Builder) -> None:
    """Fold a non-ASCII run segment by segment (a character plus its combining marks)."""
    seg_start = 0
    for i in range(1, len(run) + 1):
        if i < len(run) and not run[i].isascii() and unicodedata.combining(run[i]):
            continue
        for ch in _fold(run[seg_start:i]):
            if ch == " " and (not state.out or state.out[-1] == " "):
                continue
            state.out.append(ch)
            state.starts.append(offset + seg_start)
            state.ends.append(offset + i)
        seg_start = i


class _Builder:
    __slots__ = ("ends", "out", "starts")

    def __init__(self) -> None:
        self.out: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []


def _build_map(s: str) -> tuple[str, list[int], list[int]]:
    """Normalise ``s``; for every output character, the original span it came from."""
    state = _Builder()
    for match in _WORD.finditer(s):
        start, end = match.span()
        if state.out and state.out[-1] != " ":
            state.out.append(" ")
            state.starts.append(start - 1)
            state.ends.append(start)
        run = match.group()
        if run.isascii():
            state.out.extend(run.lower())
            state.starts.extend(range(start, end))
            state.ends.extend(range(start + 1, end + 1))
        else:
            _append_segments(run, start, state)
    while state.out and state.out[-1] == " ":
        state.out.pop()
        state.starts.pop()
        state.ends.pop()
    return "".join(state.out), state.starts, state.ends


@lru_cache(maxsize=8)
def _cached_map(s: str) -> tuple[str, list[int], list[int]]:
    return _build_map(s)


def normalise_for_match(s: str) -> str:
    """NFKC + casefold; straight quotes, '-' for dashes, '...' for the ellipsis,
    invisible characters dropped, whitespace (incl. no-break space) collapsed."""
    return _build_map(s)[0]


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Find ``quote`` in ``text`` after normalising both; return its span in ``text``.

    The span always starts and ends on whole characters of ``text``, and normalising
    ``text[start:end]`` gives exactly the normalised quote. ``None`` when absent or empty.
    """
    needle = normalise_for_match(quote)
    if not needle:
        return None
    haystack, starts, ends = _cached_map(text)
    last_index = len(haystack) - 1
    pos = haystack.find(needle)
    while pos != -1:
        end = pos + len(needle) - 1
        whole_start = pos == 0 or starts[pos - 1] != starts[pos]
        whole_end = end == last_index or starts[end + 1] != starts[end]
        if whole_start and whole_end:
            return starts[pos], ends[end]
        pos = haystack.find(needle, pos + 1)
    return None


_STOPWORDS = {
    "en": "the and of to is that it for you with on are this your our we be from",
    "de": "der die und das ist nicht mit sie ich ein eine den zu auf für wir sich dem",
    "fr": "le les et des est une pour dans vous nous sur avec pas du au votre qui",
    "es": "el los las y es una para con por del su sus está más como nuestro usted",
    "it": "il gli di è una per con che del della sono non nostro anche come più",
    "nl": "het een en van is niet met voor op zijn wij ons onze ook je dat",
    "pt": "o os da do das dos uma para com não em são nosso você mais como",
}


def _languages_by_word() -> dict[str, tuple[str, ...]]:
    index: dict[str, tuple[str, ...]] = {}
    for language, words in _STOPWORDS.items():
        for word in words.split():
            index[word] = (*index.get(word, ()), language)
    return index


_LANGUAGES_OF = _languages_by_word()
_LETTERS = re.compile(r"[^\W\d_]+")


def guess_language(text: str) -> str | None:
    """Cheap stopword vote over en, de, fr, es, it, nl, pt; None when unsure."""
    scores = dict.fromkeys(_STOPWORDS, 0)
    for word in _LETTERS.findall(text[:8000].lower()):
        for language in _LANGUAGES_OF.get(word, ()):
            scores[language] += 1
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, runner_up) = ranked[0], ranked[1]
    if top >= 5 and top > 1.3 * runner_up:
        return best
    return None
