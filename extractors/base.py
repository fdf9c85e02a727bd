"""The one interface every extractor implements: a document in, validated capability records out.

An extractor that can also work through a provider's batch service (cheaper, slower) says so by
returning a ``BatchCapable`` from ``Extractor.batches()``: submit items, read the batch's status, collect
each item's outcome, and resume any of it later by the batch id alone.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ClassVar, Literal, Protocol, TypeVar, runtime_checkable

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


@dataclass(frozen=True)
class BatchItem:
    """One document (and the tool it describes) in a batch; ``custom_id`` matches it to its outcome."""

    custom_id: str
    document: SourceDocument
    tool: Tool | None = None


HooksChoice = CallHooks | Callable[[BatchItem], CallHooks] | None
"""One set of hooks for the whole batch, one per item (the pipeline keeps a ledger per tool), or none."""

BatchProcessing = Literal["in_progress", "canceling", "ended"]
OutcomeKind = Literal["succeeded", "errored", "canceled", "expired"]


@dataclass(frozen=True)
class BatchStatus:
    """A batch as its service reports it: where processing is and how its requests ended."""

    batch_id: str
    processing_status: BatchProcessing
    processing: int
    succeeded: int
    errored: int
    canceled: int
    expired: int
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None

    @property
    def ended(self) -> bool:
        return self.processing_status == "ended"


@dataclass(frozen=True)
class BatchOutcome:
    """What became of one extraction item: records (``succeeded``), or why not and whether sending it
    again (in real time) may help. ``calls`` are the item's ledger rows, also given to its hooks."""

    custom_id: str
    kind: OutcomeKind
    capabilities: CapabilitySet | None = None
    error: str | None = None
    retryable: bool = False
    cost_usd: Decimal | None = None
    calls: tuple[ApiCall, ...] = ()


OutcomeT_co = TypeVar("OutcomeT_co", covariant=True)


@runtime_checkable
class BatchCapable(Protocol[OutcomeT_co]):
    """Submit / poll / collect through a batch service, resumable by batch id in a later process.

    Keeps no state between calls: the caller stores the batch id and hands the same items back to
    ``collect``, which needs their documents to ground the answers. The outcome type is the
    implementer's (``BatchOutcome`` for extraction), so other passes can reuse the protocol.
    """

    def submit(self, items: Sequence[BatchItem], *, hooks: HooksChoice = None) -> str:
        """Create one batch; every item's ``before_call`` is asked first (a cost cap stops it)."""
        ...

    def status(self, batch_id: str) -> BatchStatus: ...

    def collect(
        self, batch_id: str, items: Sequence[BatchItem], *, hooks: HooksChoice = None
    ) -> Mapping[str, OutcomeT_co]:
        """Outcomes by ``custom_id`` for an ended batch, given the items it was submitted with."""
        ...


def hooks_for(choice: HooksChoice, item: BatchItem) -> CallHooks:
    """The hooks that hear of ``item``'s requests."""
    if choice is None:
        return CallHooks()
    return choice if isinstance(choice, CallHooks) else choice(item)


def wait_for_batch(
    batches: BatchCapable[object],
    batch_id: str,
    *,
    poll_seconds: float,
    max_poll_seconds: float,
    max_wait_seconds: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float] = time.monotonic,
) -> BatchStatus:
    """Poll until the batch ends or ``max_wait_seconds`` pass (then the status is not ``ended``).

    The interval doubles from ``poll_seconds`` up to ``max_poll_seconds``; every wait goes through
    ``sleep`` (in a run, its interrupt's, so a stop request ends the wait at once).
    """
    started = clock()
    delay = poll_seconds
    while True:
        current = batches.status(batch_id)
        remaining = max_wait_seconds - (clock() - started)
        if current.ended or remaining <= 0:
            return current
        sleep(min(delay, remaining))
        delay = min(delay * 2, max_poll_seconds)


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

    def batches(self) -> BatchCapable[BatchOutcome] | None:
        """The batch service for this extractor's requests, or None when it has none (the default).

        Called once per run; the answer must give the same outcomes ``extract`` would (same model,
        prompt version and keys), at the service's price.
        """
        return None
