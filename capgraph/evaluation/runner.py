"""Run an evaluation: ingest a gold set's documents with the chosen extractor, then score what was stored.

The documents go through the real pipeline (fetch, extract, ground, store, match graph) into an eval
warehouse of their own, beside the main one: ``<db stem>.eval/<gold set>-<hash>-<extractor>[-<model>]
.duckdb``. It is kept between evaluations so an unchanged document is not extracted (nor paid for)
twice; ``fresh`` starts it over. Tools no longer in the gold set are retired from it first, so they
cannot appear as alternatives. The result, and every API call the run made, go into the main
warehouse: ``eval_runs`` and ``eval_tool_results``, and the ledger (``api_calls``).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from capgraph.context import IngestContext
from capgraph.evaluation.gold_set import GoldSet
from capgraph.evaluation.scoring import ALTERNATIVES_SCORED, StoredTool, score_tool
from capgraph.matching import refresh_match_graph
from capgraph.outcomes import ToolOutcome
from capgraph.pipeline import RunSummary, run_pipeline
from capgraph.settings import Settings
from capgraph.stage_options import extractor_options
from extractors.registry import resolve
from schemas import ApiCall, Interrupt, utc_now
from schemas.evaluation import EvalRun, EvalToolResult
from sources.refs import normalise_ref
from warehouse import Warehouse


@dataclass
class EvalPlan:
    """An evaluation ready to run: the gold set, the main settings, and the eval warehouse's context."""

    gold: GoldSet
    settings: Settings
    context: IngestContext
    eval_db: Path

    @property
    def refs(self) -> list[str]:
        return [entry.ref for entry in self.gold.entries]


def eval_db_path(settings: Settings, gold: GoldSet, extractor: str, model: str | None) -> Path:
    """Where the eval warehouse of this gold set and extractor (and model) lives, beside the main one."""
    root = str(gold.root.resolve())
    label = re.sub(r"[^a-z0-9]+", "-", f"{gold.root.resolve().name}-{extractor}-{model or ''}".lower())
    digest = hashlib.sha256(root.encode()).hexdigest()[:8]
    return settings.db.parent / f"{settings.db.stem}.eval" / f"{label.strip('-')}-{digest}.duckdb"


def plan_eval(gold: GoldSet, settings: Settings, *, fresh: bool = False) -> EvalPlan:
    """Choose the extractor (``settings.extractor``) and open the eval warehouse's run context."""
    interrupt = Interrupt()
    extractor, notice = resolve(extractor_options(settings), sleep=interrupt.sleep)
    eval_db = eval_db_path(settings, gold, extractor.name, extractor.model)
    if fresh:
        # The file, its write-ahead log, its lock and its analyst copy.
        for leftover in eval_db.parent.glob(f"{eval_db.stem}.*"):
            leftover.unlink()
    eval_db.parent.mkdir(parents=True, exist_ok=True)
    eval_settings = settings.model_copy(
        update={"db": eval_db, "analyst_db": eval_db.with_name(f"{eval_db.stem}.analyst.duckdb")}
    )
    context = IngestContext.create(
        eval_settings, extractor=extractor, command="capgraph eval", interrupt=interrupt
    )
    context.extractor_notice = notice
    return EvalPlan(gold=gold, settings=settings, context=context, eval_db=eval_db)


def run_eval(plan: EvalPlan, *, on_outcome: Callable[[ToolOutcome], None] | None = None) -> EvalRun:
    """Ingest, score and record one evaluation; returns what it found."""
    started = utc_now()
    context = plan.context
    tool_ids = {entry.id: normalise_ref(entry.ref) for entry in plan.gold.entries}
    _retire_tools_outside(context, set(tool_ids.values()))
    summary = run_pipeline([(ref, None) for ref in plan.refs], context, on_outcome=on_outcome)
    tools, calls = _read_results(plan, summary, tool_ids)
    run = EvalRun(
        eval_id=uuid.uuid4().hex,
        ingest_id=summary.ingest_id,
        started_at=started,
        finished_at=utc_now(),
        gold_root=str(plan.gold.root.resolve()),
        extractor=context.extractor.name,
        model=context.extractor.model,
        prompt_version=context.extractor.prompt_version,
        cost_usd=summary.cost_usd,
        tools=tools,
    )
    main = Warehouse(plan.settings.db, lock_timeout_seconds=plan.settings.lock_timeout_seconds)
    try:
        with main.writer() as session:
            session.record_calls(calls)
            session.record_eval_run(run)
    finally:
        main.release()
    return run


def _retire_tools_outside(context: IngestContext, wanted: set[str]) -> None:
    if not context.settings.db.exists():
        return
    with context.warehouse.reader() as session:
        stale = [tool_id for tool_id in session.tool_ids() if tool_id not in wanted]
    if not stale:
        return
    with context.warehouse.writer() as session:
        for tool_id in stale:
            session.retire_tool(tool_id)
    refresh_match_graph(context.warehouse, context.settings, records_changed=True)


def _read_results(
    plan: EvalPlan, summary: RunSummary, tool_ids: dict[str, str]
) -> tuple[list[EvalToolResult], list[ApiCall]]:
    """Each gold tool scored on what the run stored for it, and the run's ledger rows."""
    gold_by_tool = {tool_id: gold_id for gold_id, tool_id in tool_ids.items()}
    failures = {
        outcome.tool_id or normalise_ref(outcome.ref): outcome.error
        for outcome in summary.outcomes
        # A skipped tool's reason counts too: it says the last extraction failed for good.
        if outcome.status in ("failed", "skipped") and outcome.error
    }
    results = []
    try:
        with plan.context.warehouse.reader() as session:
            for entry in plan.gold.entries:
                tool_id = tool_ids[entry.id]
                profile = session.tool_profile(tool_id) if session.has_tool(tool_id) else None
                alternatives = session.alternatives(tool_id, limit=ALTERNATIVES_SCORED) if profile else []
                stored = StoredTool(
                    tool_id=tool_id,
                    name=profile.tool.name if profile else None,
                    capabilities=profile.capabilities if profile else (),
                    alternatives=[
                        gold_by_tool.get(row.alternative_id, row.alternative_id) for row in alternatives
                    ],
                    failure=failures.get(tool_id),
                )
                present = [other for other in entry.gold.competitors if other in tool_ids]
                results.append(score_tool(entry, stored, present))
            calls = session.api_calls(ingest_id=summary.ingest_id)
    finally:
        plan.context.warehouse.release()
    return results, calls
