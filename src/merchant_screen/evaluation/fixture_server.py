"""Serve dataset sites over real HTTP and HTTPS on 127.0.0.1, routed by the Host header.

``with FixtureServer(dataset.host_map()) as srv:`` starts one HTTP and one HTTPS server on
ephemeral loopback ports, each answering requests in threads. HTTPS uses a throwaway
``trustme`` CA (``srv.ca_pem``) and one certificate naming every host and its ``www.`` twin.
Point a client at it with ``srv.connect_to()`` (curl ``--connect-to`` routes) and the CA file.

Routing: Host header without port, lowercased; ``www.x`` falls back to ``x``; unknown hosts get
404 "unknown host". Paths map to files as ``dataset.site_file`` says (``..`` gives 400, ``_*``
names are never served). Text bodies over 1 KB are gzipped for clients that accept gzip. Each
answer is logged as ``(host, path, method, status)``, ``path`` being the target as sent.

A site may script answers in ``sites/<id>/_server.json`` (an extension of the dataset format,
validated by ``load_dataset``); keys are decoded URL paths, matched exactly::

    {"status": {"/gone": 410},                       answer with this status
     "redirects": {"/old": [301, "/new"]},           status + Location (relative or absolute)
     "headers": {"/x": {"X-Robots-Tag": "noindex"}}, extra or replacing response headers
     "delay": {"/slow": 3.0},                        seconds to wait before answering
     "gzip_bomb": ["/bomb"],                         ~10 KB gzip body inflating to 10 MiB
     "content_type": {"/file": "application/pdf"},   Content-Type override
     "charset": {"/legacy.html": "windows-1252"},    charset parameter of the Content-Type
     "retry_after": {"/busy": [2, 1]},               first 2 requests: 503 + Retry-After: 1
     "generated": {"/deep": {"kind": "nested_divs", "count": 200000}}}
                                                     a body built at serve time (text/html)

``generated`` bodies (``dataset.GeneratedBody``) keep parser bombs and garbage out of the
repository: ``nested_divs`` (``count`` nested ``<div>``), ``many_elements`` (``count``
sibling paragraphs) and ``random_bytes`` (``count`` bytes from a PRNG seeded with ``seed``),
each built once per process and the same bytes every time.

Deflate shrinks at most ~1000:1, so 10 MiB is about all a 10 KB gzip body can carry.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import html
import random
import socket
import ssl
import sys
import tempfile
import threading
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.client import responses
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

import trustme

from merchant_screen.errors import ConfigError
from merchant_screen.evaluation import dataset

__all__ = [
    "BOMB_INFLATED_BYTES",
    "FixtureServer",
    "LoggedRequest",
    "Reply",
    "build_generated_body",
    "site_reply",
]

BOMB_INFLATED_BYTES = 10 * 1024 * 1024
GZIP_MIN_BYTES = 1024
CONNECTION_TIMEOUT = 10.0
# fmt: off
CONTENT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".txt": "text/plain", ".css": "text/css",
    ".xml": "application/xml", ".json": "application/json", ".js": "text/javascript",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".pdf": "application/pdf",
}
# fmt: on
TEXT_TYPES = ("text/", "application/xml", "application/json", "image/svg+xml")


class LoggedRequest(NamedTuple):
    host: str
    path: str
    method: str
    status: int


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


@functools.cache
def build_gzip_bomb(inflated_bytes: int = BOMB_INFLATED_BYTES) -> bytes:
    """A gzip stream of ``inflated_bytes`` spaces, compressed as far as deflate goes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    return compressor.compress(b" " * inflated_bytes) + compressor.flush()


@functools.cache
def build_generated_body(spec: dataset.GeneratedBody) -> bytes:
    """The bytes of a ``generated`` body (deterministic: a pure function of ``spec``)."""
    if spec.kind == "random_bytes":
        return random.Random(spec.seed).randbytes(spec.count)
    head = b"<!DOCTYPE html><html><head><title>Page</title></head><body>"
    if spec.kind == "nested_divs":
        inner = b"<div>" * spec.count + b"<p>Nothing here.</p>" + b"</div>" * spec.count
    else:
        inner = b"<p>Item.</p>" * spec.count
    return head + inner + b"</body></html>\n"


def html_reply(status: int, message: str = "", headers: Mapping[str, str] | None = None) -> Reply:
    """A small HTML page for an error, busy or redirect status."""
    phrase = responses.get(status, "Error")
    body = (
        f"<!DOCTYPE html><html><head><title>{status} {phrase}</title></head>"
        f"<body><h1>{phrase}</h1><p>{html.escape(message or phrase)}</p></body></html>\n"
    )
    headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
    return Reply(status, headers, body.encode())


def site_reply(site_dir: Path, script: dataset.ServerScript, url_path: str) -> Reply:
    """The answer to a GET of ``url_path`` (decoded, safe), before any gzip encoding."""
    extra = script.headers.get(url_path, {})
    if url_path in script.redirects:
        code, target = script.redirects[url_path]
        return html_reply(code, f"Moved to {target}", {"Location": target, **extra})
    if url_path in script.gzip_bomb:
        headers = {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}
        return Reply(200, {**headers, **extra}, build_gzip_bomb())
    if url_path in script.generated:
        ctype = script.content_type.get(url_path, "text/html")
        if ctype.startswith(TEXT_TYPES) and "charset=" not in ctype:
            ctype += f"; charset={script.charset.get(url_path, 'utf-8')}"
        body = build_generated_body(script.generated[url_path])
        return Reply(script.status.get(url_path, 200), {"Content-Type": ctype, **extra}, body)
    path = dataset.site_file(site_dir, url_path)
    status = script.status.get(url_path, 200 if path else 404)
    if path is None:
        missing = "The requested URL was not found on this server." if status == 404 else ""
        return html_reply(status, missing, extra)
    ctype = script.content_type.get(url_path) or CONTENT_TYPES.get(path.suffix.lower(), "")
    ctype = ctype or "application/octet-stream"
    if ctype.startswith(TEXT_TYPES) and "charset=" not in ctype:
        ctype += f"; charset={script.charset.get(url_path, 'utf-8')}"
    return Reply(status, {"Content-Type": ctype, **extra}, path.read_bytes())


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding value allows gzip (``q=0`` refuses it)."""
    for item in accept_encoding.lower().replace(" ", "").split(","):
        name, _, q = item.partition(";q=")
        if name in ("gzip", "*"):
            return not q or q.strip("0.") != ""  # "q=0" and "q=0.0" refuse
    return False


def encode_reply(reply: Reply, accept_encoding: str) -> Reply:
    """Gzip a text body over ``GZIP_MIN_BYTES`` when the client accepts it."""
    if (
        "Content-Encoding" in reply.headers
        or len(reply.body) <= GZIP_MIN_BYTES
        or not reply.headers.get("Content-Type", "").startswith(TEXT_TYPES)
        or not accepts_gzip(accept_encoding)
    ):
        return reply
    headers = {**reply.headers, "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    return Reply(reply.status, headers, gzip.compress(reply.body, mtime=0))


def host_of(host_header: str) -> str:
    """The Host header without port or trailing dot, lowercased."""
    host = host_header.strip().lower()
    return (host.rpartition(":")[0] if ":" in host else host).rstrip(".")


@dataclass
class _State:
    """What both servers share: sites, request log, retry counts, open connections."""

    sites: dict[str, tuple[Path, dataset.ServerScript]]
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    log: list[LoggedRequest] = field(default_factory=list)
    retries: dict[tuple[str, str], int] = field(default_factory=dict)
    connections: set[socket.socket] = field(default_factory=set)

    def answer(self, host: str, url_path: str) -> Reply | None:
        """The reply for a request, or None when the server stopped during a delay."""
        key = host if host in self.sites else host.removeprefix("www.")
        if key not in self.sites:
            return html_reply(404, "unknown host")
        if not dataset.is_safe_url_path(url_path):
            return html_reply(400, "bad path")
        site_dir, script = self.sites[key]
        delay = script.delay.get(url_path, 0.0)
        if delay > 0 and self.stopping.wait(delay):
            return None
        failures, wait = script.retry_after.get(url_path, (0, 0))
        if failures:
            with self.lock:
                count = self.retries[key, url_path] = self.retries.get((key, url_path), 0) + 1
            if count <= failures:
                return html_reply(503, "Busy, try again later.", {"Retry-After": str(wait)})
        return site_reply(site_dir, script, url_path)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fixture"
    timeout = CONNECTION_TIMEOUT
    server: _Server

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the stderr access log; ``FixtureServer.requests`` is the log."""

    def _serve(self, *, head: bool) -> None:
        state = self.server.state
        host = host_of(self.headers.get("Host", ""))
        reply = state.answer(host, unquote(urlsplit(self.path).path) or "/")
        if reply is None:
            self.close_connection = True
            return
        reply = encode_reply(reply, self.headers.get("Accept-Encoding", ""))
        with state.lock:
            state.log.append(LoggedRequest(host, self.path, self.command, reply.status))
        self.send_response_only(reply.status)
        headers = {"Server": self.server_version, "Date": self.date_time_string(), **reply.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if not head:
            self.wfile.write(reply.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, state: _State, ssl_context: ssl.SSLContext | None) -> None:
        self.state = state
        self.ssl_context = ssl_context
        super().__init__(("127.0.0.1", 0), _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Runs in the connection's thread: TLS handshake, then the handler."""
        conn: socket.socket = request
        conn.settimeout(CONNECTION_TIMEOUT)
        try:
            if self.ssl_context is not None:
                conn = self.ssl_context.wrap_socket(request, server_side=True)
        except OSError:
            return
        with self.state.lock:
            self.state.connections.add(conn)
        try:
            super().finish_request(conn, client_address)
        finally:
            with self.state.lock:
                self.state.connections.discard(conn)
            conn.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError | ValueError) or self.state.stopping.is_set():
            return
        super().handle_error(request, client_address)


class FixtureServer:
    """HTTP + HTTPS fixture servers for a host -> site folder map; a context manager."""

    def __init__(self, host_map: Mapping[str, Path | str]) -> None:
        sites: dict[str, tuple[Path, dataset.ServerScript]] = {}
        for host, folder in host_map.items():
            site_dir = Path(folder)
            if not site_dir.is_dir():
                raise ConfigError(f"site folder {site_dir} for {host} does not exist")
            sites[host.lower()] = (site_dir, dataset.load_server_script(site_dir))
        self._state = _State(sites)
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._ca_pem = Path()

    def start(self) -> FixtureServer:
        """Start both servers; returns self."""
        if self._servers:
            raise RuntimeError("FixtureServer already started")
        names = {"localhost"}
        for host in self._state.sites:
            names.update({host, host if host.startswith("www.") else f"www.{host}"})
        ca = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(*sorted(names)).configure_cert(context)
        self._tmp = tempfile.TemporaryDirectory(prefix="fixture-ca-")
        self._ca_pem = Path(self._tmp.name) / "ca.pem"
        ca.cert_pem.write_to_path(str(self._ca_pem))
        self._state.stopping.clear()
        self._servers = [_Server(self._state, None), _Server(self._state, context)]
        for server in self._servers:
            kwargs = {"poll_interval": 0.05}
            thread = threading.Thread(target=server.serve_forever, kwargs=kwargs, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving, cut open connections, wake delayed requests, delete the CA file."""
        self._state.stopping.set()
        for server in self._servers:
            server.shutdown()
        with self._state.lock:
            for conn in self._state.connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        for server in self._servers:
            server.server_close()
        for thread in self._threads:
            thread.join()
        self._servers, self._threads = [], []
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def http_port(self) -> int:
        return int(self._running()[0].server_address[1])

    @property
    def https_port(self) -> int:
        return int(self._running()[1].server_address[1])

    @property
    def ca_pem(self) -> Path:
        """PEM file of the throwaway CA (deleted by ``stop``)."""
        self._running()
        return self._ca_pem

    @property
    def requests(self) -> list[LoggedRequest]:
        """A snapshot of the request log, oldest first."""
        with self._state.lock:
            return list(self._state.log)

    def reset_log(self) -> None:
        """Forget logged requests and ``retry_after`` counts."""
        with self._state.lock:
            self._state.log.clear()
            self._state.retries.clear()

    def connect_to(self) -> list[str]:
        """curl-style routes sending every host's ports 80 and 443 to these servers."""
        return [f":80:127.0.0.1:{self.http_port}", f":443:127.0.0.1:{self.https_port}"]

    def client_ssl_context(self) -> ssl.SSLContext:
        """A client context trusting only the throwaway CA."""
        return ssl.create_default_context(cafile=str(self.ca_pem))

    def _running(self) -> list[_Server]:
        if not self._servers:
            raise RuntimeError("FixtureServer is not running")
        return self._servers
