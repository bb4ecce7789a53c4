"""Frozen run settings.

Defaults live in code. ``Settings.from_env()`` is the only place in the package that reads
``MERCHANT_SCREEN_*`` environment variables; the CLI starts from it and overrides the fields
whose flags were given. Every field ``foo_bar`` has the variable ``MERCHANT_SCREEN_FOO_BAR``;
tuple fields take a space-separated list. A ``MERCHANT_SCREEN_*`` variable that names no
setting is not silently dropped: ``from_env`` warns (``UnknownSettingWarning``) and names the
closest valid variable. ``Settings(...)`` with a bad value raises ``ConfigError``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import warnings
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from merchant_screen.errors import ConfigError

__all__ = [
    "ENV_PREFIX",
    "Settings",
    "UnknownSettingWarning",
    "default_data_dir",
    "unknown_variables",
]

ENV_PREFIX = "MERCHANT_SCREEN_"
DEFAULT_USER_AGENT = (
    "merchant-screen/0.1 (merchant risk screening; respects robots.txt; "
    "+https://github.com/merchant-screen/merchant-screen)"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# The fields ``from_env`` read from the environment, so an error names their variable.
_FROM_ENV: ContextVar[frozenset[str]] = ContextVar("settings_from_env", default=frozenset())
# Variables under the prefix that are not settings: the test suite's own.
_NOT_SETTINGS = (ENV_PREFIX + "TEST_",)
# Fields that never enter the settings fingerprint (secrets, local paths, output switches).
_NOT_FINGERPRINTED = frozenset(
    {"api_key", "cache_dir", "data_dir", "snapshot_dir", "verbose", "db", "worker_concurrency"}
)


def default_data_dir() -> Path:
    """Where caches and snapshots go unless configured: ``$XDG_CACHE_HOME/merchant-screen``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "merchant-screen"


class Settings(BaseModel):
    """Everything that changes how a merchant is screened. Immutable; use ``replace``."""

    # allow_inf_nan=False: "inf" or "nan" in a timeout, delay or TTL is a typo, not a setting.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    # --- fetching -----------------------------------------------------------------------
    user_agent: str = Field(DEFAULT_USER_AGENT, min_length=1)
    connect_to: tuple[str, ...] = Field(
        (), description="curl-style HOST1:PORT1:HOST2:PORT2 routes (exempt from the SSRF rule)"
    )
    ca_bundle: Path | None = Field(None, description="PEM file of extra trusted CA certificates")
    max_pages: int = Field(30, ge=1, le=500, description="HTML pages fetched per merchant")
    max_page_bytes: int = Field(3_000_000, ge=1024, description="decoded bytes kept per page")
    max_total_bytes: int = Field(30_000_000, ge=1024, description="decoded bytes per merchant")
    request_timeout: float = Field(15.0, gt=0, description="seconds per request")
    crawl_timeout: float = Field(90.0, gt=0, description="seconds for the whole crawl")
    max_redirects: int = Field(5, ge=0, le=20)
    host_delay: float = Field(0.25, ge=0, description="minimum seconds between requests to a host")
    max_crawl_delay: float = Field(5.0, ge=0, description="cap on a robots.txt Crawl-delay")
    host_concurrency: int = Field(2, ge=1, le=16)
    respect_robots: bool = True
    fetch_retries: int = Field(3, ge=1, le=10, description="attempts per request")
    retry_max_wait: float = Field(10.0, ge=0, description="cap on one retry wait (Retry-After)")
    # --- caching and storage ------------------------------------------------------------
    cache: bool = True
    cache_ttl: float = Field(86_400.0, ge=0, description="seconds a fetched page stays cached")
    cache_size_limit: int = Field(1_000_000_000, ge=1_000_000)
    data_dir: Path = Field(default_factory=default_data_dir)
    # --- model --------------------------------------------------------------------------
    model: str | None = Field(None, description="'local', 'fake' or a model name at base_url")
    base_url: str | None = None
    api_key: str | None = Field(None, repr=False)
    llm_timeout: float = Field(120.0, gt=0)
    llm_max_retries: int = Field(3, ge=0, le=10)
    tool_protocol: str = Field("auto", pattern="^(auto|native|json)$")
    assess_mode: str = Field(
        "auto",
        pattern="^(auto|agent|evidence)$",
        description="agent: the model explores with tools; evidence: narrow questions over "
        "lexicon passages; auto: evidence for local and fake models, agent otherwise",
    )
    max_tool_calls: int = Field(10, ge=0, le=100)
    max_llm_calls: int = Field(24, ge=1, le=500)
    max_tokens: int = Field(60_000, ge=1000, description="input+output tokens per merchant")
    llm_cache: bool = True
    max_questions: int = Field(
        4, ge=0, le=60, description="passages the model is asked about per merchant (evidence mode)"
    )
    question_style: str = Field(
        "choice",
        pattern="^(choice|yesno)$",
        description="choice: sells it / an exclusion applies / only in passing or unrelated; "
        "yesno: one yes/no question with the exclusions listed",
    )
    policy: Path | None = None
    scorer: Path | None = Field(None, description="scorer artifact (JSON) instead of the bundled")
    calibration: Path | None = None
    prices: Path | None = Field(None, description="JSON price table per model")
    local_model: Path | None = None
    local_threads: int = Field(2, ge=1, le=64)
    local_ctx: int = Field(4096, ge=512)
    snapshot_dir: Path | None = Field(None, description="where cited pages are kept")
    db: str | None = Field(None, repr=False, description="queue database URL (sqlite/postgresql)")
    worker_concurrency: int = Field(4, ge=1, le=256, description="jobs a batch worker runs at once")
    # --- output -------------------------------------------------------------------------
    verbose: bool = False

    @field_validator("user_agent", "api_key", "model")
    @classmethod
    def _no_control_chars(cls, value: str | None) -> str | None:
        """Sent in HTTP headers or request bodies: a CR/LF would split a header."""
        if value is not None and _CONTROL.search(value):
            raise ValueError("must not contain line breaks or control characters")
        return value

    @field_validator("model")
    @classmethod
    def _named_model(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("is empty: name a model, or leave it unset for the embedded one")
        return value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if _CONTROL.search(value) or any(c.isspace() for c in value):
            raise ValueError("must not contain spaces, line breaks or control characters")
        scheme, sep, rest = value.partition("://")
        if not sep or scheme.lower() not in ("http", "https") or not rest.split("/", 1)[0]:
            raise ValueError(f"must be an http:// or https:// URL, got {value[:80]!r}")
        return value

    def __init__(self, **data: Any) -> None:
        """Validated settings; a bad value is a one-line ``ConfigError``."""
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise ConfigError(_one_line(exc, from_env=set(_FROM_ENV.get()))) from None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``MERCHANT_SCREEN_*`` variables, then apply ``overrides``.

        ``overrides`` whose value is ``None`` are ignored, so CLI flags left unset fall through
        to the environment and then to the defaults. ``OPENAI_API_KEY`` is read as a fallback
        for ``api_key`` only; it never selects a model.
        """
        source = os.environ if env is None else env
        for message in unknown_variables(source):
            warnings.warn(message, UnknownSettingWarning, stacklevel=2)
        values: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            raw = source.get(ENV_PREFIX + name.upper())
            if raw is None or raw == "":
                continue
            values[name] = _parse_env(raw, field.annotation)
        if "api_key" not in values and source.get("OPENAI_API_KEY"):
            values["api_key"] = source["OPENAI_API_KEY"]
        given = {k: v for k, v in overrides.items() if v is not None}
        from_env = set(values) - set(given)
        values.update(given)
        token = _FROM_ENV.set(frozenset(from_env))
        try:
            return cls(**values)
        finally:
            _FROM_ENV.reset(token)

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied and validated."""
        return type(self)(**{**self.model_dump(), **changes})

    @property
    def cache_path(self) -> Path:
        return self.data_dir / "cache"

    @property
    def snapshot_path(self) -> Path:
        return self.snapshot_dir or self.data_dir / "snapshots"

    def fingerprint(self) -> str:
        """Short hash of every setting that can change a verdict (no secrets, no paths)."""
        data = self.model_dump(mode="json", exclude=set(_NOT_FINGERPRINTED))
        blob = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


class UnknownSettingWarning(UserWarning):
    """A ``MERCHANT_SCREEN_*`` environment variable that names no setting (a typo?)."""


def unknown_variables(env: Mapping[str, str]) -> list[str]:
    """One message per ``MERCHANT_SCREEN_*`` variable in ``env`` that names no setting, with
    the closest valid variable when one is close."""
    valid = sorted(ENV_PREFIX + name.upper() for name in Settings.model_fields)
    messages = []
    for key in sorted(env):
        if not key.startswith(ENV_PREFIX) or key in valid or key.startswith(_NOT_SETTINGS):
            continue
        names = [v.removeprefix(ENV_PREFIX) for v in valid]
        close = difflib.get_close_matches(key.removeprefix(ENV_PREFIX), names, n=1, cutoff=0.7)
        hint = f"; did you mean {ENV_PREFIX}{close[0]}?" if close else ""
        messages.append(f"{key} is not a merchant-screen setting and is ignored{hint}")
    return messages


def _parse_env(raw: str, annotation: Any) -> Any:
    if get_origin(annotation) is tuple or tuple in get_args(annotation):
        return tuple(raw.split())
    if annotation is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
    return raw


def _one_line(exc: ValidationError, *, from_env: set[str]) -> str:
    problems = []
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else "settings"
        where = f"{ENV_PREFIX}{name.upper()}" if name in from_env else name.replace("_", "-")
        problems.append(f"{where}: {str(err['msg']).removeprefix('Value error, ')}")
    return "invalid setting: " + "; ".join(problems)
