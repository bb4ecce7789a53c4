"""Build the hostile-site suite (``evals/datasets/hostile``) from the hand-written specs.

Run from anywhere: ``.venv/bin/python evals/tools/hostile_build.py [--check] [--out DIR]``.
The specs live in ``hostile_specs_{hidden,negation,injection,crash}.py``; ``hostile_site``
renders each into its pages. A build is a pure function of the specs: the same specs give the
same bytes. ``--check`` writes nothing and exits 1 when the committed dataset differs.

Every case is tagged ``evasion`` plus its kind (``hidden``, ``negation``, ``injection``,
``crash``, ``bomb``), sits in the ``test`` split (the suite measures; nothing is tuned on it)
and is a site a careful analyst would not approve. Problems (a quote missing from its page,
an unknown kind, a repeated id or host) go to stderr, one line each, and exit 1.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

import hostile_specs_crash
import hostile_specs_hidden
import hostile_specs_injection
import hostile_specs_negation
from hostile_site import KINDS, Site, case_record, render_site

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "evals" / "datasets" / "hostile"
GENERATED = ("cases.jsonl", "sites")  # what a build owns in the output folder
_TAG = re.compile(r"<[^>]*>")


def all_sites() -> tuple[Site, ...]:
    return (
        *hostile_specs_hidden.SITES,
        *hostile_specs_negation.SITES,
        *hostile_specs_injection.SITES,
        *hostile_specs_crash.SITES,
    )


def page_words(data: bytes) -> str:
    """A page's text with every tag dropped and whitespace collapsed, lowercased: what a
    person could read if nothing were hidden (the quote check does not trust the extractor)."""
    text = data.decode("utf-8", errors="replace")
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    return " ".join(html.unescape(_TAG.sub(" ", text)).split()).lower()


def problems(sites: Iterable[Site]) -> list[str]:
    found: list[str] = []
    ids: set[str] = set()
    hosts: set[str] = set()
    for site in sites:
        where = site.id
        if site.id in ids or site.host in hosts:
            found.append(f"{where}: repeated id or host")
        ids.add(site.id)
        hosts.add(site.host)
        if not site.kinds or any(k not in KINDS for k in site.kinds):
            found.append(f"{where}: kinds {site.kinds} not among {KINDS}")
        if site.decision not in ("prohibited", "restricted") and "approve" not in (
            site.forbid_actions
        ):
            found.append(f"{where}: an evasion site must be flagged or forbid approve")
        files = render_site(site)
        for path, quote in site.evidence:
            name = "index.html" if path == "/" else path.strip("/") + ".html"
            if name not in files:
                found.append(f"{where}: evidence page {path} is not rendered")
            elif " ".join(quote.split()).lower() not in page_words(files[name]):
                found.append(f"{where}: quote not on {path}: {quote[:60]}")
    return found


def write(sites: Iterable[Site], out: Path) -> None:
    """Replace the generated part of ``out`` (cases.jsonl, sites/) with a fresh build."""
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "sites", ignore_errors=True)
    lines = []
    for site in sorted(sites, key=lambda s: s.id):
        lines.append(json.dumps(case_record(site), ensure_ascii=False))
        for name, data in render_site(site).items():
            path = out / "sites" / site.id / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    (out / "cases.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def tree(root: Path) -> dict[str, bytes]:
    """Generated files under ``root`` by relative path."""
    files = {}
    for top in GENERATED:
        base = root / top
        found = [base] if base.is_file() else sorted(base.rglob("*")) if base.is_dir() else []
        for path in found:
            if path.is_file():
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    sites = all_sites()
    found = problems(sites)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        return 1
    if not args.check:
        write(sites, args.out)
        print(f"wrote {len(sites)} cases to {args.out}")
        return 0
    scratch = args.out.parent / f".{args.out.name}-check"
    try:
        write(sites, scratch)
        built, committed = tree(scratch), tree(args.out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    differ = sorted(n for n in set(built) | set(committed) if built.get(n) != committed.get(n))
    for name in differ[:20]:
        print(f"differs: {name}", file=sys.stderr)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
