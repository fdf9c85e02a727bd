"""The one interface every extractor implements: a document in, validated capability records out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import ClassVar

from schemas import ApiCall, CapabilitySet, SourceDocument, Tool

CallRecorder = Callable[[ApiCall], None]
"""Receives one ledger row per API request an extractor sends (paid extractors only)."""


class Extractor(ABC):
    """Turns a ``SourceDocument`` into a ``CapabilitySet``.

    ``name``, ``model`` and ``prompt_version`` together decide whether a stored extraction is still
    current: the pipeline re-extracts a tool when any of them, or the document hash, changes.
    """

    name: ClassVar[str]

    @property
    def model(self) -> str | None:
        return None

    @property
    @abstractmethod
    def prompt_version(self) -> str: ...

    @abstractmethod
    def extract(
        self,
        document: SourceDocument,
        *,
        tool: Tool | None = None,
        on_call: CallRecorder | None = None,
    ) -> CapabilitySet:
        """Extract capability records. Raise ``schemas.TransientError`` for what is worth retrying,
        ``schemas.TerminalError`` (or a subclass) for what is not, ``schemas.FatalRunError`` to stop
        the whole run."""
