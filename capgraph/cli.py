"""The ``capgraph`` command line: ingest and reprocess (through Prefect when asked), read commands, serve.

``ingest`` and ``reprocess`` run the pipeline core directly unless a Prefect API is configured
(``PREFECT_API_URL``) or ``--prefect`` is given (see ``capgraph.prefect_env``); read commands (tools,
show, compare, runs, costs, sql) never import Prefect, so they answer at once.
Every error is one line naming the tool or input and the problem; the exit code is non-zero whenever
the command could not do its whole job.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console

from capgraph import views
from capgraph.settings import Settings
from schemas import CapgraphError, NotFoundError

app = typer.Typer(
    help="Turn tool descriptions into evidence-backed capability records and compare them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[
    Path | None, typer.Option("--db", help="Warehouse file (default: $CAPGRAPH_DB or ./capgraph.duckdb).")
]
LiveOption = Annotated[
    bool, typer.Option("--live", help="Read the live warehouse file instead of the analyst copy.")
]
EXIT_TOOL_FAILED = 1
EXIT_BAD_INPUT = 2


def _settings(db: Path | None, **overrides: Any) -> Settings:
    values = {key: value for key, value in overrides.items() if value is not None}
    if db is not None:
        values["db"] = db
    return Settings(**values)


def _stdout() -> Console:
    console = Console(soft_wrap=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Piped or logged output (cron, make) would be cut at 80 columns: tool ids must stay whole.
        console.width = 200
    return console


def _stderr() -> Console:
    # soft_wrap: an error stays one line in logs instead of being broken at 80 columns.
    return Console(stderr=True, soft_wrap=True)


@contextmanager
def _clear_errors() -> Iterator[None]:
    """Turn capgraph's errors into one red line and exit code 2, instead of a traceback."""
    try:
        yield
    except CapgraphError as error:
        _stderr().print(f"[red]error:[/red] {error.one_line()}", highlight=False, markup=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except ValidationError as error:
        if error.title != Settings.__name__:
            raise
        for problem in error.errors():
            name = "CAPGRAPH_" + "_".join(str(part) for part in problem["loc"]).upper()
            given = problem.get("input")
            _stderr().print(
                f"[red]error:[/red] setting {name}={given!s}: {problem['msg']}", highlight=False, markup=True
            )
        raise typer.Exit(EXIT_BAD_INPUT) from None


PrefectOption = Annotated[
    bool,
    typer.Option(
        "--prefect", help="Run through Prefect (a temporary local server unless PREFECT_API_URL is set)."
    ),
]
EXIT_NOT_SERVED = 1


def _run_ingestion(settings: Settings, run: Any, *, use_prefect: bool, batch: bool = False) -> None:
    """Run an ingestion directly or through Prefect, print the summary and set the exit code."""
    from capgraph.pipeline import IngestContext
    from capgraph.prefect_env import orchestration_notice

    context = IngestContext.create(settings, trigger="cli")
    if batch:
        from capgraph.batch import batch_client_for

        batch_client_for(context)  # refuse before any work when the extractor cannot batch
    err = _stderr()
    err.print(context.extractor_notice, highlight=False)
    err.print(orchestration_notice(use_prefect), highlight=False)
    if use_prefect:
        from capgraph.prefect_env import apply_quiet_defaults

        apply_quiet_defaults()
    summary = run(context)
    views.print_summary(_stdout(), summary)
    if not summary.ok:
        raise typer.Exit(EXIT_TOOL_FAILED)


@app.command()
def ingest(
    refs: Annotated[
        list[str] | None, typer.Argument(help="Tool refs, e.g. installed:rich file:docs/tool.md")
    ] = None,
    catalog: Annotated[Path | None, typer.Option(help="A catalog TOML file of tool refs.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-extract tools even when unchanged.")] = False,
    batch: Annotated[
        bool, typer.Option("--batch", help="Send changed tools through the Message Batches API (half price).")
    ] = False,
    concurrency: Annotated[int | None, typer.Option(min=1, help="Tools processed at once.")] = None,
    max_cost: Annotated[
        float | None, typer.Option("--max-cost", min=0.0, help="Stop paid calls at this many USD.")
    ] = None,
    db: DbOption = None,
    prefect: PrefectOption = False,
) -> None:
    """Fetch, extract and store tools from a catalog and/or refs (unchanged tools are skipped)."""
    if not refs and catalog is None:
        _stderr().print("[red]error:[/red] give tool refs or --catalog FILE (see capgraph ingest --help)")
        raise typer.Exit(EXIT_BAD_INPUT)
    with _clear_errors():
        settings = _settings(
            db, concurrency=concurrency, max_cost_usd=Decimal(str(max_cost)) if max_cost is not None else None
        )
        from capgraph.prefect_env import wants_prefect
        from capgraph.targets import collect_targets

        targets = collect_targets(refs or [], catalog)
        use_prefect = wants_prefect(prefect)

        def run(context: Any) -> Any:
            with views.progress_bar(_stderr(), total=len(targets)) as advance:
                if use_prefect:
                    from flows.ingest import run_ingest

                    return run_ingest(
                        context, refs=refs or [], catalog=catalog, force=force, batch=batch, progress=advance
                    )
                if batch:
                    from capgraph.batch import run_batch

                    return run_batch(targets, context, force=force, on_outcome=advance)
                from capgraph.pipeline import run_pipeline

                return run_pipeline(targets, context, force=force, on_outcome=advance)

        _run_ingestion(settings, run, use_prefect=use_prefect, batch=batch)


@app.command()
def reprocess(
    tool_id: Annotated[str, typer.Argument(help="A stored tool id, e.g. installed:duckdb")],
    db: DbOption = None,
    prefect: PrefectOption = False,
) -> None:
    """Fetch and re-extract one stored tool now, even when nothing changed (keeping its catalog overrides)."""
    with _clear_errors():
        settings = _settings(db)
        from capgraph.reading import read_warehouse

        with read_warehouse(settings, live=True).reader() as session:
            if not session.has_tool(tool_id):
                raise NotFoundError(
                    "no such tool in the warehouse",
                    subject=tool_id,
                    hint="`capgraph tools` lists the stored tools",
                )
        from capgraph.prefect_env import wants_prefect

        use_prefect = wants_prefect(prefect)

        def run(context: Any) -> Any:
            if use_prefect:
                from flows.ingest import run_reprocess

                return run_reprocess(context, tool_id)
            from capgraph.pipeline import run_pipeline
            from capgraph.targets import catalog_entry_for

            entry = catalog_entry_for(tool_id, settings.catalog)
            return run_pipeline([(tool_id, entry)], context, force=True)

        _run_ingestion(settings, run, use_prefect=use_prefect)


@app.command()
def discover(
    source: Annotated[str, typer.Argument(help="hf, github or openrouter")],
    catalog: Annotated[
        Path, typer.Option(help="The catalog file to add refs to (created if missing).")
    ] = Path("catalog.toml"),
    top: Annotated[int | None, typer.Option(help="How many of the most popular to add.")] = None,
    kind: Annotated[str, typer.Option(help="hf only: model or dataset.")] = "model",
    topic: Annotated[str | None, typer.Option(help="github only: the repository topic.")] = None,
) -> None:
    """Add the most popular tools of a source to a catalog, so scheduled runs track them."""
    with _clear_errors():
        from capgraph.discovery import discover_refs

        settings = _settings(None)
        refs = discover_refs(settings, source, top=top, kind=kind, topic=topic)
        from capgraph.catalog import add_to_catalog

        added = add_to_catalog(catalog, refs)
        _stdout().print(
            f"{source}: found {len(refs)}, added {len(added)} to {catalog} "
            f"({len(refs) - len(added)} already there)",
            highlight=False,
        )
        for entry in added:
            _stdout().print(f"  + {entry.ref}", highlight=False)


@app.command()
def tools(db: DbOption = None, live: LiveOption = False) -> None:
    """List stored tools: id, name, kind, capabilities, last run."""
    with _clear_errors():
        from capgraph.reading import read_warehouse

        with read_warehouse(_settings(db), live=live).reader() as session:
            rows = session.list_tools()
        views.print_tools(_stdout(), rows)


@app.command()
def show(
    tool_id: Annotated[str, typer.Argument(help="A stored tool id, e.g. installed:duckdb")],
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Show every score with its inputs, their sources and dates."),
    ] = False,
    db: DbOption = None,
    live: LiveOption = False,
) -> None:
    """Show one tool's current capability records with their evidence (ungrounded ones marked)."""
    with _clear_errors():
        from capgraph.reading import read_warehouse

        with read_warehouse(_settings(db), live=live).reader() as session:
            profile = session.tool_profile(tool_id)
            scores = session.tool_scores(tool_id) if explain else None
            inputs = session.score_inputs(tool_id) if explain else []
        if not explain:
            views.print_profile(_stdout(), profile)
            return
        from capgraph.explain import print_score_explanation

        views.print_profile_header(_stdout(), profile)
        _stdout().print()
        print_score_explanation(_stdout(), scores, inputs)


@app.command()
def alternatives(
    tool_id: Annotated[str, typer.Argument(help="A stored tool id, e.g. installed:duckdb")],
    limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None,
    db: DbOption = None,
    live: LiveOption = False,
) -> None:
    """List a tool's closest alternatives from the match graph, with shared and distinct capabilities."""
    with _clear_errors():
        from capgraph.explain import print_alternatives
        from capgraph.reading import read_warehouse

        with read_warehouse(_settings(db), live=live).reader() as session:
            rows = session.alternatives(tool_id, limit=limit)
        print_alternatives(_stdout(), tool_id, rows)


@app.command()
def compare(
    left: Annotated[str, typer.Argument(help="First tool id")],
    right: Annotated[str, typer.Argument(help="Second tool id")],
    page_format: Annotated[str, typer.Option("--format", help="md or html")] = "md",
    out: Annotated[Path | None, typer.Option(help="Write the page here instead of printing it.")] = None,
    max_capabilities: Annotated[int, typer.Option(help="Capabilities shown per tool.")] = 8,
    db: DbOption = None,
    live: LiveOption = False,
) -> None:
    """Render an "A vs B" comparison page of two stored tools."""
    with _clear_errors():
        if page_format not in ("md", "html"):
            raise CapgraphError(f"unknown format {page_format!r}", subject="--format", hint="use md or html")
        from capgraph.compare import comparison_page
        from capgraph.reading import read_warehouse

        settings = _settings(db)
        page = comparison_page(
            read_warehouse(settings, live=live),
            left,
            right,
            page_format=page_format,  # type: ignore[arg-type]
            max_capabilities=max_capabilities,
        )
        if out is None:
            sys.stdout.write(page if page.endswith("\n") else page + "\n")
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(page, encoding="utf-8")
            _stderr().print(f"wrote {out}", highlight=False)
        from capgraph.compare import count_comparisons

        notice = count_comparisons(settings, [(left, right)], via="compare")
        if notice:
            _stderr().print(notice, highlight=False)


@app.command()
def site(
    out: Annotated[Path, typer.Option(help="The folder to write the site into (created if missing).")],
    max_capabilities: Annotated[int, typer.Option(help="Capabilities shown per tool on pair pages.")] = 12,
    db: DbOption = None,
    live: LiveOption = False,
) -> None:
    """Write a static HTML site: an index with search, a page per tool, a page per compared pair."""
    with _clear_errors():
        from capgraph.reading import read_warehouse
        from capgraph.site_build import build_site

        settings = _settings(db)
        warehouse = read_warehouse(settings, live=live)
        with warehouse.reader() as session:
            total = len(session.tool_ids())
        with views.loading_bar(_stderr(), total=total, label="reading tools") as advance:
            report = build_site(
                warehouse, settings, out, max_capabilities=max_capabilities, on_tool=lambda _: advance()
            )
        summary = report.summary
        _stdout().print(
            f"wrote {summary.pages} pages ({summary.bytes / 1_000_000:.1f} MB) for {report.tools} tools "
            f"and {summary.pairs} pairs to {out}; open {out / 'index.html'}",
            highlight=False,
        )
        if report.counting_notice:
            _stderr().print(report.counting_notice, highlight=False)


@app.command()
def runs(
    limit: Annotated[int, typer.Option(help="How many runs to list.")] = 20,
    tool: Annotated[str | None, typer.Option(help="Only this tool's runs.")] = None,
    db: DbOption = None,
    live: LiveOption = False,
) -> None:
    """List recent extraction runs: status, extractor, duration, error."""
    with _clear_errors():
        from capgraph.reading import read_warehouse

        with read_warehouse(_settings(db), live=live).reader() as session:
            rows = session.recent_runs(limit=limit, tool_id=tool)
        views.print_runs(_stdout(), rows)


@app.command()
def costs(
    since: Annotated[
        datetime | None, typer.Option(help="Only calls from this date or time on (e.g. 2026-11-01).")
    ] = None,
    by: Annotated[str | None, typer.Option(help="Only one grouping: run, model or tool.")] = None,
    db: DbOption = None,
    live: LiveOption = False,
) -> None:
    """API spend from the ledger: calls, tokens and USD by run, model and tool."""
    with _clear_errors():
        groupings = [by] if by else ["run", "model", "tool"]
        from capgraph.reading import read_warehouse

        with read_warehouse(_settings(db), live=live).reader() as session:
            tables = {grouping: session.costs(since=_aware(since), by=grouping) for grouping in groupings}
        views.print_costs(_stdout(), tables)


def _aware(moment: datetime | None) -> datetime | None:
    """Dates typed on the command line are UTC unless they say otherwise."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@app.command()
def sql(
    statement: Annotated[str, typer.Argument(help="One SELECT statement.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of row objects.")] = False,
    db: DbOption = None,
    live: LiveOption = False,
) -> None:
    """Run one read-only SELECT against the warehouse (the analyst copy unless --live)."""
    with _clear_errors():
        from capgraph.reading import read_warehouse

        with read_warehouse(_settings(db), live=live).reader() as session:
            columns, rows = session.query(statement)
        if as_json:
            records = [dict(zip(columns, row, strict=True)) for row in rows]
            sys.stdout.write(json.dumps(records, default=_json_default, ensure_ascii=False, indent=2) + "\n")
        else:
            views.print_query(_stdout(), columns, rows)


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


@app.command()
def serve(
    db: DbOption = None,
    catalog: Annotated[Path | None, typer.Option(help="The catalog scheduled runs ingest.")] = None,
    cron: Annotated[str | None, typer.Option(help='The ingest schedule, e.g. "0 3 * * *".')] = None,
    interval_seconds: Annotated[
        float | None, typer.Option(min=1.0, help="Ingest every this many seconds instead of on the cron.")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help="The time zone of the cron, e.g. Europe/Berlin.")
    ] = None,
) -> None:
    """Serve the scheduled ingest and the reprocess deployment (needs a Prefect API, see README)."""
    with _clear_errors():
        settings = _settings(
            db,
            catalog=catalog,
            schedule_cron=cron,
            schedule_interval_seconds=interval_seconds,
            schedule_timezone=timezone,
        )
        from capgraph.prefect_env import apply_serving_defaults

        apply_serving_defaults()
        from flows.serve import PrefectUnavailable
        from flows.serve import serve as serve_flows

        try:
            serve_flows(settings, announce=lambda line: _stderr().print(line, highlight=False))
        except PrefectUnavailable as error:
            _stderr().print(f"[red]error:[/red] {error.one_line()}", highlight=False, markup=True)
            raise typer.Exit(EXIT_NOT_SERVED) from None


def main() -> None:
    app()


if __name__ == "__main__":
    main()
