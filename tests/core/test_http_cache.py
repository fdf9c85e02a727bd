"""The warehouse-backed HTTP cache: bodies kept with their validators, replaced per URL."""

from __future__ import annotations

from pathlib import Path

from capgraph.http_cache import WarehouseHttpCache
from sources.http import CachedResponse
from warehouse import Warehouse


def test_bodies_round_trip_and_the_latest_wins(tmp_path: Path) -> None:
    cache = WarehouseHttpCache(Warehouse(tmp_path / "w.duckdb"))
    url = "https://example.invalid/readme"
    assert cache.get(url) is None  # no warehouse file yet: nothing cached, nothing created

    cache.put(url, CachedResponse(text="first", content_type="text/markdown", etag='"a"'))
    cache.put(
        url, CachedResponse(text="second", content_type="text/markdown", last_modified="Mon, 02 Nov 2026")
    )
    cached = cache.get(url)
    assert cached == CachedResponse(
        text="second", content_type="text/markdown", etag=None, last_modified="Mon, 02 Nov 2026"
    )


def test_a_response_without_validators_is_not_kept(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "w.duckdb")
    cache = WarehouseHttpCache(warehouse)
    cache.put("https://example.invalid/a", CachedResponse(text="x", content_type="text/plain", etag='"1"'))
    cache.put("https://example.invalid/b", CachedResponse(text="y", content_type="text/plain"))
    assert cache.get("https://example.invalid/b") is None
    with warehouse.reader() as session:
        assert session.query("SELECT url FROM http_cache")[1] == [("https://example.invalid/a",)]
