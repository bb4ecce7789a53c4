"""The only way merchant-screen opens a connection: an httpx client whose network backend
resolves names itself, refuses non-public addresses at connect time, and applies the
operator's curl-style ``--connect-to`` routes.

Checking the address that is actually dialled (not the one a pre-flight lookup saw) closes
the DNS-rebinding window, and every redirect hop goes through the same backend.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path

import httpcore
import httpx

from merchant_screen.errors import BlockedURLError, ConfigError, FetchError
from merchant_screen.tools.guard import blocked_reason, check_host, parse_ip_literal
from merchant_screen.tools.routes import Route, parse_connect_to, resolve_route

__all__ = ["GuardedBackend", "Resolver", "build_client", "make_ssl_context", "system_resolver"]

Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    """Addresses for ``host`` from the OS resolver, in its preferred order."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        permanent = exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5))
        raise FetchError(
            f"{host} does not resolve ({exc.strerror})", transient=not permanent
        ) from None
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in seen:
            seen.append(address)
    return seen


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Dials only public addresses, except where an operator route says otherwise."""

    def __init__(
        self,
        routes: Sequence[Route] = (),
        resolver: Resolver = system_resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._routes = tuple(routes)
        self._resolve = resolver
        self._inner = inner or httpcore.AnyIOBackend()

    async def dial_target(self, host: str, port: int) -> tuple[str, int]:
        """The (address, port) to connect to for ``host:port``, or BlockedURLError."""
        routed = resolve_route(self._routes, host, port)
        if routed is not None:
            return routed  # an explicit operator choice: exempt from the address rule
        check_host(host)
        literal = parse_ip_literal(host)
        addresses = [str(literal)] if literal is not None else await self._resolve(host, port)
        if not addresses:
            raise FetchError(f"{host} does not resolve", transient=False)
        for address in addresses:
            ip = parse_ip_literal(address)
            reason = blocked_reason(ip) if ip is not None else f"{address} is not an IP address"
            if reason is not None:
                if literal is not None:
                    raise BlockedURLError(reason)
                raise BlockedURLError(f"{host} resolves to {reason}")
        return addresses[0], port

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address, dial_port = await self.dial_target(host, port)
        return await self._inner.connect_tcp(
            address,
            dial_port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedURLError("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (so its exception mapping stays), dialling through our backend."""

    def __init__(self, backend: GuardedBackend, ssl_context: ssl.SSLContext, limits: httpx.Limits):
        super().__init__(verify=ssl_context, trust_env=False, limits=limits)
        # httpx does not take a network backend; its pool is the documented httpcore one.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=backend,
        )


def make_ssl_context(ca_bundle: Path | None) -> ssl.SSLContext:
    """System trust store plus the operator's extra CA bundle, if any."""
    context = ssl.create_default_context()
    if ca_bundle is not None:
        try:
            context.load_verify_locations(cafile=str(ca_bundle))
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"cannot load CA bundle {ca_bundle}: {exc}") from None
    return context


def build_client(
    *,
    user_agent: str,
    timeout: float,
    connect_to: Sequence[str] = (),
    ca_bundle: Path | None = None,
    resolver: Resolver = system_resolver,
    max_connections: int = 32,
) -> httpx.AsyncClient:
    """An AsyncClient that never follows redirects itself and never uses env proxies."""
    routes = [parse_connect_to(spec) for spec in connect_to]
    backend = GuardedBackend(routes, resolver)
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=16)
    transport = _GuardedTransport(backend, make_ssl_context(ca_bundle), limits)
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
    )
