"""Prefect flows for ingestion: thin wrappers that run ``capgraph.pipeline`` with one task per changed tool.

Two public flows take only typed, JSON-able parameters, so a deployment (``capgraph serve``) can run
them in another process and the Prefect UI can start them: ``capgraph-ingest`` runs a catalog and/or
refs, ``capgraph-reprocess`` one ref. Settings travel as ``Settings.portable()`` values. The CLI enters
through ``run_ingest`` / ``run_reprocess``, which attach its live run context and progress bar for the
flow to pick up instead of building its own; those objects are never flow parameters.

A run whose every tool failed (or that a fatal error stopped) ends Failed; one with some failures ends
Completed with a warning. Every run publishes a Markdown summary artifact.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.settings import PREFECT_LOGGING_LEVEL
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from capgraph.ledger import check_cost_cap
from capgraph.pipeline import (
    IngestContext,
    PendingExtraction,
    ProgressCallback,
    RunSummary,
    ToolOutcome,
    UnstoredResult,
    in_write_batches,
    prepare_extraction,
    run_batch,
    run_pipeline,
)
from capgraph.settings import Settings
from capgraph.targets import Target, catalog_entry_for, collect_targets
from flows.summary import summary_markdown

SUMMARY_ARTIFACT_KEY = "capgraph-run-summary"


@dataclass
class _AttachedRun:
    """What the CLI hands a flow run in its own process: the live context, the progress bar, and a
    slot the flow fills with its summary (a Failed run has no return value to carry it)."""

    context: IngestContext
    progress: ProgressCallback | None
    summary: RunSummary | None = None
    targets: Sequence[Target] | None = None
    """What the CLI already read from its refs and catalog, so the run reads the catalog once."""


_attached: ContextVar[_AttachedRun | None] = ContextVar("capgraph_attached_run", default=None)


# Task inputs hold clients and locks; caching on them is meaningless, so it is off.
@task(name="extract-tool", task_run_name="{pending.ref}", cache_policy=NO_CACHE)
def extract_tool(pending: PendingExtraction, context: IngestContext) -> UnstoredResult | ToolOutcome:
    return prepare_extraction(pending, context)


def _as_tasks(pending: Sequence[PendingExtraction], context: IngestContext) -> Iterator[ToolOutcome]:
    """Every changed tool's extraction as its own Prefect task, all submitted before any is awaited, on
    ``settings.concurrency`` threads: the run's settings, not the flow's definition, size the pool (a
    served run imports the flow as defined). The finished tools are stored in batches as they come."""
    with ThreadPoolTaskRunner[UnstoredResult | ToolOutcome](
        max_workers=context.settings.concurrency
    ) as runner:
        futures = [runner.submit(extract_tool, {"pending": item, "context": context}) for item in pending]
        yield from in_write_batches(context, (future.result() for future in futures))


_Args = ParamSpec("_Args")
_Result = TypeVar("_Result")


def _as_task(function: Callable[_Args, _Result], /, *args: _Args.args, **kwargs: _Args.kwargs) -> _Result:
    """Run one step of the batch orchestration as a Prefect task named after it."""
    name = function.__name__.replace("_", "-")
    return task(name=name, cache_policy=NO_CACHE)(function)(*args, **kwargs)


def _trigger() -> str:
    """``schedule`` for a run the scheduler created, else ``prefect:<flow run id>``."""
    run_context = FlowRunContext.get()
    if run_context is None or run_context.flow_run is None:
        return "prefect"
    flow_run = run_context.flow_run
    # The API does not return `auto_scheduled` to clients; the scheduler's tag on the run says the same.
    if flow_run.auto_scheduled or "auto-scheduled" in flow_run.tags:
        return "schedule"
    return f"prefect:{flow_run.id}"


def _begin(settings: dict[str, Any] | None) -> tuple[IngestContext, ProgressCallback | None]:
    """The run's context: the CLI's attached one, or one built from the ``settings`` parameter."""
    # Prefect attaches its API handler to capgraph's loggers (PREFECT_LOGGING_EXTRA_LOGGERS) but leaves
    # their level alone; follow Prefect's, so capgraph's INFO lines reach the run's logs when Prefect's do.
    logging.getLogger("capgraph").setLevel(PREFECT_LOGGING_LEVEL.value())
    attached = _attached.get()
    if attached is not None:
        attached.context.trigger = _trigger()
        return attached.context, attached.progress
    context = IngestContext.create(Settings(**(settings or {})), trigger=_trigger())
    check_cost_cap(context.settings, context.extractor)  # before any work: a cap that cannot be kept refuses
    return context, None


def _finish(summary: RunSummary) -> State:
    """Publish the summary artifact and choose the run's final state."""
    attached = _attached.get()
    if attached is not None:
        attached.summary = summary
    create_markdown_artifact(
        markdown=summary_markdown(summary), key=SUMMARY_ARTIFACT_KEY, description=summary.headline()
    )
    failed = summary.count("failed")
    if summary.stopped_because is not None:
        return Failed(message=f"stopped: {summary.stopped_because}; {summary.headline()}")
    if summary.outcomes and failed == len(summary.outcomes):
        return Failed(message=f"every tool failed; {summary.headline()}")
    if failed:
        message = f"{failed} of {len(summary.outcomes)} tools failed (see the summary artifact)"
        if attached is None:  # the CLI prints the summary itself; a served run has only its logs
            get_run_logger().warning(message)
        return Completed(message=f"{message}; {summary.headline()}", data=summary)
    return Completed(message=summary.headline(), data=summary)


def _extract_as_tasks(
    targets: Sequence[Target], context: IngestContext, *, force: bool, progress: ProgressCallback | None
) -> RunSummary:
    """Check every tool on a plain thread pool, then extract the changed ones as one Prefect task each.

    Unchanged tools cost no task: a scheduled re-run of a large, mostly unchanged catalog takes a
    fraction of the first run, while every extraction (the slow, paid part) is a task to watch or retry.
    """
    return run_pipeline(
        targets,
        context,
        force=force,
        on_outcome=progress,
        extract_all=lambda pending: _as_tasks(pending, context),
    )


@flow(name="capgraph-ingest")
def ingest(
    refs: list[str] | None = None,
    catalog: str | None = None,
    force: bool = False,
    batch: bool = False,
    settings: dict[str, Any] | None = None,
) -> State:
    """Ingest a catalog and/or refs. Unchanged tools are not re-extracted unless ``force``; with
    ``batch`` the changed ones go through the Message Batches API (half price, slower).

    ``settings`` holds ``Settings.portable()`` values (db, extractor, concurrency, ...); the rest comes
    from the environment. With neither refs nor catalog it ingests the settings' catalog.
    """
    context, progress = _begin(settings)
    catalog_path = Path(catalog) if catalog else (None if refs else context.settings.catalog)
    attached = _attached.get()
    targets = (
        attached.targets
        if attached is not None and attached.targets is not None
        else collect_targets(refs or [], catalog_path)
    )
    if batch:
        summary = run_batch(targets, context, force=force, on_outcome=progress, step=_as_task)
    else:
        summary = _extract_as_tasks(targets, context, force=force, progress=progress)
    return _finish(summary)


@flow(name="capgraph-reprocess")
def reprocess(ref: str, force: bool = True, settings: dict[str, Any] | None = None) -> State:
    """Fetch and re-extract one tool (whatever its stored state, unless ``force`` is off), keeping the
    overrides (name, kind, pricing) its entry in the settings' catalog gives it."""
    context, progress = _begin(settings)
    entry = catalog_entry_for(ref, context.settings.catalog)
    return _finish(_extract_as_tasks([(ref, entry)], context, force=force, progress=progress))


@contextmanager
def _attach(
    context: IngestContext, progress: ProgressCallback | None, targets: Sequence[Target] | None = None
) -> Iterator[_AttachedRun]:
    attached = _AttachedRun(context, progress, targets=targets)
    token = _attached.set(attached)
    try:
        yield attached
    finally:
        _attached.reset(token)


def _summary_of(attached: _AttachedRun, state: State) -> RunSummary:
    if attached.summary is None:
        # The flow raised before it could summarise: re-raise its error (a capgraph error is one line).
        state.result(raise_on_failure=True)
        raise RuntimeError(f"the Prefect run ended {state.name} without a summary: {state.message}")
    return attached.summary


def run_ingest(
    context: IngestContext,
    *,
    refs: Sequence[str],
    catalog: Path | None,
    force: bool = False,
    batch: bool = False,
    progress: ProgressCallback | None = None,
    targets: Sequence[Target] | None = None,
) -> RunSummary:
    """The CLI's entry: one ``capgraph-ingest`` run in this process, on ``context``; ``targets`` are the
    refs and catalog entries the CLI already read (else the flow reads them from ``refs`` and ``catalog``)."""
    with _attach(context, progress, targets) as attached:
        state = ingest(
            refs=list(refs) or None,
            catalog=str(catalog) if catalog else None,
            force=force,
            batch=batch,
            settings=context.settings.portable(),
            return_state=True,
        )
    return _summary_of(attached, state)


def run_reprocess(context: IngestContext, ref: str) -> RunSummary:
    """The CLI's entry: one ``capgraph-reprocess`` run in this process, on ``context``."""
    with _attach(context, None) as attached:
        state = reprocess(ref=ref, settings=context.settings.portable(), return_state=True)
    return _summary_of(attached, state)
