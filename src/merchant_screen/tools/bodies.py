"""Reading response bodies within a byte budget, decompressing gzip/deflate boundedly.

httpx's own decoders inflate a whole chunk at once, so a 10 KB gzip bomb becomes 100 MB in
memory before any cap applies. We read the raw stream and inflate with ``max_length``.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from merchant_screen.errors import FetchError

__all__ = ["Body", "BoundedDecoder", "read_body"]

_CHUNK = 65_536


class BoundedDecoder:
    """Inflates one Content-Encoding (identity, gzip, deflate) without exceeding ``limit``."""

    def __init__(self, encoding: str, limit: int) -> None:
        encoding = encoding.strip().lower()
        self._limit = limit
        self.produced = 0
        self.truncated = False
        self._deflate_probe = encoding == "deflate"
        if encoding in ("", "identity"):
            self._obj: zlib._Decompress | None = None
        elif encoding in ("gzip", "x-gzip"):
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._obj = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise FetchError(f"unsupported Content-Encoding '{encoding}'")

    def feed(self, data: bytes) -> bytes:
        """Decoded bytes for ``data``; stops (``truncated``) once ``limit`` is reached."""
        if self.truncated or not data:
            return b""
        if self._obj is None:
            out = data[: self._limit - self.produced]
            self.truncated = len(out) < len(data)
        else:
            out = self._inflate(data)
        self.produced += len(out)
        return out

    def _inflate(self, data: bytes) -> bytes:
        assert self._obj is not None
        room = self._limit - self.produced
        try:
            out = self._obj.decompress(data, room + 1)
        except zlib.error:
            if self._deflate_probe and self.produced == 0:
                # Some servers send raw deflate without the zlib header.
                self._deflate_probe = False
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                return self._inflate(data)
            raise FetchError("corrupt compressed body") from None
        self._deflate_probe = False
        if len(out) > room or self._obj.unconsumed_tail:
            self.truncated = True
            return out[:room]
        return out


@dataclass(frozen=True)
class Body:
    data: bytes
    truncated: bool
    wire_bytes: int


async def read_body(chunks: AsyncIterator[bytes], encoding: str, limit: int) -> Body:
    """Collect at most ``limit`` decoded bytes from a raw byte stream; stop reading early."""
    decoder = BoundedDecoder(encoding, limit)
    parts: list[bytes] = []
    wire = 0
    async for chunk in chunks:
        wire += len(chunk)
        for start in range(0, len(chunk), _CHUNK):
            parts.append(decoder.feed(chunk[start : start + _CHUNK]))
            if decoder.truncated:
                break
        if decoder.truncated:
            break
    return Body(b"".join(parts), decoder.truncated, wire)
