"""Content states: walls and placeholders are caught, real pages stay ``ok``."""

from __future__ import annotations

import random

import pytest

from merchant_screen.tools.extract import extract_page
from merchant_screen.tools.pages import ExtractedPage, FormInfo
from merchant_screen.tools.pagestate import binary_garbage, classify_content

URL = "https://shop.test/"


def state_of(html: str) -> str:
    return extract_page(html, URL).state


def shop_page(extra: str = "", products: int = 12, header_extra: str = "") -> str:
    """A plain small-shop page: header nav, product grid, policy footer."""
    grid = "".join(
        f'<div class="card"><a href="/products/p{i}"><img src="/p{i}.jpg" alt="Item {i}">'
        f"<h3>Handmade ceramic mug no. {i}</h3></a><span class=price>${20 + i}.00</span>"
        "<p>Stoneware, dishwasher safe, glazed by hand in our Leeds studio.</p></div>"
        for i in range(products)
    )
    return (
        "<!doctype html><html lang=en><head><title>Clay &amp; Co - Mugs</title></head><body>"
        f'<header><nav><a href="/">Home</a><a href="/collections/mugs">Mugs</a>'
        f'<a href="/pages/about">About</a></nav>{header_extra}</header>'
        f"<main><h1>Mugs</h1>{grid}</main>{extra}"
        '<footer><a href="/policies/refund-policy">Refund policy</a>'
        '<a href="/policies/terms-of-service">Terms of service</a>'
        "<p>&copy; 2025 Clay &amp; Co Ltd, 12 Mill Lane, Leeds LS1 4AB</p></footer></body></html>"
    )


# ---------------------------------------------------------------- bot walls

CLOUDFLARE_CHALLENGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="refresh" content="390"><script>(function(){window._cf_chl_opt={cvId:'3',
cZone:"shop.test",cType:'managed'};}());</script></head><body class="no-js">
<div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">shop.test</h1>
<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<div id="challenge-stage"></div>
<div id="challenge-body-text" class="core-msg spacer">shop.test needs to review the security of
your connection before proceeding.</div>
<noscript><div id="challenge-error-title">Enable JavaScript and cookies to continue</div></noscript>
</div></div><div class="footer" role="contentinfo"><div class="ray-id">Ray ID:
<code>8a1b2c3d4e5f6789</code></div><div id="footer-text">Performance &amp; security by
<a href="https://www.cloudflare.com">Cloudflare</a></div></div></body></html>"""

CLOUDFLARE_BLOCK = """<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title>
</head><body><div id="cf-wrapper"><div id="cf-error-details"><h1>Sorry, you have been blocked</h1>
<h2>You are unable to access shop.test</h2><h2>Why have I been blocked?</h2>
<p>This website is using a security service to protect itself from online attacks.</p>
<p>Cloudflare Ray ID: <strong>8a1b2c3d4e5f6789</strong></p></div></div></body></html>"""

AKAMAI_DENIED = """<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>
You don't have permission to access "http&#58;&#47;&#47;shop&#46;test&#47;" on this server.<P>
Reference&#32;&#35;18&#46;5f2e1002&#46;1700000000&#46;2b3c4d5e<P>
https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;5f2e1002</BODY></HTML>"""

DATADOME = """<html><head><title>shop.test</title></head><body style="margin:0">
<p id="cmsg">Please enable JS and disable any ad blocker</p>
<script>var dd={'rt':'c','cid':'AHrlqAAAAAMA','hsh':'2211F522B61E269B','s':40045,
'host':'geo.captcha-delivery.com'}</script>
<script src="https://ct.captcha-delivery.com/c.js"></script></body></html>"""

PERIMETERX = """<html><head><title>Access to this page has been denied.</title></head><body>
<div class="px-captcha-container"><h1>Before we continue...</h1>
<p>Press &amp; Hold to confirm you are a human (and not a bot).</p>
<div id="px-captcha"></div><p>Reference ID 7d3c1b2a-0000-11ef-8a4b-2f6c1a7e9d10</p></div>
</body></html>"""

RECAPTCHA_WALL = """<html><head><title>shop.test</title>
<script src="https://www.google.com/recaptcha/api.js" async defer></script></head><body>
<h1>One more step</h1><p>Please complete the security check to access shop.test</p>
<form method="post" action="/verify"><div class="g-recaptcha" data-sitekey="6Lc_aX0UAAAA"></div>
<input type="submit" value="Continue"></form></body></html>"""


@pytest.mark.parametrize(
    "html",
    [CLOUDFLARE_CHALLENGE, CLOUDFLARE_BLOCK, AKAMAI_DENIED, DATADOME, PERIMETERX, RECAPTCHA_WALL],
    ids=[
        "cloudflare-challenge",
        "cloudflare-block",
        "akamai",
        "datadome",
        "perimeterx",
        "recaptcha",
    ],
)
def test_bot_walls(html: str) -> None:
    page = extract_page(html, URL)
    assert page.state == "bot_wall"
    assert page.state_reason


def test_contact_form_with_captcha_on_a_real_page_is_ok() -> None:
    form = (
        '<section><h2>Contact us</h2><form action="/contact" method="post">'
        '<input name="name"><input name="email"><textarea name="body"></textarea>'
        '<div class="g-recaptcha" data-sitekey="x"></div><button>Send</button></form>'
        "<p>This site is protected by reCAPTCHA and the Google Privacy Policy applies.</p>"
        "</section>"
    )
    assert state_of(shop_page(extra=form)) == "ok"


# ---------------------------------------------------------------- login walls

MEMBERS_ONLY = """<html><head><title>Wholesale portal</title></head><body>
<div class="login"><img src="/logo.png" alt="Trade Supplies"><h1>Sign in to continue</h1>
<p>This catalogue is for members only.</p>
<form action="/login" method="post"><label>Email <input type="email" name="email"></label>
<label>Password <input type="password" name="password"></label><button>Sign in</button></form>
<a href="/password/reset">Forgot your password?</a></div></body></html>"""


def test_login_wall() -> None:
    page = extract_page(MEMBERS_ONLY, URL)
    assert page.state == "login_wall"
    assert "password" in page.state_reason


def test_shop_with_login_link_and_newsletter_is_ok() -> None:
    newsletter = (
        '<section class="newsletter"><h2>Join our list</h2><form action="/contact" method="post">'
        '<input type="email" name="contact[email]" placeholder="Email"><button>Subscribe</button>'
        "</form></section>"
    )
    html = shop_page(extra=newsletter, header_extra='<a href="/account/login">Log in</a>')
    assert state_of(html) == "ok"


def test_shop_with_header_login_dropdown_form_is_ok() -> None:
    dropdown = (
        '<form action="/account/login" method="post"><input type="email" name="customer[email]">'
        '<input type="password" name="customer[password]"><button>Sign in</button></form>'
    )
    assert state_of(shop_page(header_extra=dropdown)) == "ok"


def test_small_shop_with_header_login_form_is_ok() -> None:
    dropdown = (
        '<form action="/account/login" method="post"><input type="email" name="email">'
        '<input type="password" name="password"><button>Sign in</button></form>'
        '<a href="/account/register">Create account</a><a href="/cart">Cart</a>'
        '<a href="/search">Search</a><a href="/pages/faq">FAQ</a><a href="/blogs/news">News</a>'
    )
    html = shop_page(header_extra=dropdown, products=3)
    assert len(extract_page(html, URL).text) < 700
    assert state_of(html) == "ok"


# ---------------------------------------------------------------- age gates

AGE_MODAL = """<div class="age-gate" role="dialog"><img src="/logo.png" alt="Highland Spirits">
<h2>Are you 21 or older?</h2><p>You must be of legal drinking age to enter this site.</p>
<button>Yes, I am 21+</button><button>No</button></div>"""


def test_age_gate_alone() -> None:
    html = (
        f"<html><head><title>Highland Spirits</title></head><body>{AGE_MODAL}"
        "<footer><p>&copy; 2025 Highland Spirits. Please drink responsibly.</p></footer>"
        "</body></html>"
    )
    page = extract_page(html, URL)
    assert page.state == "age_gate"
    assert "21" in page.state_reason


def test_alcohol_shop_with_age_modal_and_catalogue_is_ok() -> None:
    assert state_of(shop_page(extra=AGE_MODAL, products=10)) == "ok"


def test_footer_age_notice_on_a_catalogue_is_ok() -> None:
    notice = "<p>You must be 21 years or older to purchase vaping products.</p>"
    assert state_of(shop_page(extra=notice)) == "ok"


def test_age_statements_and_policy_links_are_not_a_gate() -> None:
    html = (
        "<html><body><header><a href='/'>Home</a><a href='/shop'>Shop</a></header>"
        "<h1>Portsmouth's flavour lab since 2016</h1><p>House-mixed liquids and a tasting bar."
        "</p><p>You must be 18 or older to use this site.</p>"
        "<footer><a href='/age-policy'>Age Verification Policy</a></footer></body></html>"
    )
    assert state_of(html) == "ok"


def test_short_terms_page_that_mentions_age_confirmation_is_ok() -> None:
    html = (
        "<html><body><h1>Terms</h1><p>All products are sold for laboratory research. By placing "
        "an order you confirm that you are over 18 and a qualified researcher.</p>"
        "<p>You confirm your age at sign-up, and we verify it through a third party.</p>"
        "</body></html>"
    )
    assert state_of(html) == "ok"


@pytest.mark.parametrize(
    "question",
    [
        "Please enter your date of birth",
        "Are you of legal drinking age?",
        "Confirm that you are over 18",
        "I'm 21 or older",
    ],
)
def test_age_gate_questions(question: str) -> None:
    html = (
        f"<html><body><div class=modal><p>{question}</p><button>Enter</button></div></body></html>"
    )
    assert state_of(html) == "age_gate"


# ---------------------------------------------------------------- parked domains

GODADDY_PARKED = """<!DOCTYPE html><html><head><title>shop.test</title>
<script src="https://img1.wsimg.com/parking-lander/static/js/main.js"></script></head><body>
<div id="root"><h1>shop.test</h1><p>This domain may be for sale!</p>
<a href="https://www.godaddy.com/domainsearch/find?domainToCheck=shop.test">Buy now</a></div>
</body></html>"""

SEDO_PARKED = """<html><head><title>shop.test - Related searches</title></head><body>
<div class="header">The domain shop.test may be for sale. Click here to inquire about this
domain.</div><h2>Related Searches</h2><ul><li><a href="/?q=Cheap+Flights">Cheap Flights</a></li>
<li><a href="/?q=Car+Insurance">Car Insurance</a></li><li><a href="/?q=Online+Degrees">Online
Degrees</a></li></ul><p>Copyright 2025 shop.test. All rights reserved.</p>
<script src="https://sedoparking.com/frmpark/shop.test/IONOSParkingDE/park.js"></script>
</body></html>"""

MARKUP_ONLY_PARKED = """<html><head><title>shop.test</title></head><body>
<iframe src="https://www.dan.com/buy-domain/shop.test"></iframe><p>shop.test</p></body></html>"""


@pytest.mark.parametrize(
    "html", [GODADDY_PARKED, SEDO_PARKED, MARKUP_ONLY_PARKED], ids=["godaddy", "sedo", "dan"]
)
def test_parked(html: str) -> None:
    assert state_of(html) == "parked"


def test_long_article_mentioning_domain_sales_is_ok() -> None:
    paragraphs = "".join(
        f"<p>Part {i}: when a page says this domain is for sale, the owner usually parks it "
        "with a marketplace and waits for an offer; investors study such listings daily.</p>"
        for i in range(40)
    )
    html = f"<html><head><title>Domain investing 101</title></head><body>{paragraphs}</body></html>"
    assert state_of(html) == "ok"


def test_jordan_dot_com_link_is_not_a_parking_marker() -> None:
    html = shop_page(extra='<a href="https://www.jordan.com/">Our partner</a>', products=1)
    assert state_of(html) == "ok"


# ---------------------------------------------------------------- placeholders

COMING_SOON = """<html><head><title>Luna Botanicals</title></head><body><main>
<h1>Coming Soon</h1><p>We're working hard to launch our new store. Sign up to be notified.</p>
<form action="/subscribe" method="post"><input type="email" name="email">
<button>Notify me</button></form></main></body></html>"""

MAINTENANCE = """<html><head><title>Site Maintenance</title></head><body><article>
<h1>We&rsquo;ll be back soon!</h1><div><p>Sorry for the inconvenience but we&rsquo;re performing
some maintenance at the moment. We&rsquo;ll be back online shortly!</p><p>&mdash; The Team</p>
</div></article></body></html>"""

SHOPIFY_PASSWORD = """<html><head><title>Luna Botanicals</title></head><body>
<header><h1>Opening soon</h1></header><p>Be the first to know when we launch.</p>
<form action="/contact#newsletter" method="post"><input type="email" name="contact[email]">
<button>Notify me</button></form>
<details><summary>Enter using password</summary><form action="/password" method="post">
<input type="password" name="password"><button>Enter</button></form></details>
<p>Are you the store owner? <a href="/admin">Log in here</a></p></body></html>"""


NGINX_DEFAULT = """<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body>
<h1>Welcome to nginx!</h1><p>If you see this page, the nginx web server is successfully installed
and working. Further configuration is required.</p><p>For online documentation and support please
refer to <a href="http://nginx.org/">nginx.org</a>.</p><p><em>Thank you for using nginx.</em></p>
</body></html>"""


@pytest.mark.parametrize(
    "html",
    [COMING_SOON, MAINTENANCE, SHOPIFY_PASSWORD, NGINX_DEFAULT],
    ids=["coming-soon", "maintenance", "shopify", "nginx"],
)
def test_under_construction(html: str) -> None:
    assert state_of(html) == "under_construction"


def test_blog_post_mentioning_coming_soon_is_ok() -> None:
    post = "".join(
        f"<p>Paragraph {i} of our spring journal: new glazes are coming soon, and we will "
        "share the kiln notes, firing temperatures and a few failures with you.</p>"
        for i in range(15)
    )
    html = shop_page(extra=f"<article><h2>Spring journal</h2>{post}</article>", products=0)
    assert state_of(html) == "ok"


def test_product_badge_coming_soon_on_a_catalogue_is_ok() -> None:
    assert state_of(shop_page(extra="<span class=badge>Coming soon</span>")) == "ok"


def test_small_catalogue_with_a_coming_soon_heading_is_ok() -> None:
    extra = "<h2>Coming soon</h2><p>Autumn glazes land in October.</p>"
    html = shop_page(extra=extra, products=6)
    assert len(extract_page(html, URL).text) < 1200
    assert state_of(html) == "ok"


# ---------------------------------------------------------------- script apps and empty pages

CRA_SHELL = """<!doctype html><html lang="en"><head><title>React App</title></head><body>
<noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>
<script src="/static/js/main.4f1c2a.js"></script></body></html>"""

VUE_SHELL = """<!doctype html><html><head><title>Shop</title></head><body><div id="app"></div>
<script type="module" src="/assets/index-8c1d.js"></script></body></html>"""


@pytest.mark.parametrize("html", [CRA_SHELL, VUE_SHELL], ids=["react", "vue"])
def test_js_required(html: str) -> None:
    assert state_of(html) == "js_required"


def test_next_data_with_tiny_text_is_js_required() -> None:
    html = (
        '<html><body><div id="__next">Loading…</div><script id="__NEXT_DATA__" '
        'type="application/json">{"props":{"pageProps":{"products":[]}}}</script></body></html>'
    )
    assert state_of(html) == "js_required"


def test_next_data_with_some_text_is_ok() -> None:
    html = (
        '<html><body><div id="__next"><h1>Trail running shoes</h1><p>Lightweight, grippy and '
        "made for long days in the hills. Free returns.</p></div>"
        '<script id="__NEXT_DATA__" type="application/json">{"props":{}}</script></body></html>'
    )
    assert state_of(html) == "ok"


def test_product_json_ld_with_short_text_is_ok() -> None:
    html = (
        '<html><body><div id="root"><h1>Trail shoe</h1><p>$120 - In stock, ships in two days '
        "from our Denver warehouse.</p></div>"
        '<script type="application/ld+json">{"@type":"Product","name":"Trail shoe"}</script>'
        "</body></html>"
    )
    assert state_of(html) == "ok"


@pytest.mark.parametrize(
    "html",
    ["", "<html><body></body></html>", '<html><body><img src="/banner.jpg"></body></html>'],
)
def test_empty(html: str) -> None:
    assert state_of(html) == "empty"


def test_shop_with_cookie_banner_is_ok() -> None:
    banner = (
        '<div id="cookie-banner" role="dialog" aria-live="polite"><p>We use cookies to improve '
        "your experience. By continuing you agree to our cookie policy.</p>"
        "<button>Accept all</button><button>Reject</button></div>"
    )
    assert state_of(shop_page(extra=banner)) == "ok"


def test_classify_content_on_a_hand_built_page() -> None:
    page = ExtractedPage(
        url=URL,
        text="Sign in\nEmail\nPassword",
        forms=(FormInfo(action=URL + "login", inputs=("email", "password"), has_password=True),),
    )
    state, reason = classify_content(page, "<html></html>")
    assert state == "login_wall"
    assert reason


def test_random_bytes_served_as_html_are_binary_not_a_page() -> None:
    body = random.Random(10).randbytes(200_000)
    page = extract_page(body, "https://shop.test/", content_type="text/html")
    assert page.state == "non_html"
    assert page.state_reason.startswith("binary data, not HTML:")
    assert page.text == "" and page.links == ()


@pytest.mark.parametrize(
    "text",
    [
        shop_page(),
        "Ελληνικά προϊόντα κήπου. 日本の庭道具。 Садовые инструменты. أدوات الحديقة " * 50,
        "icon \ue800 font \ue801 glyphs \ue802 in a menu " * 30,
        "tabs\tand\r\nnewlines\x0c" * 40,
    ],
)
def test_real_text_in_any_script_is_not_binary(text: str) -> None:
    assert binary_garbage(text) is None


def test_a_page_padded_with_control_characters_is_binary() -> None:
    text = shop_page() + "\x01\x02\x1b\ufffd" * 5_000
    assert (binary_garbage(text) or "").endswith("control or undecodable characters")
