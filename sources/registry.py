"""Sources by ref scheme; ``fetch(ref)`` picks the right one."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

from schemas import FetchResult, SourceFingerprint, UnknownRefError
from sources.base import Source, split_ref
from sources.file import FileSource
from sources.github import GitHubSource
from sources.hf import HuggingFaceSource
from sources.http import HttpCache, HttpClient
from sources.installed import InstalledSource
from sources.openrouter import OpenRouterSource
from sources.options import SourceOptions
from sources.pypi import PyPISource
from sources.web import WebSource


class SourceRegistry:
    def __init__(self, sources: list[Source], *, http_client: HttpClient | None = None) -> None:
        self._by_scheme = {source.scheme: source for source in sources}
        self._http_client = http_client
        self.fetches: Counter[str] = Counter()
        """Full fetches made, by scheme (what a run's unchanged tools should not need)."""
        self._count_lock = threading.Lock()

    @classmethod
    def from_options(
        cls,
        options: SourceOptions,
        cache: HttpCache | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> SourceRegistry:
        """Every source, the remote ones sharing one HTTP client (so per-host limits hold across them),
        ``cache`` for conditional requests and ``sleep`` for retry waits (a run's interruptible one)."""
        client = HttpClient(options.http, cache=cache, sleep=sleep)
        return cls(
            [
                InstalledSource(),
                FileSource(max_bytes=options.max_document_bytes),
                HuggingFaceSource(client, base_url=options.hf_base_url, kind="model"),
                HuggingFaceSource(client, base_url=options.hf_base_url, kind="dataset"),
                GitHubSource(client, api_url=options.github_api_url, token=options.github_token),
                PyPISource(client, base_url=options.pypi_base_url),
                OpenRouterSource(
                    client,
                    base_url=options.openrouter_base_url,
                    listing_ttl_seconds=options.openrouter_listing_ttl_seconds,
                ),
                WebSource(client),
            ],
            http_client=client,
        )

    @property
    def schemes(self) -> list[str]:
        return sorted(self._by_scheme)

    def check(self, ref: str) -> None:
        """Raise ``UnknownRefError`` unless some source can fetch ``ref``."""
        scheme, _ = split_ref(ref)
        if scheme not in self._by_scheme:
            raise UnknownRefError(
                f"unknown ref scheme {scheme!r}",
                subject=ref,
                hint=f"known schemes: {', '.join(self.schemes)}",
            )

    def fetch(self, ref: str) -> FetchResult:
        self.check(ref)
        scheme = split_ref(ref)[0]
        with self._count_lock:
            self.fetches[scheme] += 1
        return self._by_scheme[scheme].fetch(ref)

    def fingerprint(self, ref: str) -> SourceFingerprint | None:
        """The source's fingerprint of ``ref`` (see ``Source.fingerprint``); None for an unknown scheme."""
        source = self._by_scheme.get(ref.partition(":")[0])
        return None if source is None else source.fingerprint(ref)

    def close(self) -> None:
        """Close the shared HTTP client's connections (the registry may not fetch afterwards)."""
        if self._http_client is not None:
            self._http_client.close()
