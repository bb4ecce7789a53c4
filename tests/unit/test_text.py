"""Whitespace collapsing, quote normalisation and span-preserving quote lookup."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from merchant_screen.tools.text import (
    collapse_ws,
    find_quote,
    guess_language,
    normalise_for_match,
)


def test_collapse_ws_joins_runs_and_strips() -> None:
    assert collapse_ws("  Free \n\t shipping\u00a0 today  ") == "Free shipping today"
    assert collapse_ws(" \n ") == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u201cDon\u2019t panic\u201d", '"don\'t panic"'),
        ("2019\u20132024 \u2014 ok \u2212 1", "2019-2024 - ok - 1"),
        ("Wait\u2026", "wait..."),
        ("10\u00a0kg", "10 kg"),
        ("zero\u200bwidth\u00ad soft\ufeff", "zerowidth soft"),
        ("STRASSE Stra\u00dfe", "strasse strasse"),
        ("\ufb01ne \uff21\uff22", "fine ab"),
        ("  line one \n\n line two  ", "line one line two"),
    ],
)
def test_normalise_for_match(raw: str, expected: str) -> None:
    assert normalise_for_match(raw) == expected


def test_find_quote_returns_the_original_span_with_curly_quotes_and_dashes() -> None:
    text = "Intro.\nWe said \u201cno refunds\u201d \u2014 ever\u2026\nFooter"
    span = find_quote('we said "no refunds" - ever...', text)
    assert span is not None
    assert text[span[0] : span[1]] == "We said \u201cno refunds\u201d \u2014 ever\u2026"


def test_find_quote_spans_line_breaks_and_nbsp() -> None:
    text = "Buy now\nand\u00a0save   20%\non kratom"
    span = find_quote("and save 20% on Kratom", text)
    assert span is not None
    assert text[span[0] : span[1]] == "and\u00a0save   20%\non kratom"


def test_find_quote_matches_composed_and_decomposed_accents() -> None:
    text = "Visit our cafe\u0301 today"
    span = find_quote("CAF\u00c9", text)
    assert span is not None
    assert text[span[0] : span[1]] == "cafe\u0301"


def test_find_quote_does_not_start_inside_an_expanded_character() -> None:
    # "ß" normalises to "ss"; the quote "ss" must map to the whole "ß", not half of "sß".
    text = "s\u00df"
    span = find_quote("\u00df", text, whole_words=False)
    assert span == (1, 2)


@pytest.mark.parametrize("quote", ["", "   ", "\u200b", "not on the page"])
def test_find_quote_returns_none_when_missing_or_empty(quote: str) -> None:
    assert find_quote(quote, "Some page text about shoes.") is None


def test_find_quote_first_occurrence_wins() -> None:
    text = "Sale. sale. SALE."
    assert find_quote("sale", text) == (0, 4)


_ALPHABET = st.sampled_from(
    list("abcXYZ019 .,;!?'\"-\n\t")
    + [
        "\u00a0",
        "\u200b",
        "\u2018",
        "\u2019",
        "\u201c",
        "\u201d",
        "\u2013",
        "\u2014",
        "\u2026",
        "\u00df",
        "\ufb01",
        "\u00e9",
        "\u00c9",
        "\uff21",
        "\u4e2d",
        "\u0130",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.text(_ALPHABET, max_size=60), st.data())
def test_find_quote_finds_any_slice_of_the_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    wanted = normalise_for_match(text[start:end])
    assume(wanted)
    span = find_quote(text[start:end], text, whole_words=False)
    assert span is not None
    assert 0 <= span[0] < span[1] <= len(text)
    assert normalise_for_match(text[span[0] : span[1]]) == wanted


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=60), st.data())
def test_find_quote_finds_any_unicode_slice(text: str, data: st.DataObject) -> None:
    # Any slice that does not cut a character from its combining marks.
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assume(all(i == len(text) or not unicodedata.combining(text[i]) for i in (start, end)))
    wanted = normalise_for_match(text[start:end])
    assume(wanted)
    span = find_quote(text[start:end], text, whole_words=False)
    assert span is not None
    assert normalise_for_match(text[span[0] : span[1]]) == wanted


# ---------------------------------------------------------------- whole words


@pytest.mark.parametrize(
    "quote",
    [
        "ck gunsmithing tools or ammun",
        "ck gunsmithing tools or ammunition",
        "black gunsmithing tools or ammun",
        "lack gunsmithing",
        "30m",
        "Stra",  # "Straße" folds to "strasse": the quote may not end inside it
    ],
)
def test_find_quote_rejects_a_quote_that_cuts_a_word(quote: str) -> None:
    text = "We stock black gunsmithing tools or ammunition, 30mg. Stra\u00dfe 5"
    assert find_quote(quote, text) is None
    assert find_quote(quote, text, whole_words=False) is not None


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("black gunsmithing tools or ammunition", "black gunsmithing tools or ammunition"),
        ("BLACK  gunsmithing", "black gunsmithing"),
        ("tools or ammunition,", "tools or ammunition,"),
        (", 30mg.", ", 30mg."),  # punctuation at the ends needs no boundary
        ("Stra\u00dfe", "Stra\u00dfe"),
    ],
)
def test_find_quote_accepts_whole_words(quote: str, expected: str) -> None:
    text = "We stock black gunsmithing tools or ammunition, 30mg. Stra\u00dfe 5"
    span = find_quote(quote, text)
    assert span is not None
    assert text[span[0] : span[1]] == expected


def test_find_quote_skips_a_mid_word_occurrence_for_a_whole_word_one() -> None:
    text = "cartridge parts and a real part list"
    assert find_quote("part", text) == (27, 31)


def test_scripts_without_spaces_match_anywhere() -> None:
    text = "\u6211\u4eec\u51fa\u552e\u5f39\u836f\u548c\u67aa"  # no spaces between words
    assert find_quote("\u51fa\u552e\u5f39\u836f", text) == (2, 6)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(_ALPHABET, min_size=1, max_size=8), min_size=1, max_size=10), st.data())
def test_find_quote_finds_any_run_of_whole_words(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words)
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    quote = " ".join(words[start:end])
    wanted = normalise_for_match(quote)
    assume(wanted)
    span = find_quote(quote, text)
    assert span is not None
    assert normalise_for_match(text[span[0] : span[1]]) == wanted


def test_spacing_diacritics_are_dropped_for_matching() -> None:
    # NFKC turns "\u00af" (macron) into a space plus a combining mark; matching drops it,
    # so normalising is idempotent and words around it still match.
    assert normalise_for_match("R\u00b8") == "r"
    assert find_quote("\u00af", "0\u00af") is None  # nothing left to look for
    assert find_quote("a\u00a8b", "x a\u00a8b y") == (2, 5)
    assert find_quote("ab", "x a\u00a8b y") == (2, 5)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_finds_itself(text: str) -> None:
    # Holds for every string, including combining marks, controls and odd whitespace.
    assume(normalise_for_match(text))
    span = find_quote(text, text)
    assert span is not None
    assert normalise_for_match(text[span[0] : span[1]]) == normalise_for_match(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_normalise_is_idempotent_and_collapsed(text: str) -> None:
    once = normalise_for_match(text)
    assert normalise_for_match(once) == once
    assert "  " not in once
    assert once == once.strip()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The shop is open and we ship to you with care for the planet from our store.", "en"),
        (
            "Wir sind ein kleiner Laden und die Ware ist nicht teuer, mit Liebe für Sie gemacht.",
            "de",
        ),
        (
            "Nous sommes une boutique et vous pouvez commander avec votre carte pour le retour.",
            "fr",
        ),
        ("Somos una tienda y los productos para el hogar con envío por correo son del país.", "es"),
        ("Wij zijn een winkel en het is niet duur, met gratis verzending voor onze klanten.", "nl"),
    ],
)
def test_guess_language(text: str, language: str) -> None:
    assert guess_language(text) == language


def test_guess_language_is_none_when_unsure() -> None:
    assert guess_language("SKU 1234 / 5678 - $19.99") is None
    assert guess_language("") is None
