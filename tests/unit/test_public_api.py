from pathlib import Path

import merchant_screen
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
