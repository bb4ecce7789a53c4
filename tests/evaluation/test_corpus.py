"""Coverage checks of the labelled corpus (issue 5, section 1) and of the smoke set.

How "layout" is measured: a site's layout is read off its homepage markup, as the set of
``tag.class`` tokens of the elements in <body> (digits and hex ids folded, bare tag names
for elements without a class). Two homepages whose token sets have a Jaccard similarity of
0.5 or more share a layout, transitively; a layout family is a connected group. The corpus
needs at least 6 families of 3 or more sites, and no family may hold a quarter of the sites.

Near-duplicates: a site's text is the visible text of all its HTML pages; two sites whose
5-word shingle sets have a Jaccard similarity of 0.5 or more are near-duplicates.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser

from merchant_screen.evaluation.dataset import Case, Dataset, load_dataset, site_file
from merchant_screen.policy.loader import load_policy
from merchant_screen.tools.extract import extract_page
from merchant_screen.tools.text import collapse_ws

DATASETS = Path(__file__).parents[2] / "evals" / "datasets"
FLAGGED = ("prohibited", "restricted")


@pytest.fixture(scope="module")
def core() -> Dataset:
    return load_dataset(DATASETS / "core")


@pytest.fixture(scope="module")
def smoke() -> Dataset:
    return load_dataset(DATASETS / "smoke")


def html_pages(dataset: Dataset, case: Case) -> Iterator[tuple[str, Path]]:
    """(URL, file) of every HTML page of a case's site."""
    root = dataset.site_dir(case.id)
    base = case.url.rstrip("/")
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith("_") for part in rel.split("/")):
            continue
        url_path = "/" if rel == "index.html" else "/" + rel.removesuffix(".html")
        yield base + url_path, path


def visible_text(path: Path, url: str) -> str:
    return extract_page(path.read_bytes(), url).text


def test_size_and_pages_per_site(core: Dataset) -> None:
    assert len(core) >= 100
    for case in core:
        assert (core.site_dir(case.id) / "index.html").is_file(), case.id
        pages = len(list(html_pages(core, case)))
        if case.expected.decision != "unknown":
            assert 3 <= pages <= 10, f"{case.id} has {pages} pages"


def test_every_category_in_two_cases_and_every_decision(core: Dataset) -> None:
    ids = load_policy(None).ids
    assert len(ids) == 25
    counts = Counter(c for case in core for c in case.expected.categories)
    assert not set(counts) - set(ids), "labels outside the policy"
    thin = {category: counts[category] for category in ids if counts[category] < 2}
    assert not thin, f"categories in fewer than 2 cases: {thin}"
    assert {case.expected.decision for case in core} == {
        "prohibited",
        "restricted",
        "allowed",
        "unknown",
    }


def test_required_case_kinds(core: Dataset) -> None:
    def tagged(tag: str) -> list[Case]:
        return [case for case in core if tag in case.tags]

    hard = tagged("hard_negative")
    assert all(case.expected.decision == "allowed" for case in hard)
    assert len(hard) >= 20
    assert sum(1 for case in core if case.expected.decision == "unknown") >= 5
    injection = tagged("injection")
    assert len(injection) >= 6
    assert all(case.expected.decision in FLAGGED for case in injection)
    misrepresentation = tagged("misrepresentation")
    assert len(misrepresentation) >= 5
    for case in misrepresentation:
        assert case.expected.decision in FLAGGED and case.declared is not None
        assert case.declared.description, case.id
    assert {t for case in core for t in case.tags} <= {
        "hard_negative",
        "injection",
        "misrepresentation",
    }


def test_labelled_evidence_mostly_off_the_homepage(core: Dataset) -> None:
    evidence = [e for case in core for e in case.evidence]
    off_home = [e for e in evidence if urlsplit(e.url).path not in ("", "/")]
    assert len(off_home) >= 0.3 * len(evidence)
    for case in core:
        if case.expected.decision in FLAGGED:
            assert case.evidence, f"{case.id} is {case.expected.decision} with no labelled quote"


@pytest.mark.parametrize("name", ["core", "smoke"])
def test_every_labelled_quote_is_in_its_page(name: str) -> None:
    dataset = load_dataset(DATASETS / name)
    missing = []
    for case in dataset:
        for item in case.evidence:
            path = site_file(dataset.site_dir(case.id), unquote(urlsplit(item.url).path) or "/")
            assert path is not None, item.url
            text = collapse_ws(visible_text(path, item.url)).lower()
            if collapse_ws(item.quote).lower() not in text:
                missing.append(f"{case.id}: {item.quote[:60]!r} not on {item.url}")
    assert not missing, "\n".join(missing)


def layout_tokens(html: str) -> frozenset[str]:
    tree = LexborHTMLParser(html)
    tokens = set()
    for node in tree.css("body *"):
        classes = (node.attributes.get("class") or "").split()
        for name in classes:
            tokens.add(f"{node.tag}.{re.sub(r'[0-9a-f]{6,}|[0-9]+', '#', name.lower())}")
        if not classes:
            tokens.add(str(node.tag))
    return frozenset(tokens)


def jaccard(a: frozenset[object] | set[object], b: frozenset[object] | set[object]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 1.0


def families(items: dict[str, frozenset[str]], threshold: float) -> list[list[str]]:
    parent = {key: key for key in items}

    def root(key: str) -> str:
        while parent[key] != key:
            key = parent[key]
        return key

    for a, b in itertools.combinations(items, 2):
        if jaccard(items[a], items[b]) >= threshold:
            parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for key in items:
        groups.setdefault(root(key), []).append(key)
    return list(groups.values())


def test_layouts_are_varied(core: Dataset) -> None:
    tokens = {
        case.id: layout_tokens((core.site_dir(case.id) / "index.html").read_text("utf-8"))
        for case in core
    }
    groups = families(tokens, 0.5)
    big = [g for g in groups if len(g) >= 3]
    assert len(big) >= 6, f"only {len(big)} layout families of 3+ sites"
    largest = max(len(g) for g in groups)
    assert largest < len(core) / 4, f"one layout covers {largest} of {len(core)} sites"


def shingles(dataset: Dataset, case: Case) -> set[object]:
    out: set[object] = set()
    for url, path in html_pages(dataset, case):
        words = re.findall(r"\w+", visible_text(path, url).lower())
        out |= {tuple(words[i : i + 5]) for i in range(len(words) - 4)}
    return out


def test_no_two_sites_are_near_duplicates(core: Dataset, smoke: Dataset) -> None:
    texts = {case.id: shingles(core, case) for case in core}
    texts |= {case.id: shingles(smoke, case) for case in smoke}
    close = [
        f"{a} ~ {b}: {similarity:.2f}"
        for a, b in itertools.combinations(sorted(texts), 2)
        if texts[a] and texts[b] and (similarity := jaccard(texts[a], texts[b])) >= 0.5
    ]
    assert not close, "near-duplicate sites:\n" + "\n".join(close)


def test_splits_are_about_half_and_stratified(core: Dataset) -> None:
    assert {case.split for case in core} == {"dev", "test"}
    dev = sum(1 for case in core if case.split == "dev")
    assert 0.4 <= dev / len(core) <= 0.6
    for decision in ("prohibited", "restricted", "allowed", "unknown"):
        cases = [case for case in core if case.expected.decision == decision]
        share = sum(1 for case in cases if case.split == "dev") / len(cases)
        assert 1 / 3 <= share <= 2 / 3, f"{decision}: {share:.2f} of cases in dev"


def test_smoke_set_mix(smoke: Dataset) -> None:
    assert len(smoke) == 6
    injection = [case for case in smoke if "injection" in case.tags]
    assert len(injection) == 1 and injection[0].expected.decision in FLAGGED
    plain = [case for case in smoke if not case.tags]
    decisions = Counter(case.expected.decision for case in plain)
    assert decisions == Counter({"prohibited": 1, "restricted": 1, "unknown": 1})
    hard = [case for case in smoke if "hard_negative" in case.tags]
    assert len(hard) == 2 and all(case.expected.decision == "allowed" for case in hard)
