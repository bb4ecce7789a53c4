from __future__ import annotations

import dataclasses

import pytest

from merchant_screen.errors import ConfigError
from merchant_screen.tools.routes import Route, parse_connect_to, resolve_route


@pytest.mark.parametrize(
    ("spec", "route"),
    [
        ("shop.test:443:127.0.0.1:8443", Route("shop.test", 443, "127.0.0.1", 8443)),
        ("Shop.TEST.:80:127.0.0.1:8080", Route("shop.test", 80, "127.0.0.1", 8080)),
        (":443:127.0.0.1:8443", Route("", 443, "127.0.0.1", 8443)),
        ("shop.test::127.0.0.1:", Route("shop.test", None, "127.0.0.1", None)),
        ("shop.test:443::8443", Route("shop.test", 443, "", 8443)),
        (":::", Route("", None, "", None)),
        ("[::1]:443:[::1]:8443", Route("::1", 443, "::1", 8443)),
        ("[2001:DB8::1]::[fe80::1%25lo]:", Route("2001:db8::1", None, "fe80::1%lo", None)),
        ("bücher.de:443:localhost:8443", Route("xn--bcher-kva.de", 443, "localhost", 8443)),
    ],
)
def test_parse_connect_to(spec: str, route: Route) -> None:
    assert parse_connect_to(spec) == route


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("x", "--connect-to 'x': expected HOST1:PORT1:HOST2:PORT2"),
        ("", "--connect-to '': expected HOST1:PORT1:HOST2:PORT2"),
        ("a:1:b", "--connect-to 'a:1:b': expected HOST1:PORT1:HOST2:PORT2"),
        ("a:1", "--connect-to 'a:1': expected HOST1:PORT1:HOST2:PORT2"),
        ("a:1:b:2:3", "--connect-to 'a:1:b:2:3': expected HOST1:PORT1:HOST2:PORT2"),
        ("::1:443:a:1", "--connect-to '::1:443:a:1': expected HOST1:PORT1:HOST2:PORT2"),
        ("a:x:b:1", "--connect-to 'a:x:b:1': port 'x' is not a number in 1-65535"),
        ("a:1:b:0", "--connect-to 'a:1:b:0': port '0' is not a number in 1-65535"),
        ("a:1:b:65536", "--connect-to 'a:1:b:65536': port '65536' is not a number in 1-65535"),
        ("a:-1:b:2", "--connect-to 'a:-1:b:2': port '-1' is not a number in 1-65535"),
        ("[::1:443:a:1", "--connect-to '[::1:443:a:1': unclosed '['"),
        ("[::1]443:a:1", "--connect-to '[::1]443:a:1': expected ':' after ']'"),
        ("a b:1:c:2", "--connect-to 'a b:1:c:2': bad host 'a b'"),
        ("[nope]:1:c:2", "--connect-to '[nope]:1:c:2': bad host '[nope]'"),
    ],
)
def test_parse_connect_to_rejects(spec: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_connect_to(spec)
    assert str(info.value) == message


def test_route_is_frozen() -> None:
    route = parse_connect_to("a.test:1:b.test:2")
    with pytest.raises(dataclasses.FrozenInstanceError):
        route.to_port = 3  # type: ignore[misc]


ROUTES = [
    parse_connect_to("shop.test:443:127.0.0.1:9443"),
    parse_connect_to("shop.test:443:10.0.0.1:1"),  # shadowed: the first match wins
    parse_connect_to("shop.test::127.0.0.1:9000"),
    parse_connect_to("[::1]:80::8080"),
    parse_connect_to(":80:127.0.0.1:"),
]


@pytest.mark.parametrize(
    ("host", "port", "target"),
    [
        ("shop.test", 443, ("127.0.0.1", 9443)),
        ("SHOP.test", 443, ("127.0.0.1", 9443)),
        ("shop.test.", 443, ("127.0.0.1", 9443)),
        ("shop.test", 8443, ("127.0.0.1", 9000)),
        ("shop.test", 80, ("127.0.0.1", 9000)),
        ("::1", 80, ("::1", 8080)),
        ("[::1]", 80, ("[::1]", 8080)),
        ("other.test", 80, ("127.0.0.1", 80)),
        ("other.test", 443, None),
        ("shop.test.example", 443, None),
    ],
)
def test_resolve_route(host: str, port: int, target: tuple[str, int] | None) -> None:
    assert resolve_route(ROUTES, host, port) == target


def test_resolve_route_without_routes() -> None:
    assert resolve_route([], "shop.test", 443) is None


def test_fixture_server_style_routes() -> None:
    routes = [parse_connect_to(":80:127.0.0.1:41000"), parse_connect_to(":443:127.0.0.1:41001")]
    assert resolve_route(routes, "merchant.test", 443) == ("127.0.0.1", 41001)
    assert resolve_route(routes, "www.merchant.test", 80) == ("127.0.0.1", 41000)
    assert resolve_route(routes, "merchant.test", 8080) is None
