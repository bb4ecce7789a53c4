"""URL intake: normalise what a user or a page gives us into one canonical http(s) URL.

Everything here is pure. The host parser follows the WHATWG URL standard where it matters
for safety: hosts are percent-decoded and IDNA-mapped before anything looks at them, and a
host whose last label is a number must be an IPv4 address in one of the forms ``inet_aton``
accepts (``0x7f.1``, ``2130706433``, ``0177.0.0.1``), which is then written as a dotted quad.
So ``http://0x7f.1/`` comes out as ``http://127.0.0.1/`` and the guard sees a plain address.

Registrable domains come from the Public Suffix List bundled with ``publicsuffixlist``,
ICANN and private sections both: ``user.github.io`` is its own site, as browsers treat it.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata
from urllib.parse import unquote

import idna
from publicsuffixlist import PublicSuffixList

from merchant_screen.errors import BlockedURLError, InvalidURLError

__all__ = [
    "MAX_URL_CHARS",
    "IPAddress",
    "dedupe_key",
    "host_of",
    "normalise_host",
    "normalise_url",
    "parse_ip_literal",
    "registrable_domain",
    "same_site",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
"""Either kind of address, as ``parse_ip_literal`` returns it."""

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(.*)", re.DOTALL)
_PORT_AFTER_HOST = re.compile(r"[0-9]+(?:[/?#]|\Z)")
_SPLIT = re.compile(r"//([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LABEL = re.compile(r"[a-z0-9_-]{1,63}")
_ZONE = re.compile(r"[A-Za-z0-9._~-]+")
_IPV4_PART = re.compile(r"0[xX]([0-9a-fA-F]*)|0([0-7]*)|([1-9][0-9]*)")
_ENDS_IN_NUMBER = re.compile(r"[0-9]+|0[xX][0-9a-fA-F]*")
_IDNA_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_HEX = "0123456789ABCDEF"
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = _UNRESERVED | frozenset("!$&'()*+,;=:@/")
_QUERY_SAFE = _PATH_SAFE | frozenset("?")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_MAX_HOST = 253
# Longest URL accepted, before and after normalising. Servers commonly refuse request lines
# over 8 KB, and httpx refuses URLs over 64 KB outright: a longer link is page junk.
MAX_URL_CHARS = 8192
_SHOWN = 100

# Query parameters that never change which page is served.
_CLICK_IDS = ("fbclid", "gclid", "gbraid", "wbraid", "dclid", "msclkid", "yclid", "igshid")
_ANALYTICS = ("mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "ref", "ref_")
_SESSIONS = ("sessionid", "sid", "phpsessid", "jsessionid")
_NOISE_PARAMS = frozenset(_CLICK_IDS + _ANALYTICS + _SESSIONS)
_INDEX_FILES = frozenset({"index.html", "index.htm", "index.php"})
_JSESSIONID = re.compile(r";jsessionid=[^/]*", re.IGNORECASE)


def _show(raw: str) -> str:
    """The input quoted for a one-line message, truncated."""
    text = raw if len(raw) <= _SHOWN else raw[:_SHOWN] + "…"
    return repr(text)


def _invalid(raw: str, reason: str) -> InvalidURLError:
    return InvalidURLError(f"invalid URL {_show(raw)}: {reason}")


def _ipv4_number(part: str) -> int | None:
    """One dotted part in inet_aton notation (hex ``0x``, octal leading ``0``, decimal)."""
    match = _IPV4_PART.fullmatch(part)
    if match is None:
        return None
    hex_digits, octal_digits, decimal_digits = match.groups()
    if hex_digits is not None:
        digits, base, longest = hex_digits.lstrip("0") or "0", 16, 8
    elif octal_digits is not None:
        digits, base, longest = octal_digits.lstrip("0") or "0", 8, 11
    else:
        digits, base, longest = decimal_digits, 10, 10
    if len(digits) > longest:
        return None
    value = int(digits, base)
    return value if value <= 0xFFFFFFFF else None


def _parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """IPv4 in any form inet_aton or a WHATWG URL parser accepts: 1 to 4 parts."""
    if host.endswith("."):
        host = host[:-1]
    parts = host.split(".")
    if len(parts) > 4:
        return None
    values: list[int] = []
    for part in parts:
        value = _ipv4_number(part)
        if value is None:
            return None
        values.append(value)
    *leading, last = values
    if any(value > 255 for value in leading) or last >= 256 ** (5 - len(values)):
        return None
    number = last
    for index, value in enumerate(leading):
        number += value << (8 * (3 - index))
    return ipaddress.IPv4Address(number)


def _parse_ipv6(text: str, *, bracketed: bool) -> ipaddress.IPv6Address | None:
    address, sep, zone = text.partition("%")
    if sep and bracketed and zone.startswith("25") and len(zone) > 2:
        zone = zone[2:]  # RFC 6874 writes the zone separator as "%25" inside a URL
    if sep and _ZONE.fullmatch(zone) is None:
        return None
    try:
        return ipaddress.IPv6Address(f"{address}%{zone}" if sep else address)
    except ValueError:
        return None


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address ``host`` denotes when it is an IP literal in any accepted form, else None.

    IPv4: dotted quad, one to three part short forms (``127.1``, ``10.1.2``), decimal
    (``2130706433``), octal (``0177.0.0.1``) and hex (``0x7f000001``) parts, as ``inet_aton``
    and URL parsers read them. IPv6: bare or in brackets, with an optional zone id.
    """
    text = host.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_IDNA_DOTS)
        if not text.isascii():
            return None
    if text.startswith("[") and text.endswith("]"):
        return _parse_ipv6(text[1:-1], bracketed=True)
    if ":" in text:
        return _parse_ipv6(text, bracketed=False)
    return _parse_ipv4(text)


def _idna_encode(name: str) -> str | None:
    try:
        return idna.encode(name, uts46=True, transitional=False).decode("ascii")
    except (UnicodeError, ValueError):
        pass
    try:
        return name.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return None


@functools.lru_cache(maxsize=4096)
def _valid_a_labels(name: str) -> bool:
    """Whether every ``xn--`` label of an ASCII host decodes under IDNA 2008 (``xn--ls8h``
    is an emoji: refused). httpx decodes a host that starts with ``xn--`` as a whole before
    sending, so such a host must decode entirely (``xn--bcher-kva.a_b.de`` cannot)."""
    labels = [name] if name.startswith("xn--") else name.split(".")
    try:
        for label in labels:
            if label.startswith("xn--"):
                idna.decode(label)
    except (UnicodeError, ValueError):  # idna.IDNAError is a UnicodeError
        return False
    return True


def _canonical_host(host: str) -> str:
    """The canonical host (IPv6 without brackets), or ValueError with the reason."""
    if host.startswith("[") or ":" in host:
        if not (host.startswith("[") and host.endswith("]")):
            raise ValueError("an IPv6 address must be in brackets")
        ip6 = _parse_ipv6(host[1:-1], bracketed=True)
        if ip6 is None:
            raise ValueError(f"bad IPv6 address {host[:_SHOWN]!r}")
        return ip6.compressed
    try:
        name = unquote(host, errors="strict")
    except UnicodeDecodeError:
        raise ValueError("host is not valid UTF-8 when percent-decoded") from None
    if not name.isascii():
        encoded = _idna_encode(name)
        if encoded is None:
            raise ValueError(f"host {name[:_SHOWN]!r} is not a valid international name")
        name = encoded
    name = name.lower()
    if name.endswith("."):
        name = name[:-1]
    if not name:
        raise ValueError("no host")
    labels = name.split(".")
    if len(name) > _MAX_HOST or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError(f"bad host {name[:_SHOWN]!r}")
    if "xn--" in name and not _valid_a_labels(name):
        raise ValueError(f"host {name[:_SHOWN]!r} is not a valid international name")
    if _ENDS_IN_NUMBER.fullmatch(labels[-1]):
        ip4 = _parse_ipv4(name)
        if ip4 is None:
            raise ValueError(f"host {name!r} ends in a number but is not an IPv4 address")
        return str(ip4)
    return name


def normalise_host(host: str) -> str:
    """Canonical form of a bare host: IDNA, lowercase, no trailing dot, IPv4 as a dotted quad.

    IPv6 addresses come back compressed and without brackets (brackets are accepted).
    Raises InvalidURLError when ``host`` cannot be a host.
    """
    text = host.strip()
    if ":" in text and not text.startswith("["):
        text = f"[{text}]"
    try:
        return _canonical_host(text)
    except ValueError as exc:
        raise InvalidURLError(f"invalid host {_show(host)}: {exc}") from None


def _normalise_escapes(text: str, safe: frozenset[str]) -> str:
    """Uppercase existing escapes, decode escaped unreserved chars, escape everything unsafe."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "%":
            pair = text[i + 1 : i + 3]
            if len(pair) == 2 and all(c in "0123456789abcdefABCDEF" for c in pair):
                decoded = chr(int(pair, 16))
                out.append(decoded if decoded in _UNRESERVED else "%" + pair.upper())
                i += 3
                continue
            out.append("%25")
        elif char in safe:
            out.append(char)
        else:
            out.extend(f"%{_HEX[b >> 4]}{_HEX[b & 15]}" for b in char.encode("utf-8"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4 for an absolute path."""
    segments = path.split("/")
    out = [""]
    for segment in segments[1:]:
        if segment == "..":
            if len(out) > 1:
                out.pop()
        elif segment != ".":
            out.append(segment)
    if segments[-1] in (".", ".."):
        out.append("")
    return "/".join(out) if len(out) > 1 else "/"


def _with_scheme(raw: str) -> tuple[str, str]:
    """Split off the scheme, assuming https for host-like input without one."""
    match = _SCHEME.fullmatch(raw)
    if match is not None:
        scheme, rest = match.group(1).lower(), match.group(2)
        if scheme in _DEFAULT_PORTS or not _PORT_AFTER_HOST.match(rest):
            return scheme, rest
    if raw.startswith("/") and not raw.startswith("//"):
        raise _invalid(raw, "a relative path has no host")
    return "https", raw if raw.startswith("//") else "//" + raw


def normalise_url(raw: str) -> str:
    """One canonical http(s) URL for ``raw``; raises InvalidURLError or BlockedURLError.

    Adds ``https://`` to host-like input, refuses other schemes and credentials, IDNA-encodes
    and lowercases the host, drops default ports and the fragment, removes dot segments and
    normalises percent-escapes (uppercase hex; only unreserved characters are decoded).
    """
    text = raw.strip()
    if not text:
        raise InvalidURLError("invalid URL '': empty")
    if len(text) > MAX_URL_CHARS:
        raise _invalid(raw, f"longer than {MAX_URL_CHARS} characters")
    if _CONTROL.search(text):
        raise _invalid(raw, "contains a control character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _invalid(raw, "not valid Unicode text") from None
    scheme, rest = _with_scheme(text)
    if scheme not in _DEFAULT_PORTS:
        raise BlockedURLError(f"unsupported scheme {scheme[:20]!r} (only http and https)")
    parts = _SPLIT.fullmatch(rest)
    if parts is None:
        raise _invalid(raw, "no host")
    authority, path, query = parts.group(1), parts.group(2), parts.group(3)
    if "@" in authority:
        raise BlockedURLError("credentials in URLs are not accepted")
    host, port = _split_authority(raw, authority)
    try:
        host = _canonical_host(host)
    except ValueError as exc:
        raise _invalid(raw, str(exc)) from None
    netloc = f"[{host.replace('%', '%25')}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    path = _remove_dot_segments(_normalise_escapes(path or "/", _PATH_SAFE))
    url = f"{scheme}://{netloc}{path}"
    if query:
        url = f"{url}?{_normalise_escapes(query, _QUERY_SAFE)}"
    if len(url) > MAX_URL_CHARS:
        raise _invalid(raw, f"longer than {MAX_URL_CHARS} characters once escaped")
    return url


def _split_authority(raw: str, authority: str) -> tuple[str, int | None]:
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            raise _invalid(raw, "unclosed '[' in host")
        host, tail = authority[: end + 1], authority[end + 1 :]
        if tail and not tail.startswith(":"):
            raise _invalid(raw, "unexpected text after the IPv6 address")
        port_text = tail[1:]
    else:
        host, _, port_text = authority.partition(":")
        if ":" in port_text:
            raise _invalid(raw, "an IPv6 address must be in brackets")
    if not host:
        raise _invalid(raw, "no host")
    if not port_text:
        return host, None
    if not port_text.isascii() or not port_text.isdigit():
        raise _invalid(raw, f"port {port_text[:20]!r} is not a number")
    digits = port_text.lstrip("0")
    if not digits or len(digits) > 5 or not 1 <= int(digits) <= 65535:
        raise _invalid(raw, f"port {port_text[:20]} is outside 1-65535")
    return host, int(digits)


def _parts(url: str) -> tuple[str, str, str, str]:
    """(scheme, netloc, path, query) of a URL already in normal form."""
    scheme, _, rest = url.partition("://")
    netloc_end = rest.find("/")
    netloc, path_query = rest[:netloc_end], rest[netloc_end:]
    path, _, query = path_query.partition("?")
    return scheme, netloc, path, query


def _split_netloc(netloc: str) -> tuple[str, str]:
    """(host as written, ``:port`` or "") of a netloc already in normal form."""
    cut = netloc.rfind(":") if not netloc.endswith("]") else -1
    return (netloc[:cut], netloc[cut:]) if cut > netloc.rfind("]") else (netloc, "")


def host_of(url: str) -> str:
    """The canonical host of ``url`` (IPv6 without brackets); raises like ``normalise_url``."""
    host = _split_netloc(_parts(normalise_url(url))[1])[0]
    return host[1:-1].replace("%25", "%", 1) if host.startswith("[") else host


@functools.cache
def _suffix_list() -> PublicSuffixList:
    return PublicSuffixList()


def registrable_domain(host: str) -> str:
    """The registrable domain ("eTLD+1") of ``host``: ``shop.example.co.uk`` -> ``example.co.uk``.

    IP literals, single-label hosts and hosts that are themselves public suffixes come back
    unchanged (lowercased, without a trailing dot). Unknown TLDs count as public suffixes.
    """
    name = host.strip().lower()
    if name.endswith("."):
        name = name[:-1]
    if name.startswith("[") or "." not in name or parse_ip_literal(name) is not None:
        return name
    domain = _suffix_list().privatesuffix(name)
    return str(domain) if domain else name


def same_site(url: str, domain: str) -> bool:
    """Whether ``url`` belongs to the registrable domain of ``domain`` (www., shop. alike).

    A URL that is not an acceptable http(s) URL belongs to no site: False.
    """
    try:
        host = host_of(url)
    except (InvalidURLError, BlockedURLError):
        return False
    return registrable_domain(host) == registrable_domain(domain)


def _dedupe_query(query: str) -> str:
    kept: list[tuple[str, str]] = []
    for pair in query.split("&"):
        if not pair:
            continue
        name = pair.partition("=")[0]
        key = unquote(name).lower()
        if key.startswith("utm_") or key in _NOISE_PARAMS:
            continue
        kept.append((name, pair))
    return "&".join(pair for _, pair in sorted(kept))


def dedupe_key(url: str) -> str:
    """Key under which two URLs are taken to be the same page.

    Ignores the scheme, a leading ``www.``, ports 80 and 443, the fragment, a trailing slash,
    ``index.html|htm|php``, ``;jsessionid=`` and tracking or session query parameters
    (``utm_*``, click ids, ``ref``, ``sid``...); the remaining parameters are sorted.
    Raises like ``normalise_url``.
    """
    _, netloc, path, query = _parts(normalise_url(url))
    host, port = _split_netloc(netloc)
    if host.startswith("www.") and host.count(".") > 1:
        host = host[4:]
    netloc = host if port in ("", ":80", ":443") else host + port
    path = _JSESSIONID.sub("", path)
    head, _, last = path.rpartition("/")
    if last.lower() in _INDEX_FILES:
        path = head + "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = _dedupe_query(query)
    return f"{netloc}{path}?{query}" if query else f"{netloc}{path}"
