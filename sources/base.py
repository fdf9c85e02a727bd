"""The interface every source implements: a tool ref in, its description and signals out."""

from __future__ import annotations

from abc import ABC, abstractmethod

from schemas import FetchResult, UnknownRefError


class Source(ABC):
    """Fetches one scheme of refs (``installed:NAME``, ``file:PATH`` ...)."""

    scheme: str
    """The ref scheme served (``file``, ``pypi`` ...): a class constant, or set per instance by a source
    that serves one of several (the Hub source: ``hf`` or ``hf-dataset``)."""

    @abstractmethod
    def fetch(self, ref: str) -> FetchResult:
        """Fetch the description of ``ref`` (the full ref, scheme included).

        Raise ``schemas.SourceError`` naming the ref and the problem when there is no usable
        description, ``schemas.TransientError`` when trying again later may succeed.
        """


def split_ref(ref: str) -> tuple[str, str]:
    """``"installed:duckdb"`` -> ``("installed", "duckdb")``, with a clear error for anything else."""
    scheme, sep, rest = ref.partition(":")
    if not sep or not scheme or not rest.strip():
        raise UnknownRefError(
            "not a tool ref",
            subject=ref or "(empty ref)",
            hint="write refs as SCHEME:NAME, e.g. installed:duckdb or file:docs/tool.md",
        )
    return scheme, rest
