"""Prefect flows for ingestion: thin wrappers that run ``capgraph.pipeline`` with one task per tool.

``ingest`` runs a catalog (or refs) with tools processed concurrently on a thread pool, each tool's
failure isolated in its own outcome; ``reprocess`` forces one tool through again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from prefect import Flow, flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from capgraph.batch import run_batch
from capgraph.ledger import check_cost_cap
from capgraph.pipeline import (
    IngestContext,
    PendingExtraction,
    ProgressCallback,
    RunSummary,
    ToolOutcome,
    extract_pending,
    run_pipeline,
)
from capgraph.settings import Settings
from capgraph.targets import Target, catalog_entry_for, collect_targets


# Task inputs hold clients and locks; caching on them is meaningless, so it is off.
@task(name="extract-tool", task_run_name="{pending.ref}", cache_policy=NO_CACHE)
def extract_tool(pending: PendingExtraction, context: IngestContext) -> ToolOutcome:
    return extract_pending(pending, context)


def _run(
    targets: Sequence[Target],
    context: IngestContext,
    *,
    force: bool,
    progress: ProgressCallback | None,
) -> RunSummary:
    """Check every tool on a plain thread pool, then extract the changed ones as one Prefect task each.

    Unchanged tools cost no task: a scheduled re-run of a large, mostly unchanged catalog takes a
    fraction of the first run, while every extraction (the slow, paid part) is a task to watch or retry.
    """
    logger = get_run_logger()
    logger.info("%s; %d tools", context.extractor_notice, len(targets))

    def report(outcome: ToolOutcome) -> None:
        if outcome.status == "failed":
            logger.warning("%s failed: %s", outcome.ref, outcome.error)
        if progress is not None:
            progress(outcome)

    summary = run_pipeline(
        targets,
        context,
        force=force,
        on_outcome=report,
        extract_all=lambda pending: _as_tasks(pending, context),
    )
    logger.info(summary.headline())
    return summary


def _as_tasks(pending: Sequence[PendingExtraction], context: IngestContext) -> Iterator[ToolOutcome]:
    """Every changed tool's extraction as its own Prefect task, all submitted before any is awaited."""
    futures = [extract_tool.submit(item, context) for item in pending]
    for future in futures:
        yield future.result()


def _as_task(function: Callable[..., Any], *args: Any) -> Any:
    """Run one step of the batch orchestration as a Prefect task named after it."""
    name = function.__name__.replace("_", "-")
    return task(function, name=name, cache_policy=NO_CACHE)(*args)


def _context(settings: Settings | None, context: IngestContext | None) -> IngestContext:
    """The run's context, refused before any work when its cost cap could not be kept."""
    run_context = context or IngestContext.create(settings if settings is not None else Settings())
    check_cost_cap(run_context.settings, run_context.extractor)
    return run_context


# Parameters carry live objects (the run context, a progress callback) that pydantic must not copy.
@flow(name="capgraph-ingest", task_runner=ThreadPoolTaskRunner(max_workers=8), validate_parameters=False)
def ingest(
    refs: list[str] | None = None,
    catalog: str | None = None,
    force: bool = False,
    batch: bool = False,
    settings: Settings | None = None,
    context: IngestContext | None = None,
    progress: ProgressCallback | None = None,
) -> RunSummary:
    """Ingest a catalog and/or refs. Unchanged tools are not re-extracted unless ``force``; with
    ``batch`` the changed ones go through the Message Batches API (half price, slower).

    Called with no arguments (a scheduled deployment), it builds its settings from the environment and
    ingests ``CAPGRAPH_CATALOG``.
    """
    run_context = _context(settings, context)
    catalog_path = Path(catalog) if catalog else (None if refs else run_context.settings.catalog)
    targets = collect_targets(refs or [], catalog_path)
    if batch:
        summary = run_batch(targets, run_context, force=force, on_outcome=progress, step=_as_task)
        get_run_logger().info(summary.headline())
        return summary
    return _run(targets, run_context, force=force, progress=progress)


@flow(name="capgraph-reprocess", task_runner=ThreadPoolTaskRunner(max_workers=1), validate_parameters=False)
def reprocess(
    tool_id: str,
    settings: Settings | None = None,
    context: IngestContext | None = None,
) -> RunSummary:
    """Fetch and re-extract one tool, whatever its stored state, keeping its catalog overrides."""
    run_context = _context(settings, context)
    entry = catalog_entry_for(tool_id, run_context.settings.catalog)
    return _run([(tool_id, entry)], run_context, force=True, progress=None)


def ingest_with(settings: Settings) -> Flow[..., RunSummary]:
    """The ingest flow with a worker pool sized by ``settings.concurrency``."""
    return ingest.with_options(task_runner=ThreadPoolTaskRunner(max_workers=settings.concurrency))
