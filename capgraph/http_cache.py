"""The HTTP validator cache sources use for conditional requests, kept in the warehouse.

Sources send If-None-Match / If-Modified-Since from it and, on a 304, reuse the stored body, so an
unchanged page yields the same document hash: no new document row and no re-extraction.
"""

from __future__ import annotations

from sources.http import CachedResponse
from warehouse import CachedHttpRow, Warehouse


class WarehouseHttpCache:
    """``sources.http.HttpCache`` over the warehouse's ``http_cache`` table."""

    def __init__(self, warehouse: Warehouse) -> None:
        self._warehouse = warehouse

    def get(self, url: str) -> CachedResponse | None:
        if not self._warehouse.path.exists():
            return None
        with self._warehouse.writer() as session:
            row = session.cached_http(url)
        if row is None:
            return None
        return CachedResponse(
            text=row.text, content_type=row.content_type, etag=row.etag, last_modified=row.last_modified
        )

    def put(self, url: str, response: CachedResponse) -> None:
        if response.etag is None and response.last_modified is None:
            return  # nothing to revalidate with: storing the body would only cost space
        with self._warehouse.writer() as session:
            session.store_http(
                CachedHttpRow(
                    url=url,
                    etag=response.etag,
                    last_modified=response.last_modified,
                    content_type=response.content_type,
                    text=response.text,
                )
            )
