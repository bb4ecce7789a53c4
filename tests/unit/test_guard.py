from __future__ import annotations

import ipaddress
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from merchant_screen.errors import BlockedURLError, InvalidURLError
from merchant_screen.tools.guard import (
    blocked_reason,
    check_address,
    check_host,
    check_url,
    parse_ip_literal,
)

V4 = ipaddress.IPv4Address
V6 = ipaddress.IPv6Address


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", V4("127.0.0.1")),
        ("8.8.8.8", V4("8.8.8.8")),
        ("2130706433", V4("127.0.0.1")),
        ("0", V4("0.0.0.0")),
        ("4294967295", V4("255.255.255.255")),
        ("0177.0.0.1", V4("127.0.0.1")),
        ("017700000001", V4("127.0.0.1")),
        ("00000000000000000000000001", V4("0.0.0.1")),
        ("0x7f.0.0.1", V4("127.0.0.1")),
        ("0X7F.0.0.1", V4("127.0.0.1")),
        ("0x7f000001", V4("127.0.0.1")),
        ("0x7f.1", V4("127.0.0.1")),
        ("0x", V4("0.0.0.0")),
        ("127.1", V4("127.0.0.1")),
        ("10.1.2", V4("10.1.0.2")),
        ("10.0.258", V4("10.0.1.2")),
        ("169.16689662", V4("169.254.169.254")),
        ("0xa9.0xfe.0xa9.0xfe", V4("169.254.169.254")),
        ("0251.0376.0251.0376", V4("169.254.169.254")),
        ("127.0.0.1.", V4("127.0.0.1")),
        (" 127.0.0.1 ", V4("127.0.0.1")),
        ("１２７．０．０．１", V4("127.0.0.1")),
        ("127。0。0。1", V4("127.0.0.1")),
        ("::1", V6("::1")),
        ("[::1]", V6("::1")),
        ("[::FFFF:127.0.0.1]", V6("::ffff:127.0.0.1")),
        ("fe80::1%eth0", V6("fe80::1%eth0")),
        ("[fe80::1%25eth0]", V6("fe80::1%eth0")),
        ("[fe80::1%eth0]", V6("fe80::1%eth0")),
        ("fe80::1%2", V6("fe80::1%2")),
        ("2001:db8::1", V6("2001:db8::1")),
    ],
)
def test_parse_ip_literal_forms(host: str, expected: ipaddress.IPv4Address) -> None:
    assert parse_ip_literal(host) == expected


@pytest.mark.parametrize(
    "host",
    [
        "example.com",
        "localhost",
        "",
        ".",
        "1.2.3.4.5",
        "256.0.0.1",
        "1.2.3.256",
        "1.16777216",
        "1.2.65536",
        "4294967296",
        "0x100000000",
        "08",
        "0.0.0.09",
        "1..2",
        "1.2.3.4..",
        "0xg",
        "1e3",
        "-1",
        "+1",
        "1.2.3.4 junk",
        "١٢٧.٠.٠.١",
        "[::1",
        "::1]",
        ":::",
        "fe80::1%",
        "[fe80::1%25]x",
        "[127.0.0.1]",
        "9" * 5000,
    ],
)
def test_parse_ip_literal_rejects(host: str) -> None:
    assert parse_ip_literal(host) is None


_INET_ATON_TEXT = st.text(alphabet="0123456789abcdefxX.", min_size=1, max_size=24)


@given(_INET_ATON_TEXT)
def test_parse_ip_literal_accepts_whatever_inet_aton_accepts(text: str) -> None:
    # socket.inet_aton is a pure conversion in libc; it opens no socket.
    try:
        packed = socket.inet_aton(text)
    except OSError:
        return
    assert parse_ip_literal(text) == V4(packed)


@given(st.text(max_size=60))
def test_parse_ip_literal_never_raises(text: str) -> None:
    result = parse_ip_literal(text)
    assert result is None or isinstance(result, V4 | V6)


@given(st.ip_addresses())
def test_parse_ip_literal_reads_every_canonical_address(ip: V4 | V6) -> None:
    assert parse_ip_literal(str(ip)) == ip
    if ip.version == 6:
        assert parse_ip_literal(f"[{ip}]") == ip


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("127.255.255.254", "127.255.255.254 is a loopback address"),
        ("10.0.0.5", "10.0.0.5 is a private address"),
        ("172.16.0.1", "172.16.0.1 is a private address"),
        ("172.31.255.255", "172.31.255.255 is a private address"),
        ("192.168.1.1", "192.168.1.1 is a private address"),
        ("169.254.169.254", "169.254.169.254 is a cloud metadata address"),
        ("169.254.170.2", "169.254.170.2 is a cloud metadata address"),
        ("100.100.100.200", "100.100.100.200 is a cloud metadata address"),
        ("192.0.0.192", "192.0.0.192 is a cloud metadata address"),
        ("168.63.129.16", "168.63.129.16 is a cloud metadata address"),
        ("169.254.1.1", "169.254.1.1 is a link-local address"),
        ("100.64.0.1", "100.64.0.1 is a shared (CGNAT) address"),
        ("100.127.255.255", "100.127.255.255 is a shared (CGNAT) address"),
        ("224.0.0.1", "224.0.0.1 is a multicast address"),
        ("239.255.255.250", "239.255.255.250 is a multicast address"),
        ("0.0.0.0", "0.0.0.0 is an unspecified address"),
        ("0.1.2.3", "0.1.2.3 is a this-network address"),
        ("240.0.0.1", "240.0.0.1 is a reserved address"),
        ("255.255.255.254", "255.255.255.254 is a reserved address"),
        ("255.255.255.255", "255.255.255.255 is a broadcast address"),
        ("192.0.0.8", "192.0.0.8 is an IETF protocol assignment address"),
        ("192.0.2.1", "192.0.2.1 is a documentation address"),
        ("198.51.100.7", "198.51.100.7 is a documentation address"),
        ("203.0.113.9", "203.0.113.9 is a documentation address"),
        ("198.18.0.1", "198.18.0.1 is a benchmarking address"),
        ("198.19.255.255", "198.19.255.255 is a benchmarking address"),
        ("::1", "::1 is a loopback address"),
        ("::", ":: is an unspecified address"),
        ("fd00:ec2::254", "fd00:ec2::254 is a cloud metadata address"),
        ("fd12:3456::1", "fd12:3456::1 is a unique-local (private) address"),
        ("fc00::1", "fc00::1 is a unique-local (private) address"),
        ("fe80::1", "fe80::1 is a link-local address"),
        ("fe80::1%eth0", "fe80::1%eth0 is a link-local address"),
        ("febf::1", "febf::1 is a link-local address"),
        ("fec0::1", "fec0::1 is a site-local address"),
        ("ff02::1", "ff02::1 is a multicast address"),
        ("2001:db8::1", "2001:db8::1 is a documentation address"),
        ("3fff::1", "3fff::1 is a documentation address"),
        ("100::1", "100::1 is a discard-only address"),
        ("64:ff9b:1::1", "64:ff9b:1::1 is a local-use NAT64 address"),
        ("2001:1::1", "2001:1::1 is an IETF protocol assignment address"),
        ("2001:10::1", "2001:10::1 is an IETF protocol assignment address"),
        ("4000::1", "4000::1 is a reserved address"),
        ("::ffff:127.0.0.1", "::ffff:127.0.0.1 is an IPv4-mapped loopback address"),
        ("::ffff:7f00:1", "::ffff:127.0.0.1 is an IPv4-mapped loopback address"),
        ("::ffff:10.0.0.1", "::ffff:10.0.0.1 is an IPv4-mapped private address"),
        (
            "::ffff:169.254.169.254",
            "::ffff:169.254.169.254 is an IPv4-mapped cloud metadata address",
        ),
        ("::ffff:0.0.0.0", "::ffff:0.0.0.0 is an IPv4-mapped unspecified address"),
        ("::127.0.0.1", "::127.0.0.1 is an IPv4-compatible loopback address"),
        ("::10.1.2.3", "::10.1.2.3 is an IPv4-compatible private address"),
        ("::0.0.0.2", "::0.0.0.2 is an IPv4-compatible this-network address"),
        ("64:ff9b::10.0.0.1", "64:ff9b::10.0.0.1 is a NAT64 private address"),
        ("64:ff9b::7f00:1", "64:ff9b::127.0.0.1 is a NAT64 loopback address"),
        (
            "2002:7f00:1::1",
            "2002:7f00:1::1 is a 6to4 loopback address (embeds 127.0.0.1)",
        ),
        (
            "2002:a9fe:a9fe::",
            "2002:a9fe:a9fe:: is a 6to4 cloud metadata address (embeds 169.254.169.254)",
        ),
        (
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "2001:0:4136:e378:8000:63bf:80ff:fffe is a Teredo loopback address (embeds 127.0.0.1)",
        ),
        (
            "2001:0:4136:e378:8000:63bf:3fff:f7f6",
            "2001:0:4136:e378:8000:63bf:3fff:f7f6 is a Teredo tunnelling address"
            " (embeds 192.0.8.9)",
        ),
    ],
)
def test_blocked_reason(address: str, reason: str) -> None:
    ip = parse_ip_literal(address)
    assert ip is not None
    assert blocked_reason(ip) == reason
    with pytest.raises(BlockedURLError) as info:
        check_address(address)
    assert str(info.value) == reason


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.215.14",
        "172.15.255.255",
        "172.32.0.0",
        "100.63.255.255",
        "100.128.0.0",
        "169.253.255.255",
        "192.0.1.1",
        "198.17.255.255",
        "198.20.0.0",
        "223.255.255.255",
        "2606:4700:4700::1111",
        "2a00:1450:4001:80b::200e",
        "::ffff:8.8.8.8",
        "::8.8.8.8",
        "64:ff9b::8.8.8.8",
        "2002:808:808::1",
    ],
)
def test_public_addresses_pass(address: str) -> None:
    ip = parse_ip_literal(address)
    assert ip is not None
    assert blocked_reason(ip) is None
    check_address(address)


@given(st.ip_addresses(v=4))
def test_ipv4_mapped_agrees_with_ipv4(ip: V4) -> None:
    mapped = V6(f"::ffff:{ip}")
    plain, via_mapped = blocked_reason(ip), blocked_reason(mapped)
    assert (plain is None) == (via_mapped is None)
    if plain is not None and via_mapped is not None:
        kind = plain.removeprefix(f"{ip} is a ").removeprefix(f"{ip} is an ")
        assert via_mapped == f"::ffff:{ip} is an IPv4-mapped {kind}"


@given(st.ip_addresses())
def test_stdlib_non_global_addresses_are_blocked(ip: V4 | V6) -> None:
    # Our table is at least as strict as the standard library's idea of "global".
    if not ip.is_global:
        assert blocked_reason(ip) is not None


def test_check_address_refuses_non_addresses() -> None:
    with pytest.raises(BlockedURLError, match=r"^'example\.com' is not an IP address$"):
        check_address("example.com")


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("localhost", "localhost is a loopback name"),
        ("LOCALHOST.", "localhost is a loopback name"),
        ("ｌｏｃａｌｈｏｓｔ", "localhost is a loopback name"),
        ("api.localhost", "api.localhost is a loopback name"),
        ("localhost.localdomain", "localhost.localdomain is a loopback name"),
        ("ip6-localhost", "ip6-localhost is a loopback name"),
        ("ip6-loopback", "ip6-loopback is a loopback name"),
        ("printer.local", "printer.local is a link-local (mDNS) name"),
        ("db.internal", "db.internal is an internal name"),
        ("metadata.google.internal", "metadata.google.internal is a cloud metadata name"),
        ("metadata", "metadata is a cloud metadata name"),
        ("instance-data", "instance-data is a cloud metadata name"),
        ("nas.home.arpa", "nas.home.arpa is a home-network name"),
        ("router.lan", "router.lan is a local name"),
        ("jenkins", "jenkins is a single-label (intranet) name"),
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("0x7f.1", "127.0.0.1 is a loopback address"),
        ("2130706433", "127.0.0.1 is a loopback address"),
        ("0177.0.0.1", "127.0.0.1 is a loopback address"),
        ("017700000001", "127.0.0.1 is a loopback address"),
        ("0x7f000001", "127.0.0.1 is a loopback address"),
        ("127.1", "127.0.0.1 is a loopback address"),
        ("10.1.2", "10.1.0.2 is a private address"),
        ("0", "0.0.0.0 is an unspecified address"),
        ("169.254.169.254.", "169.254.169.254 is a cloud metadata address"),
        ("１６９．２５４．１６９．２５４", "169.254.169.254 is a cloud metadata address"),
        ("%31%32%37.0.0.1", "127.0.0.1 is a loopback address"),
        ("[::1]", "::1 is a loopback address"),
        ("::1", "::1 is a loopback address"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1 is an IPv4-mapped loopback address"),
        ("[fe80::1%25eth0]", "fe80::1%eth0 is a link-local address"),
    ],
)
def test_check_host_blocks(host: str, reason: str) -> None:
    with pytest.raises(BlockedURLError) as info:
        check_host(host)
    assert str(info.value) == reason


@pytest.mark.parametrize(
    "host",
    [
        "example.com",
        "www.example.co.uk",
        "merchant.test",
        "localhost.example.com",
        "local.example.com",
        "internal.example.com",
        "xn--bcher-kva.de",
        "bücher.de",
        "8.8.8.8",
        "[2606:4700:4700::1111]",
    ],
)
def test_check_host_passes_public_hosts(host: str) -> None:
    check_host(host)


def test_check_host_rejects_non_hosts() -> None:
    with pytest.raises(InvalidURLError):
        check_host("exa mple.com")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("example.com", "https://example.com/"),
        ("HTTPS://Shop.Example.com:443/a#b", "https://shop.example.com/a"),
        ("http://8.8.8.8/", "http://8.8.8.8/"),
    ],
)
def test_check_url_returns_normalised_url(url: str, expected: str) -> None:
    assert check_url(url) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://localhost:8000/", "localhost is a loopback name"),
        ("http://0x7f.1/", "127.0.0.1 is a loopback address"),
        ("http://2130706433/", "127.0.0.1 is a loopback address"),
        (
            "http://[::ffff:a9fe:a9fe]/",
            "::ffff:169.254.169.254 is an IPv4-mapped cloud metadata address",
        ),
        (
            "http://metadata.google.internal/computeMetadata/v1/",
            "metadata.google.internal is a cloud metadata name",
        ),
        ("http://%6c%6f%63%61%6c%68%6f%73%74/", "localhost is a loopback name"),
        ("file:///etc/passwd", "unsupported scheme 'file' (only http and https)"),
        ("https://user:pw@example.com/", "credentials in URLs are not accepted"),
    ],
)
def test_check_url_blocks(url: str, reason: str) -> None:
    with pytest.raises(BlockedURLError) as info:
        check_url(url)
    assert str(info.value) == reason
