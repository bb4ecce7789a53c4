"""The fixture server: real HTTP and HTTPS on 127.0.0.1, routed by Host, scripted per site."""

from __future__ import annotations

import gzip
import http.client
import json
import threading
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from merchant_screen.errors import ConfigError
from merchant_screen.evaluation.fixture_server import (
    BOMB_INFLATED_BYTES,
    FixtureServer,
    LoggedRequest,
    accepts_gzip,
    host_of,
)

BIG_PAGE = "<html><body><h1>Hunting</h1>" + "<p>Blaze orange vests and elk calls.</p>" * 80
SCRIPT = {
    "status": {"/gone": 410, "/teapot": 418},
    "redirects": {"/old": [301, "/new"], "/out": [302, "https://b.test/"]},
    "headers": {"/about": {"X-Robots-Tag": "noindex"}, "/old": {"X-Extra": "1"}},
    "delay": {"/slow": 1.5, "/stuck": 30.0},
    "gzip_bomb": ["/bomb"],
    "content_type": {"/report": "application/pdf"},
    "charset": {"/legacy.html": "windows-1252"},
    "retry_after": {"/busy": [2, 1]},
}


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("sites")
    a, b = root / "a", root / "b"
    files: dict[str, str | bytes] = {
        "index.html": "<h1>Alpha home</h1>",
        "about.html": "<h1>About Alpha</h1>",
        "docs/index.html": "<h1>Docs index</h1>",
        "shop/hunting.html": BIG_PAGE,
        "shop/hunting/ammo.html": "<h1>Ammo</h1>",
        "café.html": "<h1>Café</h1>",
        "teapot.html": "<h1>I am a teapot page</h1>",
        "busy.html": "<h1>Busy page</h1>",
        "slow.html": "<h1>Slow page</h1>",
        "robots.txt": "User-agent: *\nDisallow: /private/\n",
        "sitemap.xml": "<urlset></urlset>",
        "data.json": "{}",
        "style.css": "h1{}",
        "app.js": "void 0;",
        "icon.svg": "<svg/>",
        "logo.png": b"\x89PNG\r\n\x1a\n" + bytes(2000),
        "photo.jpg": b"\xff\xd8\xff" + bytes(10),
        "doc.pdf": b"%PDF-1.4\n",
        "blob.bin": b"\x00\x01",
        "report": b"%PDF-1.7\n",
        "legacy.html": "<p>“Crème brûlée”</p>".encode("cp1252"),
        "_drafts/post.html": "<p>draft</p>",
        "_server.json": json.dumps(SCRIPT),
    }
    for rel, data in files.items():
        _write(a / rel, data)
    _write(b / "index.html", "<h1>Bravo home</h1>")
    _write(root / "secret.txt", "top secret")
    return {"a.test": a, "B.test": b}


@pytest.fixture(scope="module")
def server(sites: dict[str, Path]) -> Iterator[FixtureServer]:
    with FixtureServer(sites) as srv:
        yield srv


@pytest.fixture
def client(server: FixtureServer) -> Iterator[httpx.Client]:
    server.reset_log()
    with httpx.Client(verify=server.client_ssl_context(), timeout=10) as c:
        yield c


def fetch(
    client: httpx.Client,
    server: FixtureServer,
    host: str,
    path: str,
    *,
    https: bool = False,
    method: str = "GET",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """Request ``path`` on ``host`` through the fixture server (Host header and SNI set)."""
    port = server.https_port if https else server.http_port
    scheme = "https" if https else "http"
    return client.request(
        method,
        f"{scheme}://127.0.0.1:{port}{path}",
        headers={"Host": host, **(headers or {})},
        extensions={"sni_hostname": host.partition(":")[0]} if https else {},
    )


@pytest.mark.parametrize("https", [False, True])
def test_serves_pages_over_http_and_https(
    client: httpx.Client, server: FixtureServer, https: bool
) -> None:
    response = fetch(client, server, "a.test", "/", https=https)
    assert response.status_code == 200
    assert response.text == "<h1>Alpha home</h1>"
    assert response.headers["content-type"] == "text/html; charset=utf-8"


def test_https_is_refused_without_the_throwaway_ca(server: FixtureServer) -> None:
    with httpx.Client(timeout=5) as untrusting, pytest.raises(httpx.ConnectError):
        fetch(untrusting, server, "a.test", "/", https=True)


def test_certificate_names_www_twin_but_not_other_hosts(
    client: httpx.Client, server: FixtureServer
) -> None:
    assert fetch(client, server, "www.b.test", "/", https=True).text == "<h1>Bravo home</h1>"
    with (
        httpx.Client(verify=server.client_ssl_context()) as fresh,
        pytest.raises(httpx.ConnectError, match=r"c\.test"),
    ):
        fetch(fresh, server, "c.test", "/", https=True)


def test_routes_by_host_header_ignoring_port_and_case(
    client: httpx.Client, server: FixtureServer
) -> None:
    assert fetch(client, server, "b.test", "/").text == "<h1>Bravo home</h1>"
    assert fetch(client, server, "A.TEST:443", "/").text == "<h1>Alpha home</h1>"
    assert fetch(client, server, "www.a.test", "/about").text == "<h1>About Alpha</h1>"


def test_unknown_host_is_404(client: httpx.Client, server: FixtureServer) -> None:
    response = fetch(client, server, "nowhere.test", "/")
    assert response.status_code == 404
    assert "unknown host" in response.text


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "<h1>Alpha home</h1>"),
        ("/about", "<h1>About Alpha</h1>"),
        ("/about.html", "<h1>About Alpha</h1>"),
        ("/docs", "<h1>Docs index</h1>"),
        ("/docs/", "<h1>Docs index</h1>"),
        ("/shop/hunting/ammo", "<h1>Ammo</h1>"),
        ("/caf%C3%A9", "<h1>Café</h1>"),
        ("/about?utm_source=newsletter", "<h1>About Alpha</h1>"),
    ],
)
def test_maps_url_paths_to_files(
    client: httpx.Client, server: FixtureServer, path: str, expected: str
) -> None:
    response = fetch(client, server, "a.test", path)
    assert response.status_code == 200
    assert response.text == expected


def test_a_path_can_be_a_page_and_a_folder(client: httpx.Client, server: FixtureServer) -> None:
    assert fetch(client, server, "a.test", "/shop/hunting").text == BIG_PAGE
    assert fetch(client, server, "a.test", "/shop/hunting/").text == BIG_PAGE


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/data.json", "application/json; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/icon.svg", "image/svg+xml; charset=utf-8"),
        ("/logo.png", "image/png"),
        ("/photo.jpg", "image/jpeg"),
        ("/doc.pdf", "application/pdf"),
        ("/blob.bin", "application/octet-stream"),
        ("/report", "application/pdf"),
        ("/legacy.html", "text/html; charset=windows-1252"),
    ],
)
def test_content_types(
    client: httpx.Client, server: FixtureServer, path: str, content_type: str
) -> None:
    response = fetch(client, server, "a.test", path)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type


def test_charset_override_serves_the_file_bytes(
    client: httpx.Client, server: FixtureServer
) -> None:
    response = fetch(client, server, "a.test", "/legacy.html")
    assert response.content == "<p>“Crème brûlée”</p>".encode("cp1252")
    assert response.text == "<p>“Crème brûlée”</p>"


def test_missing_file_is_404_html(client: httpx.Client, server: FixtureServer) -> None:
    response = fetch(client, server, "a.test", "/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "Not Found" in response.text


@pytest.mark.parametrize("path", ["/%2e%2e/secret.txt", "/docs/%2E%2E/%2e%2e/secret.txt"])
def test_encoded_traversal_is_refused(
    client: httpx.Client, server: FixtureServer, path: str
) -> None:
    response = fetch(client, server, "a.test", path)
    assert response.status_code == 400
    assert "top secret" not in response.text


def test_raw_traversal_is_refused(server: FixtureServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.http_port, timeout=5)
    try:
        conn.request("GET", "/../secret.txt", headers={"Host": "a.test"})
        response = conn.getresponse()
        assert response.status == 400
        assert b"top secret" not in response.read()
    finally:
        conn.close()


@pytest.mark.parametrize(
    "path", ["/_server.json", "/_server", "/_drafts/post.html", "/_drafts/post"]
)
def test_underscore_files_are_never_served(
    client: httpx.Client, server: FixtureServer, path: str
) -> None:
    assert fetch(client, server, "a.test", path).status_code == 404


def test_gzip_for_large_text_when_accepted(client: httpx.Client, server: FixtureServer) -> None:
    with client.stream(
        "GET",
        f"http://127.0.0.1:{server.http_port}/shop/hunting",
        headers={"Host": "a.test", "Accept-Encoding": "gzip"},
    ) as response:
        raw = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert int(response.headers["content-length"]) == len(raw) < len(BIG_PAGE) / 4
    assert gzip.decompress(raw).decode() == BIG_PAGE


def test_no_gzip_when_refused_or_small(client: httpx.Client, server: FixtureServer) -> None:
    plain = fetch(
        client, server, "a.test", "/shop/hunting", headers={"Accept-Encoding": "identity"}
    )
    assert "content-encoding" not in plain.headers
    assert plain.text == BIG_PAGE
    small = fetch(client, server, "a.test", "/", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers
    binary = fetch(client, server, "a.test", "/logo.png", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in binary.headers


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("deflate, br", False),
        ("", False),
    ],
)
def test_accepts_gzip(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [("a.test", "a.test"), ("A.Test:8443", "a.test"), ("a.test.", "a.test"), ("", "")],
)
def test_host_of(header: str, expected: str) -> None:
    assert host_of(header) == expected


def test_head_sends_headers_without_body(client: httpx.Client, server: FixtureServer) -> None:
    get = fetch(client, server, "a.test", "/about")
    head = fetch(client, server, "a.test", "/about", method="HEAD")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.content))
    assert head.headers["content-type"] == get.headers["content-type"]


def test_scripted_status_with_and_without_a_file(
    client: httpx.Client, server: FixtureServer
) -> None:
    gone = fetch(client, server, "a.test", "/gone")
    assert gone.status_code == 410
    assert "Gone" in gone.text
    teapot = fetch(client, server, "a.test", "/teapot")
    assert teapot.status_code == 418
    assert teapot.text == "<h1>I am a teapot page</h1>"


def test_scripted_redirects_and_headers(client: httpx.Client, server: FixtureServer) -> None:
    old = fetch(client, server, "a.test", "/old")
    assert old.status_code == 301
    assert old.headers["location"] == "/new"
    assert old.headers["x-extra"] == "1"
    out = fetch(client, server, "a.test", "/out", https=True)
    assert (out.status_code, out.headers["location"]) == (302, "https://b.test/")
    about = fetch(client, server, "a.test", "/about")
    assert about.headers["x-robots-tag"] == "noindex"


def test_retry_after_then_page(client: httpx.Client, server: FixtureServer) -> None:
    first, second, third = (fetch(client, server, "a.test", "/busy") for _ in range(3))
    assert [first.status_code, second.status_code, third.status_code] == [503, 503, 200]
    assert first.headers["retry-after"] == second.headers["retry-after"] == "1"
    assert third.text == "<h1>Busy page</h1>"
    server.reset_log()
    assert fetch(client, server, "a.test", "/busy").status_code == 503


def test_delay_does_not_block_other_requests(client: httpx.Client, server: FixtureServer) -> None:
    results: dict[str, float] = {}

    def slow() -> None:
        start = time.monotonic()
        with httpx.Client(timeout=10) as other:
            assert fetch(other, server, "a.test", "/slow").text == "<h1>Slow page</h1>"
        results["slow"] = time.monotonic() - start

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.1)
    start = time.monotonic()
    assert fetch(client, server, "a.test", "/about").status_code == 200
    fast = time.monotonic() - start
    thread.join(timeout=5)
    assert fast < 1.0
    assert results["slow"] >= 1.5


def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(
    client: httpx.Client, server: FixtureServer
) -> None:
    with client.stream(
        "GET", f"http://127.0.0.1:{server.http_port}/bomb", headers={"Host": "a.test"}
    ) as response:
        raw = b"".join(response.iter_raw())
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"].startswith("text/html")
    assert len(raw) < 20_000
    inflated = zlib.decompressobj(31).decompress(raw)
    assert len(inflated) == BOMB_INFLATED_BYTES >= 10 * 1024 * 1024
    assert inflated.strip() == b""


def test_concurrent_requests(server: FixtureServer) -> None:
    def one(i: int) -> int:
        with httpx.Client(verify=server.client_ssl_context(), timeout=10) as c:
            return fetch(c, server, "a.test", f"/about?n={i}", https=i % 2 == 0).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert list(pool.map(one, range(32))) == [200] * 32


def test_request_log(client: httpx.Client, server: FixtureServer) -> None:
    fetch(client, server, "www.a.test:80", "/about?utm_source=x")
    fetch(client, server, "a.test", "/nope", method="HEAD", https=True)
    fetch(client, server, "zzz.test", "/")
    assert server.requests == [
        LoggedRequest("www.a.test", "/about?utm_source=x", "GET", 200),
        LoggedRequest("a.test", "/nope", "HEAD", 404),
        ("zzz.test", "/", "GET", 404),
    ]
    server.reset_log()
    assert server.requests == []


def test_connect_to_and_ca_file(server: FixtureServer) -> None:
    assert server.connect_to() == [
        f":80:127.0.0.1:{server.http_port}",
        f":443:127.0.0.1:{server.https_port}",
    ]
    assert server.http_port != server.https_port
    assert server.ca_pem.read_text().startswith("-----BEGIN CERTIFICATE-----")


def test_stop_is_quick_with_a_request_waiting(sites: dict[str, Path]) -> None:
    srv = FixtureServer(sites).start()
    ca_pem = srv.ca_pem
    errors: list[Exception] = []

    def stuck() -> None:
        try:
            with httpx.Client(timeout=60) as c:
                fetch(c, srv, "a.test", "/stuck")
        except httpx.HTTPError as exc:
            errors.append(exc)

    thread = threading.Thread(target=stuck)
    thread.start()
    time.sleep(0.2)
    start = time.monotonic()
    srv.stop()
    assert time.monotonic() - start < 2
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(errors) == 1
    assert not ca_pem.exists()
    with pytest.raises(RuntimeError, match="not running"):
        _ = srv.http_port
    assert srv.requests == []


def test_not_running_and_double_start(sites: dict[str, Path]) -> None:
    srv = FixtureServer(sites)
    with pytest.raises(RuntimeError, match="not running"):
        srv.connect_to()
    with srv, pytest.raises(RuntimeError, match="already started"):
        srv.start()


def test_missing_site_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        FixtureServer({"a.test": tmp_path / "missing"})


def test_invalid_server_script(tmp_path: Path) -> None:
    _write(tmp_path / "index.html", "<p>x</p>")
    _write(tmp_path / "_server.json", json.dumps({"redirect": {"/a": [301, "/b"]}}))
    with pytest.raises(ConfigError, match=r"_server\.json: invalid _server\.json: redirect"):
        FixtureServer({"a.test": tmp_path})
    _write(tmp_path / "_server.json", "{not json")
    with pytest.raises(ConfigError, match=r"_server\.json"):
        FixtureServer({"a.test": tmp_path})
