"""Decide from a page's content whether it is real content or a wall / placeholder.

Every rule pairs a signal (a phrase, a widget, a form) with a limit on how much other
visible text the page has, so a real shop page that merely mentions "coming soon", has a
"Log in" link, a newsletter form, a cookie banner or an age pop-up over its catalogue
stays ``ok``. Rules run in a fixed order; the first that fires wins.
"""

from __future__ import annotations

import re

from merchant_screen.tools.pages import ExtractedPage, PageState

__all__ = ["classify_content"]

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

_AGE_PHRASES = re.compile(
    r"are you (?:over |at least )?(?:18|19|21)|legal (?:drinking |smoking )?age|"
    r"you must be (?:over |at least )?(?:18|19|21)|confirm (?:that )?you are (?:over |at least )?"
    r"(?:18|19|21)|(?:verify|confirm) your age|age verification|enter your (?:date of )?birth|"
    r"i(?: am|'m) (?:over |at least )?(?:18|19|21)|(?:18|19|21)\+? years (?:of age )?(?:or|and) "
    r"(?:older|over)|over the age of (?:18|19|21)"
)

_APP_ROOT = re.compile(
    r"<div[^>]*\sid\s*=\s*[\"']?(?:root|app|__next|__nuxt|svelte|___gatsby|q-app)\b|<app-root\b"
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
_JS_LIMIT = 200
_JS_WITH_DATA_LIMIT = 40
_EMPTY_LIMIT = 60
# A page with this many links is a navigable site, not a login wall or a placeholder.
_FEW_LINKS = 15


def _first(phrases: tuple[str, ...], haystack: str) -> str | None:
    return next((phrase for phrase in phrases if phrase in haystack), None)


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
    if len(page.links) >= _FEW_LINKS:
        return None
    headline = "\n".join((page.title, *page.headings)).lower().replace("\u2019", "'")
    if size < _CONSTRUCTION_HEADLINE_LIMIT and (phrase := _first(_CONSTRUCTION_PHRASES, headline)):
        return f"placeholder headline ({phrase!r}) and little content"
    if size < _CONSTRUCTION_LIMIT and (phrase := _first(_CONSTRUCTION_PHRASES, text)):
        return f"placeholder text ({phrase!r}) and little content"
    return None


def _login_wall(page: ExtractedPage, text: str) -> str | None:
    size = len(page.text)
    if len(page.links) >= _FEW_LINKS:
        return None  # a navigable site with a login box somewhere, not a wall
    has_password = any(form.has_password for form in page.forms)
    phrase = _first(_LOGIN_PHRASES, text)
    if has_password and size < _LOGIN_LIMIT:
        return "a password form and little other content"
    if has_password and phrase and size < _LOGIN_PHRASE_LIMIT:
        return f"a password form and {phrase!r}"
    if phrase and size < _LOGIN_LIMIT // 2:
        return f"{phrase!r} and little other content"
    return None


def _age_gate(page: ExtractedPage, text: str) -> str | None:
    if not _AGE_PHRASES.search(text):
        return None
    lines = text.splitlines()
    age_lines = [line for line in lines if _AGE_PHRASES.search(line)]
    if not age_lines:
        return None
    other = sum(len(line) for line in lines if not _AGE_PHRASES.search(line))
    if other < _AGE_OTHER_TEXT_LIMIT:
        return f"age confirmation ({age_lines[0][:60]!r}) and little other content"
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


def classify_content(page: ExtractedPage, html: str) -> tuple[PageState, str]:
    """The content state of ``page`` (built from ``html``) and a short reason."""
    text = page.text.lower().replace("\u2019", "'")
    markup = html.lower()
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
