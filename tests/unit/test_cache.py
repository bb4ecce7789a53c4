import pickle
import sqlite3
from pathlib import Path

import diskcache
import pytest

from merchant_screen.tools.cache import JsonBlobCache, SafeDisk, cache_key


def test_roundtrip_and_key_stability(tmp_path: Path) -> None:
    cache = JsonBlobCache(tmp_path, size_limit=10_000_000, ttl=60)
    key = cache_key("fetch", "https://a.test/", 100)
    assert key == cache_key("fetch", "https://a.test/", 100)
    assert key != cache_key("fetch", "https://a.test/", 101)
    cache.set(key, {"status": 200, "url": "https://a.test/"}, b"<html>\n body</html>")
    meta, body = cache.get(key) or ({}, b"")
    assert meta == {"status": 200, "url": "https://a.test/"}
    assert body == b"<html>\n body</html>"
    assert cache.get(cache_key("other")) is None
    cache.close()


def test_refuses_to_store_objects(tmp_path: Path) -> None:
    cache = diskcache.Cache(str(tmp_path), disk=SafeDisk)
    with pytest.raises(TypeError):
        cache.set("k", {"a": 1})
    with pytest.raises(TypeError):
        cache.set(("tuple", "key"), b"x")
    cache.close()


def test_refuses_to_unpickle_a_planted_entry(tmp_path: Path) -> None:
    cache = diskcache.Cache(str(tmp_path), disk=SafeDisk)
    cache.set("k", b"ok")
    cache.close()
    # Someone with write access plants a pickled value (mode 4) under the key.
    db = sqlite3.connect(tmp_path / "cache.db")
    db.execute(
        "UPDATE Cache SET mode = 4, value = ? WHERE key = 'k'", (pickle.dumps({"evil": True}),)
    )
    db.commit()
    db.close()
    cache = diskcache.Cache(str(tmp_path), disk=SafeDisk)
    with pytest.raises(ValueError, match="unpickle"):
        cache.get("k")
    cache.close()


def test_ttl_zero_means_no_expiry(tmp_path: Path) -> None:
    cache = JsonBlobCache(tmp_path, size_limit=10_000_000, ttl=0)
    cache.set("k", {"a": 1})
    assert cache.get("k") == ({"a": 1}, b"")
    cache.close()
