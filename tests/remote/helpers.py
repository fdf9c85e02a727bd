"""Test settings and clients: loopback allowed (nothing else private), tiny timeouts and backoff."""

from __future__ import annotations

import threading
from typing import Any

from capgraph.settings import Settings
from capgraph.stage_options import http_options
from sources.http import CachedResponse, HttpCache, HttpClient, Resolver, system_resolver

LOOPBACK_ONLY = ["127.0.0.1/32"]


def make_settings(base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "hf_base_url": base_url,
        "github_api_url": base_url,
        "pypi_base_url": base_url,
        "openrouter_base_url": f"{base_url}/api/v1",
        "http_allowed_networks": LOOPBACK_ONLY,
        "http_connect_timeout_seconds": 1.0,
        "http_read_timeout_seconds": 1.0,
        "http_max_attempts": 3,
        "http_backoff_base_seconds": 0.001,
        "http_backoff_max_seconds": 0.01,
        **overrides,
    }
    return Settings(_env_file=None, **values)


def make_client(
    base_url: str = "http://127.0.0.1",
    *,
    cache: HttpCache | None = None,
    resolver: Resolver = system_resolver,
    sleeps: list[float] | None = None,
    **overrides: Any,
) -> HttpClient:
    """A client from test settings; ``sleeps``, when given, records retry waits instead of sleeping."""
    options = http_options(make_settings(base_url, **overrides))
    if sleeps is None:
        return HttpClient(options, cache=cache, resolver=resolver)
    return HttpClient(options, cache=cache, resolver=resolver, sleep=sleeps.append)


class MemoryHttpCache:
    """An ``HttpCache`` in a dict, safe to share between threads."""

    def __init__(self) -> None:
        self._entries: dict[str, CachedResponse] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> CachedResponse | None:
        with self._lock:
            return self._entries.get(url)

    def put(self, url: str, response: CachedResponse) -> None:
        with self._lock:
            self._entries[url] = response

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
