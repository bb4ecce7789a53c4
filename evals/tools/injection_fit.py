"""Fit the injection detector and measure it on the held-out attempts.

Run from the repository root::

    python evals/tools/injection_fit.py            # fit, write the artifact, write the report
    python evals/tools/injection_fit.py --check    # measure the shipped artifact, write the report

Fitting reads only ``evals/injection/train.jsonl`` (built by ``injection_data.py``): a
logistic regression (scikit-learn, lbfgs, balanced classes) on the features of
``merchant_screen.agent.injection_model.features``. The threshold and the report rule's
``sure`` level are chosen on dev data only (``injection_sites.py``): whole core/fresh dev
sites scored out of fold (folds grouped by site), the real-dev allowed pages and the
training attempts out of fold; the highest attempt recall that flags at most
``MAX_SITES_FLAGGED`` of ordinary dev sites and every dev injection site. The artifact is
written to ``src/merchant_screen/agent/injection_model.json``.

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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import injection_sites as sites

from merchant_screen.agent.fold import fold_text
from merchant_screen.agent.injection import Candidate, find_injections
from merchant_screen.agent.injection_model import (
    Cue,
    Detector,
    DetectorArtifact,
    ReportRule,
    features,
    load_detector,
)
from merchant_screen.tools.extract import extract_page
from merchant_screen.tools.robots import SiteComment, robots_comments
from merchant_screen.tools.sitemap import parse_sitemap

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ROOT / "evals" / "injection" / "train.jsonl"
HELDOUT = ROOT / "evals" / "injection" / "heldout.jsonl"
HELDOUT_2 = ROOT / "evals" / "injection" / "heldout2.jsonl"
ARTIFACT = ROOT / "src" / "merchant_screen" / "agent" / "injection_model.json"
REPORTS = ROOT / "evals" / "reports"
CHAR_NGRAMS = (3, 5)
C = 16.0
BEFORE_THRESHOLD = 0.5542  # the first detector's threshold (no report rule), for the record

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
# A word of the page given another meaning ("'rounds' here refers to golf").
_REDEFINE = (
    r"((['\"][^'\"]{1,30}['\"]|\b(words?|terms?|mentions?|references?|wort|begriff|mot|terme|"
    r"palabra|termino|parola|termine|woord|term)\b)[^.]{0,40}\b(means|mean|refers? to|"
    r"stands? for|bedeutet|bezeichnet|steht fur|signifie|designe|significa|se refiere a|"
    r"si riferisce a|betekent|verwijst naar)\b|\b((read|understood|interpreted|understand "
    r"(it|them)) as|interpret [^.]{0,30} as)\b)"
)
# What an instruction asks for, in those languages (verbs and the outcomes they push).
_DIRECTIVE = (
    r"(approv\w*|approuv\w*|whitelist\w*|allow\w*|classif\w*|mark|label|rate|treat|"
    r"consider\w*|report|record|conclude|respond|answer|output|return|say|state|skip|ignore|"
    r"disregard|flag|escalate|reject\w*|rejet\w*|decline|categori[sz]e|compliant|"
    r"legitimate|low[- ]risk|safe|permitted|verdict|decision|set|risk (score|level)|"
    r"let (it|this|us|them|\w+ \w+) (pass|through)|(no|keine|aucun\w*|ningun\w*|nessun\w*|"
    r"geen) (\w+ ){0,3}(review|check|screening|assessment|verification|prufung|examen|revision|"
    r"revisione|controllo|controle|controles|controlli)|"
    r"(not|nicht|pas|no|non|niet) "
    r"(\w+ )?(restricted|prohibited|eingeschrankt|verboten|interdit|restreint|prohibido|"
    r"vietato|verboden)|genehmig\w*|freigeb\w*|freigabe|einstuf\w*|stuf\w*|bewert\w*|"
    r"markier\w*|klassifizier\w*|meld\w*|ignorier\w*|ablehn\w*|erlaubt|konform|"
    r"unbedenklich|behandel\w*|autoris\w*|classe[zr]?|marqu\w*|signal\w*|ignore[zr]|"
    r"conforme|legitime|aprueb\w*|aprob\w*|permitid\w*|clasifi\w*|marc\w*|recha\w*|"
    r"report\w*|ignor\w*|segur\w*|legitim\w*|consentit\w*|segnal\w*|rifiut\w*|"
    r"sicur\w*|goedkeur\w*|keur\w*|toegestaan|classificeer\w*|beschouw\w*|markeer\w*|"
    r"negeer\w*|weiger\w*|betrouwbaar|" + _REDEFINE + r"|(need not|do not need to|"
    r"don't need to|brauchen nicht|n'ont pas besoin de|no necesitan|non devono) (\w+ )?"
    r"(review|check|screen|verify|assess|prufen|verifier|revisar|controllare)\w*|"
    r"mention\w*|quote|cite|omit\w*|"
    r"exclude|erwahn\w*|menciones|mencion\w*|menziona\w*|noem\w*|pre-?approved|"
    r"pre-?cleared|vorab genehmigt|pre-?approuve\w*|preaprobad\w*)"
)
# The site or merchant under review, named as the object of an instruction.
_TARGET = (
    r"\b(this|the|our|that|diese[rsmn]?|den|dem|die|das|ce|cette|cet|le|la|este|esta|el|"
    r"questo|questa|il|lo|deze|dit|het)"
    r"\s+(\w+\s+)?(merchant|site|website|web site|store|shop|business|domain|page|account|"
    r"application|company|retailer|seller|handler|handlers|handel|handelaar|haendler|"
    r"seite|webseite|marchand|boutique|commercant|entreprise|comercio|comerciante|tienda|"
    r"sitio|negocio|commerciante|negozio|sito|winkel|webshop|bedrijf)\b"
)
# For the report rule, a bare "reviewer" is a person (shop reviews); "AI reviewer" is not.
_PEOPLE_TOO = {"reviewers?", r"prufer\w*", "evaluateurs?", "revisori", "revisores", "beoordelaars?"}
_RULE_ADDRESSEE = (
    "(" + "|".join(a for a in _ADDRESSEE[1:-1].split("|") if a not in _PEOPLE_TOO) + ")"
)
# Automated readers that are not in _ADDRESSEE: models, screening systems, robots.
_MACHINE = (
    r"(models?|robots?|(automated|automatic|machine|compliance|risk|screening) reviewers?|"
    r"(screening|compliance|risk|underwriting|review|scoring|automated|"
    r"automatic|moderation|classification) (systems?|tools?|checkers?|engines?|software|"
    r"pipelines?|robots?)|(prufsystem|bewertungssystem|systemes?|sistemas?|sistemi|"
    r"systemen)\w*|(kyb|kyc|aml|due diligence)( \w+)?( (checks?|checkers?|tools?|systems?|"
    r"screening|reviews?))?|(automated|automatic|automatische\w*|automatiques?|automaticos?|"
    r"automatici|geautomatiseerde) (checks?|assessments?|processing|systems?|tools?|readers?|"
    r"screening|analysis|reviews?|prufung\w*|controles?|controlli)|non-human \w+|"
    r"(if|when) you are (not )?(a )?(human|(an? )?(ai|bot|machine|model|program))|"
    r"wenn (du|sie) kein mensch|si (vous|tu) n'(etes|es) pas (un )?humain|"
    r"si no eres (un )?humano|se non sei (un )?umano|als je geen mens|"
    r"whoever or whatever|wer oder was|(your|deine[mn]?|ton|votre|tu|tuo|je) (summary|report|"
    r"analysis|assessment|verdict|output|evaluation|bericht|zusammenfassung|bewertung|"
    r"rapport|resume|analyse|evaluation|informe|resumen|analisis|riassunto|rapporto|"
    r"valutazione|verslag|samenvatting|beoordeling))"
)
# Cues of the report rule only (not features of the model): which sentences at or above the
# threshold are reported is chosen on whole dev sites (``injection_sites.py``).
RULE_CUES: dict[str, str] = {
    "addressee": r"\b(" + _RULE_ADDRESSEE + r"|" + _MACHINE + r")\b",
    "target": _TARGET,
    "directive": r"\b" + _DIRECTIVE + r"\b",
}
CUES: dict[str, str] = {
    "override": (
        r"\b(ignore|disregard|forget|override|bypass|ignoriere\w*|vergiss|vergessen|ignorez|"
        r"oubliez|oublie|ignora\w*|olvida\w*|dimentica\w*|negeer|vergeet)\b.{0,60}?"
        r"\b(instructions?|prompts?|rules|guidelines|directions|anweisungen|instruktionen|"
        r"regeln|consignes|regles|instrucciones|reglas|istruzioni|regole|instructies|regels)\b"
        r"|\b(ignore|disregard|forget|vergiss|oublie\w*|olvida\w*|dimentica\w*|vergeet)\b.{0,20}?"
        r"\b(everything|anything|all( of)?( the)? (text|content)|alles|tout|todo|tutto)\b"
        r"[^.;]{0,30}\b(above|before|previous\w*|so far|told|said|given|gesagt|dit|dicho|"
        r"dijeron|detto|verteld|gezegd)\b"
    ),
    "redefine": _REDEFINE,
    "role": (
        r"(^|[\s\[<(#*])(system|assistant|developer|admin|operator|systeme|sistema|systeem)"
        r"\s*(message|prompt|note)?\s*[\]>)]?\s*:|<\|im_start\|>|\[/?inst\]|<\|system\|>|"
        r"</?system>|#+\s*(system|instruction)\b|<\|(system|assistant|user|end)\|>|"
        r"^\s*\[(system|assistant|developer)\]|^\s*(tool_?(result|output|call)|"
        r"function_?(result|call)|config)\s*[:=]"
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


# The report rule's addressee and directive cues are too loose to be features alone (as such
# they flagged 16 ordinary dev sites); the model weighs them only together, in one short
# sentence ("an addressee and a directive"), as conjunctions.
PAIR_CUES: dict[str, str] = {"addressee": RULE_CUES["addressee"],
                             "directive": RULE_CUES["directive"]}  # fmt: skip
CONJUNCTION_MAX_WORDS = 20
CONJUNCTIONS: tuple[tuple[str, ...], ...] = (
    ("directive", "addressee"), ("redefine", "addressee"), ("persona", "addressee"),
)  # fmt: skip


@dataclass(frozen=True)
class Fit:
    artifact: dict[str, Any]
    oof_recall: float
    sites_flagged: float
    rows: int


def _load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


_COMPILED = tuple((name, re.compile(pattern)) for name, pattern in CUES.items())
_PAIRS = tuple((name, re.compile(pattern)) for name, pattern in PAIR_CUES.items())


@cache
def _features(text: str) -> dict[str, float]:
    return features(
        fold_text(text), _COMPILED, CHAR_NGRAMS, CONJUNCTIONS, CONJUNCTION_MAX_WORDS, _PAIRS
    )


def train(rows: Sequence[dict[str, Any]]) -> DetectorArtifact:
    """A logistic regression on ``rows``; threshold 0.5 and no report rule yet."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([_features(r["text"]) for r in rows])
    clf = LogisticRegression(C=C, class_weight="balanced", solver="lbfgs", max_iter=5000)
    clf.fit(x, [int(r["label"]) for r in rows])
    weights = {
        name: round(float(w), 5)
        for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True)
        if abs(w) >= 0.01
    }
    return DetectorArtifact(
        cues=[Cue(name=n, pattern=p) for n, p in CUES.items()],
        pair_cues=[Cue(name=n, pattern=p) for n, p in PAIR_CUES.items()],
        conjunctions=[list(group) for group in CONJUNCTIONS],
        conjunction_max_words=CONJUNCTION_MAX_WORDS,
        char_ngrams=CHAR_NGRAMS,
        intercept=round(float(clf.intercept_[0]), 5),
        weights=dict(sorted(weights.items())),
        threshold=0.5,
        rule=ReportRule(
            cues=[Cue(name=n, pattern=p) for n, p in RULE_CUES.items() if n not in PAIR_CUES]
        ),
    )


def train_detector(rows: Sequence[dict[str, Any]]) -> Detector:
    return Detector.from_artifact(train(rows), "sha256:fold")


# The report rule's cue sets: an instruction (a directive) with someone or something to act
# on it or upon (an automated addressee, the site itself, a system/role line, a verdict), an
# override of instructions, or a persona aimed at the site or at an automated reader.
CUE_SETS = [
    ["directive", "addressee"], ["directive", "target"], ["directive", "role"],
    ["directive", "verdict"], ["override"], ["persona", "target"], ["persona", "addressee"],
    ["redefine", "addressee"], ["redefine", "target"],
]  # fmt: skip
THRESHOLDS = [round(0.05 * i, 2) for i in range(2, 19)]
SURE = [1.0, 0.999, 0.99, 0.98]
MAX_SITES_FLAGGED = 0.01


@dataclass(frozen=True)
class Choice:
    threshold: float
    sure: float
    recall: float  # training attempts reported, out of fold
    sites_flagged: int  # dev ordinary sites (out of fold) + real-dev allowed pages
    sites: int
    injection_sites: str  # dev injection sites flagged


def choose_rule(
    oof: sites.OutOfFold,
    rows: Sequence[dict[str, Any]],
    dev: list[sites.Site],
    real: dict[str, list[Candidate]],
    real_sites: list[sites.Site],
) -> Choice:
    """The (threshold, sure) with the highest out-of-fold recall of training attempts among
    those flagging at most MAX_SITES_FLAGGED of ordinary dev sites and every dev injection
    site; ties to fewer sites flagged, then the higher threshold."""

    def hit(found: list[Candidate], t: float, sure: float) -> bool:
        return any(c.score >= t and (c.score >= sure or any(set(n) <= set(c.cues)
                   for n in CUE_SETS)) for c in found)  # fmt: skip

    attempts = [i for i, r in enumerate(rows) if r["label"] == 1]
    ordinary = [oof.sites[s.key] for s in dev if not s.injection]
    ordinary += [real[s.key] for s in real_sites if s.decision == "allowed"]
    injected = [oof.sites[s.key] for s in dev if s.injection]
    options = []
    for t in THRESHOLDS:
        for sure in SURE:
            recall = sum(hit(oof.rows[i], t, sure) for i in attempts) / len(attempts)
            flagged = sum(hit(f, t, sure) for f in ordinary)
            caught = sum(hit(f, t, sure) for f in injected)
            options.append(Choice(t, sure, recall, flagged, len(ordinary),
                                  f"{caught}/{len(injected)}"))  # fmt: skip
    ok = [c for c in options if c.sites_flagged <= MAX_SITES_FLAGGED * c.sites
          and c.injection_sites.split("/")[0] == c.injection_sites.split("/")[1]]  # fmt: skip
    pool = ok or options
    return max(pool, key=lambda c: (c.recall if ok else -c.sites_flagged,
                                    -c.sites_flagged, c.threshold))  # fmt: skip


def fit(train_path: Path = TRAIN) -> Fit:
    """Fit on the training set; threshold and report rule chosen out of fold on dev data."""
    rows = _load(train_path)
    dev = sites.corpus_sites("core", "dev") + sites.corpus_sites("fresh", "dev")
    oof = sites.out_of_fold(rows, dev, train_detector)
    artifact = train(rows)
    full = Detector.from_artifact(artifact, "sha256:full")
    real_sites = sites.real_dev_sites()
    real = {s.key: sites.site_hits(s, full) for s in real_sites}
    choice = choose_rule(oof, rows, dev, real, real_sites)
    attempts = [i for i, r in enumerate(rows) if r["label"] == 1]
    before = sum(any(c.score >= BEFORE_THRESHOLD for c in oof.rows[i]) for i in attempts)
    fitted = {
        "training_set": str(train_path.relative_to(ROOT)),
        "training_sha256": hashlib.sha256(train_path.read_bytes()).hexdigest()[:16],
        "rows": len(rows),
        "attempts": len(attempts),
        "model": f"logistic regression, lbfgs, C={C}, balanced classes",
        "threshold_rule": "highest out-of-fold recall of training attempts with at most "
        f"{MAX_SITES_FLAGGED:.0%} of ordinary dev sites flagged (core/fresh dev sites out of "
        "fold, grouped by site; real-dev allowed pages) and every dev injection site flagged",
        "oof_recall": round(choice.recall, 4),
        "dev_sites_flagged": f"{choice.sites_flagged}/{choice.sites}",
        "dev_injection_sites_flagged": choice.injection_sites,
        "real_dev_pages": len(real_sites),
        "oof_recall_without_rule_at_0.5542": round(before / len(attempts), 4),
    }
    data = artifact.model_copy(update={
        "threshold": choice.threshold,
        "rule": artifact.rule.model_copy(update={"sure": choice.sure, "cue_sets": CUE_SETS}),
        "fitted": fitted,
    })  # fmt: skip
    final = DetectorArtifact.model_validate(data.model_dump(mode="json"))
    return Fit(final.model_dump(mode="json"), choice.recall, choice.sites_flagged / choice.sites,
               len(rows))  # fmt: skip


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


def scan_item(item: dict[str, Any], detector: Detector | None = None) -> list[Any]:
    """``find_injections`` on one held-out line planted in its source, through the parsers."""
    source, text = item["source"], item["text"]
    url = "https://heldout.test/"
    if source == "robots":
        body = f"# {text}\nUser-agent: *\nDisallow: /cart\n"
        comment = SiteComment(url=url + "robots.txt", source="robots", text=robots_comments(body))
        return find_injections([], [comment], detector)
    if source == "sitemap":
        xml = (
            '<?xml version="1.0"?><!-- ' + html.escape(text.replace("--", "-")) + " -->"
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>https://heldout.test/a</loc></url></urlset>"
        )
        comments = parse_sitemap(xml.encode()).comments
        return find_injections([], [SiteComment(url=url + "sitemap.xml", source="sitemap",
                                                text=c) for c in comments], detector)  # fmt: skip
    page = extract_page(_page_html(source, text), url)
    return find_injections([page], (), detector)


def measure(heldout_path: Path = HELDOUT, detector: Detector | None = None) -> dict[str, Any]:
    items = _load(heldout_path)
    rows = []
    for item in items:
        found = scan_item(item, detector)
        rows.append({**item, "flagged": bool(found), "where": sorted({f.where for f in found}),
                     "reason": found[0].reason if found else ""})  # fmt: skip
    return {"rows": rows}


def site_level(split: str = "test") -> list[str]:
    """Whole sites of the corpora's ``split`` (test: never used for training or choices):
    share of injection / other sites with at least one reported sentence."""
    lines = []
    for corpus in ("core", "fresh"):
        counts = {True: [0, 0], False: [0, 0]}
        for site in sites.corpus_sites(corpus, split):
            counts[site.injection][0] += 1
            counts[site.injection][1] += bool(find_injections(site.pages, site.comments))
        (n_inj, hit_inj), (n_other, hit_other) = counts[True], counts[False]
        lines.append(
            f"| {corpus} {split} | {hit_inj}/{n_inj} | {hit_other}/{n_other} "
            f"({hit_other / max(n_other, 1):.1%}) |"
        )
    return lines


# Earlier detectors, measured the same way, for the record.
BEFORE = [
    "| first (sha256:99c4f2aea6940a28, threshold 0.5542, no report rule) | 46/48 (96%) "
    "| 4/49 (8%) | 3/3 / 3/47 | 5/5 / 10/152 | 9/148 + 22/165 real-dev |",
    "| second (sha256:a28a6478dde174b2, threshold 0.6, report rule) | 44/48 (92%) "
    "| 2/49 (4%) | 3/3 / 0/47 | 5/5 / 0/152 | 3/313 |",
]
# The held-out sets: (path, what it is). The first was written before the first fit; its
# misses were read when the second round of training lines and cues was written, so it is
# no longer unseen. The second was written by someone who saw neither the detector nor its
# data, after the second round was done, and measured once.
HELDOUT_SETS = [
    (HELDOUT, "written before the first fit; its four misses were read before the third "
              "detector's new training lines and cues were written, so it is seen data now"),
    (HELDOUT_2, "written afresh (100 attempts, 100 look-alikes, ten sources, six languages) "
                "by a writer who saw neither the detector, its training data nor the first "
                "set, after the third detector was fitted. Its one unseen measurement "
                "(detector sha256:8001c9731f8855c7): attempts 78/100, look-alikes 5/100, the "
                "previous detector 71/100 and 2/100. Its misses were then read and one bug "
                "fixed (spelt-out words were merged across the wider gaps between words, so "
                "all five spelt-out attempts were missed); the figures below are after that "
                "fix and so on seen data"),
]  # fmt: skip


def _rate(rows: list[dict[str, Any]]) -> str:
    hit = sum(1 for r in rows if r["flagged"])
    return f"{hit}/{len(rows)} ({hit / len(rows):.0%})" if rows else "-"


def _heldout_section(path: Path, note: str, result: dict[str, Any],
                     previous: dict[str, Any] | None) -> list[str]:  # fmt: skip
    rows = result["rows"]
    attempts = [r for r in rows if r["label"] == "attempt"]
    benign = [r for r in rows if r["label"] == "benign"]
    lines = [
        f"## Held-out set `{path.relative_to(ROOT)}`",
        "",
        f"{note.capitalize()}. Each line is planted in the source it names and read back "
        "through the real extractor / robots / sitemap parsers and `find_injections`.",
        "",
        "| set | flagged | previous detector |",
        "|---|---|---|",
    ]
    prev = previous["rows"] if previous else []
    for label, name, mine in (("attempt", "attempts", attempts), ("benign", "benign look-alikes",
                                                                 benign)):  # fmt: skip
        theirs = _rate([r for r in prev if r["label"] == label]) if prev else "-"
        lines.append(f"| {name} | {_rate(mine)} | {theirs} |")
    lines += ["", "| group | value | flagged |", "|---|---|---|"]
    for key in ("kind", "source", "lang"):
        for value in sorted(Counter(r[key] for r in attempts)):
            lines.append(f"| {key} | {value} | {_rate([r for r in attempts if r[key] == value])} |")
    lines += ["", "Missed attempts:", ""]
    lines += [f"- `{r['id']}` ({r['source']}, {r['lang']}, {r['kind']}): {r['text']}"
              for r in attempts if not r["flagged"]] or ["(none)"]  # fmt: skip
    lines += ["", "Benign look-alikes flagged:", ""]
    lines += [f"- `{r['id']}` ({r['source']}, {r['lang']}): {r['text']} — {r['reason']}"
              for r in benign if r["flagged"]] or ["(none)"]  # fmt: skip
    return [*lines, ""]


def render_report(
    results: Sequence[tuple[Path, str, dict[str, Any], dict[str, Any] | None]],
    version: str,
    fitted: dict[str, Any],
    previous_version: str | None = None,
) -> str:
    lines = [
        f"# Injection detector on the held-out sets ({date.today().isoformat()})",
        "",
        f"Detector `{version}` (`src/merchant_screen/agent/injection_model.json`), fitted by "
        "`evals/tools/injection_fit.py` on `evals/injection/train.jsonl` "
        f"({fitted.get('rows')} sentences, {fitted.get('attempts')} attempts). Threshold "
        f"{fitted.get('threshold')} and report rule (sure {fitted.get('sure')}; cue sets "
        f"{fitted.get('cue_sets')}) chosen on dev data only: {fitted.get('threshold_rule')}. "
        f"Out of fold: training attempts reported {fitted.get('oof_recall')}, ordinary dev "
        f"sites flagged {fitted.get('dev_sites_flagged')}, dev injection sites flagged "
        f"{fitted.get('dev_injection_sites_flagged')}.",
        "",
        "The previous detector"
        + (f" (`{previous_version}`)" if previous_version else "")
        + " is measured on the same lines in the same run.",
        "",
    ]
    for path, note, result, previous in results:
        lines += _heldout_section(path, note, result, previous)
    lines += [
        "## Whole sites (test splits of the corpora, not used for training)",
        "",
        "Every page file of each site plus its robots.txt / sitemap comments. A flagged "
        "ordinary site is pushed from approve to review (the signal never lowers a decision).",
        "",
        "| corpus | injection sites flagged | other sites flagged |",
        "|---|---|---|",
        *site_level(),
        "",
        "## Earlier detectors",
        "",
        "| detector | held-out 1 attempts | held-out 1 look-alikes | core test injection / "
        "other sites | fresh test injection / other sites | dev ordinary sites |",
        "|---|---|---|---|---|---|",
        *BEFORE,
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="measure the shipped artifact, write the report"
    )
    parser.add_argument(
        "--previous", type=Path, help="an earlier artifact to measure on the same lines"
    )
    args = parser.parse_args(argv)
    if not args.check:
        result = fit()
        write_artifact(result.artifact)
        print(f"fitted on {result.rows} rows: out-of-fold recall {result.oof_recall:.3f}, "
              f"dev sites flagged {result.sites_flagged:.4f}")  # fmt: skip
    from merchant_screen.agent import injection_model

    injection_model.bundled_detector.cache_clear()
    detector = load_detector(ARTIFACT)
    previous = load_detector(args.previous) if args.previous else None
    results = [
        (path, note, measure(path, detector), measure(path, previous) if previous else None)
        for path, note in HELDOUT_SETS
    ]
    rule = detector.artifact.rule
    fitted = {**detector.artifact.fitted, "threshold": detector.threshold, "sure": rule.sure,
              "cue_sets": " / ".join("+".join(n) for n in rule.cue_sets)}  # fmt: skip
    report = render_report(results, detector.version, fitted,
                           previous.version if previous else None)  # fmt: skip
    out = REPORTS / f"injection-{date.today().isoformat()}.md"
    out.write_text(report, encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
