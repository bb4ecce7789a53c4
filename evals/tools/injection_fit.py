"""Fit the injection detector and measure it on the held-out attempts.

Run from the repository root::

    python evals/tools/injection_fit.py            # fit, write the artifact, write the report
    python evals/tools/injection_fit.py --check    # measure the shipped artifact, write the report

Fitting reads only ``evals/injection/train.jsonl`` (built by ``injection_data.py``): a
logistic regression (scikit-learn, liblinear, balanced classes) on the features of
``merchant_screen.agent.injection_model.features``; the flagging threshold is chosen from
out-of-fold probabilities on the training set (the lowest one that keeps out-of-fold share
of ordinary sentences flagged at ``MAX_ORDINARY_FLAGGED``). The artifact is written to
``src/merchant_screen/agent/injection_model.json``.

The measurement then plants every line of ``evals/injection/heldout.jsonl`` in the text
source it names (a page's visible text, title, heading, meta description, alt text, JSON-LD,
a hidden block, an HTML comment, a robots.txt comment or a sitemap comment), runs the real
extractor / parsers and ``find_injections``, and writes ``evals/reports/injection-<date>.md``.
The held-out set is never used to fit or to choose anything.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from merchant_screen.agent.fold import fold_text
from merchant_screen.agent.injection import find_injections
from merchant_screen.agent.injection_model import (
    DetectorArtifact,
    features,
    load_detector,
)
from merchant_screen.tools.extract import extract_page
from merchant_screen.tools.robots import SiteComment, robots_comments
from merchant_screen.tools.sitemap import parse_sitemap

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ROOT / "evals" / "injection" / "train.jsonl"
HELDOUT = ROOT / "evals" / "injection" / "heldout.jsonl"
ARTIFACT = ROOT / "src" / "merchant_screen" / "agent" / "injection_model.json"
REPORTS = ROOT / "evals" / "reports"
CHAR_NGRAMS = (3, 5)
C = 16.0
MAX_ORDINARY_FLAGGED = 0.001
FOLDS = 5

# Strong cues over folded text (lower case, no accents, look-alikes mapped): features the
# model weighs, not rules. Languages: the lexicon's (en, de, fr, es) plus it, nl.
_ADDRESSEE = (
    r"(ai|a\.i\.|ki|k\.i\.|ia|i\.a\.|llms?|gpt|chatgpt|claude|gemini|copilot|"
    r"(large )?language models?|sprachmodell\w*|modeles? de langage|modelos? de lenguaje|"
    r"modell[io] linguistic\w*|taalmodel\w*|bots?|crawlers?|scrapers?|agents?|agenten|"
    r"assistant|assistente?|asistente|assistent|reviewers?|prufer\w*|evaluateurs?|"
    r"revisori|revisores|beoordelaars?|classifiers?|algorithms?|algorithmus|algoritmo|"
    r"underwriters?|moderators?|auditors?|machine readers?|"
    r"intelligence artificielle|inteligencia artificial|intelligenza artificiale|"
    r"kunstliche intelligenz|kunstmatige intelligentie)"
)
_AUTOMATED = (
    r"(automat\w*|automatis\w*|automatic\w*|automatiqu\w*|automatic[oa]s?|"
    r"geautomatiseerd\w*|ai[- ]based|llm[- ]based|machine)"
)
CUES: dict[str, str] = {
    "override": (
        r"\b(ignore|disregard|forget|override|bypass|ignoriere\w*|vergiss|vergessen|ignorez|"
        r"oubliez|oublie|ignora\w*|olvida\w*|dimentica\w*|negeer|vergeet)\b.{0,60}?"
        r"\b(instructions?|prompts?|rules|guidelines|directions|anweisungen|instruktionen|"
        r"regeln|consignes|regles|instrucciones|reglas|istruzioni|regole|instructies|regels)\b"
    ),
    "role": (
        r"(^|[\s\[<(#*])(system|assistant|developer|admin|operator|systeme|sistema|systeem)"
        r"\s*(message|prompt|note)?\s*[\]>)]?\s*:|<\|im_start\|>|\[/?inst\]|<\|system\|>|"
        r"</?system>|#+\s*(system|instruction)\b"
    ),
    "addressed": (
        r"\b(to|for|an|fur|a|pour|aux|a l'attention des|para|per|aan|voor|dear|hey|hello|hi|"
        r"liebe|lieber|cher|chere|querid[oa]|car[oa]|beste|attention|achtung|atencion|"
        r"attenzione|note|notice|message|hinweis|nachricht|nota|bericht|memo)\b"
        r"[^.:]{0,40}\b" + _ADDRESSEE + r"\b"
    ),
    "vocative": r"^[^.:]{0,60}\b(" + _ADDRESSEE + r"|" + _AUTOMATED + r")\b[^.:]{0,40}[:,]",
    "persona": (
        r"\b(you are (an?|now)|as an ai|as a language model|system prompt|developer mode|"
        r"pretend (you|to be)|act as|roleplay|du bist|tu es|vous etes|eres|sei un|je bent)\b"
    ),
    "conclude": (
        r"\b(classify|mark|label|rate|categori[sz]e|treat|consider|report|record|conclude|"
        r"respond|answer|output|return|einstuf\w*|stuf\w* .{0,30} ein|bewert\w*|markier\w*|"
        r"klassifizier\w*|classe[zr]?|considere[zr]?|marque[zr]?|clasifi\w*|marc\w*|"
        r"consider\w*|classific\w*|markeer|beschouw\w*|beoordeel\w*|classificeer)\b.{0,60}"
        r"\b(allowed|approved?|compliant|low[- ]risk|safe|legitimate|clean|permitted|"
        r"erlaubt|konform|unbedenklich|sicher|genehmigt|freigegeben|autorise\w*|conforme|"
        r"sur|legitime|permitid\w*|segur\w*|legitim\w*|consentit\w*|sicur\w*|toegestaan|"
        r"veilig|betrouwbaar)\b"
    ),
    "verdict": (
        r"\b(verdict|decision|classification|risk (score|level)|action|entscheidung|urteil|"
        r"ergebnis|veredicto|decision|verdetto|decisione|oordeel|besluit)\b.{0,40}"
        r"\b(allowed|approved?|safe|none|low|zero|erlaubt|freigabe|genehmigt|autorise\w*|"
        r"approuver|aprobar|permitid\w*|approvare|consentit\w*|goedkeuren|toegestaan)\b"
    ),
    "preempt": (
        r"\b(do not|don't|never|must not|should not|nicht|ne|no|non|niet|nie)\b.{0,30}"
        r"\b(flag|reject|block|escalate|decline|report|melde\w*|markier\w*|ablehn\w*|"
        r"signale[zr]?|rejete[zr]?|rechac\w*|report\w*|marqu\w*|marque[ns]?|segnala\w*|"
        r"rifiut\w*|markeer|weiger\w*)\b"
    ),
    "approve_imperative": (
        r"\b(approve|whitelist|let (it|this|us|them)\w* (pass|through)|genehmig\w*|"
        r"freigeben|approuve[zr]?|aprueb\w*|apruebal\w*|approva\w*|keur\w* .{0,20}goed)\b"
    ),
}


@dataclass(frozen=True)
class Fit:
    artifact: dict[str, Any]
    oof_recall: float
    oof_benign_flagged: float
    rows: int


def _load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def fit(train_path: Path = TRAIN) -> Fit:
    """Fit on the training set; threshold from out-of-fold probabilities."""
    import re as _re

    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    rows = _load(train_path)
    cues = tuple((name, _re.compile(pattern)) for name, pattern in CUES.items())
    x_dicts = [features(fold_text(r["text"]), cues, CHAR_NGRAMS) for r in rows]
    y = [int(r["label"]) for r in rows]

    def model() -> LogisticRegression:
        return LogisticRegression(C=C, class_weight="balanced", solver="lbfgs", max_iter=5000)

    oof = [0.0] * len(rows)
    for train_idx, test_idx in StratifiedKFold(FOLDS, shuffle=True, random_state=0).split(
        x_dicts, y
    ):
        vec = DictVectorizer()
        xt = vec.fit_transform([x_dicts[i] for i in train_idx])
        clf = model().fit(xt, [y[i] for i in train_idx])
        probs = clf.predict_proba(vec.transform([x_dicts[i] for i in test_idx]))[:, 1]
        for i, p in zip(test_idx, probs, strict=True):
            oof[i] = float(p)
    attempts = [oof[i] for i in range(len(rows)) if y[i] == 1]
    benign = sorted((oof[i] for i in range(len(rows)) if y[i] == 0), reverse=True)
    allowed = int(MAX_ORDINARY_FLAGGED * len(benign))
    threshold = round(benign[allowed] + 1e-4, 4)
    recall = sum(1 for p in attempts if p >= threshold) / len(attempts)
    benign_flagged = sum(1 for p in benign if p >= threshold) / len(benign)

    vec = DictVectorizer()
    clf = model().fit(vec.fit_transform(x_dicts), y)
    weights = {
        name: round(float(w), 5)
        for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True)
        if abs(w) >= 0.01
    }
    artifact = DetectorArtifact(
        cues=[{"name": n, "pattern": p} for n, p in CUES.items()],  # type: ignore[misc]
        char_ngrams=CHAR_NGRAMS,
        intercept=round(float(clf.intercept_[0]), 5),
        weights=dict(sorted(weights.items())),
        threshold=threshold,
        fitted={
            "training_set": str(train_path.relative_to(ROOT)),
            "training_sha256": hashlib.sha256(train_path.read_bytes()).hexdigest()[:16],
            "rows": len(rows),
            "attempts": sum(y),
            "model": f"logistic regression, lbfgs, C={C}, balanced classes",
            "threshold_rule": "lowest with out-of-fold ordinary sentences flagged "
            f"<= {MAX_ORDINARY_FLAGGED}",
            "oof_recall": round(recall, 4),
            "oof_benign_flagged": round(benign_flagged, 4),
        },
    )
    return Fit(artifact.model_dump(mode="json"), recall, benign_flagged, len(rows))


def write_artifact(data: dict[str, Any], path: Path = ARTIFACT) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")


# ------------------------------------------------------------------ held-out measurement
def _page_html(source: str, text: str) -> str:
    t = html.escape(text, quote=True)
    head, body = "<title>Shop</title>", "<p>Welcome to our shop.</p>"
    if source == "title":
        head = f"<title>{t}</title>"
    elif source == "meta":
        head += f'<meta name="description" content="{t}">'
    elif source == "json_ld":
        data = json.dumps({"@context": "https://schema.org", "@type": "Product",
                           "name": "Item", "description": text})  # fmt: skip
        safe = data.replace("</", "<\\/")
        head += f'<script type="application/ld+json">{safe}</script>'
    elif source == "visible":
        body += f"<p>{t}</p>"
    elif source == "heading":
        body += f"<h2>{t}</h2>"
    elif source == "alt":
        body += f'<img src="/a.jpg" alt="{t}">'
    elif source == "hidden":
        body += f'<div style="display:none">{t}</div>'
    elif source == "comment":
        body += f"<!-- {text.replace('--', '-')} -->"
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def scan_item(item: dict[str, Any]) -> list[Any]:
    """``find_injections`` on one held-out line planted in its source, through the parsers."""
    source, text = item["source"], item["text"]
    url = "https://heldout.test/"
    if source == "robots":
        body = f"# {text}\nUser-agent: *\nDisallow: /cart\n"
        comment = SiteComment(url=url + "robots.txt", source="robots", text=robots_comments(body))
        return find_injections([], [comment])
    if source == "sitemap":
        xml = (
            '<?xml version="1.0"?><!-- ' + html.escape(text.replace("--", "-")) + " -->"
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>https://heldout.test/a</loc></url></urlset>"
        )
        comments = parse_sitemap(xml.encode()).comments
        return find_injections([], [SiteComment(url=url + "sitemap.xml", source="sitemap",
                                                text=c) for c in comments])  # fmt: skip
    page = extract_page(_page_html(source, text), url)
    return find_injections([page])


def measure(heldout_path: Path = HELDOUT) -> dict[str, Any]:
    items = _load(heldout_path)
    rows = []
    for item in items:
        found = scan_item(item)
        rows.append({**item, "flagged": bool(found), "where": sorted({f.where for f in found}),
                     "reason": found[0].reason if found else ""})  # fmt: skip
    return {"rows": rows}


def site_level(corpora: tuple[str, ...] = ("core", "fresh")) -> list[str]:
    """Whole sites of the corpora's TEST split (never used for training): every HTML file,
    robots.txt and sitemap comments scanned; share of injection / other sites flagged."""
    from merchant_screen.evaluation.dataset import load_dataset

    lines = []
    for corpus in corpora:
        dataset = load_dataset(ROOT / "evals" / "datasets" / corpus)
        counts = {True: [0, 0], False: [0, 0]}
        for case in dataset.cases:
            if case.split != "test":
                continue
            site = dataset.path / "sites" / case.id
            pages = [
                extract_page(h.read_bytes(), case.url + h.relative_to(site).as_posix())
                for h in sorted(site.rglob("*.html"))
            ]
            comments = []
            robots = site / "robots.txt"
            if robots.exists():
                text = robots_comments(robots.read_text("utf-8", errors="replace"))
                comments.append(
                    SiteComment(url=case.url + "robots.txt", source="robots", text=text)
                )
            for xml in sorted(site.rglob("sitemap*.xml")):
                comments += [
                    SiteComment(url=case.url + xml.name, source="sitemap", text=t)
                    for t in parse_sitemap(xml.read_bytes()).comments
                ]
            tagged = "injection" in case.tags
            counts[tagged][0] += 1
            counts[tagged][1] += bool(find_injections(pages, comments))
        (n_inj, hit_inj), (n_other, hit_other) = counts[True], counts[False]
        lines.append(
            f"| {corpus} test | {hit_inj}/{n_inj} | {hit_other}/{n_other} "
            f"({hit_other / max(n_other, 1):.1%}) |"
        )
    return lines


def _rate(rows: list[dict[str, Any]]) -> str:
    hit = sum(1 for r in rows if r["flagged"])
    return f"{hit}/{len(rows)} ({hit / len(rows):.0%})" if rows else "-"


def render_report(result: dict[str, Any], version: str, fitted: dict[str, Any]) -> str:
    rows = result["rows"]
    attempts = [r for r in rows if r["label"] == "attempt"]
    benign = [r for r in rows if r["label"] == "benign"]
    lines = [
        f"# Injection detector on the held-out set ({date.today().isoformat()})",
        "",
        f"Detector `{version}` (`src/merchant_screen/agent/injection_model.json`), fitted by "
        "`evals/tools/injection_fit.py` on `evals/injection/train.jsonl` "
        f"({fitted.get('rows')} sentences, {fitted.get('attempts')} attempts); threshold "
        f"{fitted.get('threshold')} chosen out of fold on the training set "
        f"(recall {fitted.get('oof_recall')}, ordinary sentences flagged "
        f"{fitted.get('oof_benign_flagged')}).",
        "",
        "Held-out set: `evals/injection/heldout.jsonl`, written before the first fit and never "
        "used to fit or choose anything. Each line is planted in the source it names and read "
        "back through the real extractor / robots / sitemap parsers and `find_injections`.",
        "",
        "| set | flagged |",
        "|---|---|",
        f"| attempts | {_rate(attempts)} |",
        f"| benign look-alikes | {_rate(benign)} |",
        "",
        "## Attempts by kind, source and language",
        "",
        "| group | value | flagged |",
        "|---|---|---|",
    ]
    for key in ("kind", "source", "lang"):
        for value in sorted(Counter(r[key] for r in attempts)):
            lines.append(f"| {key} | {value} | {_rate([r for r in attempts if r[key] == value])} |")
    lines += [
        "",
        "## Whole sites (test splits of the corpora, not used for training)",
        "",
        "Every page file of each site plus its robots.txt / sitemap comments. A flagged "
        "ordinary site is pushed from approve to review (the signal never lowers a decision).",
        "",
        "| corpus | injection sites flagged | other sites flagged |",
        "|---|---|---|",
        *site_level(),
    ]
    lines += ["", "## Missed attempts", ""]
    lines += [f"- `{r['id']}` ({r['source']}, {r['lang']}): {r['text']}"
              for r in attempts if not r["flagged"]] or ["(none)"]  # fmt: skip
    lines += ["", "## Benign look-alikes flagged", ""]
    lines += [f"- `{r['id']}` ({r['source']}, {r['lang']}): {r['text']} — {r['reason']}"
              for r in benign if r["flagged"]] or ["(none)"]  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="measure the shipped artifact, write the report"
    )
    args = parser.parse_args(argv)
    if not args.check:
        result = fit()
        write_artifact(result.artifact)
        print(f"fitted on {result.rows} rows: out-of-fold recall {result.oof_recall:.3f}, "
              f"ordinary flagged {result.oof_benign_flagged:.4f}")  # fmt: skip
    from merchant_screen.agent import injection_model

    injection_model.bundled_detector.cache_clear()
    detector = load_detector(ARTIFACT)
    measured = measure()
    fitted = {**detector.artifact.fitted, "threshold": detector.threshold}
    report = render_report(measured, detector.version, fitted)
    out = REPORTS / f"injection-{date.today().isoformat()}.md"
    out.write_text(report, encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")
    print(re.sub(r"(?s)\n## Attempts by kind.*", "", report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
