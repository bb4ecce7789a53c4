"""Build the ``real-dev`` evaluation dataset from the dev halves of two public datasets.

Run from the repository root::

    python evals/tools/real_dev.py [--zyte-git DIR] [--cyber-git DIR] [--out DIR]

Sources (bare git mirrors, read with ``git ls-tree`` / ``git cat-file``, no work tree):

* ``scrapinghub/product-extraction-benchmark`` at ``cba97d7a``: the raw product pages listed
  in ``zyte-dev.txt`` (``path TAB original URL``), served unchanged as ``index.html``.
* ``huji-nlp/cyber`` at ``54958650``: the DUTA-10K "Drugs" text dumps of the onion addresses
  in ``duta-dev.txt`` (``data/onion/{illegal,legal}/<address>.txt``, class from
  ``csvs/labels.csv``) and every eBay listing in ``data/ebay/``; each text is wrapped in a
  minimal HTML page so the extractor sees it as visible body text.

Only listed items are read. Labels come from ``real_dev_labels.yaml`` beside this script;
every label is checked against the policy's tiers and every evidence quote against its
page's visible text (``extract_page``); on any problem the build lists them all and writes
nothing. The output (``cases.jsonl``, ``sites/<id>/index.html`` and ``robots.txt``) holds
other people's text: it lives in an ignored folder and is rebuilt byte for byte the same on
every run. See ``REAL_DEV.md``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from real_dev_text import (
    BuildError,
    clean_dump,
    decode_dump,
    drop_duplicates,
    duta_id,
    ebay_id,
    first_line,
    split_ebay,
    wrap_text,
    zyte_id,
)

from merchant_screen.policy.loader import load_policy
from merchant_screen.policy.model import Decision, Policy
from merchant_screen.tools.extract import extract_page
from merchant_screen.tools.text import collapse_ws

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path("/work/shared/real-dev")
ZYTE_GIT = Path("/work/.mirror/scrapinghub+product-extraction-benchmark/repo")
ZYTE_COMMIT = "cba97d7a8d42aeefd4021bc15d482f297faceaa3"
CYBER_GIT = Path("/work/.mirror/huji-nlp+cyber/repo")
CYBER_COMMIT = "5495865072fd9e2d966f446a8ded54afffc44216"
LABELS = Path(__file__).resolve().parent / "real_dev_labels.yaml"
OUT = ROOT / "evals" / "datasets" / "real-dev"
SKIP_ADDRESSES = frozenset({"pyro5l7wciwhv2sa"})  # a pyrotechnics index mislabelled as Drugs
ONION_DIRS = ("data/onion/illegal", "data/onion/legal")
EBAY_DIR = "data/ebay"
ROBOTS = "User-agent: *\nAllow: /\n"
SOURCES = ("zyte", "duta", "ebay")


# --- labels --------------------------------------------------------------------------------


class Label(BaseModel):
    """Our label of one page (an entry of ``real_dev_labels.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    decision: Decision
    categories: tuple[str, ...] = ()
    reason: str = Field(min_length=1, description="one line: why this label")
    evidence: tuple[str, ...] = Field((), description="verbatim quotes from the visible text")
    hard_negative: bool = Field(False, description="allowed, but its words sound like a category")


def label_problems(label: Label, policy: Policy) -> list[str]:
    """Why a label disagrees with the policy's tiers or the file's rules ([] when it is fine)."""
    problems = []
    tiers = []
    for category in label.categories:
        try:
            tiers.append(policy.tier_of(category))
        except KeyError:
            problems.append(f"unknown category {category!r}")
    if len(set(label.categories)) != len(label.categories):
        problems.append("categories repeat")
    flagged = label.decision in ("prohibited", "restricted")
    if flagged:
        worst = "prohibited" if "prohibited" in tiers else "restricted" if tiers else None
        if not label.categories:
            problems.append(f"decision {label.decision} needs a category")
        elif worst and worst != label.decision:
            problems.append(f"decision {label.decision} but the worst category tier is {worst}")
        if not 1 <= len(label.evidence) <= 2:
            problems.append(f"decision {label.decision} needs one or two evidence quotes")
    else:
        if label.categories:
            problems.append(f"decision {label.decision} takes no categories")
        if label.evidence:
            problems.append(f"decision {label.decision} takes no evidence")
    if label.hard_negative and label.decision != "allowed":
        problems.append("hard_negative is for allowed pages")
    if "\n" in label.reason:
        problems.append("reason is not one line")
    return problems


def parse_labels(raw: object, policy: Policy) -> dict[str, Label]:
    """Validate the loaded YAML (``{id: entry}``); raises ``BuildError`` listing every problem."""
    if not isinstance(raw, dict):
        raise BuildError("labels file is not a mapping of id -> label")
    labels: dict[str, Label] = {}
    problems: list[str] = []
    for case_id, entry in raw.items():
        try:
            label = Label.model_validate(entry)
        except ValidationError as exc:
            problems.extend(f"{case_id}: {err['loc']}: {err['msg']}" for err in exc.errors())
            continue
        problems.extend(f"{case_id}: {problem}" for problem in label_problems(label, policy))
        labels[str(case_id)] = label
    if problems:
        raise BuildError("invalid labels:\n  " + "\n  ".join(problems))
    return labels


def load_labels(path: Path, policy: Policy) -> dict[str, Label]:
    return parse_labels(yaml.safe_load(path.read_text(encoding="utf-8")), policy)


def missing_quotes(page_html: bytes, url: str, quotes: Iterable[str]) -> list[str]:
    """Quotes not in the page's visible text (both whitespace-collapsed and lowercased)."""
    text = collapse_ws(extract_page(page_html, url).text).lower()
    return [quote for quote in quotes if collapse_ws(quote).lower() not in text]


# --- sources -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GitSource:
    """One commit of a (bare) git repository, read with plumbing commands only."""

    git_dir: Path
    commit: str

    def _git(self, *args: str) -> bytes:
        result = subprocess.run(
            ["git", "--git-dir", str(self.git_dir), *args], capture_output=True, check=False
        )
        if result.returncode:
            message = result.stderr.decode("utf-8", "replace").strip()
            raise BuildError(f"git {args[0]} in {self.git_dir} failed: {message}")
        return result.stdout

    def verify(self) -> str:
        """The full hash of the commit; ``BuildError`` if the repository does not hold it."""
        if not (self.git_dir / "objects").is_dir():
            raise BuildError(f"{self.git_dir} is not a git directory")
        try:
            out = self._git("rev-parse", "--verify", "--quiet", f"{self.commit}^{{commit}}")
        except BuildError:
            raise BuildError(f"commit {self.commit} is not in {self.git_dir}") from None
        return out.decode("ascii").strip()

    def list_dir(self, folder: str) -> dict[str, str]:
        """``{path: blob id}`` of the files directly in ``folder`` (names only; nothing read)."""
        out = self._git("ls-tree", "-z", self.commit, "--", folder.rstrip("/") + "/")
        files = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            _mode, kind, blob = meta.decode("ascii").split()
            if kind == "blob":
                files[path.decode("utf-8")] = blob
        return files

    def read(self, blob: str) -> bytes:
        return self._git("cat-file", "blob", blob)

    def read_path(self, path: str) -> bytes:
        return self._git("cat-file", "blob", f"{self.commit}:{path}")


@dataclass(frozen=True)
class Page:
    """One built page: its case id, source, ``index.html`` bytes and where it came from."""

    id: str
    source: str
    html: bytes
    origin: str


@dataclass
class DutaPages:
    """The DUTA pages kept, the ``(dropped, same text as)`` id pairs and each id's DUTA class."""

    pages: list[Page] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)
    classes: dict[str, str] = field(default_factory=dict)


def read_list(path: Path) -> list[str]:
    """Non-empty lines of a list file, in order."""
    return [line.rstrip("\n") for line in path.read_text("utf-8").splitlines() if line.strip()]


def _unique(pages: list[Page]) -> list[Page]:
    seen: dict[str, str] = {}
    for page in pages:
        if page.id in seen:
            raise BuildError(f"id {page.id} made twice ({seen[page.id]} and {page.origin})")
        seen[page.id] = page.origin
    return pages


def zyte_pages(source: GitSource, listing: list[str]) -> list[Page]:
    """The listed pages (``path TAB original URL``), gunzipped and otherwise unchanged."""
    pages = []
    folders: dict[str, dict[str, str]] = {}
    for line in listing:
        path, _, url = line.partition("\t")
        case_id = zyte_id(path)
        folder = path.rsplit("/", 1)[0]
        files = folders.setdefault(folder, source.list_dir(folder))
        if path not in files:
            raise BuildError(f"{path} is not in {source.git_dir} at {source.commit}")
        pages.append(Page(case_id, "zyte", gzip.decompress(source.read(files[path])), url.strip()))
    return _unique(pages)


def duta_classes(source: GitSource) -> dict[str, str]:
    """``{onion address: "Main/Sub"}`` from ``csvs/labels.csv`` (cells whitespace-stripped)."""
    text = decode_dump(source.read_path("csvs/labels.csv")).lstrip("\ufeff")
    classes = {}
    for row in list(csv.reader(io.StringIO(text)))[1:]:
        cells = [cell.strip() for cell in row]
        if len(cells) >= 3 and cells[0]:
            classes[cells[0].lower()] = f"{cells[1]}/{cells[2]}"
    return classes


def duta_pages(source: GitSource, addresses: list[str]) -> DutaPages:
    """The listed onion dumps, cleaned and wrapped; exact duplicates dropped (first id kept)."""
    classes = duta_classes(source)
    files: dict[str, str] = {}
    for folder in ONION_DIRS:  # names only: no dump is read unless its address is listed
        for path, blob in source.list_dir(folder).items():
            files[path.rsplit("/", 1)[-1].lower()] = blob
    texts: dict[str, str] = {}
    result = DutaPages()
    for address in dict.fromkeys(a.strip().lower() for a in addresses):
        onion = address if address.endswith(".onion") else address + ".onion"
        if onion.removesuffix(".onion") in SKIP_ADDRESSES:
            continue
        if not classes.get(onion, "").startswith("Drugs/"):
            raise BuildError(f"{onion} is not a Drugs page in csvs/labels.csv")
        if onion + ".txt" not in files:
            raise BuildError(f"no dump of {onion} in {', '.join(ONION_DIRS)}")
        texts[onion] = clean_dump(source.read(files[onion + ".txt"]))
        result.classes[duta_id(onion)] = classes[onion]
    kept, dropped = drop_duplicates(texts)
    result.dropped = [(duta_id(gone), duta_id(same)) for gone, same in dropped]
    for onion, text in kept.items():
        page_html = wrap_text(text, title=first_line(text)).encode("utf-8")
        origin = f"DUTA-10K {classes[onion]}, {onion}"
        result.pages.append(Page(duta_id(onion), "duta", page_html, origin))
    result.pages = _unique(result.pages)
    return result


def ebay_pages(source: GitSource) -> list[Page]:
    """Every listing in ``data/ebay/``: the file name is the listing title."""
    pages = []
    for path, blob in sorted(source.list_dir(EBAY_DIR).items()):
        title = collapse_ws(path.rsplit("/", 1)[-1])
        url, text = split_ebay(source.read(blob))
        page_html = wrap_text(text, title=title, heading=title).encode("utf-8")
        pages.append(Page(ebay_id(title), "ebay", page_html, url or "eBay listing, no URL"))
    return _unique(pages)


# --- cases and output ----------------------------------------------------------------------


def case_url(case_id: str) -> str:
    return f"https://{case_id}.test/"


def make_case(page: Page, label: Label) -> dict[str, object]:
    """The ``cases.jsonl`` record of a page and its label."""
    url = case_url(page.id)
    tags = ["real", page.source] + (["hard_negative"] if label.hard_negative else [])
    return {
        "id": page.id,
        "url": url,
        "expected": {"decision": label.decision, "categories": list(label.categories)},
        "evidence": [{"url": url, "quote": quote} for quote in label.evidence],
        "declared": None,
        "tags": tags,
        "split": "dev",
        "notes": f"{label.reason} Source: {page.origin}",
    }


def check_pages(pages: list[Page], labels: Mapping[str, Label]) -> None:
    """Every page has a label, every label a page, and every quote is on its page."""
    ids = {page.id for page in pages}
    problems = [f"{i}: no label" for i in sorted(ids - labels.keys())]
    problems += [f"{i}: labelled but not built" for i in sorted(labels.keys() - ids)]
    for page in pages:
        label = labels.get(page.id)
        if label and label.evidence:
            for quote in missing_quotes(page.html, case_url(page.id), label.evidence):
                problems.append(f"{page.id}: quote not in the visible text: {quote!r}")
    if problems:
        raise BuildError("labels do not fit the pages:\n  " + "\n  ".join(problems))


def write_dataset(out: Path, pages: list[Page], labels: Mapping[str, Label]) -> None:
    """Replace ``out/cases.jsonl`` and ``out/sites/``; other files in ``out`` are left alone."""
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "sites", ignore_errors=True)
    lines = []
    for page in pages:
        site = out / "sites" / page.id
        site.mkdir(parents=True)
        (site / "index.html").write_bytes(page.html)
        (site / "robots.txt").write_text(ROBOTS, encoding="utf-8")
        lines.append(json.dumps(make_case(page, labels[page.id]), ensure_ascii=False))
    (out / "cases.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def counts(pages: list[Page], labels: Mapping[str, Label]) -> Counter[tuple[str, str, str]]:
    """``(source, decision, categories joined by '+')`` -> number of pages."""
    return Counter(
        (page.source, labels[page.id].decision, "+".join(labels[page.id].categories) or "-")
        for page in pages
    )


_DUTA_FITS = {
    "Drugs/Illegal": {"illegal_drugs", "marijuana"},
    "Drugs/Legal": {"unlicensed_pharmacy"},
}


def duta_disagreements(classes: Mapping[str, str], labels: Mapping[str, Label]) -> list[str]:
    """Ids whose label is not what the brief's rule derives from the DUTA class, with both."""
    notes = []
    for case_id, duta_class in sorted(classes.items()):
        label = labels.get(case_id)
        fits = _DUTA_FITS.get(duta_class, set())
        if label and not (label.decision == "prohibited" and set(label.categories) <= fits):
            got = "+".join(label.categories) or "-"
            notes.append(f"{case_id}: DUTA {duta_class}, labelled {label.decision} {got}")
    return notes


def build(
    *,
    zyte: GitSource,
    cyber: GitSource,
    zyte_list: Path,
    duta_list: Path,
    labels_path: Path,
    out: Path,
) -> tuple[list[Page], DutaPages, dict[str, Label]]:
    """Read the listed sources, check the labels against them, and write the dataset."""
    for source in (zyte, cyber):
        source.verify()
    policy = load_policy(None)
    labels = load_labels(labels_path, policy)
    duta = duta_pages(cyber, read_list(duta_list))
    pages = zyte_pages(zyte, read_list(zyte_list)) + duta.pages + ebay_pages(cyber)
    pages.sort(key=lambda page: (SOURCES.index(page.source), page.id))
    check_pages(pages, labels)
    write_dataset(out, pages, labels)
    return pages, duta, labels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--zyte-git", type=Path, default=ZYTE_GIT)
    parser.add_argument("--zyte-commit", default=ZYTE_COMMIT)
    parser.add_argument("--zyte-list", type=Path, default=SHARED / "zyte-dev.txt")
    parser.add_argument("--cyber-git", type=Path, default=CYBER_GIT)
    parser.add_argument("--cyber-commit", default=CYBER_COMMIT)
    parser.add_argument("--duta-list", type=Path, default=SHARED / "duta-dev.txt")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    try:
        pages, duta, labels = build(
            zyte=GitSource(args.zyte_git, args.zyte_commit),
            cyber=GitSource(args.cyber_git, args.cyber_commit),
            zyte_list=args.zyte_list,
            duta_list=args.duta_list,
            labels_path=args.labels,
            out=args.out,
        )
    except (BuildError, OSError, yaml.YAMLError) as exc:
        print(f"real_dev: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(pages)} cases to {args.out}")
    for (source, decision, categories), n in sorted(counts(pages, labels).items()):
        print(f"  {source:5} {decision:10} {categories:30} {n}")
    for dropped, kept in duta.dropped:
        print(f"  dropped {dropped}: same text as {kept}")
    for note in duta_disagreements(duta.classes, labels):
        print(f"  label differs from the DUTA class: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
