"""A diskcache store that holds bytes and JSON only, never pickles.

diskcache pickles any value that is not str/bytes/int/float (and unpickles on read), so a
cache directory someone else can write to would be code execution (CVE-2025-69872). The
``SafeDisk`` below refuses to store or load pickled entries, keys included. Values are
``JSON header + newline + body bytes``, keyed by a sha256 over everything that changes them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import diskcache

__all__ = ["JsonBlobCache", "SafeDisk", "cache_key"]

_MODE_PICKLE = 4  # diskcache.core.MODE_PICKLE


class SafeDisk(diskcache.Disk):  # type: ignore[misc]
    """A diskcache Disk that accepts only str/bytes/int/float keys and values."""

    def put(self, key: Any) -> Any:
        if type(key) not in (str, bytes, int, float):
            raise TypeError(f"cache keys must be str/bytes/int/float, not {type(key).__name__}")
        return super().put(key)

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise ValueError("refusing to unpickle a cache key")
        return super().get(key, raw)

    def store(self, value: Any, read: bool, key: Any = diskcache.UNKNOWN) -> Any:
        if not read and type(value) not in (str, bytes, int, float):
            raise TypeError(f"cache values must be str/bytes/int/float, not {type(value).__name__}")
        return super().store(value, read, key)

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if mode == _MODE_PICKLE:
            raise ValueError("refusing to unpickle a cache value")
        return super().fetch(mode, filename, value, read)


def cache_key(*parts: object) -> str:
    """Stable sha256 over JSON-encoded parts (order matters)."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


class JsonBlobCache:
    """``(meta: dict, body: bytes)`` entries with a TTL, safe across processes (SQLite)."""

    def __init__(self, directory: Path, *, size_limit: int, ttl: float | None) -> None:
        self._cache = diskcache.Cache(
            str(directory),
            disk=SafeDisk,
            size_limit=size_limit,
            eviction_policy="least-recently-stored",
        )
        self._ttl = ttl if ttl else None

    def get(self, key: str) -> tuple[dict[str, Any], bytes] | None:
        raw = self._cache.get(key, default=None, retry=True)
        if not isinstance(raw, bytes):
            return None
        header, _, body = raw.partition(b"\n")
        try:
            meta = json.loads(header)
        except ValueError:
            return None
        return (meta, body) if isinstance(meta, dict) else None

    def set(self, key: str, meta: dict[str, Any], body: bytes = b"") -> None:
        header = json.dumps(meta, separators=(",", ":"), default=str).encode()
        if b"\n" in header:  # json.dumps never emits raw newlines; keep the framing honest
            raise ValueError("cache header must be one line")
        self._cache.set(key, header + b"\n" + body, expire=self._ttl, retry=True)

    def close(self) -> None:
        self._cache.close()
