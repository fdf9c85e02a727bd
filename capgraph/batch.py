"""Batch ingestion: tools that need extraction go through the Message Batches API at half the price.

Submit one batch, persist its id (and the document each item sent) in the warehouse, poll with
backoff, then store every item's outcome through the same grounding and storage path as real-time
extraction. Errored items worth retrying are re-extracted in real time (where repairs happen); expired
and canceled ones are reported and picked up again on the next run. A process killed while a batch is
in flight resumes that batch on its next run instead of paying for the work twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ParamSpec, Protocol, TypeVar

from capgraph.catalog import CatalogEntry
from capgraph.ledger import ToolCallHooks
from capgraph.pipeline import (
    RUN_STOPPED_NOTE,
    ExtractAll,
    IngestContext,
    OutcomeStatus,
    PendingExtraction,
    ProgressCallback,
    RunSummary,
    ToolOutcome,
    extract_pending,
    run_pipeline,
    store_extraction,
)
from extractors.anthropic import AnthropicExtractor
from extractors.anthropic.batches import BatchClient, BatchItem, BatchOutcome
from schemas import (
    BudgetExceeded,
    CapgraphError,
    DeferredError,
    ExtractionError,
    FatalRunError,
    FetchResult,
    TransientError,
    utc_now,
)

_Args = ParamSpec("_Args")
_Result = TypeVar("_Result")


class StepRunner(Protocol):
    """Runs one step of the orchestration, ``step(function, *args)``: directly here, as a task in a flow."""

    def __call__(
        self, function: Callable[_Args, _Result], /, *args: _Args.args, **kwargs: _Args.kwargs
    ) -> _Result: ...


def direct(function: Callable[_Args, _Result], /, *args: _Args.args, **kwargs: _Args.kwargs) -> _Result:
    return function(*args, **kwargs)


@dataclass(frozen=True)
class WaitPolicy:
    poll_seconds: float
    max_poll_seconds: float
    max_wait_seconds: float


def batch_client_for(context: IngestContext) -> BatchClient:
    """The batch client over the run's own extractor, so keys, prices and prompt version agree."""
    if not isinstance(context.extractor, AnthropicExtractor):
        raise CapgraphError(
            f"--batch needs the anthropic extractor, this run uses {context.extractor.name}",
            subject="ingest --batch",
            hint="set CAPGRAPH_ANTHROPIC_API_KEY (or CAPGRAPH_EXTRACTOR=anthropic)",
        )
    return BatchClient(context.extractor, sleep=context.interrupt.sleep)


def wait_policy(context: IngestContext) -> WaitPolicy:
    settings = context.settings
    return WaitPolicy(
        settings.batch_poll_seconds, settings.batch_max_poll_seconds, settings.batch_max_wait_seconds
    )


def submit(
    pending: Sequence[PendingExtraction], context: IngestContext, client: BatchClient
) -> tuple[str, dict[str, PendingExtraction]]:
    """Store the fetched documents, submit them as one batch and remember the batch in the warehouse."""
    by_id = {f"t{index:05d}": item for index, item in enumerate(pending)}
    with context.warehouse.writer() as session:
        for item in pending:
            session.store_fetch(item.fetched)
    items = [
        BatchItem(custom_id, item.fetched.document, item.fetched.tool) for custom_id, item in by_id.items()
    ]
    batch_id = client.submit(items)
    with context.warehouse.writer() as session:
        session.save_batch(
            batch_id,
            ingest_id=context.ingest_id,
            items={custom_id: item.fetched.tool.id for custom_id, item in by_id.items()},
            model=client.extractor.model,
            documents={custom_id: item.fetched.document.sha256 for custom_id, item in by_id.items()},
        )
    return batch_id, by_id


def settle(
    batch_id: str,
    by_id: dict[str, PendingExtraction],
    context: IngestContext,
    client: BatchClient,
    policy: WaitPolicy,
) -> list[ToolOutcome]:
    """Wait for a batch, store each item's outcome and mark the batch finished. Never raises for an item.

    A batch that is still running, or whose status cannot be read now, stays open in the warehouse and
    its tools are skipped: the next run collects it.
    """
    try:
        status = client.wait(
            batch_id,
            poll_seconds=policy.poll_seconds,
            max_poll_seconds=policy.max_poll_seconds,
            max_wait_seconds=policy.max_wait_seconds,
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
    items = [
        BatchItem(custom_id, item.fetched.document, item.fetched.tool) for custom_id, item in by_id.items()
    ]
    started_at = utc_now()
    outcomes = client.collect(batch_id, items, hooks=lambda item: hooks[item.custom_id])
    stored = [
        _store_one(by_id[custom_id], outcome, hooks[custom_id], context, started_at)
        for custom_id, outcome in outcomes.items()
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
) -> ToolOutcome:
    if outcome.kind == "succeeded" and outcome.capabilities is not None:
        return store_extraction(pending, context, outcome.capabilities, None, hooks.calls, started_at)
    if outcome.kind == "errored" and outcome.retryable:
        retried = extract_pending(pending, context)
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
    return store_extraction(pending, context, None, error, hooks.calls, started_at)


def resume_if_open(context: IngestContext) -> dict[str, ToolOutcome]:
    """Settle batches an earlier run left in flight before anything is sent again (never pay twice).

    Called by the run loop only when the run uses the anthropic extractor. Returns the outcomes by tool
    id; the run reports them for those tools and extracts none of them again, by any path: a tool
    whose batch is still running is skipped until a later run collects it.
    """
    resumed = {
        outcome.tool_id or outcome.ref: outcome
        for outcome in resume_open_batches(context, batch_client_for(context), wait_policy(context))
    }
    context.load_stored_states()
    return resumed


def submit_batch(
    pending: list[PendingExtraction], context: IngestContext
) -> tuple[str, dict[str, PendingExtraction]] | list[ToolOutcome]:
    """Submit the batch, or say per tool why nothing was submitted (never raises for the API's refusal).

    A rejected key or unpaid account stops the run and is reported once, as the run's reason.
    """
    try:
        return submit(pending, context, batch_client_for(context))
    except FatalRunError as fatal:
        context.stop(fatal.one_line())
        return [_not_submitted(item, "skipped", RUN_STOPPED_NOTE) for item in pending]
    except (BudgetExceeded, DeferredError) as error:
        return [_not_submitted(item, "skipped", error.one_line()) for item in pending]
    except CapgraphError as error:
        note = f"{error.one_line()}; the batch was not submitted"
        return [_not_submitted(item, "failed", note) for item in pending]


def _not_submitted(item: PendingExtraction, status: OutcomeStatus, note: str) -> ToolOutcome:
    return ToolOutcome(item.ref, status, item.fetched.tool.id, error=note)


def settle_batch(
    batch_id: str, by_id: dict[str, PendingExtraction], context: IngestContext
) -> list[ToolOutcome]:
    return settle(batch_id, by_id, context, batch_client_for(context), wait_policy(context))


def in_one_batch(context: IngestContext, *, step: StepRunner = direct) -> ExtractAll:
    """Extract every changed tool through one new message batch (half price, slower)."""

    def extract_all(pending: Sequence[PendingExtraction]) -> list[ToolOutcome]:
        if context.ledger.exhausted:
            return [
                ToolOutcome(item.ref, "skipped", error=context.ledger.exhausted_message()) for item in pending
            ]
        submitted = step(submit_batch, list(pending), context)
        if isinstance(submitted, list):
            return submitted
        batch_id, by_id = submitted
        return step(settle_batch, batch_id, by_id, context)

    return extract_all


def run_batch(
    targets: Sequence[tuple[str, CatalogEntry | None]],
    context: IngestContext,
    *,
    force: bool = False,
    on_outcome: ProgressCallback | None = None,
    step: StepRunner = direct,
) -> RunSummary:
    """Resume what an interrupted run left open, then send every changed tool in one new batch."""
    batch_client_for(context)  # fail fast, before any work, when the extractor cannot batch
    return run_pipeline(
        targets, context, force=force, on_outcome=on_outcome, extract_all=in_one_batch(context, step=step)
    )


def resume_open_batches(context: IngestContext, client: BatchClient, policy: WaitPolicy) -> list[ToolOutcome]:
    """Finish batches an earlier, interrupted run left in flight, with the documents they sent."""
    with context.warehouse.writer() as session:
        open_batches = session.open_batches()
        rebuilt: list[tuple[str, dict[str, PendingExtraction]]] = []
        for batch in open_batches:
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
        outcomes.extend(settle(batch_id, by_id, context, client, policy))
    return outcomes
