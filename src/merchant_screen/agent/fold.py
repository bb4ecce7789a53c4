"""Fold text before looking for instructions planted in it (pure).

A merchant who hides "ignore previous instructions" from a matcher splits words with
zero-width characters, swaps Latin letters for Cyrillic or Greek look-alikes, or writes in
full-width forms. ``fold_text`` undoes that: NFKC, format characters (Unicode category Cf:
zero-width space and joiners, soft hyphen, word joiner, bidi controls, tag characters) and
fillers removed, combining marks dropped, look-alike letters mapped to the Latin letter they
imitate, case folded, quotes and dashes unified, whitespace collapsed, and words spelt out
letter by letter ("i g n o r e", "a.p.p.r.o.v.e") joined back.

The folded text is for detection only; what a verdict shows is always the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Folded", "fold", "fold_text"]

# Cyrillic, Greek and a few other letters that render like a Latin letter (after NFKD and
# dropping combining marks, so "ё" arrives here as "е"). Lower- and upper-case both map to
# the lower-case Latin letter: the result is case-folded anyway.
_LOOK_ALIKES = {
    # Cyrillic
    "а": "a", "А": "a", "в": "b", "В": "b", "е": "e", "Е": "e", "ѕ": "s", "Ѕ": "s",
    "і": "i", "І": "i", "ј": "j", "Ј": "j", "к": "k", "К": "k", "м": "m", "М": "m",
    "н": "h", "Н": "h", "һ": "h", "Һ": "h", "о": "o", "О": "o", "р": "p", "Р": "p",
    "с": "c", "С": "c", "т": "t", "Т": "t", "у": "y", "У": "y", "ү": "y", "Ү": "y",
    "х": "x", "Х": "x", "ԁ": "d", "ԛ": "q", "Ԛ": "q", "ԝ": "w", "Ԝ": "w", "ӏ": "l",
    "Ӏ": "i", "ɡ": "g", "ԍ": "g", "Ԍ": "g", "ь": "b", "п": "n", "г": "r", "ш": "w",
    # Greek
    "α": "a", "Α": "a", "β": "b", "Β": "b", "ε": "e", "Ε": "e", "ζ": "z", "Ζ": "z",
    "η": "n", "Η": "h", "ι": "i", "Ι": "i", "κ": "k", "Κ": "k", "μ": "u", "Μ": "m",
    "ν": "v", "Ν": "n", "ο": "o", "Ο": "o", "ρ": "p", "Ρ": "p", "τ": "t", "Τ": "t",
    "υ": "u", "Υ": "y", "χ": "x", "Χ": "x", "ϲ": "c", "Ϲ": "c", "ϳ": "j", "ς": "s",
    # Armenian, Latin variants and symbols used as letters
    "օ": "o", "Օ": "o", "ս": "u", "Ս": "u", "հ": "h", "ո": "n", "ց": "g", "զ": "q",
    "ı": "i", "ȷ": "j", "ɑ": "a", "ɩ": "i", "ʏ": "y", "ᴀ": "a", "ᴇ": "e", "ᴏ": "o",
    "ǀ": "l", "ł": "l", "ø": "o", "Ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe",
}  # fmt: skip
_QUOTES_DASHES = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
}
# Letters of category Lo / Mn that render as nothing (Hangul fillers, the grapheme joiner).
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u034f\u2800")
_TABLE = str.maketrans({**_LOOK_ALIKES, **_QUOTES_DASHES})
# Four or more single letters with one separator between each: a word spelt out to dodge a
# matcher. Sizes ("s m l xl") and initials ("a. b. smith") stay below four.
# One separator throughout, so "a.p.p.r.o.v.e t.h.i.s" is two words even once the extractor
# has collapsed the wider gap between them.
_SPELT = re.compile(r"(?<!\w)[^\W\d_]([ .·_*-])(?:[^\W\d_]\1){2,}[^\W\d_](?!\w)")


@dataclass(frozen=True)
class Folded:
    """The folded text and what folding had to undo (a sign of deliberate obfuscation)."""

    text: str
    invisible: int = 0
    look_alikes: int = 0

    @property
    def obfuscated(self) -> bool:
        return self.invisible > 0 or self.look_alikes > 0


def _is_latin_word_context(chars: str, i: int) -> bool:
    """A look-alike counts as obfuscation when a Latin letter stands next to it."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(chars) and chars[j].isascii() and chars[j].isalpha():
            return True
    return False


def fold(text: str) -> Folded:
    """Fold ``text`` for detection, counting removed invisible characters and mapped
    look-alike letters that stood inside Latin words."""
    text = unicodedata.normalize("NFKC", text)
    kept: list[str] = []
    invisible = 0
    for c in text:
        if c in _INVISIBLE or (unicodedata.category(c) == "Cf"):
            invisible += 1
            continue
        kept.append(c)
    decomposed = unicodedata.normalize("NFKD", "".join(kept))
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    look_alikes = sum(
        1 for i, c in enumerate(base) if c in _LOOK_ALIKES and _is_latin_word_context(base, i)
    )
    # Spelt-out words are joined before whitespace is collapsed: "a u t o   r u n" keeps the
    # wider gap between its words.
    folded = _SPELT.sub(lambda m: re.sub(r"[ .·_*-]", "", m.group()), base.translate(_TABLE))
    return Folded(" ".join(folded.casefold().split()), invisible, look_alikes)


def fold_text(text: str) -> str:
    """Just the folded text of ``fold``."""
    return fold(text).text
