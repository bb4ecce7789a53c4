"""Shared test fixtures. The autouse guard fails any test that opens a connection to a
non-loopback address: tests never touch the network."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest


class RealNetworkError(RuntimeError):
    """A test tried to connect somewhere other than loopback."""


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%", 1)[0].lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _allowed(address: object) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path: not a network connection
        return True
    if isinstance(address, tuple) and address:
        return _is_loopback(address[0])
    return False


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Blocks non-loopback connections and fails the test if any was tried, even when the
    code under test swallowed the error. Yields the list of blocked addresses; a test that
    triggers the guard on purpose clears it."""
    attempts: list[str] = []

    def refuse(address: object) -> RealNetworkError:
        attempts.append(repr(address))
        return RealNetworkError(f"test tried to reach {address!r}; only loopback is allowed")

    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_create_connection = socket.create_connection

    def connect(self: socket.socket, address: Any) -> None:
        if not _allowed(address):
            raise refuse(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not _allowed(address):
            raise refuse(address)
        return real_connect_ex(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        if not _allowed(address):
            raise refuse(address)
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    yield attempts
    if attempts:
        pytest.fail("test tried to reach the network: " + ", ".join(attempts), pytrace=False)
