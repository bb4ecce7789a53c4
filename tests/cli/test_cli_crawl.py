"""`merchant-screen crawl`: guard refusals, JSON shape, exit codes, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from merchant_screen.cli import main
from merchant_screen.evaluation.fixture_server import FixtureServer


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    else:
        code = 0
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:{port}/", "127.0.0.1 is a loopback address"),
        ("http://127.1.2.3:{port}/", "127.1.2.3 is a loopback address"),
        ("http://localhost:{port}/", "localhost is a loopback name"),
        ("http://[::1]:{port}/", "::1 is a loopback address"),
        ("http://0.0.0.0:{port}/", "0.0.0.0 is an unspecified address"),
        ("http://10.1.2.3/", "10.1.2.3 is a private address"),
        ("http://2130706433/", "127.0.0.1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("file:///etc/passwd", "unsupported scheme 'file'"),
        ("ftp://x.test/", "unsupported scheme 'ftp'"),
        ("https://user:pw@shop.test/", "credentials"),
    ],
)
def test_blocked_urls_exit_3_with_one_line(
    url: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["crawl", url.format(port=8080), "--no-cache"], capsys)
    assert code == 3
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("blocked: ")
    assert reason in lines[0]


def test_malformed_url_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["crawl", "http://exa mple.com/", "--no-cache"], capsys)
    assert code == 2
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


def test_bad_connect_to_is_a_config_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["crawl", "https://shop.test/", "--connect-to", "nonsense"], capsys)
    assert code == 2
    assert "--connect-to" in err and len(err.strip().splitlines()) == 1


def test_bad_env_setting_names_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MERCHANT_SCREEN_MAX_PAGES", "lots")
    code, _, err = run(["crawl", "https://shop.test/"], capsys)
    assert code == 2
    assert "MERCHANT_SCREEN_MAX_PAGES" in err


def test_crawl_json_through_connect_to_and_ca_bundle(
    crawl_server: FixtureServer,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MERCHANT_SCREEN_HOST_DELAY", "0")
    monkeypatch.setenv("MERCHANT_SCREEN_DATA_DIR", str(tmp_path))
    args = [
        "crawl",
        "https://harborlanewine.test/",
        "--json",
        "--max-pages",
        "8",
        "--ca-bundle",
        str(crawl_server.ca_pem),
    ]
    for route in crawl_server.connect_to():
        args += ["--connect-to", route]
    code, out, err = run(args, capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["url"] == "https://harborlanewine.test/"
    assert 1 <= len(data["pages"]) <= 8
    first = data["pages"][0]
    assert {"url", "status", "state", "bytes", "title"} <= set(first)
    assert first["status"] == 200 and isinstance(first["status"], int)
    assert data["coverage"]["assessable"] is True


def test_env_vars_alone_configure_routing(
    crawl_server: FixtureServer,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MERCHANT_SCREEN_CONNECT_TO", " ".join(crawl_server.connect_to()))
    monkeypatch.setenv("MERCHANT_SCREEN_CA_BUNDLE", str(crawl_server.ca_pem))
    monkeypatch.setenv("MERCHANT_SCREEN_HOST_DELAY", "0")
    monkeypatch.setenv("MERCHANT_SCREEN_DATA_DIR", str(tmp_path))
    code, out, _ = run(["crawl", "https://hone-and-edge.test/", "--max-pages", "3"], capsys)
    assert code == 0
    assert "hone-and-edge.test" in out
    assert "assessable: yes" in out


def test_console_script_prints_no_traceback(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("merchant-screen")
    proc = subprocess.run(
        [str(exe), "crawl", "http://[::1]:9/"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=False,
    )
    assert proc.returncode == 3
    assert proc.stderr.strip() == "blocked: ::1 is a loopback address"
    assert "Traceback" not in proc.stderr
