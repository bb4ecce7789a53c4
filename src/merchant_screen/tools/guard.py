"""SSRF address rules: which hosts and addresses merchant-screen refuses to contact.

Pure functions, no sockets. ``check_url`` runs at intake; the transport calls
``check_host`` before resolving and ``check_address`` (or ``blocked_reason``) on every
address it is about to dial, so a name that resolves to a private address is refused too.

Addresses are judged against an explicit table of special-purpose networks (the IANA
registries), checked in a fixed order, rather than ``ipaddress.is_private``, whose meaning
has changed across Python versions. IPv6 forms that carry an IPv4 address (IPv4-mapped,
IPv4-compatible, NAT64, 6to4, Teredo) are judged by the IPv4 address inside them.

``parse_ip_literal`` lives in ``urls`` (the URL host parser needs it to canonicalise IPv4
forms) and is re-exported here.
"""

from __future__ import annotations

import ipaddress
from typing import NamedTuple

from merchant_screen.errors import BlockedURLError
from merchant_screen.tools.urls import (
    IPAddress,
    host_of,
    normalise_host,
    normalise_url,
    parse_ip_literal,
)

__all__ = [
    "blocked_reason",
    "check_address",
    "check_host",
    "check_url",
    "parse_ip_literal",
]


class _Rule(NamedTuple):
    network: ipaddress.IPv4Network | ipaddress.IPv6Network
    article: str
    kind: str


def _rules(*rows: tuple[str, str, str]) -> tuple[_Rule, ...]:
    return tuple(_Rule(ipaddress.ip_network(net), art, kind) for net, art, kind in rows)


_METADATA = ("a", "cloud metadata")

# Order matters: the first matching row gives the reason.
_IPV4_RULES = _rules(
    ("169.254.169.254/32", *_METADATA),  # AWS, GCP, Azure, OpenStack, DigitalOcean
    ("169.254.170.2/32", *_METADATA),  # AWS ECS task metadata
    ("100.100.100.200/32", *_METADATA),  # Alibaba Cloud
    ("192.0.0.192/32", *_METADATA),  # Oracle Cloud
    ("168.63.129.16/32", *_METADATA),  # Azure WireServer (a public address, host-local)
    ("0.0.0.0/32", "an", "unspecified"),
    ("0.0.0.0/8", "a", "this-network"),
    ("127.0.0.0/8", "a", "loopback"),
    ("10.0.0.0/8", "a", "private"),
    ("172.16.0.0/12", "a", "private"),
    ("192.168.0.0/16", "a", "private"),
    ("169.254.0.0/16", "a", "link-local"),
    ("100.64.0.0/10", "a", "shared (CGNAT)"),
    ("192.0.0.0/24", "an", "IETF protocol assignment"),
    ("192.0.2.0/24", "a", "documentation"),
    ("198.51.100.0/24", "a", "documentation"),
    ("203.0.113.0/24", "a", "documentation"),
    ("198.18.0.0/15", "a", "benchmarking"),
    ("224.0.0.0/4", "a", "multicast"),
    ("255.255.255.255/32", "a", "broadcast"),
    ("240.0.0.0/4", "a", "reserved"),
)

_IPV6_FIRST_RULES = _rules(
    ("fd00:ec2::254/128", *_METADATA),  # AWS over IPv6
    ("::/128", "an", "unspecified"),
    ("::1/128", "a", "loopback"),
)

_IPV6_RULES = _rules(
    ("64:ff9b:1::/48", "a", "local-use NAT64"),
    ("100::/64", "a", "discard-only"),
    ("2001::/23", "an", "IETF protocol assignment"),
    ("2001:db8::/32", "a", "documentation"),
    ("3fff::/20", "a", "documentation"),
    ("fc00::/7", "a", "unique-local (private)"),
    ("fe80::/10", "a", "link-local"),
    ("fec0::/10", "a", "site-local"),
    ("ff00::/8", "a", "multicast"),
)

_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SIXTOFOUR = ipaddress.IPv6Network("2002::/16")
_TEREDO = ipaddress.IPv6Network("2001::/32")

# Names that always mean this machine or its local network, whatever DNS says.
_LOCAL_NAMES = {
    "localhost": "a loopback",
    "localhost.localdomain": "a loopback",
    "localhost4": "a loopback",
    "localhost6": "a loopback",
    "ip6-localhost": "a loopback",
    "ip6-loopback": "a loopback",
    "metadata.google.internal": "a cloud metadata",
    "metadata": "a cloud metadata",
    "instance-data": "a cloud metadata",
}
_LOCAL_SUFFIXES = (
    (".localhost", "a loopback"),
    (".localdomain", "a local"),
    (".local", "a link-local (mDNS)"),
    (".internal", "an internal"),
    (".home.arpa", "a home-network"),
    (".lan", "a local"),
    (".intranet", "an intranet"),
    (".corp", "an intranet"),
    (".home", "a home-network"),
)


def _match(ip: IPAddress, rules: tuple[_Rule, ...]) -> _Rule | None:
    for rule in rules:
        if ip.version == rule.network.version and ip in rule.network:
            return rule
    return None


class _Embedding(NamedTuple):
    name: str  # with its article, e.g. "an IPv4-mapped"
    shown: str  # the address as written in the reason
    note: str  # appended to the reason
    inner: ipaddress.IPv4Address


def _embedded(ip: ipaddress.IPv6Address) -> _Embedding | None:
    """The IPv4 address an IPv6 address carries, for the forms that carry one."""
    if ip.ipv4_mapped is not None:
        return _Embedding("an IPv4-mapped", f"::ffff:{ip.ipv4_mapped}", "", ip.ipv4_mapped)
    low = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _COMPATIBLE:
        return _Embedding("an IPv4-compatible", f"::{low}", "", low)
    if ip in _NAT64:
        return _Embedding("a NAT64", f"64:ff9b::{low}", "", low)
    if ip.sixtofour is not None:
        return _Embedding("a 6to4", str(ip), f" (embeds {ip.sixtofour})", ip.sixtofour)
    if ip.teredo is not None:
        client = ip.teredo[1]
        return _Embedding("a Teredo", str(ip), f" (embeds {client})", client)
    return None


def _reason(ip: IPAddress, rule: _Rule) -> str:
    return f"{ip} is {rule.article} {rule.kind} address"


def blocked_reason(ip: IPAddress) -> str | None:
    """None when ``ip`` is publicly routable, else why not, e.g. "10.0.0.5 is a private address"."""
    if isinstance(ip, ipaddress.IPv4Address):
        rule = _match(ip, _IPV4_RULES)
        return None if rule is None else _reason(ip, rule)
    rule = _match(ip, _IPV6_FIRST_RULES)
    if rule is not None:
        return _reason(ip, rule)
    embedding = _embedded(ip)
    if embedding is not None:
        name, shown, note, inner = embedding
        inner_rule = _match(inner, _IPV4_RULES)
        if inner_rule is not None:
            return f"{shown} is {name} {inner_rule.kind} address{note}"
        if ip in _TEREDO:  # a tunnel to a home machine, never a merchant's server
            return f"{shown} is a Teredo tunnelling address{note}"
        return None
    rule = _match(ip, _IPV6_RULES)
    if rule is not None:
        return _reason(ip, rule)
    if ip not in _GLOBAL_UNICAST:
        return f"{ip} is a reserved address"
    return None


def _refuse_if_blocked(ip: IPAddress) -> None:
    reason = blocked_reason(ip)
    if reason is not None:
        raise BlockedURLError(reason)


def check_address(address: str) -> None:
    """Raise BlockedURLError unless ``address`` (an IP address string) is publicly routable."""
    ip = parse_ip_literal(address)
    if ip is None:
        raise BlockedURLError(f"{address[:100]!r} is not an IP address")
    _refuse_if_blocked(ip)


def _local_name(name: str) -> str | None:
    if name in _LOCAL_NAMES:
        return f"{name} is {_LOCAL_NAMES[name]} name"
    for suffix, kind in _LOCAL_SUFFIXES:
        if name.endswith(suffix):
            return f"{name} is {kind} name"
    if "." not in name:
        return f"{name} is a single-label (intranet) name"
    return None


def check_host(host: str) -> None:
    """Raise BlockedURLError when ``host`` is a non-public IP literal or an always-local name.

    Any IP form is recognised (``0x7f.1``, ``[::ffff:127.0.0.1]``, ...). Local names are
    ``localhost`` and its kin, ``*.local``, ``*.internal``, ``*.home.arpa`` and the like, and
    single-label names (resolvers complete them with the local search domain). Other names pass
    here and are judged again by their resolved addresses at connect time. A host that
    cannot be a host at all raises InvalidURLError.
    """
    ip = parse_ip_literal(host)
    if ip is not None:
        _refuse_if_blocked(ip)
        return
    name = normalise_host(host)
    ip = parse_ip_literal(name)
    if ip is not None:
        _refuse_if_blocked(ip)
        return
    reason = _local_name(name)
    if reason is not None:
        raise BlockedURLError(reason)


def check_url(url: str) -> str:
    """``normalise_url`` then ``check_host``: the normalised URL, or InvalidURLError or
    BlockedURLError."""
    normalised = normalise_url(url)
    check_host(host_of(normalised))
    return normalised
