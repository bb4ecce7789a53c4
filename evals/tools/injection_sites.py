"""Whole-site measurement of the injection detector (used by ``injection_fit.py``).

A flag sends a verdict to review, so what counts for a merchant is whether ANY text of its
site is reported. This module loads whole sites (every page file, robots.txt and sitemap
comments, through the real extractor and parsers), and measures site-level flagging out of
fold: the ordinary sentences of the ``core`` / ``fresh`` dev sites are in the training set,
so each dev site is scored by a detector fitted without any sentence found on it (folds
grouped by site; training attempts grouped by their addressee so a composed attempt never
has a twin in the fitting fold). The ``real-dev`` pages (real third-party pages, never in
the training set, see ``evals/tools/REAL_DEV.md``) are scored by the full fit.

Test splits are loaded only for the final report (``split="test"``), never for choices.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from merchant_screen.agent.injection import Candidate, candidates
from merchant_screen.agent.injection_model import Detector
from merchant_screen.evaluation.dataset import load_dataset
from merchant_screen.tools.extract import extract_page
from merchant_screen.tools.pages import ExtractedPage
from merchant_screen.tools.robots import SiteComment, robots_comments
from merchant_screen.tools.sitemap import parse_sitemap

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "evals" / "datasets"
FOLDS = 5
FLOOR = 0.02  # candidates kept down to this probability, so rules can be compared later

Trainer = Callable[[Sequence[dict[str, Any]]], Detector]


@dataclass(frozen=True)
class Site:
    key: str  # corpus/case id
    injection: bool  # the case is tagged ``injection``
    decision: str  # the labelled decision
    pages: tuple[ExtractedPage, ...]
    comments: tuple[SiteComment, ...]


def load_site(folder: Path, url: str) -> tuple[tuple[ExtractedPage, ...], tuple[SiteComment, ...]]:
    """Every HTML file of a site folder and its robots.txt / sitemap comments."""
    pages = tuple(
        extract_page(h.read_bytes(), url + h.relative_to(folder).as_posix())
        for h in sorted(folder.rglob("*.html"))
    )
    comments: list[SiteComment] = []
    robots = folder / "robots.txt"
    if robots.exists():
        text = robots_comments(robots.read_text("utf-8", errors="replace"))
        comments.append(SiteComment(url=url + "robots.txt", source="robots", text=text))
    for xml in sorted(folder.rglob("sitemap*.xml")):
        comments += [
            SiteComment(url=url + xml.name, source="sitemap", text=t)
            for t in parse_sitemap(xml.read_bytes()).comments
        ]
    return pages, tuple(comments)


def corpus_sites(corpus: str, split: str) -> list[Site]:
    """The cases of one split of a corpus under ``evals/datasets`` as whole sites."""
    dataset = load_dataset(DATASETS / corpus)
    out = []
    for case in dataset.cases:
        if case.split != split:
            continue
        pages, comments = load_site(dataset.path / "sites" / case.id, case.url)
        out.append(Site(f"{corpus}/{case.id}", "injection" in case.tags,
                        case.expected.decision, pages, comments))  # fmt: skip
    return out


def site_hits(site: Site, detector: Detector, floor: float = FLOOR) -> list[Candidate]:
    return candidates(site.pages, site.comments, detector, floor)


def _fold_of(key: str, folds: int = FOLDS) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % folds


def row_group(row: dict[str, Any], index: int) -> str:
    """The fold group of a training row that is not a harvested sentence."""
    return f"{row['origin']}:{row.get('group') or index}"


@dataclass(frozen=True)
class OutOfFold:
    """Candidates of held-out rows and dev sites, each from a fit that never saw them."""

    rows: list[list[Candidate]]  # per training row, scanned as one page's visible text
    sites: dict[str, list[Candidate]]  # per dev site key


def out_of_fold(rows: Sequence[dict[str, Any]], sites: Sequence[Site], train: Trainer,
                folds: int = FOLDS) -> OutOfFold:  # fmt: skip
    """Fit ``folds`` times; fold k leaves out the dev sites hashed to k, every harvested
    sentence found on one of them, and the other rows whose group hashes to k."""
    site_fold = {s.key: _fold_of(s.key, folds) for s in sites}

    def folds_of(i: int, row: dict[str, Any]) -> set[int]:
        if row.get("sites"):
            return {site_fold.get(k, _fold_of(k, folds)) for k in row["sites"]}
        return {_fold_of(row_group(row, i), folds)}

    row_folds = [folds_of(i, r) for i, r in enumerate(rows)]
    scanned: list[list[Candidate]] = [[] for _ in rows]
    by_site: dict[str, list[Candidate]] = {}
    for k in range(folds):
        detector = train([r for r, f in zip(rows, row_folds, strict=True) if k not in f])
        for i, row in enumerate(rows):
            # a row on several sites is held out of every fold of them; scored by its first
            if min(row_folds[i]) == k:
                scanned[i] = candidates([ExtractedPage(url="https://row.test/", text=row["text"])],
                                        (), detector, FLOOR)  # fmt: skip
        for site in sites:
            if site_fold[site.key] == k:
                by_site[site.key] = site_hits(site, detector)
    return OutOfFold(scanned, by_site)


def real_dev_sites() -> list[Site]:
    """The real-dev pages (dev only; none if the dataset was not built on this machine)."""
    if not (DATASETS / "real-dev" / "cases.jsonl").exists():
        return []
    return corpus_sites("real-dev", "dev")
