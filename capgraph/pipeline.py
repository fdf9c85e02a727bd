"""The pipeline core: fetch one tool, decide whether it changed, extract, ground, store. No Prefect here.

Flows wrap these functions; tests and the bench call them directly. Every tool's failure is caught,
recorded and reported in its outcome, so one tool never stops the others. Only a ``FatalRunError``
(bad credentials) stops the run, and the cost cap stops new paid work.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from _thread import LockType
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Literal

from capgraph.catalog import CatalogEntry
from capgraph.http_cache import WarehouseHttpCache
from capgraph.ledger import RunLedger, ToolCallHooks
from capgraph.matching import records_changed, refresh_match_graph, snapshot_scores
from capgraph.settings import Settings
from extractors.base import Extractor
from extractors.grounding import ground
from extractors.registry import resolve
from schemas import (
    ApiCall,
    BudgetExceeded,
    CapabilitySet,
    CapgraphError,
    ExtractionError,
    ExtractionRun,
    FatalRunError,
    FetchResult,
    Interrupt,
    utc_now,
)
from sources.registry import SourceRegistry
from warehouse import ExtractionKey, StoredState, Warehouse

OutcomeStatus = Literal["extracted", "unchanged", "failed", "skipped"]
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ToolOutcome:
    """What happened to one ref in one run."""

    ref: str
    status: OutcomeStatus
    tool_id: str | None = None
    capabilities: int = 0
    ungrounded: int = 0
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class RunSummary:
    """The end-of-run report: counts, the failures with their reasons, and why the run stopped, if it did."""

    ingest_id: str
    extractor: str
    outcomes: tuple[ToolOutcome, ...]
    seconds: float
    stopped_because: str | None = None
    cost_usd: Decimal | None = None
    notes: tuple[str, ...] = ()
    """What the steps after the extractions did, when worth saying (the match graph rebuilt, a failure)."""

    def count(self, status: OutcomeStatus) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failures(self) -> list[ToolOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failures and self.stopped_because is None

    def headline(self) -> str:
        return (
            f"{len(self.outcomes)} tools seen: {self.count('extracted')} extracted, "
            f"{self.count('unchanged')} unchanged, {self.count('failed')} failed, "
            f"{self.count('skipped')} skipped ({self.seconds:.1f} s)"
        )


@dataclass(frozen=True)
class PendingExtraction:
    """A fetched tool whose stored records are missing or stale: the expensive half of the work."""

    ref: str
    fetched: FetchResult
    started: float


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
    snapshot: dict[str, StoredState] = field(default_factory=dict)
    _stop_reason: str | None = None
    _stop_lock: LockType = field(default_factory=threading.Lock)

    @classmethod
    def create(
        cls, settings: Settings, *, extractor: Extractor | None = None, trigger: str = "cli"
    ) -> IngestContext:
        interrupt = Interrupt()
        chosen, notice = (
            (extractor, f"extractor: {extractor.name}")
            if extractor
            else resolve(settings, sleep=interrupt.sleep)
        )
        warehouse = Warehouse(
            settings.db,
            lock_timeout_seconds=settings.lock_timeout_seconds,
            release_after_seconds=settings.warehouse_release_after_seconds,
        )
        return cls(
            settings=settings,
            warehouse=warehouse,
            sources=SourceRegistry.from_settings(
                settings, cache=WarehouseHttpCache(warehouse), sleep=interrupt.sleep
            ),
            extractor=chosen,
            extractor_notice=notice,
            ledger=RunLedger(max_cost_usd=settings.max_cost_usd),
            trigger=trigger,
            interrupt=interrupt,
        )

    def load_snapshot(self) -> None:
        """Read what is stored for every tool once, so unchanged tools need no warehouse access at all."""
        if not self.settings.db.exists():
            return
        with self.warehouse.writer() as session:
            self.snapshot = session.ingest_snapshot()

    def stop(self, reason: str) -> None:
        with self._stop_lock:
            if self._stop_reason is None:
                self._stop_reason = reason

    @property
    def stop_reason(self) -> str | None:
        return self._stop_reason


def check_ref(
    ref: str, context: IngestContext, *, entry: CatalogEntry | None = None, force: bool = False
) -> ToolOutcome | PendingExtraction:
    """Fetch one tool and decide: unchanged (an outcome), failed (an outcome), or pending extraction.

    Cheap by design: an unchanged tool costs one fetch and a hash, and touches the warehouse only if
    one of its signals moved. Never raises.
    """
    started = time.perf_counter()
    if context.stop_reason is not None:
        return ToolOutcome(ref, "skipped", error=context.stop_reason)
    try:
        fetched = context.sources.fetch(ref)
        if entry is not None:
            fetched = fetched.model_copy(update={"tool": entry.apply(fetched.tool)})
        stored = context.snapshot.get(fetched.tool.id)
        if (
            force
            or stored is None
            or stored.key != _wanted_key(context, fetched)
            or stored.tool != fetched.tool
        ):
            return PendingExtraction(ref, fetched, started)
        moved = [signal for signal in fetched.signals if stored.signals.get(signal.name) != signal.value]
        if moved:
            with context.warehouse.writer() as session:
                session.record_signals(moved)
        return ToolOutcome(
            ref, "unchanged", fetched.tool.id, stored.capabilities, seconds=time.perf_counter() - started
        )
    except CapgraphError as error:
        return ToolOutcome(ref, "failed", error=error.one_line(), seconds=time.perf_counter() - started)
    except Exception as error:  # a bug in a source must not stop the other tools
        message = f"{ref}: unexpected {type(error).__name__} while fetching: {error}"
        return ToolOutcome(ref, "failed", error=message, seconds=time.perf_counter() - started)


def check_all(
    targets: Sequence[tuple[str, CatalogEntry | None]], context: IngestContext, *, force: bool = False
) -> list[ToolOutcome | PendingExtraction]:
    """``check_ref`` for every target on a thread pool (fetching is I/O bound); results in target order."""
    with ThreadPoolExecutor(max_workers=context.settings.concurrency, thread_name_prefix="check") as pool:
        return list(
            pool.map(lambda target: check_ref(target[0], context, entry=target[1], force=force), targets)
        )


def process_ref(
    ref: str, context: IngestContext, *, entry: CatalogEntry | None = None, force: bool = False
) -> ToolOutcome:
    """Fetch, extract and store one tool. Never raises: every problem becomes a failed outcome."""
    checked = check_ref(ref, context, entry=entry, force=force)
    return checked if isinstance(checked, ToolOutcome) else extract_pending(checked, context)


def _wanted_key(context: IngestContext, fetched: FetchResult) -> ExtractionKey:
    extractor = context.extractor
    return ExtractionKey(
        document_sha256=fetched.document.sha256,
        extractor=extractor.name,
        model=extractor.model,
        prompt_version=extractor.prompt_version,
    )


def extract_pending(pending: PendingExtraction, context: IngestContext) -> ToolOutcome:
    """Extract, ground and store one fetched tool in a single short write. Never raises."""
    if context.stop_reason is not None:
        return _outcome(pending, "skipped", context.stop_reason)
    if context.ledger.exhausted:
        return _outcome(pending, "skipped", context.ledger.exhausted_message())
    fetched = pending.fetched
    hooks = ToolCallHooks(context.ledger, tool_id=fetched.tool.id, ingest_id=context.ingest_id)
    started_at = utc_now()
    capabilities: CapabilitySet | None = None
    error: CapgraphError | None = None
    try:
        capabilities = context.extractor.extract(fetched.document, tool=fetched.tool, hooks=hooks)
    except FatalRunError as fatal:
        context.stop(fatal.one_line())
        error = fatal
    except CapgraphError as failure:
        error = failure
    except Exception as unexpected:  # an extractor bug fails this tool only, and is recorded
        error = ExtractionError(
            f"unexpected {type(unexpected).__name__}: {unexpected}", subject=fetched.tool.id
        )
    return store_extraction(pending, context, capabilities, error, hooks.calls, started_at)


def store_extraction(
    pending: PendingExtraction,
    context: IngestContext,
    capabilities: CapabilitySet | None,
    error: CapgraphError | None,
    calls: Sequence[ApiCall],
    started_at: datetime,
) -> ToolOutcome:
    """Ground an extractor's answer (or record its error) and store it with the tool's run. Never raises.

    Shared by real-time and batch extraction, so both apply the same grounding check and the same rule:
    only a succeeded run with at least one record replaces the tool's current records.
    """
    fetched = pending.fetched
    tool_id = fetched.tool.id
    if error is None and capabilities is not None:
        capabilities = ground(capabilities, fetched.document)
        if not capabilities.capabilities:
            error = ExtractionError(
                f"no capabilities found in the description ({len(fetched.document.text)} characters of "
                f"{fetched.document.media_type} from {fetched.document.origin})",
                subject=tool_id,
                hint="check that the source describes what the tool does; earlier records are kept",
            )
    run = _run_record(context, fetched, _wanted_key(context, fetched), started_at, calls, error)
    try:
        with context.warehouse.writer() as session:
            session.record_extraction(fetched, run, capabilities if error is None else None, calls)
    except CapgraphError as storage_error:
        return _outcome(pending, "failed", storage_error.one_line())

    if isinstance(error, BudgetExceeded):
        return _outcome(pending, "skipped", error.one_line())
    if error is not None:
        return _outcome(
            pending, "failed", error.one_line() if error.subject else f"{tool_id}: {error.one_line()}"
        )
    assert capabilities is not None
    ungrounded = sum(1 for record in capabilities.capabilities if not record.grounded)
    return _outcome(pending, "extracted", count=len(capabilities.capabilities), ungrounded=ungrounded)


def _outcome(
    pending: PendingExtraction,
    status: OutcomeStatus,
    error: str | None = None,
    *,
    count: int = 0,
    ungrounded: int = 0,
) -> ToolOutcome:
    seconds = time.perf_counter() - pending.started
    return ToolOutcome(pending.ref, status, pending.fetched.tool.id, count, ungrounded, error, seconds)


def _run_record(
    context: IngestContext,
    fetched: FetchResult,
    key: ExtractionKey,
    started_at: datetime,
    calls: Sequence[ApiCall],
    error: CapgraphError | None,
) -> ExtractionRun:
    costs = [call.cost_usd for call in calls]
    return ExtractionRun(
        ingest_id=context.ingest_id,
        tool_id=fetched.tool.id,
        extractor=key.extractor,
        model=key.model,
        prompt_version=key.prompt_version,
        document_sha256=key.document_sha256,
        status="succeeded"
        if error is None
        else ("skipped" if isinstance(error, BudgetExceeded) else "failed"),
        started_at=started_at,
        finished_at=utc_now(),
        input_tokens=sum(call.input_tokens for call in calls),
        output_tokens=sum(call.output_tokens for call in calls),
        cache_read_tokens=sum(call.cache_read_tokens for call in calls),
        cache_write_tokens=sum(call.cache_write_tokens for call in calls),
        cost_usd=None if any(cost is None for cost in costs) else sum(costs, Decimal(0)),
        error=None if error is None else error.one_line()[:4000],
    )


def summarize(context: IngestContext, outcomes: Sequence[ToolOutcome], seconds: float) -> RunSummary:
    return RunSummary(
        ingest_id=context.ingest_id,
        extractor=context.extractor.name,
        outcomes=tuple(outcomes),
        seconds=seconds,
        stopped_because=context.stop_reason,
        cost_usd=context.ledger.spent_usd,
    )


def publish_analyst_copy(context: IngestContext) -> None:
    """After a run: refresh the copy analysts and read commands use, so they never block ingestion,
    then let go of the live file at once rather than after the warehouse's release delay."""
    if context.settings.db.exists():
        try:
            context.warehouse.publish(context.settings.analyst_path())
        finally:
            context.warehouse.release()


ProgressCallback = Callable[[ToolOutcome], None]


ExtractAll = Callable[[Sequence[PendingExtraction]], Iterable[ToolOutcome]]
"""Extracts the tools a run found changed, yielding their outcomes: on a thread pool, one after
another, as Prefect tasks, or as one message batch."""


def on_thread_pool(context: IngestContext) -> ExtractAll:
    """Extract on ``settings.concurrency`` threads (LLM calls spend their time waiting on the network)."""

    def extract_all(pending: Sequence[PendingExtraction]) -> Iterator[ToolOutcome]:
        with ThreadPoolExecutor(
            max_workers=context.settings.concurrency, thread_name_prefix="extract"
        ) as pool:
            yield from pool.map(lambda item: extract_pending(item, context), pending)

    return extract_all


def one_after_another(context: IngestContext) -> ExtractAll:
    """Extract in order, so a fatal error stops the run before the next tool starts."""
    return lambda pending: (extract_pending(item, context) for item in pending)


def run_pipeline(
    refs: Sequence[tuple[str, CatalogEntry | None]],
    context: IngestContext,
    *,
    force: bool = False,
    on_outcome: ProgressCallback | None = None,
    extract_all: ExtractAll | None = None,
) -> RunSummary:
    """One run: resume open batches, check every tool, extract the changed ones, rebuild the match
    graph if records changed, publish the analyst copy.

    ``extract_all`` decides how the changed tools are extracted (default: ``on_thread_pool``). Outcomes
    come back in the order of ``refs``.
    """
    started = time.perf_counter()
    _log.info(
        "run %s (%s, %s): %d tools", context.ingest_id, context.trigger, context.extractor_notice, len(refs)
    )
    context.load_snapshot()
    resumed = _resume_open_batches(context)
    outcomes: list[ToolOutcome] = []

    def report(outcome: ToolOutcome) -> None:
        outcomes.append(outcome)
        # INFO, not WARNING: the run's summary lists every failure, so a console shows each one once.
        _log.log(
            logging.DEBUG if outcome.status == "unchanged" else logging.INFO,
            "%s: %s%s",
            outcome.ref,
            outcome.status,
            f" ({outcome.error})" if outcome.error else "",
        )
        if on_outcome is not None:
            on_outcome(outcome)

    pending: list[PendingExtraction] = []
    for checked in check_all(refs, context, force=force):
        if isinstance(checked, PendingExtraction):
            pending.append(checked)
        else:
            report(resumed.pop(checked.ref, checked))
    for outcome in resumed.values():
        report(outcome)
    if pending:
        for outcome in (extract_all or on_thread_pool(context))(pending):
            report(outcome)
    graph = refresh_match_graph(
        context.warehouse,
        context.settings,
        records_changed=records_changed([outcome.status for outcome in outcomes]),
    )
    snapshot = snapshot_scores(context.warehouse, context.settings)
    notes = tuple(note for note in (graph.describe(), snapshot) if note)
    publish_analyst_copy(context)
    order = {ref: index for index, (ref, _) in enumerate(refs)}
    outcomes.sort(key=lambda outcome: order.get(outcome.ref, len(order)))
    summary = summarize(context, outcomes, time.perf_counter() - started)
    return replace(summary, notes=notes)


def run_serially(
    refs: Sequence[tuple[str, CatalogEntry | None]],
    context: IngestContext,
    *,
    force: bool = False,
    on_outcome: ProgressCallback | None = None,
) -> RunSummary:
    """The pipeline one tool after another, in order: for tests, and runs that must stop at a fatal error."""
    return run_pipeline(
        refs, context, force=force, on_outcome=on_outcome, extract_all=one_after_another(context)
    )


def _resume_open_batches(context: IngestContext) -> dict[str, ToolOutcome]:
    if context.extractor.name != "anthropic":
        return {}
    # Imported here: batches need the Claude SDK, which heuristic-only runs never load.
    from capgraph.batch import resume_if_open

    return resume_if_open(context)
