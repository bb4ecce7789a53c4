from __future__ import annotations

import string
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from merchant_screen.errors import BlockedURLError, InvalidURLError
from merchant_screen.tools.urls import (
    dedupe_key,
    host_of,
    normalise_host,
    normalise_url,
    registrable_domain,
    same_site,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://example.com/", "https://example.com/"),
        ("https://example.com", "https://example.com/"),
        ("example.com", "https://example.com/"),
        ("example.com/x", "https://example.com/x"),
        ("//example.com/x", "https://example.com/x"),
        ("localhost:8080", "https://localhost:8080/"),
        ("example.com:8080/x", "https://example.com:8080/x"),
        ("  https://example.com/a \n", "https://example.com/a"),
        ("HTTP://EXAMPLE.COM/Path", "http://example.com/Path"),
        ("https://Www.Example.COM./", "https://www.example.com/"),
        ("https://bücher.de/", "https://xn--bcher-kva.de/"),
        ("bücher.de", "https://xn--bcher-kva.de/"),
        ("https://BÜCHER.de/", "https://xn--bcher-kva.de/"),
        ("https://xn--bcher-kva.de/", "https://xn--bcher-kva.de/"),
        ("https://faß.de/", "https://xn--fa-hia.de/"),
        ("https://a_b.example.com/", "https://a_b.example.com/"),
        ("http://example.com:80/", "http://example.com/"),
        ("https://example.com:443/", "https://example.com/"),
        ("http://example.com:443/", "http://example.com:443/"),
        ("https://example.com:80/", "https://example.com:80/"),
        ("https://example.com:0443/", "https://example.com/"),
        ("https://example.com:/", "https://example.com/"),
        ("https://example.com:65535/", "https://example.com:65535/"),
        ("https://example.com/a#frag", "https://example.com/a"),
        ("https://example.com/#", "https://example.com/"),
        ("https://example.com?q=1", "https://example.com/?q=1"),
        ("https://example.com/?", "https://example.com/"),
        ("https://example.com/a?x=1#y?z", "https://example.com/a?x=1"),
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("https://example.com/ü?q=ü", "https://example.com/%C3%BC?q=%C3%BC"),
        ("https://example.com/%c3%bc", "https://example.com/%C3%BC"),
        ("https://example.com/%7e%41%2f%3f", "https://example.com/~A%2F%3F"),
        ("https://example.com/100%", "https://example.com/100%25"),
        ("https://example.com/%zz", "https://example.com/%25zz"),
        ("https://example.com/a\\b", "https://example.com/a%5Cb"),
        ("https://example.com/a/../b/./c", "https://example.com/b/c"),
        ("https://example.com/a/%2e%2E/b", "https://example.com/b"),
        ("https://example.com/../../x", "https://example.com/x"),
        ("https://example.com/a/..", "https://example.com/"),
        ("https://example.com/a/b/.", "https://example.com/a/b/"),
        ("https://example.com/a;b=c,d", "https://example.com/a;b=c,d"),
        ("https://example.com/?a=1&b=%2f&c=?", "https://example.com/?a=1&b=%2F&c=?"),
        ("http://127.0.0.1:8000/x", "http://127.0.0.1:8000/x"),
        ("http://0x7f.1/", "http://127.0.0.1/"),
        ("http://2130706433/", "http://127.0.0.1/"),
        ("http://0177.0.0.1/", "http://127.0.0.1/"),
        ("http://8.8.8.8./", "http://8.8.8.8/"),
        ("https://１２７．０．０．１/", "https://127.0.0.1/"),
        ("https://%6c%6f%63%61%6c%68%6f%73%74/", "https://localhost/"),
        ("https://[::1]/", "https://[::1]/"),
        ("[::1]:8080", "https://[::1]:8080/"),
        ("https://[2001:DB8:0:0::1]:443/", "https://[2001:db8::1]/"),
        ("https://[::FFFF:127.0.0.1]/", "https://[::ffff:7f00:1]/"),
        ("https://[fe80::1%25eth0]/", "https://[fe80::1%25eth0]/"),
    ],
)
def test_normalise_url(raw: str, expected: str) -> None:
    assert normalise_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "scheme"),
    [
        ("file:///etc/passwd", "file"),
        ("file:/etc/passwd", "file"),
        ("FILE:///etc/passwd", "file"),
        ("ftp://example.com/x", "ftp"),
        ("gopher://example.com:70/_x", "gopher"),
        ("javascript:alert(1)", "javascript"),
        ("data:text/html,<b>hi</b>", "data"),
        ("mailto:a@example.com", "mailto"),
        ("ws://example.com/", "ws"),
    ],
)
def test_other_schemes_are_blocked(raw: str, scheme: str) -> None:
    with pytest.raises(BlockedURLError) as info:
        normalise_url(raw)
    assert str(info.value) == f"unsupported scheme '{scheme}' (only http and https)"


@pytest.mark.parametrize(
    "raw",
    [
        "https://user:pass@example.com/",
        "https://user@example.com/",
        "https://:@example.com/",
        "user@example.com",
        "http://a@b@example.com/",
        "https://evil.example\\@good.example/",
    ],
)
def test_credentials_are_blocked(raw: str) -> None:
    with pytest.raises(BlockedURLError, match=r"^credentials in URLs are not accepted$"):
        normalise_url(raw)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("/just/a/path", "a relative path has no host"),
        ("https://", "no host"),
        ("https:///x", "no host"),
        ("http:example.com", "no host"),
        ("https://.", "no host"),
        ("hello world", "bad host 'hello world'"),
        ("https://exa mple.com/", "bad host"),
        ("https://a..b.com/", "bad host"),
        ("https://example.com:99999/", "port 99999 is outside 1-65535"),
        ("https://example.com:0/", "port 0 is outside 1-65535"),
        ("https://example.com:" + "9" * 5000 + "/", "is outside 1-65535"),
        ("https://example.com:8o/", "port '8o' is not a number"),
        ("https://[::1/", "unclosed '['"),
        ("https://[::1]x/", "unexpected text after the IPv6 address"),
        ("https://[not-ip]/", "bad IPv6 address"),
        ("https://::1/", "an IPv6 address must be in brackets"),
        ("https://1.2.3.999/", "ends in a number but is not an IPv4 address"),
        ("https://example.123/", "ends in a number but is not an IPv4 address"),
        ("https://exa\tmple.com/", "contains a control character"),
        ("https://example.com/a\nb", "contains a control character"),
        ("https://" + "a" * 64 + ".com/", "bad host"),
        ("https://%ff.com/", "not valid UTF-8"),
        ("https://\ud800.com/", "not valid Unicode text"),
    ],
)
def test_invalid_urls(raw: str, reason: str) -> None:
    with pytest.raises(InvalidURLError) as info:
        normalise_url(raw)
    message = str(info.value)
    assert reason in message
    assert "\n" not in message
    assert message.startswith("invalid URL '")


def test_invalid_url_message_quotes_truncated_input() -> None:
    raw = "https://exa mple.com/" + "x" * 500
    with pytest.raises(InvalidURLError) as info:
        normalise_url(raw)
    assert repr(raw[:100] + "…") in str(info.value)
    assert len(str(info.value)) < 300


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("Example.COM.", "example.com"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("[::1]", "::1"),
        ("::1", "::1"),
        ("0x7f.1", "127.0.0.1"),
        ("[fe80::1%25eth0]", "fe80::1%eth0"),
    ],
)
def test_normalise_host(host: str, expected: str) -> None:
    assert normalise_host(host) == expected


def test_normalise_host_rejects_non_hosts() -> None:
    with pytest.raises(InvalidURLError, match=r"^invalid host 'a b': bad host 'a b'$"):
        normalise_host("a b")


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://Shop.Example.com:8443/x", "shop.example.com"),
        ("example.com", "example.com"),
        ("https://[::1]:8080/", "::1"),
        ("https://[fe80::1%25eth0]/", "fe80::1%eth0"),
        ("http://0x7f.1/", "127.0.0.1"),
        ("https://bücher.de/", "xn--bcher-kva.de"),
    ],
)
def test_host_of(url: str, host: str) -> None:
    assert host_of(url) == host


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("example.com", "example.com"),
        ("www.example.com", "example.com"),
        ("a.b.shop.example.com", "example.com"),
        ("Shop.Example.COM.", "example.com"),
        ("example.co.uk", "example.co.uk"),
        ("www.example.co.uk", "example.co.uk"),
        ("co.uk", "co.uk"),
        ("com", "com"),
        ("user.github.io", "user.github.io"),
        ("www.user.github.io", "user.github.io"),
        ("github.io", "github.io"),
        ("shop.herokuapp.com", "shop.herokuapp.com"),
        ("merchant.test", "merchant.test"),
        ("www.merchant.test", "merchant.test"),
        ("localhost", "localhost"),
        ("127.0.0.1", "127.0.0.1"),
        ("::1", "::1"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("shop.xn--bcher-kva.de", "xn--bcher-kva.de"),
    ],
)
def test_registrable_domain(host: str, domain: str) -> None:
    # Private-section suffixes count: user.github.io is its own site, as in browsers.
    assert registrable_domain(host) == domain


@pytest.mark.parametrize(
    ("url", "domain", "expected"),
    [
        ("https://example.com/", "example.com", True),
        ("https://www.example.com/a", "example.com", True),
        ("http://shop.example.com/", "example.com", True),
        ("https://shop.example.com/", "www.example.com", True),
        ("https://example.com.evil.net/", "example.com", False),
        ("https://notexample.com/", "example.com", False),
        ("https://alice.github.io/", "bob.github.io", False),
        ("https://alice.github.io/x", "alice.github.io", True),
        ("https://a.example.co.uk/", "b.co.uk", False),
        ("mailto:x@example.com", "example.com", False),
        ("https://exa mple.com/", "example.com", False),
    ],
)
def test_same_site(url: str, domain: str, expected: bool) -> None:
    assert same_site(url, domain) is expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://example.com/a", "https://example.com/a"),
        ("https://www.example.com/a", "https://example.com/a"),
        ("https://EXAMPLE.com/a", "https://example.com/a"),
        ("https://example.com/a/", "https://example.com/a"),
        ("https://example.com/a/index.html", "https://example.com/a"),
        ("https://example.com/index.php", "https://example.com/"),
        ("https://example.com/INDEX.HTM", "https://example.com"),
        ("https://example.com/a#top", "https://example.com/a"),
        ("http://example.com:443/a", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&utm_medium=y", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?fbclid=1&gclid=2&msclkid=3", "https://example.com/a"),
        ("https://example.com/a?mc_cid=1&mc_eid=2&_ga=3", "https://example.com/a"),
        ("https://example.com/a?ref=home&ref_=nav", "https://example.com/a"),
        ("https://example.com/a?sessionid=1&SID=2&PHPSESSID=3", "https://example.com/a"),
        ("https://example.com/a;jsessionid=ABC123", "https://example.com/a"),
        ("https://example.com/a?x=1&&", "https://example.com/a?x=1"),
        ("https://example.com/%7Ea", "https://example.com/~a"),
    ],
)
def test_dedupe_key_same_page(a: str, b: str) -> None:
    assert dedupe_key(a) == dedupe_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.com/a", "https://example.com/b"),
        ("https://example.com/A", "https://example.com/a"),
        ("https://example.com/a?variant=1", "https://example.com/a?variant=2"),
        ("https://example.com/a?variant=1", "https://example.com/a"),
        ("https://example.com/a?page=2", "https://example.com/a"),
        ("https://shop.example.com/a", "https://example.com/a"),
        ("https://example.com:8080/a", "https://example.com/a"),
        ("https://example.com/a?x=1&x=2", "https://example.com/a?x=1"),
        ("https://example.com/main.html", "https://example.com/"),
    ],
)
def test_dedupe_key_different_pages(a: str, b: str) -> None:
    assert dedupe_key(a) != dedupe_key(b)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.example.com/", "example.com/"),
        ("http://www.Example.com:443/a/index.html?utm_source=x&b=2&a=1#f", "example.com/a?a=1&b=2"),
        ("https://example.com/shop/?variant=3&sid=9", "example.com/shop?variant=3"),
        ("https://www.com/", "www.com/"),
        ("https://[::1]:8080/x/", "[::1]:8080/x"),
    ],
)
def test_dedupe_key_value(url: str, key: str) -> None:
    assert dedupe_key(url) == key


# ---- properties -------------------------------------------------------------------------

_URLISH_HOSTS = st.one_of(
    st.sampled_from(
        [
            "example.com",
            "EXAMPLE.com.",
            "bücher.de",
            "xn--bcher-kva.de",
            "127.0.0.1",
            "0x7f.1",
            "2130706433",
            "[::1]",
            "[fe80::1%25eth0]",
            "[::ffff:1.2.3.4]",
            "a_b.example",
            "１２７．０．０．１",
            "%6c%6f%63%61%6c%68%6f%73%74",
        ]
    ),
    st.text(alphabet=string.ascii_letters + string.digits + ".-_%[]:ü", max_size=20),
)
_URLISH = st.builds(
    lambda scheme, host, port, path, query, fragment: (
        f"{scheme}{host}{port}{path}{query}{fragment}"
    ),
    st.sampled_from(["", "http://", "https://", "HTTPS://", "//", "ftp://", "javascript:"]),
    _URLISH_HOSTS,
    st.sampled_from(["", ":80", ":443", ":8080", ":0", ":", ":99999"]),
    st.text(alphabet=string.printable.strip() + "ü ", max_size=30).map(lambda s: "/" + s),
    st.sampled_from(["", "?", "?a=1&b=%2f", "?q=ü z", "?x=%zz"]),
    st.sampled_from(["", "#", "#frag"]),
)


@given(st.one_of(st.text(max_size=200), _URLISH))
@example("http://[::1]%")
@example("https://example.com/%2e%2e/%2e")
def test_normalise_url_only_raises_url_errors_and_is_idempotent(raw: str) -> None:
    try:
        url = normalise_url(raw)
    except (InvalidURLError, BlockedURLError) as exc:
        message = str(exc)
        url = ""
    else:
        message = ""
    assert "\n" not in message
    if not url:
        return
    assert normalise_url(url) == url
    assert url.isascii()
    assert url.startswith(("http://", "https://"))
    assert not any(c in url for c in ' \t\r\n#\\"<>`{|}^')


@given(_URLISH)
def test_httpx_and_urllib_see_the_host_the_guard_sees(raw: str) -> None:
    try:
        url = normalise_url(raw)
    except (InvalidURLError, BlockedURLError):
        return
    host = host_of(url)
    assert httpx.URL(url).raw_host.decode("ascii").replace("%25", "%") == host
    assert urlsplit(url).hostname == host.partition("%")[0].lower() or "%" in host


@given(_URLISH)
def test_dedupe_key_is_stable_under_normalisation(raw: str) -> None:
    try:
        url = normalise_url(raw)
    except (InvalidURLError, BlockedURLError):
        return
    assert dedupe_key(url) == dedupe_key(raw)
    assert same_site(url, registrable_domain(host_of(url)))


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("http://xn--ls8h.shop.test/", "not a valid international name"),
        ("http://shop.xn--ls8h.test/", "not a valid international name"),
        ("http://💩.la/", "not a valid international name"),
        ("https://xn--bcher-kva.a_b.de/", "not a valid international name"),
        ("https://shop.test/p?" + "a" * 70_000, "longer than 8192 characters"),
        ("https://shop.test/" + "ü" * 2_000, "longer than 8192 characters once escaped"),
    ],
)
def test_urls_no_client_can_request_are_invalid(raw: str, reason: str) -> None:
    with pytest.raises(InvalidURLError, match=reason) as caught:
        normalise_url(raw)
    assert len(str(caught.value)) < 300


def test_valid_international_names_still_pass() -> None:
    assert normalise_url("https://a_b.xn--bcher-kva.de/x") == "https://a_b.xn--bcher-kva.de/x"
    assert host_of("https://XN--BCHER-KVA.de/") == "xn--bcher-kva.de"


_HOSTILE_HOSTS = st.one_of(
    st.sampled_from(["xn--ls8h", "xn--", "xn--a", "xn--bcher-kva", "xn--zz-", "XN--LS8H"]).map(
        lambda label: label + ".shop.test"
    ),
    st.text(alphabet="xn-abcz019.💩ü_", min_size=1, max_size=30),
)
_HUGE = st.integers(min_value=8_000, max_value=80_000).map(lambda n: "/p?" + "a" * n)


@given(
    st.sampled_from(["http://", "https://", "//"]),
    _HOSTILE_HOSTS,
    st.one_of(st.just("/"), _HUGE, _URLISH.map(lambda u: "/" + u[-40:])),
)
@settings(max_examples=150, deadline=None)
def test_every_accepted_url_can_be_sent_by_httpx(scheme: str, host: str, path: str) -> None:
    try:
        url = normalise_url(scheme + host + path)
    except (InvalidURLError, BlockedURLError):
        return
    request = httpx.Request("GET", url)  # raises for hosts or lengths httpx cannot send
    assert request.url.host
    assert len(url) <= 8192
