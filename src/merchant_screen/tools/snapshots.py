"""Content-addressed store of fetched pages, so a decision can be defended after the merchant
edits the site: ``<dir>/<sha256[:2]>/<sha256>.html`` written once, never overwritten."""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

__all__ = ["SnapshotStore"]


class SnapshotStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, sha256: str) -> Path:
        return self.directory / sha256[:2] / f"{sha256}.html"

    def put(self, body: bytes) -> tuple[str, Path]:
        """Store ``body``; returns its sha256 and path (existing copies are kept as they are).
        Raises ``OSError`` when it cannot be written; the caller decides what that means."""
        digest = hashlib.sha256(body).hexdigest()
        path = self.path_for(digest)
        if path.exists():
            return digest, path
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(body)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):  # no half-written copy left (e.g. disk full)
                tmp.unlink()
            raise
        return digest, path

    def get(self, sha256: str) -> bytes | None:
        path = self.path_for(sha256)
        return path.read_bytes() if path.exists() else None
