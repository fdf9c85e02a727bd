"""The pipeline core: fetch one tool, decide whether it changed, extract, ground, store. No Prefect here.

Flows wrap these functions; tests and the bench call them directly. Every tool's failure is caught,
recorded and reported in its outcome, so one tool never stops the others. Only a ``FatalRunError``
(bad credentials) stops the run, and the cost cap stops new paid work.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from capgraph.batch import (
    RealTimePath,
    StepRunner,
    direct,
    in_one_batch,
    require_batches,
    resume_open_batches,
)
from capgraph.catalog import CatalogEntry
from capgraph.context import IngestContext, PendingExtraction, UnchangedRefresh, UnstoredResult
from capgraph.ledger import ToolCallHooks
from capgraph.matching import records_changed, refresh_match_graph, snapshot_scores
from capgraph.outcomes import RUN_STOPPED_NOTE, OutcomeStatus, ToolOutcome, outcome_for, stops_the_run
from capgraph.run_lock import RunLock
from capgraph.unstored_calls import keep_calls_aside
from extractors.grounding import ground
from schemas import (
    ApiCall,
    CapabilitySet,
    CapgraphError,
    ExtractionError,
    ExtractionRun,
    FetchResult,
    RunInterrupted,
    SourceFingerprint,
    SourceReading,
    WarehouseBusyError,
    utc_now,
)
from warehouse import ExtractionKey, ExtractionToStore, IngestRunRow, IngestStatus, StoredState, Warehouse

__all__ = [
    "RUN_STOPPED_NOTE",
    "IngestContext",
    "OutcomeStatus",
    "PendingExtraction",
    "RunSummary",
    "ToolOutcome",
    "UnstoredResult",
]

_log = logging.getLogger(__name__)


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


def check_ref(
    ref: str, context: IngestContext, *, entry: CatalogEntry | None = None, force: bool = False
) -> ToolOutcome | PendingExtraction:
    """Fetch one tool and decide: unchanged (an outcome), failed (an outcome), or pending extraction.

    Cheap by design: hash first, so a tool whose source fingerprints what it reads (``file:``) and whose
    fingerprint matches the stored reading is unchanged without being fetched or parsed; any other
    unchanged tool costs one fetch and a hash. A tool whose description is unchanged but whose details
    are not (a catalog override edited) keeps its records: only its row is rewritten, after the checks.
    Touches the warehouse only if one of its signals moved. Never raises.
    """
    settled, fingerprint = check_by_fingerprint(ref, context, entry, force=force)
    if settled is not None:
        return settled
    return _check_by_fetching(ref, context, entry, force, fingerprint)


def check_by_fingerprint(
    ref: str, context: IngestContext, entry: CatalogEntry | None, *, force: bool = False
) -> tuple[ToolOutcome | None, SourceFingerprint | None]:
    """Hash first: the ``unchanged`` outcome when the source's fingerprint of ``ref`` matches what was
    stored and the stored records are those of that document through this extractor; else None, and the
    fingerprint (if any) for the fetch to store with what it reads. Never raises: anything unusual is
    left to the fetch to decide."""
    if context.stop_reason is not None:
        return None, None
    started = time.perf_counter()
    try:
        fingerprint = context.sources.fingerprint(ref)
        if force:
            return None, fingerprint
        stored = None if fingerprint is None else context.stored_states.get(fingerprint.tool_id)
        reading = None if stored is None else stored.reading
        if (
            fingerprint is None
            or stored is None
            or reading is None
            or reading.fingerprint != fingerprint.value
        ):
            return None, fingerprint
        tool = reading.tool if entry is None else entry.apply(reading.tool)
        wanted = _key_for_document(context, reading.document_sha256)
        if stored.key != wanted or stored.rejected_key == wanted:
            return None, fingerprint  # extraction (or the rejected-before rule) is the fetch's to decide
    except Exception:  # a bug or a bad override here must read exactly as it does on the fetch path
        return None, None
    if stored.tool != tool:
        context.refresh_later(UnchangedRefresh(ref, tool, None))
    outcome = ToolOutcome(
        ref, "unchanged", tool.id, stored.capabilities, seconds=time.perf_counter() - started
    )
    return outcome, fingerprint


def _check_by_fetching(
    ref: str,
    context: IngestContext,
    entry: CatalogEntry | None,
    force: bool,
    fingerprint: SourceFingerprint | None,
) -> ToolOutcome | PendingExtraction:
    started = time.perf_counter()
    if context.stop_reason is not None:
        return ToolOutcome(ref, "skipped", error=context.stop_reason)
    try:
        fetched = context.sources.fetch(ref)
        reading = _reading_of(ref, context, fingerprint, fetched)
        if entry is not None:
            fetched = fetched.model_copy(update={"tool": entry.apply(fetched.tool)})
        stored = context.stored_states.get(fetched.tool.id)
        wanted = _wanted_key(context, fetched)
        not_again = None if force else _done_before(context, stored, fetched, wanted)
        if not_again is not None:
            return ToolOutcome(
                ref,
                "skipped",
                fetched.tool.id,
                stored.capabilities if stored else 0,
                error=f"{fetched.tool.id}: {not_again}",
                seconds=time.perf_counter() - started,
            )
        if force or stored is None or stored.key != wanted:
            return PendingExtraction(ref, fetched, started, reading)
        tool_changed = stored.tool != fetched.tool
        reading_changed = reading is not None and reading != stored.reading
        if tool_changed or reading_changed:
            context.refresh_later(
                UnchangedRefresh(
                    ref, fetched.tool if tool_changed else None, reading if reading_changed else None
                )
            )
        moved = [signal for signal in fetched.signals if stored.signals.get(signal.name) != signal.value]
        if moved:
            with context.warehouse.writer() as session:
                session.record_signals(moved)
        return ToolOutcome(
            ref, "unchanged", fetched.tool.id, stored.capabilities, seconds=time.perf_counter() - started
        )
    except CapgraphError as error:
        status, reason = outcome_for(error)
        return ToolOutcome(ref, status, error=reason, seconds=time.perf_counter() - started)
    except Exception as error:  # a bug in a source must not stop the other tools
        message = f"{ref}: unexpected {type(error).__name__} while fetching: {error}"
        return ToolOutcome(ref, "failed", error=message, seconds=time.perf_counter() - started)


def _reading_of(
    ref: str, context: IngestContext, fingerprint: SourceFingerprint | None, fetched: FetchResult
) -> SourceReading | None:
    """What to store of this fetch for the next run's hash-first check: only when the file's fingerprint
    is the same after the fetch as before it, so the fingerprint is surely of the bytes fetched (a file
    saved meanwhile is read again next run)."""
    if fingerprint is None or fingerprint.tool_id != fetched.tool.id:
        return None
    if context.sources.fingerprint(ref) != fingerprint:
        return None
    return SourceReading(
        fingerprint=fingerprint.value, document_sha256=fetched.document.sha256, tool=fetched.tool
    )


REJECTED_BEFORE_NOTE = (
    "not re-extracted: the grounding guard rejected the last extraction of this same description and "
    "kept the current records (`capgraph reprocess {tool_id} --accept-ungrounded` takes it)"
)


FAILED_BEFORE_NOTE = (
    "not re-extracted: the last extraction of this same description failed for good ({error}); "
    "`capgraph reprocess {tool_id}` tries again"
)


def _done_before(
    context: IngestContext, stored: StoredState | None, fetched: FetchResult, wanted: ExtractionKey
) -> str | None:
    """Why this exact extraction is not repeated, or None: it was already done (and maybe paid for)
    and rejected by the grounding guard, or failed with a terminal error; doing it again would cost
    the same and, most likely, end the same way."""
    if stored is None or stored.tool != fetched.tool:
        return None
    if stored.rejected_key == wanted and not context.accept_ungrounded:
        return REJECTED_BEFORE_NOTE.format(tool_id=fetched.tool.id)
    if stored.failed_key == wanted:
        error = (stored.failed_error or "unknown error").removeprefix(f"{fetched.tool.id}: ")
        return FAILED_BEFORE_NOTE.format(error=error, tool_id=fetched.tool.id)
    return None


def check_all(
    targets: Sequence[tuple[str, CatalogEntry | None]], context: IngestContext, *, force: bool = False
) -> list[ToolOutcome | PendingExtraction]:
    """``check_ref`` for every target; results in target order.

    Hash first, in this thread: the tools a matching fingerprint settles cost a file read and a hash
    each, less than handing them to a thread. The rest are fetched on a thread pool (fetching is I/O
    bound).
    """
    settled = [check_by_fingerprint(ref, context, entry, force=force) for ref, entry in targets]
    to_fetch = [
        (ref, entry, fingerprint)
        for (ref, entry), (outcome, fingerprint) in zip(targets, settled, strict=True)
        if outcome is None
    ]
    fetched: Iterator[ToolOutcome | PendingExtraction] = iter(())
    if to_fetch:
        with ThreadPoolExecutor(max_workers=context.settings.concurrency, thread_name_prefix="check") as pool:
            fetched = iter(
                list(
                    pool.map(
                        lambda item: _check_by_fetching(item[0], context, item[1], force, item[2]), to_fetch
                    )
                )
            )
    return [outcome if outcome is not None else next(fetched) for outcome, _ in settled]


def _wanted_key(context: IngestContext, fetched: FetchResult) -> ExtractionKey:
    return _key_for_document(context, fetched.document.sha256)


def _key_for_document(context: IngestContext, document_sha256: str) -> ExtractionKey:
    extractor = context.extractor
    return ExtractionKey(
        document_sha256=document_sha256,
        extractor=extractor.name,
        model=extractor.model,
        prompt_version=extractor.prompt_version,
    )


def extract_pending(pending: PendingExtraction, context: IngestContext) -> ToolOutcome:
    """Extract, ground and store one fetched tool in a single short write. Never raises."""
    prepared = prepare_extraction(pending, context)
    return prepared if isinstance(prepared, ToolOutcome) else store_results(context, [prepared])[0]


def prepare_extraction(pending: PendingExtraction, context: IngestContext) -> UnstoredResult | ToolOutcome:
    """Extract and ground one fetched tool, ready to store; a skipped outcome when the run stopped or
    the budget is spent. Never raises."""
    if context.stop_reason is not None:
        return _outcome(pending, "skipped", RUN_STOPPED_NOTE)
    if context.ledger.exhausted:
        return _outcome(pending, "skipped", context.ledger.exhausted_message())
    fetched = pending.fetched
    hooks = ToolCallHooks(context.ledger, tool_id=fetched.tool.id, ingest_id=context.ingest_id)
    started_at = utc_now()
    capabilities: CapabilitySet | None = None
    error: CapgraphError | None = None
    try:
        capabilities = context.extractor.extract(fetched.document, tool=fetched.tool, hooks=hooks)
    except CapgraphError as failure:
        if stops_the_run(failure):
            context.stop(failure.one_line())
        error = failure
    except Exception as unexpected:  # an extractor bug fails this tool only, and is recorded
        error = ExtractionError(
            f"unexpected {type(unexpected).__name__}: {unexpected}", subject=fetched.tool.id
        )
    return ground_result(pending, context, capabilities, error, hooks.calls, started_at)


def store_extraction(
    pending: PendingExtraction,
    context: IngestContext,
    capabilities: CapabilitySet | None,
    error: CapgraphError | None,
    calls: Sequence[ApiCall],
    started_at: datetime,
) -> ToolOutcome:
    """Ground an extractor's answer (or record its error) and store it with the tool's run at once.
    Never raises; see ``ground_result`` for the rules and ``store_results`` for the write."""
    result = ground_result(pending, context, capabilities, error, calls, started_at)
    return store_results(context, [result])[0]


def ground_result(
    pending: PendingExtraction,
    context: IngestContext,
    capabilities: CapabilitySet | None,
    error: CapgraphError | None,
    calls: Sequence[ApiCall],
    started_at: datetime,
) -> UnstoredResult:
    """Ground an extractor's answer (or take its error) into the tool's run, ready to store.

    Shared by real-time and batch extraction, so both apply the same grounding check and the same rules:
    only a succeeded run with at least one record replaces the tool's current records, and never grounded
    current records with far fewer grounded ones (see ``grounding_regression``) unless the run accepts
    that.
    """
    fetched = pending.fetched
    tool_id = fetched.tool.id
    rejection: str | None = None
    if error is None and capabilities is not None:
        capabilities = ground(capabilities, fetched.document)
        if not capabilities.capabilities:
            error = ExtractionError(
                f"no capabilities found in the description ({len(fetched.document.text)} characters of "
                f"{fetched.document.media_type} from {fetched.document.origin})",
                subject=tool_id,
                hint="check that the source describes what the tool does; earlier records are kept",
            )
        elif not context.accept_ungrounded:
            rejection = grounding_regression(context.stored_states.get(tool_id), capabilities)
    run = _run_record(context, fetched, _wanted_key(context, fetched), started_at, calls, error)
    if rejection is not None:
        run = run.model_copy(update={"status": "rejected", "error": rejection})
    records = capabilities if error is None and rejection is None else None
    outcome = _result_outcome(pending, error, rejection, records)
    return UnstoredResult(pending, run, records, tuple(calls), outcome)


def store_results(context: IngestContext, results: Sequence[UnstoredResult]) -> list[ToolOutcome]:
    """Store finished tools in one transaction; their outcomes, in order, once stored. Never raises.

    Each tool stays all or nothing: when the batch fails for another reason than a busy file, its tools
    are written one by one, so only a bad tool fails. A result whose write finds the file busy is kept
    and retried at the end of the run, never thrown away.
    """
    if not results:
        return []
    if len(results) > 1:
        failure = _write_with_retries(context, results)
        if failure is None:
            return [result.outcome for result in results]
        if isinstance(failure, WarehouseBusyError):
            return [_kept_for_later(context, result, failure) for result in results]
    outcomes = []
    for result in results:
        failure = _write_with_retries(context, [result])
        if failure is None:
            outcomes.append(result.outcome)
        elif isinstance(failure, WarehouseBusyError):
            outcomes.append(_kept_for_later(context, result, failure))
        else:
            tool_id = result.pending.fetched.tool.id
            outcomes.append(
                _outcome(
                    result.pending, "failed", f"{tool_id}: extracted but not stored: {failure.one_line()}"
                )
            )
    return outcomes


def _kept_for_later(context: IngestContext, result: UnstoredResult, busy: WarehouseBusyError) -> ToolOutcome:
    context.keep_unstored(result)
    return _outcome(
        result.pending,
        "failed",
        f"{result.pending.fetched.tool.id}: not stored yet, retried at the end of the run: {busy.one_line()}",
    )


WRITE_BATCH_TOOLS = 200
"""Finished tools stored per transaction at most: one commit costs as much as writing a few tools."""
WRITE_BATCH_SECONDS = 0.5
"""A finished tool waits at most this long for others to share its write (slow extractors write alone),
and the file is free between two writes."""


def in_write_batches(
    context: IngestContext, prepared: Iterable[UnstoredResult | ToolOutcome]
) -> Iterator[ToolOutcome]:
    """Store results as they come, in batches of up to ``WRITE_BATCH_TOOLS`` or ``WRITE_BATCH_SECONDS``;
    each outcome is yielded once its tool is stored (or its failure named), and every result is stored
    before the iteration ends."""
    waiting: list[UnstoredResult] = []
    oldest = 0.0
    for item in prepared:
        if isinstance(item, ToolOutcome):
            yield item
            continue
        if not waiting:
            oldest = time.monotonic()
        waiting.append(item)
        if len(waiting) >= WRITE_BATCH_TOOLS or time.monotonic() - oldest >= WRITE_BATCH_SECONDS:
            yield from store_results(context, waiting)
            waiting = []
    yield from store_results(context, waiting)


GROUNDED_SHARE_KEPT = 0.5
"""A re-extraction must keep more than half as many grounded records as the current ones have."""


def grounding_regression(stored: StoredState | None, new: CapabilitySet) -> str | None:
    """Why ``new`` must not replace the tool's grounded current records, or None when it may.

    The rule: when the current records include grounded ones, the new set is refused if none of its
    records is grounded, or if its grounded count is less than half the current grounded count.
    """
    if stored is None or stored.grounded == 0:
        return None
    grounded = sum(1 for record in new.capabilities if record.grounded)
    if grounded > 0 and grounded >= stored.grounded * GROUNDED_SHARE_KEPT:
        return None
    return (
        f"re-extraction rejected: {grounded} of its {len(new.capabilities)} records are grounded, against "
        f"{stored.grounded} grounded current records, which are kept "
        "(pass --accept-ungrounded to replace them anyway)"
    )


def _result_outcome(
    pending: PendingExtraction,
    error: CapgraphError | None,
    rejection: str | None,
    records: CapabilitySet | None,
) -> ToolOutcome:
    tool_id = pending.fetched.tool.id
    if error is not None:
        status, reason = outcome_for(error, tool_id=tool_id)
        return _outcome(pending, status, reason)
    if rejection is not None:
        return _outcome(pending, "failed", f"{tool_id}: {rejection}")
    assert records is not None
    ungrounded = sum(1 for record in records.capabilities if not record.grounded)
    return _outcome(pending, "extracted", count=len(records.capabilities), ungrounded=ungrounded)


_FIRST_STORE_RETRY_SECONDS = 0.1
_LONGEST_STORE_RETRY_SECONDS = 2.0


def _write_with_retries(
    context: IngestContext, results: Sequence[UnstoredResult], *, patient: bool = True
) -> CapgraphError | None:
    """Write finished tools in one transaction; while another process holds the file, retry with
    backoff for twice the lock timeout (each attempt itself waits up to the lock timeout), or just once
    when not ``patient``. The error that remains, or None.

    Waits through ``context.interrupt``: once the run is interrupted a busy file is not waited for.
    """
    window = 2 * context.warehouse.lock_timeout_seconds if patient else 0.0
    deadline = time.monotonic() + window
    delay = _FIRST_STORE_RETRY_SECONDS
    while True:
        try:
            _write(context.warehouse, results)
            return None
        except WarehouseBusyError as busy:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or context.interrupt.is_set:
                return busy
            try:
                context.interrupt.sleep(min(delay, remaining))
            except RunInterrupted:
                return busy
            delay = min(delay * 2, _LONGEST_STORE_RETRY_SECONDS)
        except CapgraphError as failure:
            return failure


def _write(warehouse: Warehouse, results: Sequence[UnstoredResult]) -> None:
    with warehouse.writer() as session:
        session.record_extractions(
            [
                ExtractionToStore(
                    result.pending.fetched,
                    result.run,
                    result.capabilities,
                    result.calls,
                    result.pending.reading,
                )
                for result in results
            ]
        )


def store_held_results(context: IngestContext) -> dict[str, ToolOutcome]:
    """The end-of-run try for results whose write found the file busy: their outcomes by ref.

    One more round of retries (a single attempt without waiting once the run is interrupted); what
    still cannot be stored is reported failed, naming the tool, and its API calls are kept in the
    ledger file beside the warehouse so the next run books them (a paid call is never lost).
    """
    outcomes: dict[str, ToolOutcome] = {}
    patient = True
    for result in context.take_unstored():
        tool_id = result.pending.fetched.tool.id
        failure = _write_with_retries(context, [result], patient=patient)
        if failure is None:
            outcomes[result.pending.ref] = result.outcome
            continue
        patient = False  # the file is still held: the others get one attempt each, not a wait each
        kept = keep_calls_aside(context.settings.db, result.calls)
        tail = (
            f"; its {kept} API calls are kept for the next run"
            if kept
            else (f"; its {len(result.calls)} API calls could not be kept" if result.calls else "")
        )
        outcomes[result.pending.ref] = _outcome(
            result.pending, "failed", f"{tool_id}: extracted but not stored: {failure.one_line()}{tail}"
        )
    return outcomes


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
    known_costs = [call.cost_usd for call in calls if call.cost_usd is not None]
    return ExtractionRun(
        ingest_id=context.ingest_id,
        tool_id=fetched.tool.id,
        extractor=key.extractor,
        model=key.model,
        prompt_version=key.prompt_version,
        document_sha256=key.document_sha256,
        status="succeeded" if error is None else outcome_for(error)[0],
        started_at=started_at,
        finished_at=utc_now(),
        input_tokens=sum(call.input_tokens for call in calls),
        output_tokens=sum(call.output_tokens for call in calls),
        cache_read_tokens=sum(call.cache_read_tokens for call in calls),
        cache_write_tokens=sum(call.cache_write_tokens for call in calls),
        # One call of unknown cost makes the run's cost unknown, never a total that looks complete.
        cost_usd=sum(known_costs, Decimal(0)) if len(known_costs) == len(calls) else None,
        error=None if error is None else error.one_line()[:4000],
        retryable=None if error is None else error.transient,
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


def publish_analyst_copy(context: IngestContext) -> str | None:
    """After a run: refresh the copy analysts and read commands use, so they never block ingestion,
    then make sure the live file is let go.

    A note for the summary when the copy could not be refreshed (the previous copy stays); never raises.
    """
    if not context.settings.db.exists():
        return None
    try:
        context.warehouse.publish(context.settings.analyst_path())
    except CapgraphError as error:
        return f"analyst copy not refreshed, the previous one stays: {error.one_line()}"
    finally:
        # A failed release is retried at exit; what was written is in the file or its WAL meanwhile.
        with suppress(CapgraphError):
            context.warehouse.release()
    return None


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
            yield from in_write_batches(
                context, pool.map(lambda item: prepare_extraction(item, context), pending)
            )

    return extract_all


def one_after_another(context: IngestContext) -> ExtractAll:
    """Extract in order, so a fatal error stops the run before the next tool starts."""
    return lambda pending: in_write_batches(context, (prepare_extraction(item, context) for item in pending))


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
    come back in the order of ``refs``. The run holds the warehouse's run lock throughout (joining the
    CLI's, which took it first); when another process holds it, raises ``RunLockedError`` at once.
    """
    with RunLock(context.settings.db, command=context.command):
        return _locked_run(refs, context, force=force, on_outcome=on_outcome, extract_all=extract_all)


def _locked_run(
    refs: Sequence[tuple[str, CatalogEntry | None]],
    context: IngestContext,
    *,
    force: bool,
    on_outcome: ProgressCallback | None,
    extract_all: ExtractAll | None,
) -> RunSummary:
    started = time.perf_counter()
    started_at = utc_now()
    _log.info(
        "run %s (%s, %s): %d tools", context.ingest_id, context.trigger, context.extractor_notice, len(refs)
    )
    context.load_stored_states()
    resumed = resume_open_batches(context, REAL_TIME)
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
    checked_all = check_all(refs, context, force=force)
    not_refreshed = store_refreshes(context)
    for checked in checked_all:
        if isinstance(checked, ToolOutcome) and checked.ref in not_refreshed:
            checked = replace(checked, status="failed", error=not_refreshed[checked.ref])
        tool_id = checked.fetched.tool.id if isinstance(checked, PendingExtraction) else checked.tool_id
        if tool_id is not None and tool_id in resumed:
            # Its batch was settled (or is still running) above: never extract it a second time.
            report(replace(resumed.pop(tool_id), ref=checked.ref))
        elif isinstance(checked, PendingExtraction):
            pending.append(checked)
        else:
            report(checked)
    for outcome in resumed.values():
        report(outcome)
    if pending:
        for outcome in (extract_all or on_thread_pool(context))(pending):
            report(outcome)
    held = store_held_results(context)
    outcomes = [held.get(outcome.ref, outcome) for outcome in outcomes]
    graph = refresh_match_graph(
        context.warehouse,
        context.settings,
        records_changed=records_changed([outcome.status for outcome in outcomes]),
    )
    snapshot = snapshot_scores(context.warehouse, context.settings)
    order = {ref: index for index, (ref, _) in enumerate(refs)}
    outcomes.sort(key=lambda outcome: order.get(outcome.ref, len(order)))
    summary = summarize(context, outcomes, time.perf_counter() - started)
    history = record_history(context, summary, started_at)
    published = publish_analyst_copy(context)
    notes = tuple(note for note in (graph.describe(), snapshot, history, published) if note)
    return replace(summary, notes=notes)


def store_refreshes(context: IngestContext) -> dict[str, str]:
    """Write what the checks found out of date on unchanged tools (their details, their source
    readings) in one transaction. The refs whose new details could not be written, with why; a reading
    that could not be written costs only a fetch next run."""
    refreshes = context.take_refreshes()
    if not refreshes:
        return {}
    tools = [refresh.tool for refresh in refreshes if refresh.tool is not None]
    readings = [(refresh.reading.tool.id, refresh.reading) for refresh in refreshes if refresh.reading]
    try:
        with context.warehouse.writer() as session:
            session.refresh_unchanged(tools, readings)
    except CapgraphError as error:
        return {
            refresh.ref: f"{refresh.tool.id}: new details not stored: {error.one_line()}"
            for refresh in refreshes
            if refresh.tool is not None
        }
    return {}


def run_status(summary: RunSummary, *, interrupted: bool) -> IngestStatus:
    """A whole run's status for run history: ``interrupted`` by a signal; ``failed`` when stopped by a
    fatal error or when nothing it tried worked; ``partial`` when some tools failed or were skipped."""
    if interrupted:
        return "interrupted"
    failed, skipped = summary.count("failed"), summary.count("skipped")
    worked = summary.count("extracted") + summary.count("unchanged")
    if summary.stopped_because is not None or (failed and not worked):
        return "failed"
    return "partial" if failed or skipped else "succeeded"


def record_history(context: IngestContext, summary: RunSummary, started_at: datetime) -> str | None:
    """Add the run to ``ingest_runs``; a note for the summary when that could not be done.

    A run of no tools on a warehouse that does not exist yet creates no file just to say so.
    """
    if not summary.outcomes and not context.settings.db.exists():
        return None
    row = IngestRunRow(
        ingest_id=context.ingest_id,
        started_at=started_at,
        finished_at=utc_now(),
        trigger=context.trigger,
        command=context.command,
        extractor=summary.extractor,
        seen=len(summary.outcomes),
        extracted=summary.count("extracted"),
        unchanged=summary.count("unchanged"),
        failed=summary.count("failed"),
        skipped=summary.count("skipped"),
        cost_usd=summary.cost_usd,
        status=run_status(summary, interrupted=context.interrupt.is_set),
        stop_reason=summary.stopped_because,
    )
    try:
        with context.warehouse.writer() as session:
            session.record_ingest_run(row)
    except CapgraphError as error:
        return f"run history not recorded: {error.one_line()}"
    return None


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


REAL_TIME = RealTimePath(store=store_extraction, extract_now=extract_pending)
"""The real-time path the batch path stores and retries through."""


def run_batch(
    targets: Sequence[tuple[str, CatalogEntry | None]],
    context: IngestContext,
    *,
    force: bool = False,
    on_outcome: ProgressCallback | None = None,
    step: StepRunner = direct,
) -> RunSummary:
    """Resume what an interrupted run left open, then send every changed tool in one new batch."""
    require_batches(context)  # fail fast, before any work, when the extractor cannot batch
    return run_pipeline(
        targets,
        context,
        force=force,
        on_outcome=on_outcome,
        extract_all=in_one_batch(context, REAL_TIME, step=step),
    )
