"""The one interface every extractor implements: a document in, validated capability records out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from schemas import ApiCall, CapabilitySet, SourceDocument, Tool


class CallHooks:
    """What the pipeline hears of, and decides about, each paid API request an extractor makes.

    The default does nothing; the pipeline's subclass writes the ledger and enforces the cost cap.
    Extractors must call ``before_call`` before every request (it may raise ``schemas.BudgetExceeded``,
    which they must let through unretried) and ``after_call`` once per request that reached the server.
    """

    def before_call(self) -> None:
        return None

    def after_call(self, call: ApiCall) -> None:
        return None


class Extractor(ABC):
    """Turns a ``SourceDocument`` into a ``CapabilitySet``.

    ``name``, ``model`` and ``prompt_version`` together decide whether a stored extraction is still
    current: the pipeline re-extracts a tool when any of them, or the document hash, changes.
    Instances are shared by concurrent workers, so ``extract`` must be thread-safe.
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
        hooks: CallHooks | None = None,
    ) -> CapabilitySet:
        """Extract capability records. Raise ``schemas.TransientError`` for what is worth retrying,
        ``schemas.TerminalError`` (or a subclass) for what is not, ``schemas.FatalRunError`` to stop
        the whole run."""
