"""What the operator must fix is exit 2 and one line naming it, never "internal error";
a finished verdict is never thrown away because a file could not be written."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from merchant_screen import api
from merchant_screen.errors import ConfigError
from merchant_screen.evaluation.fixture_server import FixtureServer
from merchant_screen.policy.loader import MAX_POLICY_BYTES
from merchant_screen.settings import Settings, UnknownSettingWarning
from merchant_screen.tools.snapshots import SnapshotStore
from merchant_screen.verdict import Verdict
from tests.cli.test_cli_crawl import run

SHOP = "https://ridgeline-outfitters.test/"  # cites pages, so snapshots are written


@pytest.fixture
def blocker(tmp_path: Path) -> Path:
    """A regular file: no directory can be made at or under it (even by root)."""
    path = tmp_path / "afile"
    path.write_text("in the way")
    return path


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "internal error" not in lines[0] and "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    ("variable", "under", "expected"),
    [
        (
            "MERCHANT_SCREEN_DATA_DIR",
            "sub",
            "error: cannot write to the data directory {path}: Not a directory",
        ),
        (
            "MERCHANT_SCREEN_SNAPSHOT_DIR",
            "sub",
            "error: cannot write to the snapshot directory {path}: Not a directory",
        ),
        (
            "MERCHANT_SCREEN_SNAPSHOT_DIR",
            "",
            "error: cannot write to the snapshot directory {path}: it is a file, not a directory",
        ),
    ],
)
def test_unwritable_directories_exit_2_before_any_crawl(
    routed: Path,
    blocker: Path,
    crawl_server: FixtureServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    under: str,
    expected: str,
) -> None:
    path = blocker / under if under else blocker
    monkeypatch.setenv(variable, str(path))
    crawl_server.reset_log()
    code, out, err = run(["check", SHOP, "--model", "fake", "--json"], capsys)
    assert code == 2
    assert out == ""
    assert one_line(err.splitlines()[-1]) == expected.format(path=path)
    assert crawl_server.requests == []  # refused before the merchant was contacted


def test_crawl_with_an_unwritable_cache_exits_2(
    routed: Path, blocker: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MERCHANT_SCREEN_DATA_DIR", str(blocker / "data"))
    code, out, err = run(["crawl", SHOP], capsys)
    assert (code, out) == (2, "")
    assert one_line(err) == f"error: cannot write to the data directory {blocker / 'data'}: " + (
        "Not a directory"
    )


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("afile/t.jsonl", "a file is in the way of a directory on that path"),
        (".", "Is a directory"),
    ],
)
def test_unwritable_trace_file_exits_2(
    routed: Path,
    blocker: Path,
    capsys: pytest.CaptureFixture[str],
    where: str,
    reason: str,
) -> None:
    trace = (routed / where).resolve()
    code, out, err = run(["check", SHOP, "--model", "fake", "--trace", str(trace)], capsys)
    assert (code, out) == (2, "")
    assert one_line(err.splitlines()[-1]) == f"error: cannot write the trace file {trace}: {reason}"


def test_a_failed_snapshot_write_keeps_the_verdict(
    routed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(self: SnapshotStore, body: bytes) -> tuple[str, Path]:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SnapshotStore, "put", disk_full)
    trace = routed / "trace.jsonl"
    code, out, err = run(
        ["check", SHOP, "--model", "fake", "--json", "--trace", str(trace)], capsys
    )
    assert code == 0, err
    verdict = json.loads(out)
    assert verdict["decision"] == "prohibited"  # the decision stands
    cited = sorted({e["url"] for f in verdict["findings"] for e in f["evidence"]})
    assert cited
    assert all(p["snapshot"] is None for p in verdict["crawl"]["pages"])
    snapshots = routed / "data" / "snapshots"
    expected = [
        f"snapshot of cited page {url} not saved in {snapshots}: No space left on device"
        for url in cited
    ]
    assert sorted(r for r in verdict["reasons"] if r.startswith("snapshot of")) == expected
    assert sorted(line for line in err.splitlines() if line.startswith("warning:")) == [
        f"warning: {message}" for message in expected
    ]
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    assert sorted(e["message"] for e in events if e["event"] == "warning") == expected


def test_readable_report_shows_the_missing_snapshot(
    routed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(self: SnapshotStore, body: bytes) -> tuple[str, Path]:
        raise PermissionError(errno.EACCES, "Permission denied", str(self.directory))

    monkeypatch.setattr(SnapshotStore, "put", denied)
    code, out, err = run(["check", SHOP, "--model", "fake"], capsys)
    assert code == 0, err
    assert "decision: PROHIBITED" in out
    why = " ".join(out.split("Why", 1)[1].split())
    assert "not saved in" in why and "Permission denied" in why
    assert "warning: snapshot of cited page" in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_trace_that_cannot_be_written_keeps_the_verdict(
    routed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        ["check", SHOP, "--model", "fake", "--json", "--trace", "/dev/full"], capsys
    )
    assert code == 0, err
    verdict = json.loads(out)
    note = "trace file /dev/full is incomplete: No space left on device"
    assert verdict["decision"] == "prohibited"
    assert note in verdict["reasons"]
    assert f"warning: {note}" in err.splitlines()


@pytest.mark.parametrize(
    ("env", "flags", "expected"),
    [
        (
            {"MERCHANT_SCREEN_USER_AGENT": "bot\r\nX-Injected: 1"},
            [],
            "error: invalid setting: MERCHANT_SCREEN_USER_AGENT: must not contain line breaks "
            "or control characters",
        ),
        (
            {},
            ["--model", "some-model", "--base-url", "file:///etc/passwd"],
            "error: invalid setting: base-url: must be an http:// or https:// URL, got "
            "'file:///etc/passwd'",
        ),
        (
            {"MERCHANT_SCREEN_MODEL": "some-model", "MERCHANT_SCREEN_BASE_URL": "file:///x/v1"},
            [],
            "error: invalid setting: MERCHANT_SCREEN_BASE_URL: must be an http:// or https:// "
            "URL, got 'file:///x/v1'",
        ),
        (
            {},
            ["--model", ""],  # not a silent fall-back to the 1.1 GB embedded model
            "error: invalid setting: model: is empty: name a model, or leave it unset for the "
            "embedded one",
        ),
        (
            {"MERCHANT_SCREEN_API_KEY": "sk-1\nX-Injected: 1"},
            ["--model", "some-model", "--base-url", "http://127.0.0.1:9/v1"],
            "error: invalid setting: MERCHANT_SCREEN_API_KEY: must not contain line breaks or "
            "control characters",
        ),
    ],
)
def test_unsendable_settings_are_config_errors_not_network_errors(
    routed: Path,
    crawl_server: FixtureServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    flags: list[str],
    expected: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    crawl_server.reset_log()
    code, out, err = run(["check", SHOP, "--json", *(flags or ["--model", "fake"])], capsys)
    assert (code, out) == (2, "")
    assert one_line(err) == expected
    assert crawl_server.requests == []  # nothing was tried, so nothing was retried


def test_an_oversized_policy_is_one_line(routed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = routed / "big.yaml"
    policy.write_bytes(b"# padding\n" * (MAX_POLICY_BYTES // 10 + 1))
    code, _, err = run(["check", SHOP, "--model", "fake", "--policy", str(policy)], capsys)
    assert code == 2
    assert one_line(err).startswith(f"error: policy {policy} is too large: 2.0 MB")


def test_a_file_error_with_a_path_is_exit_2_and_any_other_is_exit_1(
    routed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(settings: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", "/srv/screen")

    monkeypatch.setattr(api, "check_storage", read_only)
    code, _, err = run(["check", SHOP, "--model", "fake"], capsys)
    assert code == 2
    assert one_line(err) == "error: cannot use /srv/screen: Read-only file system"

    def not_a_file(settings: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(api, "check_storage", not_a_file)
    code, _, err = run(["check", SHOP, "--model", "fake"], capsys)
    assert code == 1
    assert err.strip() == "error: internal error: OSError: [Errno 5] Input/output error"


async def test_library_keeps_the_verdict_when_the_snapshot_dir_breaks_mid_run(
    settings: Settings, tmp_path: Path
) -> None:
    snapshots = tmp_path / "snapshots"
    async with api.Screener(settings.replace(model="fake", snapshot_dir=snapshots)) as screener:
        shutil.rmtree(snapshots, ignore_errors=True)  # checked (and made) on entry
        snapshots.write_text("the directory became a file after the screener started")
        verdict = await screener.screen(SHOP)
    assert verdict.decision == "prohibited"
    notes = [r for r in verdict.reasons if r.startswith("snapshot of cited page")]
    assert notes and all(r.endswith(f"not saved in {snapshots}: Not a directory") for r in notes)
    assert all(page.snapshot is None for page in verdict.crawl.pages)


def test_library_records_snapshots_of_cited_pages(settings: Settings) -> None:
    async def screen() -> Verdict:
        async with api.Screener(settings.replace(model="fake")) as screener:
            return await screener.screen(SHOP)

    verdict = asyncio.run(screen())
    kept = [page for page in verdict.crawl.pages if page.snapshot]
    cited = {e.url for f in verdict.findings for e in f.evidence}
    assert cited and {page.url for page in kept} == cited
    assert all(Path(page.snapshot or "").read_bytes() for page in kept)
    assert not any(r.startswith("snapshot of") for r in verdict.reasons)


# --- found by a sweep of odd inputs: none may end in a traceback or exit 1 ----------------------


def test_markup_in_the_url_is_printed_not_interpreted(
    routed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["check", SHOP + "[/]", "--model", "fake"], capsys)
    assert code == 0, err
    assert f"screening {SHOP}[/] with model fake" in err


def test_merchant_text_is_never_turned_into_emoji(
    routed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        ["check", SHOP, "--model", "fake", "--declared", ":gun: and :pill:"], capsys
    )
    assert code == 0, err
    assert "declared:  :gun: and :pill:" in out


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", [["check", SHOP, "--model", "fake"], ["crawl", SHOP]])
@pytest.mark.parametrize("json_out", [[], ["--json"]])
def test_output_to_a_full_disk_is_one_line(
    routed: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    json_out: list[str],
) -> None:
    # Closing fails too: what is still buffered cannot be written either.
    with contextlib.suppress(OSError), Path("/dev/full").open("w", encoding="utf-8") as full:
        monkeypatch.setattr(sys, "stdout", full)
        code, _, err = run([*command, *json_out], capsys)
    assert code == 2
    assert err.splitlines()[-1] == "error: cannot write the output: No space left on device"


@pytest.mark.parametrize("value", ["inf", "nan", "1e999"])
def test_non_finite_seconds_are_config_errors(
    routed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("MERCHANT_SCREEN_REQUEST_TIMEOUT", value)
    code, _, err = run(["crawl", SHOP], capsys)
    assert code == 2
    assert one_line(err) == (
        "error: invalid setting: MERCHANT_SCREEN_REQUEST_TIMEOUT: Input should be a finite number"
    )


@pytest.mark.parametrize("flag", ["--job-timeout", "--grace", "--poll-interval"])
def test_worker_refuses_non_finite_seconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    db = f"sqlite:///{tmp_path / 'queue.sqlite'}"
    code, _, err = run(["worker", "--drain", "--model", "fake", "--db", db, flag, "nan"], capsys)
    assert code == 2
    assert one_line(err) == f"error: {flag} must be a finite number of seconds, not nan"


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "from merchant_screen.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_a_mistyped_setting_variable_is_a_one_line_warning(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERCHANT_SCREEN_")}
    env |= {"MERCHANT_SCREEN_MODLE": "fake", "MERCHANT_SCREEN_DATA_DIR": str(tmp_path)}
    done = _cli(["crawl", "http://127.0.0.1:9/"], env)
    lines = done.stderr.splitlines()
    assert lines[0] == (
        "warning: MERCHANT_SCREEN_MODLE is not a merchant-screen setting and is ignored; "
        "did you mean MERCHANT_SCREEN_MODEL?"
    )
    assert lines[1:] == ["blocked: 127.0.0.1 is a loopback address"]


def test_version_prints_one_line() -> None:
    from importlib.metadata import version

    done = _cli(["--version"], dict(os.environ))
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"merchant-screen {version('merchant-screen')}\n",
        "",
    )


def test_unknown_variables_warn_from_the_library_too() -> None:
    env = {
        "MERCHANT_SCREEN_MAX_PAGE": "3",
        "MERCHANT_SCREEN_ZZZ": "1",
        "MERCHANT_SCREEN_TEST_PG_URL": "postgresql://x",  # the test suite's own
        "MERCHANT_SCREEN_MODEL": "fake",
    }
    with pytest.warns(UnknownSettingWarning) as caught:
        settings = Settings.from_env(env)
    messages = sorted(str(w.message) for w in caught)
    assert messages == [
        "MERCHANT_SCREEN_MAX_PAGE is not a merchant-screen setting and is ignored; "
        "did you mean MERCHANT_SCREEN_MAX_PAGES?",
        "MERCHANT_SCREEN_ZZZ is not a merchant-screen setting and is ignored",
    ]
    assert settings.model == "fake" and settings.max_pages == Settings().max_pages


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"max_pages": 0}, "invalid setting: max-pages: Input should be greater than or equal"),
        ({"model": 5}, "invalid setting: model"),
    ],
)
def test_bad_settings_are_config_errors(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        Settings(**fields)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)
