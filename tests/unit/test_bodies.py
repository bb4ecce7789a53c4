import gzip
import zlib
from collections.abc import AsyncIterator

import pytest

from merchant_screen.errors import FetchError
from merchant_screen.tools.bodies import BoundedDecoder, read_body


async def _chunks(data: bytes, size: int = 4096) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def _bomb() -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * 1_000_000
    return b"".join(comp.compress(block) for _ in range(100)) + comp.flush()


async def test_gzip_bomb_stops_at_cap() -> None:
    bomb = _bomb()
    assert len(bomb) < 200_000  # 100 MB of zeros compresses to ~100 KB
    body = await read_body(_chunks(bomb), "gzip", 2_000_000)
    assert body.truncated
    assert len(body.data) == 2_000_000
    assert body.wire_bytes < len(bomb)  # stopped reading the stream early


async def test_small_gzip_bomb_single_chunk_never_inflates_past_cap() -> None:
    bomb = _bomb()
    decoder = BoundedDecoder("gzip", 1000)
    out = decoder.feed(bomb)
    assert len(out) == 1000
    assert decoder.truncated


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip"])
async def test_gzip_roundtrip(encoding: str) -> None:
    data = b"<html>" + b"hello world " * 5000 + b"</html>"
    body = await read_body(_chunks(gzip.compress(data)), encoding, 10_000_000)
    assert body.data == data
    assert not body.truncated


async def test_deflate_with_and_without_zlib_header() -> None:
    data = b"policy text " * 1000
    assert (await read_body(_chunks(zlib.compress(data)), "deflate", 10**6)).data == data
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw_deflate = raw.compress(data) + raw.flush()
    assert (await read_body(_chunks(raw_deflate), "deflate", 10**6)).data == data


async def test_identity_capped() -> None:
    body = await read_body(_chunks(b"x" * 10_000), "", 2500)
    assert body.data == b"x" * 2500
    assert body.truncated


async def test_identity_exact_size_not_truncated() -> None:
    body = await read_body(_chunks(b"x" * 2500), "identity", 2500)
    assert len(body.data) == 2500
    assert not body.truncated


def test_unsupported_encoding_refused() -> None:
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
        BoundedDecoder("br", 100)


async def test_corrupt_gzip_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match="corrupt"):
        await read_body(_chunks(b"\x1f\x8b\x08\x00garbage-garbage"), "gzip", 1000)
