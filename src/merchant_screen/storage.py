"""Where merchant-screen writes on disk, checked before any work starts.

A directory or file that cannot be written (a path under a regular file, no permission, a
read-only file system) is the operator's to fix, so it is a ``ConfigError`` naming the path,
raised before a merchant is crawled rather than an ``OSError`` after the work is done.
"""

from __future__ import annotations

import contextlib
import errno
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from merchant_screen.errors import ConfigError
from merchant_screen.settings import Settings

__all__ = ["check_storage", "os_reason", "writable_dir", "writing_stdout"]


def os_reason(exc: OSError) -> str:
    """The short reason of an ``OSError`` (``Permission denied``), without the path."""
    if isinstance(exc, FileExistsError):  # from mkdir: a file where a directory must go
        return "a file is in the way of a directory on that path"
    return " ".join(str(exc.strerror or exc).split())


def writable_dir(path: Path, what: str) -> Path:
    """Create ``path`` if needed and prove a file can be written in it."""
    if path.exists() and not path.is_dir():
        raise ConfigError(f"cannot write to the {what} {path}: it is a file, not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise ConfigError(f"cannot write to the {what} {path}: {os_reason(exc)}") from None
    return path


def check_storage(settings: Settings, *, snapshots: bool = True) -> None:
    """The directories a run writes to: the caches (when on) and, with ``snapshots``, the
    snapshot directory."""
    caches = settings.cache or settings.llm_cache
    if caches or (snapshots and settings.snapshot_dir is None):
        writable_dir(settings.data_dir, "data directory")
    if caches:
        writable_dir(settings.cache_path, "cache directory")
    if snapshots:
        writable_dir(settings.snapshot_path, "snapshot directory")


@contextlib.contextmanager
def writing_stdout() -> Iterator[None]:
    """Around printing a result: standard output that cannot take it (a full disk, a
    read-only file) is a ``ConfigError``, not a traceback. A closed pipe is left to the
    command line, which ends quietly as other Unix tools do."""
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise
        raise ConfigError(f"cannot write the output: {os_reason(exc)}") from None
