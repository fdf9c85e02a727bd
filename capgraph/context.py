"""One run's shared state: its settings, warehouse, sources, extractor, ledger and stop flag.

Below both the pipeline and the batch path, which each take an ``IngestContext`` and never import
one another's internals the other way round.
"""

from __future__ import annotations

import threading
import uuid
from _thread import LockType
from dataclasses import dataclass, field

from capgraph.http_cache import WarehouseHttpCache
from capgraph.ledger import RunLedger
from capgraph.outcomes import ToolOutcome
from capgraph.settings import Settings
from capgraph.stage_options import extractor_options, source_options
from capgraph.unstored_calls import book_calls_kept_aside
from extractors.base import BatchCapable, BatchOutcome, Extractor
from extractors.registry import resolve
from schemas import ApiCall, CapabilitySet, ExtractionRun, FetchResult, Interrupt, SourceReading, Tool
from sources.registry import SourceRegistry
from warehouse import StoredState, Warehouse


@dataclass(frozen=True)
class PendingExtraction:
    """A fetched tool whose stored records are missing or stale: the expensive half of the work."""

    ref: str
    fetched: FetchResult
    started: float
    reading: SourceReading | None = None
    """What the source read, when it fingerprints: stored with the tool for the next run's check."""


@dataclass(frozen=True)
class UnchangedRefresh:
    """An unchanged tool whose stored row or source reading is out of date: written after the checks,
    with the others, in one transaction (no extraction)."""

    ref: str
    tool: Tool | None
    """The tool's new details (a catalog override edited), or None when they are as stored."""
    reading: SourceReading | None
    """The source's new reading (taken again, or stored for the first time), or None."""


@dataclass(frozen=True)
class UnstoredResult:
    """A tool's finished (maybe paid) result that could not be written yet: kept until it is stored."""

    pending: PendingExtraction
    run: ExtractionRun
    capabilities: CapabilitySet | None
    calls: tuple[ApiCall, ...]
    outcome: ToolOutcome
    """What to report once it is stored."""


@dataclass
class IngestContext:
    """Everything one run shares across its concurrent tool workers."""

    settings: Settings
    warehouse: Warehouse
    sources: SourceRegistry
    extractor: Extractor
    extractor_notice: str
    ledger: RunLedger
    ingest_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    trigger: str = "cli"
    """What started the run: ``cli``, ``schedule``, or ``prefect:<flow run id>``; kept in run history."""
    interrupt: Interrupt = field(default_factory=Interrupt)
    """Set by SIGTERM/SIGINT: every wait of this run (retries, rate limits, batch polls) ends at once."""
    command: str = "capgraph ingest"
    """The command line that started the run, for run history."""
    accept_ungrounded: bool = False
    """Let a re-extraction with (far) fewer grounded records replace grounded current ones."""
    stored_states: dict[str, StoredState] = field(default_factory=dict)
    """What the warehouse held for each tool when the run began (``load_stored_states``)."""
    _stop_reason: str | None = None
    _stop_lock: LockType = field(default_factory=threading.Lock)
    _unstored: dict[str, UnstoredResult] = field(default_factory=dict)
    _refreshes: list[UnchangedRefresh] = field(default_factory=list)
    _batches: BatchCapable[BatchOutcome] | None = None
    _batches_asked: bool = False
    _stored_states_read: bool = False

    @classmethod
    def create(
        cls,
        settings: Settings,
        *,
        extractor: Extractor | None = None,
        trigger: str = "cli",
        command: str = "capgraph ingest",
        accept_ungrounded: bool = False,
        interrupt: Interrupt | None = None,
    ) -> IngestContext:
        """``interrupt``: the stop flag the given ``extractor`` already waits on, when it was built first."""
        interrupt = interrupt or Interrupt()
        chosen, notice = (
            (extractor, f"extractor: {extractor.name}")
            if extractor
            else resolve(extractor_options(settings), sleep=interrupt.sleep)
        )
        warehouse = Warehouse(settings.db, lock_timeout_seconds=settings.lock_timeout_seconds)
        return cls(
            settings=settings,
            warehouse=warehouse,
            sources=SourceRegistry.from_options(
                source_options(settings), cache=WarehouseHttpCache(warehouse), sleep=interrupt.sleep
            ),
            extractor=chosen,
            extractor_notice=notice,
            ledger=RunLedger(
                max_cost_usd=settings.max_cost_usd, unknown_call_cost_usd=settings.unknown_call_cost_usd
            ),
            trigger=trigger,
            interrupt=interrupt,
            command=command,
            accept_ungrounded=accept_ungrounded,
        )

    def load_stored_states(self) -> None:
        """Read what is stored for every tool, once per run, so unchanged tools need no warehouse access
        at all. Later calls keep the first read: whoever calls first (the CLI, to report an unreadable
        warehouse in one line; else the run itself) must hold the run lock already."""
        with self._stop_lock:
            if self._stored_states_read:
                return
            self._stored_states_read = True
        if not self.settings.db.exists():
            return
        book_calls_kept_aside(self.warehouse, self.settings.db)
        with self.warehouse.writer() as session:
            self.stored_states = session.stored_states()

    def stop(self, reason: str) -> None:
        with self._stop_lock:
            if self._stop_reason is None:
                self._stop_reason = reason

    def keep_unstored(self, result: UnstoredResult) -> None:
        """Hold a finished tool whose write failed because the file was busy, for one more try at the end."""
        with self._stop_lock:
            self._unstored[result.pending.ref] = result

    def refresh_later(self, refresh: UnchangedRefresh) -> None:
        """Note an unchanged tool's details or source reading to write once every tool is checked."""
        with self._stop_lock:
            self._refreshes.append(refresh)

    def take_refreshes(self) -> list[UnchangedRefresh]:
        with self._stop_lock:
            taken, self._refreshes = self._refreshes, []
        return taken

    def take_unstored(self) -> list[UnstoredResult]:
        with self._stop_lock:
            held, self._unstored = list(self._unstored.values()), {}
        return held

    @property
    def batches(self) -> BatchCapable[BatchOutcome] | None:
        """The extractor's batch service (None: it has none), asked for once per run and then shared by
        every batch step: resuming open batches, submitting, polling and collecting."""
        with self._stop_lock:
            if not self._batches_asked:
                self._batches = self.extractor.batches()
                self._batches_asked = True
            return self._batches

    @property
    def stop_reason(self) -> str | None:
        return self._stop_reason
