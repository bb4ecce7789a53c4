"""Build the "fresh" evaluation corpus from the site specs in ``evals/tools/fresh/specs/``.

Run from anywhere: ``.venv/bin/python evals/tools/fresh_build.py [--check] [--only ID ...]
[--out DIR] [--specs DIR] [--skip-invalid]``. Every spec is validated (``fresh_spec``),
given a layout family (``assign_families``), rendered (``fresh_site``) and checked with the
project's own extractor (``fresh_check``); then ``<out>/sites/<id>/``, ``<out>/cases.jsonl``
(sorted by id, the fields of the dataset format) and ``<out>/families.json`` are written.
A build is a pure function of the specs: the same specs give the same bytes.

Problems go to stderr, one line each, and make the exit status 1; by default nothing is
written then (``--skip-invalid`` writes the specs that pass and leaves the others out).
``--only`` renders, checks and writes just the named specs (families still come from all).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fresh_check import extract_site, shared_sentences, site_problems, site_warnings, spec_problems
from fresh_site import FAMILIES, RenderedSite, render_site
from fresh_spec import DECISIONS, SPLITS, LoadedSpec, load_spec

from merchant_screen.policy.loader import load_policy
from merchant_screen.tools.pages import ExtractedPage

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "evals" / "tools" / "fresh" / "specs"
OUT = ROOT / "evals" / "datasets" / "fresh"


def assign_families(
    specs: Iterable[LoadedSpec], families: Sequence[str] = tuple(FAMILIES)
) -> dict[str, str]:
    """Family per spec id, dealt so that decision is independent of family.

    Within each (split, decision) group the ids are ordered by sha256(id) and dealt round-robin
    over ``families``, the k-th group (in split x decision order) starting at family k: so
    every family carries every decision of a split whenever the group has enough cases.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for loaded in specs:
        key = (loaded.spec.split, loaded.spec.expected.decision)
        groups.setdefault(key, []).append(loaded.spec.id)
    order = [(split, decision) for split in SPLITS for decision in DECISIONS]
    assigned = {}
    for offset, key in enumerate(order):
        ids = sorted(groups.get(key, ()), key=lambda i: hashlib.sha256(i.encode()).hexdigest())
        for index, spec_id in enumerate(ids):
            assigned[spec_id] = families[(offset + index) % len(families)]
    return dict(sorted(assigned.items()))


def case_record(loaded: LoadedSpec) -> dict[str, object]:
    """The cases.jsonl line of one spec, in the dataset format's field order."""
    spec = loaded.spec
    return {
        "id": spec.id,
        "url": f"https://{spec.host}/",
        "expected": {
            "decision": spec.expected.decision,
            "categories": list(spec.expected.categories),
        },
        "evidence": [
            {"url": f"https://{spec.host}{e.path}", "quote": e.quote} for e in spec.evidence
        ],
        "declared": {"name": spec.declared.name, "description": spec.declared.description},
        "tags": list(spec.tags),
        "split": spec.split,
        "notes": " ".join(spec.notes.split()),
    }


@dataclass
class Build:
    """What a build found and made."""

    sites: list[RenderedSite] = field(default_factory=list)
    families: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    specs_read: int = 0
    left_out: list[str] = field(default_factory=list)


def label_of(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def build(
    specs_dir: Path = SPECS, *, only: Sequence[str] = (), skip_invalid: bool = False
) -> Build:
    """Validate, assign families, render and check; write nothing."""
    result = Build()
    policy = load_policy(None)
    paths = sorted(specs_dir.glob("*.yaml"))
    result.specs_read = len(paths)
    result.problems += [
        f"{label_of(p)}: spec files end in .yaml; rename it or it is not read"
        for p in sorted(specs_dir.glob("*.yml"))
    ]
    loaded: list[LoadedSpec] = []
    bad: set[str] = set()  # stems of specs with a problem found before rendering
    owners: dict[str, str] = {}
    for path in paths:
        spec, problems = load_spec(path, policy, label_of(path))
        result.problems += problems
        if spec is None:
            bad.add(path.stem)
            continue
        problems = spec_problems(spec)
        for key in (f"id {spec.spec.id}", f"host {spec.spec.host}"):
            if key in owners:
                problems.append(f"{spec.file}: {key} is already used by {owners[key]}")
            owners.setdefault(key, spec.file)
        result.problems += problems
        if problems:
            bad.add(path.stem)
        loaded.append(spec)
    stems = [path.stem for path in paths]
    wanted = set(only) or set(stems)
    result.problems += [f"--only: no spec {name}.yaml" for name in sorted(wanted - set(stems))]
    pool = [s for s in loaded if not (skip_invalid and s.spec.id in bad)]
    seen = set(result.problems)
    pages: dict[str, dict[str, ExtractedPage]] = {}
    while True:
        result.families = assign_families(pool)
        sites, failed = [], set()
        for spec in pool:
            if spec.spec.id not in wanted:
                continue
            site = render_site(spec, result.families[spec.spec.id])
            pages[spec.spec.id] = extract_site(site)
            problems = site_problems(site, pages[spec.spec.id])
            result.problems += [p for p in problems if p not in seen]
            seen.update(problems)
            if problems:
                failed.add(spec.spec.id)
            sites.append(site)
        if not (skip_invalid and failed):
            break
        pool = [s for s in pool if s.spec.id not in failed]
    result.sites = [site for site in sites if site.id not in bad | failed]
    result.left_out = sorted(wanted & set(stems) - {site.id for site in result.sites})
    for site in result.sites:
        result.warnings += site_warnings(site, pages[site.id])
    files = {site.loaded.file for site in result.sites}
    result.warnings += [w for w in shared_sentences(loaded) if w.split(": ", 1)[0] in files]
    if only:
        keep = tuple(f"{label_of(specs_dir / name)}.yaml:" for name in wanted)
        result.problems = [p for p in result.problems if p.startswith((*keep, "--only"))]
    return result


# ---------------------------------------------------------------- writing


@dataclass
class Written:
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def _put(path: Path, data: bytes, report: Written, root: Path) -> None:
    if path.is_file() and path.read_bytes() == data:
        report.unchanged += 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    report.changed.append(path.relative_to(root).as_posix())


def write(result: Build, out: Path, *, partial: bool = False) -> Written:
    """Write the built sites, cases.jsonl and families.json under ``out``.

    A full build makes ``out/sites`` hold exactly the built sites (stale files and folders
    go); a ``partial`` one (``--only``) replaces the named sites and their lines only.
    """
    report = Written()
    sites_dir = out / "sites"
    cases: dict[str, str] = {}
    families: dict[str, str] = {}
    if partial:
        cases_file = out / "cases.jsonl"
        if cases_file.is_file():
            for line in cases_file.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    cases[json.loads(line)["id"]] = line
        if (out / "families.json").is_file():
            families = json.loads((out / "families.json").read_text(encoding="utf-8"))
    for site in result.sites:
        folder = sites_dir / site.id
        for name, data in site.files.items():
            _put(folder / name, data, report, out)
        if folder.is_dir():
            for path in sorted(folder.rglob("*"), reverse=True):
                rel = path.relative_to(folder).as_posix()
                if path.is_file() and rel not in site.files:
                    path.unlink()
                    report.removed.append(path.relative_to(out).as_posix())
                elif path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
        cases[site.id] = json.dumps(case_record(site.loaded), ensure_ascii=False)
        families[site.id] = site.family
    if not partial and sites_dir.is_dir():
        for folder in sorted(sites_dir.iterdir()):
            if folder.name not in cases:
                for path in sorted(folder.rglob("*"), reverse=True):
                    path.unlink() if path.is_file() else path.rmdir()
                folder.rmdir()
                report.removed.append(folder.relative_to(out).as_posix() + "/")
    text = "".join(cases[key] + "\n" for key in sorted(cases))
    _put(out / "cases.jsonl", text.encode(), report, out)
    families_text = json.dumps(dict(sorted(families.items())), indent=2) + "\n"
    _put(out / "families.json", families_text.encode(), report, out)
    return report


# ---------------------------------------------------------------- command line


def summary(result: Build) -> list[str]:
    """Human lines about what was built: counts per split, decision and family."""
    lines = [f"{result.specs_read} specs read, {len(result.sites)} sites pass every check"]
    if result.left_out:
        lines.append(f"left out ({len(result.left_out)}): {', '.join(result.left_out)}")
    counts = Counter((s.loaded.spec.split, s.loaded.spec.expected.decision) for s in result.sites)
    for split in SPLITS:
        row = ", ".join(f"{d} {counts[(split, d)]}" for d in DECISIONS)
        lines.append(f"  {split}: {sum(counts[(split, d)] for d in DECISIONS)} ({row})")
    per_family = Counter(site.family for site in result.sites)
    lines.append("  families: " + ", ".join(f"{n} {per_family[n]}" for n in FAMILIES))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="validate and render; write nothing")
    parser.add_argument("--only", nargs="+", default=[], metavar="ID", help="just these specs")
    parser.add_argument(
        "--out", type=Path, default=OUT, help=f"output folder (default {label_of(OUT)})"
    )
    parser.add_argument(
        "--specs", type=Path, default=SPECS, help=f"spec folder (default {label_of(SPECS)})"
    )
    parser.add_argument(
        "--skip-invalid", action="store_true", help="write the passing specs, leave the others out"
    )
    args = parser.parse_args(argv)
    result = build(args.specs, only=args.only, skip_invalid=args.skip_invalid)
    for line in result.warnings:
        print(line, flush=True)
    for line in result.problems:
        print(line, file=sys.stderr, flush=True)
    for line in summary(result):
        print(line, flush=True)
    if result.problems:
        print(f"{len(result.problems)} problems", file=sys.stderr, flush=True)
    if args.check:
        print("--check: nothing written")
    elif result.problems and not args.skip_invalid:
        print("nothing written: fix the problems, or pass --skip-invalid", file=sys.stderr)
    else:
        report = write(result, args.out, partial=bool(args.only))
        print(
            f"wrote {label_of(args.out)}: {len(result.sites)} sites; {len(report.changed)} files "
            f"new or changed, {report.unchanged} unchanged, {len(report.removed)} removed"
        )
        touched = sorted(
            {name.split("/")[1] for name in report.changed if name.startswith("sites/")}
        )
        if touched:
            more = f" and {len(touched) - 15} more" if len(touched) > 15 else ""
            print(f"  sites new or changed ({len(touched)}): {', '.join(touched[:15])}{more}")
        for name in [n for n in report.changed if not n.startswith("sites/")]:
            print(f"  {name} changed")
        for name in report.removed:
            print(f"  removed {name}")
    return 1 if result.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
