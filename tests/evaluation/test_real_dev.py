"""The real-dev builder (``evals/tools/real_dev.py``) on small synthetic inputs.

CI has no copy of the two source datasets, so the pure parts are tested on made-up dumps and
the git-reading path on tiny bare repositories built here with the same layout. The labels
file that is committed is checked against the packaged policy.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from merchant_screen.evaluation.dataset import Case, load_dataset
from merchant_screen.policy.loader import load_policy
from merchant_screen.tools.extract import extract_page

TOOLS = Path(__file__).parents[2] / "evals" / "tools"


def _load(name: str) -> ModuleType:
    """Import a script module from ``evals/tools`` (they import each other by bare name)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


text_mod = _load("real_dev_text")
real_dev = _load("real_dev")
BuildError = text_mod.BuildError
POLICY = load_policy(None)

LYNX_DUMP = """\
   [1]     GreenShop - order weed online
   [2]Login [3]Register

Purple Kush

   Beautiful buds.
   20g Purple Kush  160 GBP  Buy now

References

   Visible links
   1. file:///home/x/aaaa.onion/index.php
   2. file:///home/x/aaaa.onion/login.php

   Hidden links:
   3. file://localhost/home/x/aaaa.onion/register.php
   [1]<-- Home

Second page

   1g cocaine 80 EUR

References

   1. file:///
  11. mailto: shop@example.onion
"""


# --- dump text ---------------------------------------------------------------------------


def test_strip_references_drops_every_block_and_keeps_the_pages() -> None:
    text = text_mod.strip_references(LYNX_DUMP)
    assert "References" not in text and "file://" not in text and "mailto" not in text
    assert "Hidden links" not in text and "Visible links" not in text
    for kept in ("GreenShop - order weed online", "20g Purple Kush", "<-- Home", "1g cocaine"):
        assert kept in text


def test_strip_references_keeps_a_references_line_without_links() -> None:
    text = "Our References\nReferences\n\nHappy customers in 12 countries.\n"
    assert text_mod.strip_references(text) == text.rstrip("\n")


def test_clean_dump_removes_link_markers_controls_and_blank_runs() -> None:
    raw = LYNX_DUMP.replace("\n", "\r\n").encode() + b"\x00\x07Straight A\x92s Haze\n\n\n\n"
    text = text_mod.clean_dump(raw)
    assert "[1]" not in text and "[3]" not in text and "\r" not in text
    assert text.splitlines()[0].strip() == "GreenShop - order weed online"
    assert "Straight A’s Haze" in text  # a stray cp1252 byte in a UTF-8 dump
    assert "\x00" not in text and "\x07" not in text and "\n\n\n" not in text
    assert not text.endswith("\n")


def test_decode_dump_reads_utf8_and_falls_back_per_byte() -> None:
    assert text_mod.decode_dump("Grüße ฿".encode()) == "Grüße ฿"
    assert text_mod.decode_dump(b"ok \x93quoted\x94 " + "ü".encode()) == ("ok “quoted” ü")


def test_drop_duplicates_keeps_the_first_address_of_each_text() -> None:
    texts = {
        "cccc.onion": "Shop\n  20g  Kush",
        "aaaa.onion": "Shop 20g Kush",  # same text, other whitespace
        "bbbb.onion": "Other shop",
        "dddd.onion": "Shop 20g Kush\n",
    }
    kept, dropped = text_mod.drop_duplicates(texts)
    assert list(kept) == ["aaaa.onion", "bbbb.onion"]
    assert dropped == [("cccc.onion", "aaaa.onion"), ("dddd.onion", "aaaa.onion")]


def test_split_ebay_takes_the_url_line_out_of_the_text() -> None:
    url, text = text_mod.split_ebay(b"## URL https://www.ebay.com/itm/1\nFeatures\n- a\n")
    assert (url, text) == ("https://www.ebay.com/itm/1", "Features\n- a")
    url, text = text_mod.split_ebay(b"## URL Car Mini Cooler Box\nTips\n")
    assert (url, text) == ("", "Tips")
    assert text_mod.split_ebay(b"No header\n") == ("", "No header")


# --- wrapping keeps the text visible -----------------------------------------------------


def test_wrapped_text_is_visible_body_text_for_the_extractor() -> None:
    text = text_mod.clean_dump(LYNX_DUMP.encode()) + "\n\nPrices <b>low</b> & fair; 5 > 3"
    title = text_mod.first_line(text)
    html = text_mod.wrap_text(text, title=title, heading="Listing <Title>")
    page = extract_page(html.encode(), "https://d-aaaa.test/")
    assert page.title == "GreenShop - order weed online"
    assert page.state == "ok" and not page.hidden
    visible = " ".join(page.text.split())
    assert visible.startswith("Listing <Title> GreenShop - order weed online")
    assert "Prices <b>low</b> & fair; 5 > 3" in visible  # escaped, shown as text
    for line in text.splitlines():
        assert " ".join(line.split()) in visible
    # A quote that spans a line break of the dump still matches (whitespace collapses).
    url = "https://d-aaaa.test/"
    assert real_dev.missing_quotes(html.encode(), url, ["beautiful BUDS. 20g purple kush"]) == []
    assert real_dev.missing_quotes(html.encode(), url, ["not on the page"]) == ["not on the page"]


def test_wrap_text_of_an_empty_dump_is_still_a_page() -> None:
    html = text_mod.wrap_text("", title="")
    assert "<body>" in html and extract_page(html.encode(), "https://x.test/").text == ""


# --- ids ---------------------------------------------------------------------------------


def test_ids_follow_the_dataset_rules() -> None:
    sha = hashlib.sha256(b"page").hexdigest()
    assert text_mod.zyte_id(f"dataset/html/{sha}.html.gz") == "z-" + sha[:10]
    assert text_mod.duta_id("abcdefgh234567qr.onion") == "d-abcdefgh234567qr"
    assert text_mod.duta_id("www.abcdefgh234567qr.onion") == "d-www-abcdefgh234567qr"
    title = 'Herb\\Spice\\Weed Amsterdam Leaf Alloy Smoke Crusher 40mm Tobacco Grinder "HOT" ✓'
    ebay = text_mod.ebay_id(title)
    digest = hashlib.sha256(title.encode()).hexdigest()[:6]
    assert ebay == f"e-herb-spice-weed-amsterdam-leaf-alloy-{digest}"
    assert text_mod.ebay_id(title + " ") != ebay  # another title, another id
    assert text_mod.ebay_id("✓✓") == "e-" + hashlib.sha256("✓✓".encode()).hexdigest()[:6]
    assert text_mod.slugify("Crème brûlée à Köln") == "creme-brulee-a-koln"
    assert text_mod.slugify("a" * 50) == "a" * 40
    for case_id in (ebay, text_mod.duta_id("www.abcdefgh234567qr.onion")):
        case = Case(
            id=case_id,
            url=real_dev.case_url(case_id),
            split="dev",
            expected={"decision": "allowed"},
        )
        assert len(case.host.split(".")[0]) <= 63


@pytest.mark.parametrize(
    ("make", "value"),
    [
        ("zyte_id", "dataset/html/page.html.gz"),
        ("duta_id", "not an address.onion"),
        ("duta_id", "abc18.onion"),
    ],
)
def test_bad_names_are_build_errors(make: str, value: str) -> None:
    with pytest.raises(BuildError):
        getattr(text_mod, make)(value)


# --- labels ------------------------------------------------------------------------------


def test_the_committed_labels_fit_the_policy() -> None:
    labels = real_dev.load_labels(real_dev.LABELS, POLICY)
    prefixes = [case_id[:2] for case_id in labels]
    assert (prefixes.count("z-"), prefixes.count("d-"), prefixes.count("e-")) == (72, 135, 124)
    for case_id, label in labels.items():
        assert real_dev.label_problems(label, POLICY) == [], case_id
        Case(
            id=case_id,
            url=real_dev.case_url(case_id),
            split="dev",
            expected={"decision": label.decision, "categories": label.categories},
        )
        assert all(len(quote) <= 200 for quote in label.evidence), case_id  # quotes, not texts
    zyte = [label for case_id, label in labels.items() if case_id.startswith("z-")]
    assert not any(label.decision == "prohibited" for label in zyte)


def test_duta_disagreements_name_labels_off_the_duta_rule() -> None:
    labels = real_dev.parse_labels(
        {
            "d-a": {
                "decision": "prohibited",
                "categories": ["marijuana"],
                "reason": "r",
                "evidence": ["q"],
            },
            "d-b": {
                "decision": "prohibited",
                "categories": ["illegal_drugs"],
                "reason": "r",
                "evidence": ["q"],
            },
            "d-c": {"decision": "unknown", "reason": "empty dump"},
        },
        POLICY,
    )
    classes = {"d-a": "Drugs/Illegal", "d-b": "Drugs/Legal", "d-c": "Drugs/Illegal"}
    notes = real_dev.duta_disagreements(classes, labels)
    assert notes == [
        "d-b: DUTA Drugs/Legal, labelled prohibited illegal_drugs",
        "d-c: DUTA Drugs/Illegal, labelled unknown -",
    ]


GOOD = {"decision": "restricted", "categories": ["alcohol"], "reason": "Whisky.", "evidence": ["q"]}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"categories": ["weapons"]}, "worst category tier is prohibited"),
        ({"decision": "prohibited"}, "worst category tier is restricted"),
        ({"categories": []}, "needs a category"),
        ({"categories": ["booze"]}, "unknown category 'booze'"),
        ({"categories": ["alcohol", "alcohol"]}, "categories repeat"),
        ({"evidence": []}, "one or two evidence quotes"),
        ({"evidence": ["a", "b", "c"]}, "one or two evidence quotes"),
        ({"decision": "allowed"}, "takes no categories"),
        ({"decision": "allowed", "categories": []}, "takes no evidence"),
        ({"hard_negative": True}, "hard_negative is for allowed pages"),
        ({"reason": "two\nlines"}, "not one line"),
        ({"tags": ["x"]}, "Extra inputs are not permitted"),
        ({"decision": "maybe"}, "Input should be"),
        ({"reason": ""}, "at least 1 character"),
    ],
)
def test_label_schema_rejects_entries_off_the_policy(
    change: dict[str, object], problem: str
) -> None:
    assert real_dev.parse_labels({"z-1": GOOD}, POLICY)["z-1"].categories == ("alcohol",)
    with pytest.raises(BuildError, match="invalid labels") as caught:
        real_dev.parse_labels({"z-1": {**GOOD, **change}}, POLICY)
    assert problem in str(caught.value)


def test_labels_file_must_be_a_mapping() -> None:
    with pytest.raises(BuildError, match="mapping"):
        real_dev.parse_labels(["z-1"], POLICY)


# --- the whole build from synthetic bare repositories ------------------------------------

WHISKY_HTML = b"<html><head><title>Whisky</title></head><body><h1>Test Whisky 40%</h1></body>"
LISTED_SHA = hashlib.sha256(b"listed").hexdigest()
UNLISTED_SHA = hashlib.sha256(b"unlisted").hexdigest()
A, B, C, Z = ("a" * 16, "b" * 16, "c" * 16, "z" * 16)
PHARMACY_DUMP = b"Pharmacy\n\n   Tramadol 50mg, no prescription needed\n"
TRIMMER, GRINDER = "Weed Trimmer Spool Line", "Herb\\Spice Tobacco Grinder"


def _git(*args: str | Path) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def bare_repo(root: Path, name: str, files: dict[str, bytes]) -> tuple[Path, str]:
    """A bare repository holding ``files`` in one commit; returns its path and the commit."""
    work = root / f"{name}-work"
    for rel, data in files.items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_bytes(data)
    _git("init", "-q", work)
    _git("-C", work, "add", "-A")
    _git("-C", work, "commit", "-q", "-m", "data")
    bare = root / f"{name}.git"
    _git("clone", "-q", "--bare", work, bare)
    return bare, _git("--git-dir", bare, "rev-parse", "HEAD")


@pytest.fixture
def sources(tmp_path: Path) -> dict[str, object]:
    """Both repositories, the two lists and a labels file, as ``main`` arguments."""
    zyte_git, zyte_commit = bare_repo(
        tmp_path,
        "zyte",
        {
            f"dataset/html/{LISTED_SHA}.html.gz": gzip.compress(WHISKY_HTML, mtime=0),
            f"dataset/html/{UNLISTED_SHA}.html.gz": b"not gzip: never read",
            "dataset/ground-truth.json": b"{}",
        },
    )
    mirror = LYNX_DUMP.replace("aaaa.onion", "cccc.onion")  # differs only in its References
    cyber_git, cyber_commit = bare_repo(
        tmp_path,
        "cyber",
        {
            "csvs/labels.csv": (
                "\ufeffOnion_Address,Main_Class,Sub_Class,lang\n"
                f"{A}.onion,Drugs,Illegal,en\n{B}.onion,Drugs, Legal,en\n"
                f"{C}.onion,Drugs,Illegal,en\npyro5l7wciwhv2sa.onion,Drugs,Illegal,en\n"
                f"{Z}.onion,Drugs,Illegal,en\n"
            ).encode(),
            f"data/onion/illegal/{A}.onion.txt": LYNX_DUMP.encode(),
            f"data/onion/illegal/{C}.onion.TXT": mirror.encode(),
            f"data/onion/legal/{B}.onion.txt": PHARMACY_DUMP,
            "data/onion/illegal/pyro5l7wciwhv2sa.onion.txt": b"Fireworks index",
            f"data/onion/illegal/{Z}.onion.txt": b"Unlisted shop",
            f"data/ebay/{TRIMMER}": b"## URL https://www.ebay.com/itm/1\nLine for garden weeds.\n",
            f"data/ebay/{GRINDER}": b"## URL https://www.ebay.com/itm/2\nType : Tobacco Crusher\n",
        },
    )
    zyte_list = tmp_path / "zyte-dev.txt"
    zyte_list.write_text(f"dataset/html/{LISTED_SHA}.html.gz\thttps://shop.example/whisky\n")
    duta_list = tmp_path / "duta-dev.txt"
    duta_list.write_text(f"{A}.onion\n{B}.onion\n{C}.onion\npyro5l7wciwhv2sa.onion\n")
    labels = {
        "z-" + LISTED_SHA[:10]: {**GOOD, "evidence": ["test whisky 40%"]},
        f"d-{A}": {
            "decision": "prohibited",
            "categories": ["illegal_drugs", "marijuana"],
            "reason": "Weed and cocaine.",
            "evidence": ["20g Purple Kush 160 GBP"],
        },
        f"d-{B}": {
            "decision": "prohibited",
            "categories": ["unlicensed_pharmacy"],
            "reason": "Tramadol without prescription.",
            "evidence": ["Tramadol 50mg, no prescription needed"],
        },
        text_mod.ebay_id(TRIMMER): {
            "decision": "allowed",
            "reason": "Trimmer line.",
            "hard_negative": True,
        },
        text_mod.ebay_id(GRINDER): {
            "decision": "restricted",
            "categories": ["tobacco_vaping"],
            "reason": "Tobacco grinder.",
            "evidence": ["Tobacco Crusher"],
        },
    }
    labels_path = tmp_path / "labels.yaml"
    labels_path.write_text(yaml.safe_dump(labels, allow_unicode=True))
    return {
        "--zyte-git": zyte_git,
        "--zyte-commit": zyte_commit,
        "--zyte-list": zyte_list,
        "--cyber-git": cyber_git,
        "--cyber-commit": cyber_commit,
        "--duta-list": duta_list,
        "--labels": labels_path,
    }


def argv(sources: dict[str, object], out: Path, **changes: object) -> list[str]:
    merged = {
        **sources,
        "--out": out,
        **{f"--{k.replace('_', '-')}": v for k, v in changes.items()},
    }
    return [str(part) for pair in merged.items() for part in pair]


def blobs(git_dir: Path) -> dict[str, str]:
    """``{blob id: path}`` of every file at HEAD."""
    listing = _git("--git-dir", git_dir, "ls-tree", "-r", "-z", "HEAD")
    pairs = (entry.split(" ", 2)[2].split("\t", 1) for entry in listing.split("\0") if entry)
    return {blob: path for blob, path in pairs}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_build_from_bare_repositories(
    sources: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[tuple[str, str]] = []
    original = real_dev.GitSource.read

    def spy(self: object, blob: str) -> bytes:
        read.append((Path(str(self.git_dir)).stem, blob))  # type: ignore[attr-defined]
        return original(self, blob)

    monkeypatch.setattr(real_dev.GitSource, "read", spy)
    out = tmp_path / "real-dev"
    assert real_dev.main(argv(sources, out)) == 0

    dataset = load_dataset(out)
    zyte_id = "z-" + LISTED_SHA[:10]
    trimmer, grinder = text_mod.ebay_id(TRIMMER), text_mod.ebay_id(GRINDER)
    assert [case.id for case in dataset] == [zyte_id, f"d-{A}", f"d-{B}", grinder, trimmer]
    assert dataset.get(zyte_id).tags == ("real", "zyte")
    assert dataset.get(trimmer).tags == ("real", "ebay", "hard_negative")
    assert dataset.get(f"d-{A}").expected.categories == ("illegal_drugs", "marijuana")
    assert all(case.split == "dev" and case.host == f"{case.id}.test" for case in dataset)
    assert "https://shop.example/whisky" in dataset.get(zyte_id).notes
    assert "DUTA-10K Drugs/Legal" in dataset.get(f"d-{B}").notes

    files = tree(out)
    assert files[f"sites/{zyte_id}/index.html"] == WHISKY_HTML  # unchanged, gunzipped
    assert files[f"sites/{trimmer}/robots.txt"] == b"User-agent: *\nAllow: /\n"
    duta_html = files[f"sites/d-{A}/index.html"].decode()
    assert "<title>GreenShop - order weed online</title>" in duta_html
    assert "References" not in duta_html and "file://" not in duta_html
    ebay_html = files[f"sites/{grinder}/index.html"].decode()
    assert "<h1>Herb\\Spice Tobacco Grinder</h1>" in ebay_html and "## URL" not in ebay_html
    assert not any(name.startswith(f"sites/d-{C}") for name in files)  # mirror dropped

    # Only listed items were read: no unlisted page, no skipped or unlisted dump.
    blob_path = {
        (repo, blob): path
        for repo in ("zyte", "cyber")
        for blob, path in blobs(Path(str(sources[f"--{repo}-git"]))).items()
    }
    assert sorted(blob_path[item] for item in read) == sorted(
        [
            f"dataset/html/{LISTED_SHA}.html.gz",
            f"data/onion/illegal/{A}.onion.txt",
            f"data/onion/legal/{B}.onion.txt",
            f"data/onion/illegal/{C}.onion.TXT",
            f"data/ebay/{TRIMMER}",
            f"data/ebay/{GRINDER}",
        ]
    )

    # Deterministic: a second build writes the same bytes.
    monkeypatch.setattr(real_dev.GitSource, "read", original)
    assert real_dev.main(argv(sources, out)) == 0
    assert tree(out) == files


def test_build_refuses_a_missing_commit(
    sources: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert real_dev.main(argv(sources, out, zyte_commit="0" * 40)) == 1
    assert f"commit {'0' * 40} is not in" in capsys.readouterr().err
    assert not out.exists()


def test_build_refuses_labels_that_do_not_fit(
    sources: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels_path = Path(str(sources["--labels"]))
    labels = yaml.safe_load(labels_path.read_text())
    del labels[f"d-{B}"]
    labels[f"d-{A}"]["evidence"] = ["20g Purple Kush 999 GBP"]
    labels["e-no-such-page-000000"] = {"decision": "allowed", "reason": "?"}
    labels_path.write_text(yaml.safe_dump(labels, allow_unicode=True))
    out = tmp_path / "out"
    assert real_dev.main(argv(sources, out)) == 1
    err = capsys.readouterr().err
    assert f"d-{B}: no label" in err
    assert "e-no-such-page-000000: labelled but not built" in err
    assert f"d-{A}: quote not in the visible text: '20g Purple Kush 999 GBP'" in err
    assert not out.exists()


def test_build_refuses_an_unlisted_zyte_path(sources: dict[str, object], tmp_path: Path) -> None:
    zyte_list = tmp_path / "other-list.txt"
    zyte_list.write_text(f"dataset/html/{'f' * 64}.html.gz\thttps://x.example/\n")
    assert real_dev.main(argv(sources, tmp_path / "out", zyte_list=zyte_list)) == 1
