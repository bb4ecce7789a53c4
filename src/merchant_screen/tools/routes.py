"""curl ``--connect-to HOST1:PORT1:HOST2:PORT2`` routes: connect somewhere else than the URL says.

A request for ``HOST1:PORT1`` is sent to ``HOST2:PORT2`` while the URL, the Host header and
TLS SNI stay those of the original. An empty HOST1 or PORT1 matches any; an empty HOST2 or
PORT2 keeps the original. The first matching route wins, as in curl. IPv6 addresses are
written in brackets (``[::1]``) and stored without them. Hosts are stored in canonical form
(see ``normalise_host``) so they compare equal to the hosts of normalised URLs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from merchant_screen.errors import ConfigError, InvalidURLError
from merchant_screen.tools.urls import normalise_host

__all__ = ["Route", "parse_connect_to", "resolve_route"]


@dataclass(frozen=True)
class Route:
    """One ``--connect-to`` rule; "" and None mean "any" (from) or "unchanged" (to)."""

    from_host: str
    from_port: int | None
    to_host: str
    to_port: int | None


class _SpecError(ValueError):
    pass


def _take_host(text: str) -> tuple[str, str]:
    """(host field, rest after its ':'); a bracketed host may contain colons."""
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise _SpecError("unclosed '['")
        host, rest = text[: end + 1], text[end + 1 :]
        if not rest.startswith(":"):
            raise _SpecError("expected ':' after ']'")
        return host, rest[1:]
    host, sep, rest = text.partition(":")
    if not sep:
        raise _SpecError("expected HOST1:PORT1:HOST2:PORT2")
    return host, rest


def _host(field: str) -> str:
    if not field:
        return ""
    try:
        return normalise_host(field)
    except InvalidURLError:
        raise _SpecError(f"bad host {field[:100]!r}") from None


def _port(field: str) -> int | None:
    if not field:
        return None
    if not (field.isascii() and field.isdigit()) or len(field) > 5 or not 0 < int(field) < 65536:
        raise _SpecError(f"port {field[:20]!r} is not a number in 1-65535")
    return int(field)


def parse_connect_to(spec: str) -> Route:
    """Parse ``HOST1:PORT1:HOST2:PORT2``; ConfigError with a one-line message when malformed."""
    try:
        from_host, rest = _take_host(spec)
        from_port, sep, rest = rest.partition(":")
        if not sep:
            raise _SpecError("expected HOST1:PORT1:HOST2:PORT2")
        to_host, rest = _take_host(rest)
        if ":" in rest:
            raise _SpecError("expected HOST1:PORT1:HOST2:PORT2")
        return Route(_host(from_host), _port(from_port), _host(to_host), _port(rest))
    except _SpecError as exc:
        raise ConfigError(f"--connect-to {spec[:200]!r}: {exc}") from None


def _canonical(host: str) -> str:
    try:
        return normalise_host(host)
    except InvalidURLError:
        return host.strip().lower()


def resolve_route(routes: Sequence[Route], host: str, port: int) -> tuple[str, int] | None:
    """Where to connect for ``host:port`` by the first matching route, or None if none match."""
    if not routes:
        return None
    wanted = _canonical(host)
    for route in routes:
        if route.from_host and route.from_host != wanted:
            continue
        if route.from_port is not None and route.from_port != port:
            continue
        return (route.to_host or host, route.to_port if route.to_port is not None else port)
    return None
