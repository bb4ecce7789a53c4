"""Decide from a page's content whether it is real content or a wall / placeholder.

Every rule pairs a signal (a phrase, a widget, a form) with a limit on how much other
visible text the page has (and, for login walls and placeholders, on how many of its own
pages it links to), so a real shop page that merely mentions "coming soon", has a "Log in"
link or box, a newsletter form, a cookie banner or an age pop-up over its catalogue stays
``ok``. Rules run in a fixed order (bot wall, parked, under construction, login wall, age
gate, script app, empty); the first that fires wins.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from merchant_screen.tools.pages import ExtractedPage, PageState

__all__ = ["binary_garbage", "classify_content"]

# Characters no HTML author writes: C0/C1 controls other than whitespace, U+FFFD (what bytes
# that do not decode become), lone surrogates, noncharacters. Icon fonts use a few private-use
# characters, so those are not counted.
_JUNK = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd\ufffe\uffff\ud800-\udfff]")
_JUNK_SHARE = 0.10
_JUNK_MIN_CHARS = 32

_BOT_TITLES = (
    "just a moment",
    "attention required",
    "access denied",
    "checking your browser",
    "security check",
    "ddos protection",
    "pardon our interruption",
    "are you a robot",
    "robot check",
    "human verification",
    "request unsuccessful",
)
_BOT_PHRASES = (
    "checking your browser before accessing",
    "checking if the site connection is secure",
    "verify you are human",
    "verifying you are human",
    "verify that you are human",
    "enable javascript and cookies to continue",
    "needs to review the security of your connection",
    "please complete the security check",
    "you have been blocked",
    "access to this page has been denied",
    "you don't have permission to access",
    "press & hold to confirm",
    "press and hold to confirm",
    "are you a robot",
    "not a robot",
    "unusual traffic from your",
    "website firewall",
    "why have i been blocked",
    "performance & security by cloudflare",
)
_BOT_MARKUP = (
    "cf-challenge",
    "cf_chl_",
    "challenges.cloudflare.com/cdn-cgi/challenge",
    "captcha-delivery.com",
    "px-captcha",
    "_incapsula_resource",
    "incapsula incident id",
    "sucuri website firewall",
    "errors.edgesuite.net",
)
_CAPTCHA_MARKUP = ("g-recaptcha", "h-captcha", "cf-turnstile", "hcaptcha.com/1/api.js")
_CAPTCHA_WORDS = re.compile(r"\b(?:robot|human|captcha|security check)\b")

_PARKED_PHRASES = (
    "this domain is for sale",
    "domain is for sale",
    "domain name is for sale",
    "buy this domain",
    "domain may be for sale",
    "parked free",
    "parked domain",
    "domain parking",
    "this domain has been registered",
    "make an offer on this domain",
    "inquire about this domain",
    "get this domain",
)
_PARKED_MARKUP = re.compile(
    r"sedoparking|parking-lander|parklogic|parkingcrew|(?<![\w.-])(?:www\.)?"
    r"(?:sedo|dan|afternic|bodis|hugedomains|undeveloped|efty)\.com\b"
)

_CONSTRUCTION_PHRASES = (
    "under construction",
    "coming soon",
    "launching soon",
    "opening soon",
    "launching shortly",
    "site is being built",
    "website is being built",
    "we'll be back soon",
    "we will be back soon",
    "be right back",
    "down for maintenance",
    "under maintenance",
    "maintenance mode",
    "scheduled maintenance",
    "future home of something",
    "welcome to nginx",
    "successfully installed and working",
    "apache2 ubuntu default page",
    "apache2 debian default page",
    "test page for the apache http server",
    "default web site page",
    "domain default page",
)

_LOGIN_PHRASES = (
    "sign in to continue",
    "log in to continue",
    "login to continue",
    "members only",
    "member login",
    "login required",
    "you must be logged in",
    "you must log in",
    "please log in",
    "please sign in",
    "password protected",
    "enter using password",
    "enter store using password",
    "authorized users only",
    "authorised users only",
)

# Questions and confirmations an age gate asks; statements such as "you must be 21 to buy"
# or an "Age verification policy" link are not gates.
_AGE_QUESTIONS = re.compile(
    r"are you (?:over |at least )?(?:18|19|21)\b|are you of (?:legal |drinking |smoking )+age|"
    r"(?:confirm|verify) (?:that )?you are (?:over |at least |of )?(?:18|19|21|legal)|"
    r"(?:confirm|verify|enter) your (?:age|date of birth|birth ?date|year of birth)|"
    r"i(?: am|'m) (?:over |at least )?(?:18|19|21)\b|"
    r"i(?: am|'m) of (?:legal |drinking |smoking )+age"
)

_AGE_PROMPT_STARTS = (
    "are you",
    "please",
    "confirm",
    "verify",
    "enter",
    "i am",
    "i'm",
    "yes",
    "by entering",
    "to enter",
)
_AGE_PROMPT_MAX_CHARS = 120

_APP_ROOT = re.compile(
    r"<div[^<>]*\sid\s*=\s*[\"']?(?:root|app|__next|__nuxt|svelte|___gatsby|q-app)\b|<app-root\b"
)
_JS_PHRASES = (
    "enable javascript",
    "javascript is required",
    "javascript is disabled",
    "requires javascript",
    "javascript must be enabled",
    "turn on javascript",
    "activate javascript",
    "javascript enabled",
)

# Visible-text limits (characters) below which a signal decides the page.
_BOT_LIMIT = 2500
_BOT_MARKUP_LIMIT = 1000
_PARKED_LIMIT = 5000
_PARKED_MARKUP_LIMIT = 2000
_CONSTRUCTION_HEADLINE_LIMIT = 1200
_CONSTRUCTION_LIMIT = 600
_LOGIN_LIMIT = 700
_LOGIN_PHRASE_LIMIT = 2500
_AGE_OTHER_TEXT_LIMIT = 700
_AGE_TEXT_LIMIT = 4000
_JS_LIMIT = 200
_JS_WITH_DATA_LIMIT = 40
_EMPTY_LIMIT = 60
# A page with this many links into its own site is navigable, not a wall or a placeholder.
_NAVIGABLE_LINKS = 8


def _first(phrases: tuple[str, ...], haystack: str) -> str | None:
    return next((phrase for phrase in phrases if phrase in haystack), None)


def _host(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower().removeprefix("www.")
    except ValueError:
        return ""


def _navigable(page: ExtractedPage) -> bool:
    """Whether the page links to at least a handful of distinct pages on its own site."""
    own = _host(page.url)
    targets = {link.url for link in page.links if _host(link.url) == own}
    return len(targets) >= _NAVIGABLE_LINKS


def _has_product_data(page: ExtractedPage) -> bool:
    for item in page.json_ld:
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(k in ("Product", "ProductGroup", "ItemList", "Offer") for k in kinds):
            return True
    return False


def _bot_wall(page: ExtractedPage, text: str, markup: str) -> str | None:
    size = len(page.text)
    if size >= _BOT_LIMIT:
        return None
    if title := _first(_BOT_TITLES, page.title.lower()):
        return f"challenge page title ({title!r})"
    if phrase := _first(_BOT_PHRASES, text):
        return f"challenge text ({phrase!r})"
    if size < _BOT_MARKUP_LIMIT and (marker := _first(_BOT_MARKUP, markup)):
        return f"bot-protection markup ({marker!r}) and little text"
    if (widget := _first(_CAPTCHA_MARKUP, markup)) and (
        size < 120 or (size < 800 and _CAPTCHA_WORDS.search(text))
    ):
        return f"captcha widget ({widget!r}) and little other content"
    return None


def _parked(page: ExtractedPage, text: str, markup: str) -> str | None:
    size = len(page.text)
    if size < _PARKED_LIMIT and (phrase := _first(_PARKED_PHRASES, text)):
        return f"domain-sale text ({phrase!r})"
    if size < _PARKED_MARKUP_LIMIT and (match := _PARKED_MARKUP.search(markup)):
        return f"domain parking / marketplace markup ({match.group()!r})"
    return None


def _under_construction(page: ExtractedPage, text: str) -> str | None:
    size = len(page.text)
    headline = "\n".join((page.title, *page.headings)).lower().replace("\u2019", "'")
    reason = None
    if size < _CONSTRUCTION_HEADLINE_LIMIT and (phrase := _first(_CONSTRUCTION_PHRASES, headline)):
        reason = f"placeholder headline ({phrase!r}) and little content"
    elif size < _CONSTRUCTION_LIMIT and (phrase := _first(_CONSTRUCTION_PHRASES, text)):
        reason = f"placeholder text ({phrase!r}) and little content"
    return None if reason is None or _navigable(page) else reason


def _login_wall(page: ExtractedPage, text: str) -> str | None:
    size = len(page.text)
    has_password = any(form.has_password for form in page.forms)
    phrase = _first(_LOGIN_PHRASES, text) if size < _LOGIN_PHRASE_LIMIT else None
    reason = None
    if has_password and size < _LOGIN_LIMIT:
        reason = "a password form and little other content"
    elif has_password and phrase:
        reason = f"a password form and {phrase!r}"
    elif phrase and size < _LOGIN_LIMIT // 2:
        reason = f"{phrase!r} and little other content"
    # A site that links to many of its own pages has a login box somewhere, not a wall.
    return None if reason is None or _navigable(page) else reason


def _is_age_prompt(line: str) -> bool:
    """A short line that asks for age: a question, or an instruction / answer that opens
    with the gate's words (not a sentence of terms that merely mentions age)."""
    if len(line) > _AGE_PROMPT_MAX_CHARS or not _AGE_QUESTIONS.search(line):
        return False
    return line.endswith("?") or line.startswith(_AGE_PROMPT_STARTS)


def _age_gate(page: ExtractedPage, text: str) -> str | None:
    if len(text) > _AGE_TEXT_LIMIT or not _AGE_QUESTIONS.search(text):
        return None
    lines = text.splitlines()
    prompts = [line for line in lines if _is_age_prompt(line)]
    if not prompts:
        return None
    other = sum(len(line) for line in lines if not _AGE_QUESTIONS.search(line))
    if other < _AGE_OTHER_TEXT_LIMIT:
        return f"age confirmation ({prompts[0][:60]!r}) and little other content"
    return None


def _js_required(page: ExtractedPage, text: str, markup: str) -> str | None:
    data = page.has_next_data or _has_product_data(page)
    if len(page.text) >= (_JS_WITH_DATA_LIMIT if data else _JS_LIMIT):
        return None
    noscript = " ".join(h.text for h in page.hidden if h.reason == "noscript").lower()
    if phrase := _first(_JS_PHRASES, text + "\n" + noscript):
        return f"little visible text and {phrase!r}"
    if root := _APP_ROOT.search(markup):
        return f"little visible text and a script app root ({root.group()[:40]!r})"
    return None


def binary_garbage(text: str) -> str | None:
    """Why a decoded "HTML" body is binary data rather than a document, or None.

    Random bytes served as text/html decode to about 56% control and replacement
    characters; real pages, whatever their language, to almost none."""
    if len(text) < _JUNK_MIN_CHARS:
        return None
    junk = len(_JUNK.findall(text))
    if junk < _JUNK_SHARE * len(text):
        return None
    return f"binary data, not HTML: {junk / len(text):.0%} control or undecodable characters"


def classify_content(page: ExtractedPage, html: str) -> tuple[PageState, str]:
    """The content state of ``page`` (built from ``html``) and a short reason."""
    text = page.text.lower().replace("\u2019", "'")
    # Every markup signal needs a page with little text; skip lowering big documents.
    markup = html.lower() if len(page.text) < _BOT_LIMIT else ""
    if reason := _bot_wall(page, text, markup):
        return "bot_wall", reason
    if reason := _parked(page, text + "\n" + page.title.lower(), markup):
        return "parked", reason
    if reason := _under_construction(page, text):
        return "under_construction", reason
    if reason := _login_wall(page, text):
        return "login_wall", reason
    if reason := _age_gate(page, text):
        return "age_gate", reason
    if reason := _js_required(page, text, markup):
        return "js_required", reason
    if len(page.text) < _EMPTY_LIMIT and not (page.has_next_data or _has_product_data(page)):
        return "empty", f"only {len(page.text)} characters of visible text"
    return "ok", f"{len(page.text)} characters of visible text"
