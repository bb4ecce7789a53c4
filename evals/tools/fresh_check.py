"""Checks of the fresh corpus: each spec before rendering, each rendered site after.

Before rendering: page paths, link targets in nav / footer / ``@products``, evidence pages,
evidence against the decision, tags against the content, the spec's own robots.txt.
After rendering, with the project's own extractor (``extract_page(html, url)``): every link
on every page resolves to a rendered file, every ``@script-app`` page reads as
``js_required``, and every evidence quote is in its page's visible text after collapsing
whitespace and lowercasing (the dataset rule), in the site's family and in every other family.
Problems fail the build; warnings (SPEC.md's "what a good spec has") do not.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from urllib.parse import unquote, urlsplit

from fresh_body import Hidden, Products, block_text
from fresh_family import external
from fresh_site import FAMILIES, RenderedSite, file_for, resolve, robots_allows
from fresh_spec import LoadedSpec, content_text

from merchant_screen.tools.extract import extract_page
from merchant_screen.tools.pages import ExtractedPage
from merchant_screen.tools.text import collapse_ws

FLAGGED = ("prohibited", "restricted")


def quote_visible(quote: str, text: str) -> bool:
    """The dataset rule: the quote is in the text once both are whitespace-collapsed and lowered."""
    return collapse_ws(quote).lower() in collapse_ws(text).lower()


def _target_ok(href: str, host: str, files: set[str]) -> bool:
    if external(href):
        parts = urlsplit(href)
        return parts.hostname != host or resolve(files, parts.path or "/") is not None
    return href.startswith("/") and resolve(files, urlsplit(href).path) is not None


def spec_problems(loaded: LoadedSpec) -> list[str]:
    """Problems visible in the spec alone."""
    spec = loaded.spec
    out: list[str] = []

    def say(message: str) -> None:
        out.append(f"{loaded.file}: {message}")

    paths = [page.path for page in spec.pages]
    for path in sorted({p for p in paths if paths.count(p) > 1}):
        say(f"page path {path} is defined twice")
    if "/" not in paths:
        say("no home page: one page needs path '/'")
    files = {file_for(path) for path in paths}
    for where, links in (("nav", spec.nav), ("footer", spec.footer)):
        for number, (label, href) in enumerate(links):
            if not _target_ok(href, spec.host, files):
                say(f"{where}[{number}] {label!r} links to {href}, which is no page of the spec")
    for page in loaded.pages:
        for block in page.blocks:
            if isinstance(block, Products):
                for card in block.cards:
                    if not _target_ok(card.href, spec.host, files):
                        say(f"{page.path}: @products card {card.name!r} links to {card.href}, "
                            "which is no page of the spec")  # fmt: skip
    decision = spec.expected.decision
    if decision in FLAGGED and not spec.evidence:
        say(f"decision {decision!r} needs evidence: at least one quote from a page")
    if decision not in FLAGGED and spec.evidence:
        say(f"decision {decision!r} takes no evidence (evidence must be [])")
    for number, item in enumerate(spec.evidence):
        if resolve(files, item.path) is None:
            say(f"evidence[{number}] path {item.path} is no page of the spec")
    if "hard_negative" in spec.tags and decision != "allowed":
        say(f"tag hard_negative is for allowed cases, but the decision is {decision!r}")
    if not {"evasion", "injection"} & set(spec.tags):
        for page in loaded.pages:
            if any(isinstance(block, Hidden) for block in page.blocks):
                say(f"{page.path}: @hidden is for evasion or injection cases only; tag the case "
                    "or drop the block")  # fmt: skip
    if spec.robots is not None:
        if decision != "unknown" and not robots_allows(spec.robots, spec.host, "/"):
            say("robots disallows the home page, so the crawler reads nothing")
        for item in spec.evidence:
            if not robots_allows(spec.robots, spec.host, item.path):
                say(f"robots disallows evidence page {item.path}: the crawler may never read it")
    return out


def extract_site(site: RenderedSite) -> dict[str, ExtractedPage]:
    """Every page of a rendered site as the project's extractor reads it, by URL path."""
    return {
        page.path: extract_page(site.files[file_for(page.path)], site.url(page.path))
        for page in site.pages
    }


def site_problems(site: RenderedSite, extracted: Mapping[str, ExtractedPage]) -> list[str]:
    """Problems of a rendered site: broken links, page states, invisible quotes."""
    label = site.loaded.file
    out: list[str] = []
    # Links the spec wrote were checked by spec_problems; these are the ones the layout adds.
    hrefs = [href for _, href in (*site.view.nav, *site.view.footer)]
    hrefs += [card.href for page in site.loaded.pages for block in page.blocks
              if isinstance(block, Products) for card in block.cards]  # fmt: skip
    written = {urlsplit(h).path for h in hrefs if urlsplit(h).hostname in (None, site.view.host)}
    broken: dict[str, list[str]] = defaultdict(list)
    for path, page in extracted.items():
        for link in page.links:
            parts = urlsplit(link.url)
            if parts.hostname != site.view.host or parts.path in written:
                continue
            if resolve(site.files, unquote(parts.path) or "/") is None:
                broken[parts.path].append(path)
    for target, sources in sorted(broken.items()):
        where = ", ".join(sorted(set(sources))[:3])
        out.append(
            f"{label}: link to {target} (on {where}) has no page in the {site.family} layout"
        )
    for view in site.pages:
        state = extracted[view.path]
        if view.is_app and state.state != "js_required":
            out.append(f"{label}: {view.path} has @script-app but the crawler reads it as "
                       f"{state.state!r} ({state.state_reason})")  # fmt: skip
        if resolve(site.files, view.path) != file_for(view.path):
            out.append(f"{label}: page {view.path} is shadowed by the file "
                       f"{resolve(site.files, view.path)} of the {site.family} layout")  # fmt: skip
    by_file = {file_for(view.path): view for view in site.pages}
    for number, item in enumerate(site.loaded.spec.evidence):
        name = resolve(site.files, item.path)
        view = by_file.get(name or "")
        if view is None:
            continue  # reported by spec_problems
        page = extracted[view.path]
        short = _short(item.quote)
        if not quote_visible(item.quote, page.text):
            out.append(f"{label}: evidence[{number}] {short} is not in the visible text of "
                       f"{item.path}{_why_invisible(item.quote, page)}")  # fmt: skip
            continue
        missing = []
        for name_, family in FAMILIES.items():
            if name_ == site.family:
                continue
            other = extract_page(family.render(site.view, view), site.url(view.path))
            if not quote_visible(item.quote, other.text):
                missing.append(name_)
        if missing:
            out.append(f"{label}: evidence[{number}] {short} on {item.path} is visible in the "
                       f"{site.family} layout but not in {', '.join(missing)}: quote text from "
                       "one block")  # fmt: skip
    return out


def _short(quote: str) -> str:
    text = collapse_ws(quote)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _why_invisible(quote: str, page: ExtractedPage) -> str:
    for hidden in page.hidden:
        if quote_visible(quote, hidden.text):
            if hidden.reason == "html_comment":
                return " (it is inside an HTML comment: not visible)"
            return f" (it is in hidden text, {hidden.reason}: not visible)"
    return " (check spelling and punctuation; a quote must stay within the page's text)"


# ---------------------------------------------------------------- warnings


def site_warnings(site: RenderedSite, extracted: Mapping[str, ExtractedPage]) -> list[str]:
    """What SPEC.md asks of a good spec, where this one falls short, and page states the
    crawler will see that the label may not expect."""
    spec, label = site.loaded.spec, site.loaded.file
    out = []
    if spec.expected.decision != "unknown":
        pages = len(spec.pages)
        if not 5 <= pages <= 9:
            out.append(f"{label}: warning: {pages} pages (a normal site has 5 to 9)")
        chars = len(collapse_ws(content_text(site.loaded)))
        if chars < 2000:
            out.append(f"{label}: warning: {chars} characters of text (a normal site has 2,000+)")
        if not any(page.kind == "catalog" for page in spec.pages):
            out.append(f"{label}: warning: no page of kind 'catalog'")
    if spec.evidence and all(item.path == "/" for item in spec.evidence):
        out.append(f"{label}: warning: every quote is on the home page (prefer deeper pages)")
    for number, item in enumerate(spec.evidence):
        if len(item.quote.split()) < 4:
            out.append(
                f"{label}: warning: evidence[{number}] {_short(item.quote)} is under 4 words"
            )
    home = extracted["/"]
    if spec.expected.decision == "unknown":
        if all(page.state == "ok" for page in extracted.values()):
            out.append(f"{label}: warning: an unknown case, but every page reads as 'ok' to the "
                       f"crawler (home page: {len(home.text)} characters)")  # fmt: skip
    elif home.state != "ok":
        out.append(f"{label}: warning: the home page reads as {home.state!r} ({home.state_reason})")
    return out


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def shared_sentences(specs: Iterable[LoadedSpec]) -> list[str]:
    """Warnings for sentences of 8+ words that two specs share."""
    owners: dict[str, list[str]] = defaultdict(list)
    files = {}
    for loaded in specs:
        files[loaded.spec.id] = loaded.file
        seen = set()
        for block in (b for page in loaded.pages for b in page.blocks):
            for sentence in _SENTENCE.split(block_text(block)):
                key = collapse_ws(sentence).lower()
                if len(key.split()) >= 8 and key not in seen:
                    seen.add(key)
                    owners[key].append(loaded.spec.id)
    pairs: dict[tuple[str, str], str] = {}
    for sentence, ids in owners.items():
        for other in ids[1:]:
            pairs.setdefault((ids[0], other), sentence)
    return [
        f"{files[b]}: warning: shares a sentence with {a}: {_short(sentence)}"
        for (a, b), sentence in sorted(pairs.items())
    ]
