"""The interface every source implements: a tool ref in, its description and signals out."""

from __future__ import annotations

from abc import ABC, abstractmethod

from schemas import FetchResult, SourceFingerprint, UnknownRefError


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

    def fingerprint(self, ref: str) -> SourceFingerprint | None:
        """A digest of what ``fetch(ref)`` would read, taken without parsing: None when this source has
        no cheaper way to tell a change than fetching (the remote sources: their conditional requests
        already spare an unchanged page's download), or when the ref cannot be read (``fetch`` names
        the problem).

        A source that offers one promises that equal fingerprints of a tool give equal fetch results
        (tool, document, and no signals), so the pipeline may skip ``fetch`` for an unchanged tool.
        """
        return None


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
