import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

import merchant_screen
from merchant_screen.errors import ConfigError, InputError, InvalidURLError
from merchant_screen.settings import ENV_PREFIX, Settings

ROOT = Path(__file__).parents[2]


def test_public_api() -> None:
    assert sorted(merchant_screen.__all__) == sorted(
        [
            "Evidence",
            "Finding",
            "Screener",
            "Settings",
            "Verdict",
            "errors",
            "screen",
            "screen_async",
        ]
    )
    for name in merchant_screen.__all__:
        assert getattr(merchant_screen, name) is not None


def test_env_example_lists_every_setting() -> None:
    text = (ROOT / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"{ENV_PREFIX}{name.upper()}=" in text


def test_from_env_is_the_only_reader(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MERCHANT_SCREEN_MAX_PAGES", "7")
    monkeypatch.setenv("MERCHANT_SCREEN_CONNECT_TO", "a:1:b:2  :443:127.0.0.1:9")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    settings = Settings.from_env(max_pages=None)
    assert settings.max_pages == 7
    assert settings.connect_to == ("a:1:b:2", ":443:127.0.0.1:9")
    assert settings.api_key == "sk-test"
    assert settings.model is None  # a key alone never selects a remote model
    assert Settings.from_env(max_pages=3).max_pages == 3
    assert "sk-test" not in repr(settings)
    assert settings.fingerprint() == Settings.from_env().fingerprint()
    assert settings.fingerprint() != settings.replace(max_pages=8).fingerprint()


# --- wrong arguments are the caller's to fix: InputError / ConfigError, never a raw error -------

BAD_CALLS = [
    ({"url": None}, InputError, "the URL must be a string, got NoneType"),
    ({"url": b"https://shop.test/"}, InputError, "the URL must be a string, got bytes"),
    ({"url": 123}, InputError, "the URL must be a string, got int"),
    ({"url": Path("shop.test")}, InputError, "the URL must be a string, got PosixPath"),
    ({"declared": 123}, InputError, "declared must be a string, a mapping"),
    ({"declared": ["garden tools"]}, InputError, "got list"),
    ({"declared": {"nmae": "x"}}, InputError, "invalid declared business: nmae: Extra inputs"),
    ({"declared": {"name": 5}}, InputError, "invalid declared business: name: Input should be"),
    ({"settings": "x"}, ConfigError, "settings must be a merchant_screen.Settings, got str"),
    ({"settings": {"max_pages": 3}}, ConfigError, "got dict"),
    ({"trace_path": 5}, ConfigError, "trace_path must be a path, got int"),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), BAD_CALLS)
def test_screen_refuses_bad_arguments_with_a_screen_error(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    call = {"url": "https://shop.test/", **kwargs}
    url = call.pop("url")
    with pytest.raises(error, match=re.escape(message)) as caught:
        merchant_screen.screen(url, **call)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("kwargs", "error", "message"), BAD_CALLS)
async def test_screen_async_refuses_bad_arguments_with_a_screen_error(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    call = {"url": "https://shop.test/", **kwargs}
    url = call.pop("url")
    with pytest.raises(error, match=re.escape(message)):
        await merchant_screen.screen_async(url, **call)


async def test_screener_refuses_bad_settings_and_bad_urls(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="got str"):
        merchant_screen.Screener("x")  # type: ignore[arg-type]
    settings = Settings(data_dir=tmp_path, cache=False, llm_cache=False, model="fake")
    async with merchant_screen.Screener(settings) as screener:
        for url in (None, b"https://shop.test/", 7):
            with pytest.raises(InvalidURLError):
                await screener.screen(url)  # type: ignore[arg-type]
        with pytest.raises(InputError, match="declared must be"):
            await screener.screen("https://shop.test/", declared=3.5)  # type: ignore[arg-type]


async def test_screen_refuses_to_block_a_running_event_loop(tmp_path: Path) -> None:
    """Called from async code, the blocking form would freeze the caller's loop for the whole
    screen: it refuses at once, naming the async form, and the loop keeps running."""
    settings = Settings(data_dir=tmp_path, cache=False, llm_cache=False, model="fake")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0)
    with pytest.raises(
        RuntimeError, match=r"running event loop.*await merchant_screen\.screen_async"
    ):
        merchant_screen.screen("https://shop.test/", settings=settings)
    await asyncio.sleep(0)
    ticker.cancel()
    assert ticks >= 2


def test_readme_python_examples_run_as_pasted(tmp_path: Path) -> None:
    """Every Python block of the README is a valid module (no top-level ``await``) that
    names nothing it does not define or import."""
    import ast
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert len(blocks) >= 2
    for i, block in enumerate(blocks):
        ast.parse(block)  # SyntaxError on a top-level await
        path = tmp_path / f"example_{i}.py"
        path.write_text(block, encoding="utf-8")
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run(
        [str(ruff), "check", "--no-cache", "--isolated", "--select", "F821,F822,F823",
         str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
