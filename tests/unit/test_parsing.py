"""PageExtractor (tools/parsing.py): pages are extracted in extractor processes, out of the
caller's GIL; a page over the time cap, or one whose process dies, is an error page and its
process is gone; with no process to be had, pages are extracted in threads."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from merchant_screen.tools.extract import extract_page
from merchant_screen.tools.parsing import PageExtractor

URL = "https://shop.test/catalogue"
STYLE = {"https://shop.test/site.css": ".gone { display: none }"}
BODY = (
    b"<!DOCTYPE html><html lang='en'><head><title>Garden tools</title>"
    b"<link rel=stylesheet href='/site.css'>"
    b'<script type="application/ld+json">{"@type": "Product", "name": "Rake"}</script>'
    b"</head><body><nav><a href='/about'>About us</a></nav>"
    b"<main><h1>Rakes</h1><p>Oak-handled rake, $24.00. Add to cart</p>"
    b"<p class=gone>Replica pistols, no questions asked</p></main></body></html>"
)


def _script(tmp_path: Path, code: str) -> list[str]:
    """A command for a stand-in extractor process that writes its pid, then runs ``code``."""
    pid_file = tmp_path / "pid"
    script = tmp_path / "child.py"
    script.write_text(
        f"import os, sys, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        + textwrap.dedent(code)
    )
    return [sys.executable, str(script)]


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended and been reaped (waits up to 10 s for the pool
    thread that owns it to reap it)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


async def test_a_page_extracted_in_a_process_equals_the_page_extracted_here() -> None:
    extractor = PageExtractor()
    try:
        page = await extractor.extract(BODY, URL, "text/html", stylesheets=STYLE)
        again = await extractor.extract(BODY, URL, "text/html")
        children = [child.process.pid for child in extractor._children]
    finally:
        extractor.close()
    assert page == extract_page(BODY, URL, content_type="text/html", stylesheets=STYLE)
    assert [h.text for h in page.hidden] == ["Replica pistols, no questions asked"]
    assert again == extract_page(BODY, URL, content_type="text/html")
    assert children and os.getpid() not in children  # the work ran elsewhere


async def test_a_page_over_the_time_cap_has_its_process_killed(tmp_path: Path) -> None:
    command = _script(tmp_path, "sys.stdin.buffer.read(8)\ntime.sleep(120)\n")
    extractor = PageExtractor(timeout=0.5, command=command)
    try:
        page = await extractor.extract(BODY, URL, "text/html")
        pid = int((tmp_path / "pid").read_text())
        assert _gone(pid)  # the abandoned work ended, it did not run on for minutes
    finally:
        extractor.close()
    assert page.state == "error"
    assert page.state_reason == "extracting the page took longer than 0.5 s"


async def test_a_process_that_dies_on_a_page_makes_an_error_page_and_is_replaced(
    tmp_path: Path,
) -> None:
    command = _script(tmp_path, "sys.stdin.buffer.read(8)\nos._exit(3)\n")
    extractor = PageExtractor(command=command)
    try:
        first = await extractor.extract(BODY, URL, "text/html")
        first_pid = int((tmp_path / "pid").read_text())
        second = await extractor.extract(BODY, URL, "text/html")
        second_pid = int((tmp_path / "pid").read_text())
    finally:
        extractor.close()
    assert first.state == second.state == "error"
    assert first.state_reason == "the extractor process stopped on this page (exit code 3)"
    assert second_pid != first_pid


async def test_an_error_raised_while_extracting_is_raised_to_the_caller(
    tmp_path: Path,
) -> None:
    command = _script(
        tmp_path,
        """
        from merchant_screen.tools.extract_server import read_frame, write_frame
        read_frame(sys.stdin.buffer)
        write_frame(sys.stdout.buffer, ("raise", ValueError("bad page")))
        """,
    )
    extractor = PageExtractor(command=command)
    try:
        with pytest.raises(ValueError, match="bad page"):
            await extractor.extract(BODY, URL, "text/html")
    finally:
        extractor.close()


async def test_with_no_process_to_be_had_pages_are_extracted_in_threads(
    caplog: pytest.LogCaptureFixture,
) -> None:
    extractor = PageExtractor(command=["/nonexistent/python3"])
    try:
        page = await extractor.extract(BODY, URL, "text/html")
        again = await extractor.extract(BODY, URL, "text/html")
    finally:
        extractor.close()
    assert page == again == extract_page(BODY, URL, content_type="text/html")
    warnings = [r for r in caplog.records if "no extractor process" in r.getMessage()]
    assert len(warnings) == 1  # said once, not per page


async def test_close_ends_every_extractor_process() -> None:
    extractor = PageExtractor()
    await extractor.extract(BODY, URL, "text/html")
    pids = [child.process.pid for child in extractor._children]
    extractor.close()
    assert pids and all(_gone(pid) for pid in pids)
