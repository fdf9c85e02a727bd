"""Sources by ref scheme; ``fetch(ref)`` picks the right one."""

from __future__ import annotations

from capgraph.settings import Settings
from schemas import FetchResult, UnknownRefError
from sources.base import Source, split_ref
from sources.file import FileSource
from sources.installed import InstalledSource


class SourceRegistry:
    def __init__(self, sources: list[Source]) -> None:
        self._by_scheme = {source.scheme: source for source in sources}

    @classmethod
    def from_settings(cls, settings: Settings) -> SourceRegistry:
        return cls(
            [
                InstalledSource(),
                FileSource(max_bytes=settings.max_document_bytes),
            ]
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
        return self._by_scheme[split_ref(ref)[0]].fetch(ref)
