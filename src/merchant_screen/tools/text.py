"""Text helpers: whitespace collapsing and lenient quote matching.

``find_quote`` looks a quote up in page text after normalising both sides (Unicode
compatibility forms, case, quote and dash variants, invisible characters, whitespace)
and answers with the span in the *original* text, so a caller can show the quote exactly
as it stands on the page. A quote matches whole words only: it may not start or end in
the middle of a word of the page ("ck gunsmithing tools or ammun" is not a quote of
"black gunsmithing tools or ammunition"), except in scripts written without spaces.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterator
from functools import lru_cache

__all__ = [
    "MIN_QUOTE_CHARS",
    "collapse_ws",
    "find_quote",
    "guess_language",
    "is_word_char",
    "normalise_for_match",
]

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
    """Normalise one segment (a character and its combining marks); whitespace becomes ' '."""
    if segment.isascii():
        return segment.lower()
    folded = unicodedata.normalize("NFKC", segment)
    folded = unicodedata.normalize("NFKC", folded.casefold()).translate(_TRANSLATION)
    if any(c.isspace() for c in folded):
        # e.g. NFKC("¯") is " " + U+0304: keep inner spaces, drop edge ones so that the
        # character normalises the same alone (as a quote) and inside a word (on the page)
        folded = "".join(" " if c.isspace() else c for c in folded)
        folded = folded.strip(" ")
        if folded and all(unicodedata.combining(c) for c in folded):
            # a spacing diacritic ("¸", "¨") would attach to the previous letter on a second
            # pass; it carries no meaning for matching, so it is dropped
            return ""
        return folded or " "
    return folded


def _segments(run: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each character of ``run`` together with its combining marks."""
    seg_start = 0
    for i in range(1, len(run)):
        if run[i].isascii() or not unicodedata.combining(run[i]):
            yield seg_start, i
            seg_start = i
    if run:
        yield seg_start, len(run)


def _fold_word(word: str) -> str:
    if word.isascii():
        return word.lower()
    return "".join(_fold(word[start:end]) for start, end in _segments(word))


# A shorter quote proves nothing (a heading, a menu word); evidence verification refuses it.
MIN_QUOTE_CHARS = 12


@lru_cache(maxsize=256)
def normalise_for_match(s: str) -> str:
    """NFKC + casefold; straight quotes, '-' for dashes, '...' for the ellipsis,
    invisible characters dropped, whitespace (incl. no-break space) collapsed."""
    if s.isascii():
        return " ".join(s.lower().split())
    return " ".join(" ".join(_fold_word(word) for word in s.split()).split())


class _Builder:
    """Normalised text plus, per output character, the original [start, end) it came from.

    It emits exactly what :func:`normalise_for_match` returns (same folding, same collapse).
    """

    __slots__ = ("ends", "last", "parts", "starts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts = array("q")
        self.ends = array("q")
        self.last = " "  # the previous output character; " " also drops leading spaces

    def add(self, text: str, start: int, end: int) -> None:
        for ch in text:
            if ch == " " and self.last == " ":
                continue
            self.parts.append(ch)
            self.starts.append(start)
            self.ends.append(end)
            self.last = ch

    def add_ascii_word(self, word: str, start: int) -> None:
        self.parts.append(word.lower())
        self.starts.extend(range(start, start + len(word)))
        self.ends.extend(range(start + 1, start + len(word) + 1))
        self.last = word[-1]


_WORD = re.compile(r"\S+")


@lru_cache(maxsize=16)
def _offset_map(s: str) -> tuple[str, array[int], array[int]]:
    """The normalised text of ``s`` and, per character of it, its original span."""
    out = _Builder()
    for match in _WORD.finditer(s):
        start = match.start()
        out.add(" ", start - 1, start)
        word = match.group()
        if word.isascii():
            out.add_ascii_word(word, start)
        else:
            for seg_start, seg_end in _segments(word):
                out.add(_fold(word[seg_start:seg_end]), start + seg_start, start + seg_end)
    text = "".join(out.parts)
    if text.endswith(" "):
        text = text[:-1]
        out.starts.pop()
        out.ends.pop()
    return text, out.starts, out.ends


# Scripts written without spaces between words (a quote may start anywhere in them):
# Thai, Lao, Myanmar, Khmer, kana, CJK ideographs and their extensions, halfwidth kana.
_UNSPACED = (
    (0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x2E80, 0x2FDF),
    (0x3040, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
    (0xFF66, 0xFF9F), (0x20000, 0x3FFFF),
)  # fmt: skip


def is_word_char(c: str) -> bool:
    """Whether ``c`` is part of a word that spaces delimit (a letter or digit of a spaced
    script); a quote may not begin or end next to one inside the same word."""
    if not c.isalnum():
        return False
    if c.isascii():
        return True
    code = ord(c)
    return not any(low <= code <= high for low, high in _UNSPACED)


def find_quote(quote: str, text: str, *, whole_words: bool = True) -> tuple[int, int] | None:
    """Find ``quote`` in ``text`` after normalising both; return its span in ``text``.

    The span always starts and ends on whole characters of ``text``, and normalising
    ``text[start:end]`` gives exactly the normalised quote. With ``whole_words`` (the
    default) the match also starts and ends on word boundaries: a quote whose first
    (last) character is a letter or digit may not continue a word of the page before
    (after) it. ``None`` when absent or empty.
    """
    needle = normalise_for_match(quote)
    if not needle or needle not in normalise_for_match(text):
        return None
    haystack, starts, ends = _offset_map(text)
    last_index = len(haystack) - 1
    check_start = whole_words and is_word_char(needle[0])
    check_end = whole_words and is_word_char(needle[-1])
    pos = haystack.find(needle)
    while pos != -1:
        end = pos + len(needle) - 1
        whole_start = pos == 0 or starts[pos - 1] != starts[pos]
        whole_end = end == last_index or starts[end + 1] != starts[end]
        if check_start and pos > 0 and is_word_char(haystack[pos - 1]):
            whole_start = False
        if check_end and end < last_index and is_word_char(haystack[end + 1]):
            whole_end = False
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
