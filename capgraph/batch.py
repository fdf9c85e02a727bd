"""Batch ingestion: tools that need extraction go through the extractor's batch service (for Claude, the
Message Batches API at half the price), through the ``BatchCapable`` protocol of ``extractors.base``.

Submit one batch, persist its id (and the document each item sent) in the warehouse, poll with
backoff, then store every item's outcome through the same grounding and storage path as real-time
extraction. Errored items worth retrying are re-extracted in real time (where repairs happen); expired
and canceled ones are reported and picked up again on the next run. A process killed while a batch is
in flight resumes that batch on its next run instead of paying for the work twice.

The real-time path (storing a result, extracting one tool now) is handed in as a ``RealTimePath`` by
``capgraph.pipeline``, which imports this module; this module never imports the pipeline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ParamSpec, Protocol, TypeVar

from capgraph.context import IngestContext, PendingExtraction
from capgraph.ledger import ToolCallHooks
from capgraph.outcomes import ToolOutcome, outcome_for, stops_the_run
from extractors.base import BatchCapable, BatchItem, BatchOutcome, wait_for_batch
from schemas import (
    ApiCall,
    CapabilitySet,
    CapgraphError,
    ExtractionError,
    FetchResult,
    TransientError,
    utc_now,
)

_Args = ParamSpec("_Args")
_Result = TypeVar("_Result")

StoreResult = Callable[
    [
        PendingExtraction,
        IngestContext,
        CapabilitySet | None,
        CapgraphError | None,
        Sequence[ApiCall],
        datetime,
    ],
    ToolOutcome,
]
ExtractNow = Callable[[PendingExtraction, IngestContext], ToolOutcome]


@dataclass(frozen=True)
class RealTimePath:
    """What the batch path borrows from the real-time one: how a result is grounded and stored, and
    how one tool is extracted now (an errored item worth retrying)."""

    store: StoreResult
    extract_now: ExtractNow


class StepRunner(Protocol):
    """Runs one step of the orchestration, ``step(function, *args)``: directly here, as a task in a flow."""

    def __call__(
        self, function: Callable[_Args, _Result], /, *args: _Args.args, **kwargs: _Args.kwargs
    ) -> _Result: ...


def direct(function: Callable[_Args, _Result], /, *args: _Args.args, **kwargs: _Args.kwargs) -> _Result:
    return function(*args, **kwargs)


def require_batches(context: IngestContext) -> BatchCapable[BatchOutcome]:
    """The run's batch service; a one-line error when its extractor has none (``--batch`` refuses)."""
    batches = context.batches
    if batches is None:
        raise CapgraphError(
            f"--batch needs the anthropic extractor (or another with a batch service), "
            f"this run uses {context.extractor.name}",
            subject="ingest --batch",
            hint="set CAPGRAPH_ANTHROPIC_API_KEY (or CAPGRAPH_EXTRACTOR=anthropic)",
        )
    return batches


def _items(by_id: dict[str, PendingExtraction]) -> list[BatchItem]:
    return [
        BatchItem(custom_id, item.fetched.document, item.fetched.tool) for custom_id, item in by_id.items()
    ]


def submit(
    pending: Sequence[PendingExtraction], context: IngestContext
) -> tuple[str, dict[str, PendingExtraction]]:
    """Store the fetched documents, submit them as one batch and remember the batch in the warehouse."""
    batches = require_batches(context)
    by_id = {f"t{index:05d}": item for index, item in enumerate(pending)}
    with context.warehouse.writer() as session:
        for item in pending:
            session.store_fetch(item.fetched)
    batch_id = batches.submit(_items(by_id))
    with context.warehouse.writer() as session:
        session.save_batch(
            batch_id,
            ingest_id=context.ingest_id,
            items={custom_id: item.fetched.tool.id for custom_id, item in by_id.items()},
            model=context.extractor.model or context.extractor.name,
            documents={custom_id: item.fetched.document.sha256 for custom_id, item in by_id.items()},
        )
    return batch_id, by_id


def settle(
    batch_id: str, by_id: dict[str, PendingExtraction], context: IngestContext, real_time: RealTimePath
) -> list[ToolOutcome]:
    """Wait for a batch, store each item's outcome and mark the batch finished. Never raises for an item.

    A batch that is still running, or whose status cannot be read now, stays open in the warehouse and
    its tools are skipped: the next run collects it.
    """
    batches = require_batches(context)
    settings = context.settings
    try:
        status = wait_for_batch(
            batches,
            batch_id,
            poll_seconds=settings.batch_poll_seconds,
            max_poll_seconds=settings.batch_max_poll_seconds,
            max_wait_seconds=settings.batch_max_wait_seconds,
            sleep=context.interrupt.sleep,
        )
    except TransientError as error:  # includes a deferral: the API asked for a long wait
        unread = f"whose status could not be read ({error.one_line()})"
        note = f"in batch {batch_id}, {unread}; the next run collects it"
        return [ToolOutcome(item.ref, "skipped", item.fetched.tool.id, error=note) for item in by_id.values()]
    if not status.ended:
        # The batch stays open in the warehouse: the next run collects it. Nothing is sent again for
        # these tools meanwhile, or each would be paid twice.
        note = f"in batch {batch_id}, still {status.processing_status}; the next run collects it"
        return [ToolOutcome(item.ref, "skipped", item.fetched.tool.id, error=note) for item in by_id.values()]
    hooks = {
        custom_id: ToolCallHooks(context.ledger, tool_id=item.fetched.tool.id, ingest_id=context.ingest_id)
        for custom_id, item in by_id.items()
    }
    started_at = utc_now()
    outcomes = batches.collect(batch_id, _items(by_id), hooks=lambda item: hooks[item.custom_id])
    stored = [
        _store_one(by_id[custom_id], outcome, hooks[custom_id], context, started_at, real_time)
        for custom_id, outcome in outcomes.items()
        if custom_id in by_id
    ]
    final = "canceled" if status.canceled and not status.succeeded else "ended"
    with context.warehouse.writer() as session:
        session.finish_batch(batch_id, status=final)
    return stored


def _store_one(
    pending: PendingExtraction,
    outcome: BatchOutcome,
    hooks: ToolCallHooks,
    context: IngestContext,
    started_at: datetime,
    real_time: RealTimePath,
) -> ToolOutcome:
    if outcome.kind == "succeeded" and outcome.capabilities is not None:
        return real_time.store(pending, context, outcome.capabilities, None, hooks.calls, started_at)
    if outcome.kind == "errored" and outcome.retryable:
        retried = real_time.extract_now(pending, context)
        if hooks.calls:  # the batch attempt's ledger rows are kept even though its answer was unusable
            with context.warehouse.writer() as session:
                session.record_calls(hooks.calls)
        return retried
    if outcome.kind == "errored":
        error: CapgraphError = ExtractionError(
            f"batch request failed: {outcome.error}", subject=pending.fetched.tool.id
        )
    else:
        error = TransientError(
            f"batch request {outcome.kind}; it will be extracted on the next run",
            subject=pending.fetched.tool.id,
        )
    return real_time.store(pending, context, None, error, hooks.calls, started_at)


def submit_batch(
    pending: list[PendingExtraction], context: IngestContext
) -> tuple[str, dict[str, PendingExtraction]] | list[ToolOutcome]:
    """Submit the batch, or say per tool why nothing was submitted (never raises for the API's refusal).

    A rejected key or unpaid account stops the run and is reported once, as the run's reason.
    """
    try:
        return submit(pending, context)
    except CapgraphError as error:
        if stops_the_run(error):
            context.stop(error.one_line())
        status, note = outcome_for(error)
        if status == "failed":
            note = f"{note}; the batch was not submitted"
        return [ToolOutcome(item.ref, status, item.fetched.tool.id, error=note) for item in pending]


def settle_batch(
    batch_id: str, by_id: dict[str, PendingExtraction], context: IngestContext, real_time: RealTimePath
) -> list[ToolOutcome]:
    return settle(batch_id, by_id, context, real_time)


def in_one_batch(
    context: IngestContext, real_time: RealTimePath, *, step: StepRunner = direct
) -> Callable[[Sequence[PendingExtraction]], list[ToolOutcome]]:
    """Extract every changed tool through one new batch (half price, slower)."""

    def extract_all(pending: Sequence[PendingExtraction]) -> list[ToolOutcome]:
        if context.ledger.exhausted:
            return [
                ToolOutcome(item.ref, "skipped", error=context.ledger.exhausted_message()) for item in pending
            ]
        submitted = step(submit_batch, list(pending), context)
        if isinstance(submitted, list):
            return submitted
        batch_id, by_id = submitted
        return step(settle_batch, batch_id, by_id, context, real_time)

    return extract_all


def resume_open_batches(context: IngestContext, real_time: RealTimePath) -> dict[str, ToolOutcome]:
    """Settle batches an earlier run left in flight before anything is sent again (never pay twice).

    The outcomes by tool id; the run reports them for those tools and extracts none of them again, by
    any path: a tool whose batch is still running is skipped until a later run collects it. Nothing to
    do (and no warehouse access) when the run's extractor has no batch service. Uses the stored states the
    run already read: a resumed tool is reported from here, so its newer stored state is never needed.
    """
    if context.batches is None or not context.settings.db.exists():
        return {}
    with context.warehouse.writer() as session:
        rebuilt: list[tuple[str, dict[str, PendingExtraction]]] = []
        for batch in session.open_batches():
            by_id: dict[str, PendingExtraction] = {}
            for custom_id, tool_id in batch.items.items():
                sha256 = batch.documents.get(custom_id)
                document = session.document(sha256) if sha256 else None
                stored = context.stored_states.get(tool_id)
                if document is None or stored is None:
                    continue  # nothing to ground the answer against: the tool is re-extracted instead
                by_id[custom_id] = PendingExtraction(
                    tool_id, FetchResult(tool=stored.tool, document=document), time.perf_counter()
                )
            rebuilt.append((batch.batch_id, by_id))
    outcomes: list[ToolOutcome] = []
    for batch_id, by_id in rebuilt:
        outcomes.extend(settle(batch_id, by_id, context, real_time))
    return {outcome.tool_id or outcome.ref: outcome for outcome in outcomes}
