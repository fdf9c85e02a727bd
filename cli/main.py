"""The ``capgraph`` command line: ingest and reprocess (through Prefect when asked), read commands, serve.

``ingest`` and ``reprocess`` run the pipeline core directly unless a Prefect API is configured
(``PREFECT_API_URL``) or ``--prefect`` is given (see ``flows.environment``). Read commands (tools,
show, alternatives, compare, runs, costs, sql, export) and ``remove`` never import Prefect, so they
answer at once; `--json` and `--csv` on them print through `cli.machine_output`.
Every error is one line naming the tool or input and the problem; the exit code is non-zero whenever
the command could not do its whole job.
"""

from __future__ import annotations

import math
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.text import Text
from typer._click import Context as ClickContext  # typer ships its own click: the type its commands get
from typer.core import TyperGroup

from capgraph.settings import Settings
from cli import machine_output, tables
from cli.machine_output import chosen_format
from cli.version import installed_version
from schemas import CapgraphError, NotFoundError, WarehouseBusyError
from schemas.choices import CostGrouping, DiscoverySource, ExportFormat, HubKind, PageFormat


class _OneLineBadValues(TyperGroup):
    """Typer checks option values against their types (a ``Literal`` lists its choices); a bad value is
    reported as capgraph reports any bad input: one line naming the command and the option, exit code 2."""

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except typer.BadParameter as error:
            # A missing argument (a subclass) keeps typer's usage text: it shows what to type.
            if type(error) is not typer.BadParameter or error.ctx is None or error.param is None:
                raise
            _print_error(_bad_value_line(error.ctx.info_name, error.param, error.message))
            raise typer.Exit(EXIT_BAD_INPUT) from None


def _bad_value_line(command: str | None, param: Any, message: str) -> str:
    """``costs --by: 'x' is not one of 'run', 'model', 'tool'`` from typer's wording of the problem."""
    name = param.opts[0] if param.param_type_name == "option" else str(param.name).upper()
    problem = re.sub(r"^Value error, ", "", message).rstrip(".")
    return f"{command} {name}: {problem}" if command else f"{name}: {problem}"


app = typer.Typer(
    cls=_OneLineBadValues,
    help="Turn tool descriptions into evidence-backed capability records and compare them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Click hands these to every command's context, so `-h` works wherever `--help` does.
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _as_stored_id(given: str | None) -> str | None:
    """A tool id typed on the command line in the form the warehouse stores it (``file:docs/a.md`` from
    this folder is ``file:/abs/docs/a.md``), so read commands find a tool however its ref was typed."""
    if given is None:
        return None
    from sources.refs import normalise_ref

    return normalise_ref(given)


DbOption = Annotated[
    Path | None, typer.Option("--db", help="Warehouse file (default: $CAPGRAPH_DB or ./capgraph.duckdb).")
]
LiveOption = Annotated[
    bool, typer.Option("--live", help="Read the live warehouse file instead of the analyst copy.")
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON (an array of row objects) instead of a table.")
]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV with a header row instead of a table.")]
StoredToolId = Annotated[
    str, typer.Argument(help="A stored tool id, e.g. installed:duckdb", callback=_as_stored_id)
]
WaitOption = Annotated[
    bool,
    typer.Option("--wait", help="When another run holds the warehouse, wait for it instead of refusing."),
]
WaitSecondsOption = Annotated[
    float | None,
    typer.Option(
        "--wait-seconds", min=0.0, help="With --wait: give up after this many seconds (default: never)."
    ),
]
AcceptUngroundedOption = Annotated[
    bool,
    typer.Option(
        "--accept-ungrounded",
        help="Let re-extracted records replace grounded current ones even when far fewer are grounded.",
    ),
]
EXIT_TOOL_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_RUN_LOCKED = 1
"""Another run holds the warehouse: the command could not do its job, but the input was fine."""


def _show_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"capgraph {installed_version()}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Turn tool descriptions into evidence-backed capability records and compare them."""


def _settings(db: Path | None, **overrides: Any) -> Settings:
    values = {key: value for key, value in overrides.items() if value is not None}
    if db is not None:
        values["db"] = db
    return Settings(**values)


def _stdout() -> Console:
    console = tables.verbatim_console(soft_wrap=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Piped or logged output (cron, make) would be cut at 80 columns: tool ids must stay whole.
        console.width = 200
    return console


def _stderr() -> Console:
    # soft_wrap: an error stays one line in logs instead of being broken at 80 columns.
    return tables.verbatim_console(stderr=True, soft_wrap=True)


def _print_error(message: str) -> None:
    """One red "error:" line on stderr; the message (it may quote any input) is printed verbatim."""
    _stderr().print(Text.assemble(("error:", "red"), " ", message))


@contextmanager
def _clear_errors() -> Iterator[None]:
    """Turn capgraph's errors into one red line and exit code 2 (1 for a busy warehouse), not a traceback."""
    try:
        yield
    except CapgraphError as error:
        _print_error(error.one_line())
        # A file another process holds is worth retrying as it is; anything else needs a fix first.
        busy = isinstance(error, WarehouseBusyError)
        raise typer.Exit(EXIT_TOOL_FAILED if busy else EXIT_BAD_INPUT) from None
    except ValidationError as error:
        if error.title != Settings.__name__:
            raise
        for problem in error.errors():
            name = "CAPGRAPH_" + "_".join(str(part) for part in problem["loc"]).upper()
            given = problem.get("input")
            _print_error(f"setting {name}={given!s}: {problem['msg']}")
        raise typer.Exit(EXIT_BAD_INPUT) from None


PrefectOption = Annotated[
    bool,
    typer.Option(
        "--prefect", help="Run through Prefect (a temporary local server unless PREFECT_API_URL is set)."
    ),
]
EXIT_NOT_SERVED = 1


def _run_ingestion(
    settings: Settings,
    run: Any,
    *,
    use_prefect: bool,
    batch: bool = False,
    wait_seconds: float | None = None,
    accept_ungrounded: bool = False,
) -> None:
    """Run an ingestion, directly or through Prefect, under the warehouse's run lock with a progress
    bar; print the summary and set the exit code.

    The run itself goes on a worker thread while the main thread listens for SIGTERM and SIGINT: the
    first one stops the run (no new tool starts, every wait ends at once) and the summary is still
    printed and the analyst copy published; a second one ends the process the usual way.
    """
    from capgraph.pipeline import IngestContext
    from capgraph.run_lock import RunLock, RunLockedError
    from flows.environment import orchestration_notice
    from schemas import RunInterrupted

    command = _command_line()
    context = IngestContext.create(settings, command=command, accept_ungrounded=accept_ungrounded)
    from capgraph.ledger import check_cost_cap

    check_cost_cap(settings, context.extractor)  # before any work: a cap that cannot be kept refuses
    if batch:
        from capgraph.batch import require_batches

        require_batches(context)  # refuse before any work when the extractor cannot batch
    err = _stderr()
    with _stopping_on_signals(context) as received:
        lock = RunLock(
            settings.db,
            command=command,
            wait_seconds=wait_seconds,
            sleep=context.interrupt.sleep,
            on_wait=lambda holder: err.print(
                f"waiting for the run lock: {holder.describe() if holder else 'another run'}", highlight=False
            ),
        )
        try:
            lock.acquire()
        except RunLockedError as busy:
            err.print(f"[red]error:[/red] {busy.one_line()}", highlight=False, markup=True)
            raise typer.Exit(EXIT_RUN_LOCKED) from None
        except RunInterrupted:
            err.print(f"{context.interrupt.reason} while waiting for the run lock; nothing was run")
            raise typer.Exit(128 + received[0]) from None
        try:
            # Reading the stored state (the run's only read of it) before Prefect starts turns an
            # unreadable, damaged or locked warehouse into one line here, rather than a flow failure
            # that Prefect would log with its traceback; under the lock, so no other run changes it.
            context.load_stored_states()
            if lock.took_over is not None:
                err.print(
                    f"took over the run lock left by {lock.took_over.describe()}, which is no longer running",
                    highlight=False,
                )
            err.print(context.extractor_notice, highlight=False)
            err.print(orchestration_notice(use_prefect), highlight=False)
            if use_prefect:
                from flows.environment import apply_quiet_defaults

                apply_quiet_defaults()
            summary = _on_worker_thread(run, context)
        finally:
            lock.release()
    tables.print_summary(_stdout(), summary)
    _print_relative_file_id_notes(settings)
    if received:
        raise typer.Exit(128 + received[0])
    if not summary.ok:
        raise typer.Exit(EXIT_TOOL_FAILED)


def _command_line() -> str:
    return " ".join(["capgraph", *sys.argv[1:]])


@contextmanager
def _stopping_on_signals(context: Any) -> Iterator[list[int]]:
    """While the block runs, SIGTERM and SIGINT stop ``context``'s run instead of killing the process;
    yields the list the received signal's number is put in. Outside the main thread, does nothing."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    previous = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    def stop(number: int, _frame: object) -> None:
        name = signal.Signals(number).name
        received.append(number)
        restore()  # a second signal ends the process as it normally would
        context.interrupt.set(f"interrupted by {name}")
        context.stop(f"interrupted by {name}")
        _stderr().print(f"{name}: stopping; what finished is kept (send it again to abort)", highlight=False)

    for number in previous:
        signal.signal(number, stop)
    try:
        yield received
    finally:
        restore()


def _on_worker_thread(run: Any, context: Any) -> Any:
    """``run(context)`` on a thread of its own, so the main thread stays free to handle signals (and no
    library that installs its own handlers in the main thread, as Prefect does, can take them over)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["summary"] = run(context)
        except BaseException as error:  # handed to the main thread, which raises it
            outcome["error"] = error

    worker = threading.Thread(target=target, name="capgraph-run")
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["summary"]


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
    wait: WaitOption = False,
    wait_seconds: WaitSecondsOption = None,
    accept_ungrounded: AcceptUngroundedOption = False,
    db: DbOption = None,
    prefect: PrefectOption = False,
) -> None:
    """Fetch, extract and store tools from a catalog and/or refs (unchanged tools are skipped)."""
    if not refs and catalog is None:
        _print_error("give tool refs or --catalog FILE (see capgraph ingest --help)")
        raise typer.Exit(EXIT_BAD_INPUT)
    with _clear_errors():
        settings = _settings(
            db, concurrency=concurrency, max_cost_usd=Decimal(str(max_cost)) if max_cost is not None else None
        )
        from capgraph.targets import collect_targets
        from flows.environment import wants_prefect

        targets = collect_targets(refs or [], catalog)
        use_prefect = wants_prefect(prefect)

        def run(context: Any) -> Any:
            with tables.progress_bar(_stderr(), total=len(targets)) as advance:
                if use_prefect:
                    from flows.ingest import run_ingest

                    return run_ingest(
                        context,
                        refs=refs or [],
                        catalog=catalog,
                        force=force,
                        batch=batch,
                        progress=advance,
                        targets=targets,
                    )
                if batch:
                    from capgraph.pipeline import run_batch

                    return run_batch(targets, context, force=force, on_outcome=advance)
                from capgraph.pipeline import run_pipeline

                return run_pipeline(targets, context, force=force, on_outcome=advance)

        _run_ingestion(
            settings,
            run,
            use_prefect=use_prefect,
            batch=batch,
            wait_seconds=_wait_seconds(wait, wait_seconds),
            accept_ungrounded=accept_ungrounded,
        )


@app.command()
def reprocess(
    tool_id: StoredToolId,
    wait: WaitOption = False,
    wait_seconds: WaitSecondsOption = None,
    accept_ungrounded: AcceptUngroundedOption = False,
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
        from flows.environment import wants_prefect

        use_prefect = wants_prefect(prefect)

        def run(context: Any) -> Any:
            if use_prefect:
                from flows.ingest import run_reprocess

                return run_reprocess(context, tool_id)
            from capgraph.pipeline import run_pipeline
            from capgraph.targets import catalog_entry_for

            entry = catalog_entry_for(tool_id, settings.catalog)
            return run_pipeline([(tool_id, entry)], context, force=True)

        _run_ingestion(
            settings,
            run,
            use_prefect=use_prefect,
            wait_seconds=_wait_seconds(wait, wait_seconds),
            accept_ungrounded=accept_ungrounded,
        )


def _wait_seconds(wait: bool, wait_seconds: float | None) -> float | None:
    """The run lock's patience: None refuses at once; ``--wait`` alone waits as long as it takes."""
    if wait_seconds is not None:
        return wait_seconds
    return math.inf if wait else None


def _print_relative_file_id_notes(settings: Settings) -> None:
    from capgraph.retire import relative_file_id_notes

    for note in relative_file_id_notes(settings):
        _stderr().print(note, highlight=False)


@app.command()
def remove(
    tool_id: Annotated[str, typer.Argument(help="A stored tool id, e.g. file:/home/me/docs/tool.md")],
    db: DbOption = None,
) -> None:
    """Retire a tool: its history is kept, but it is no longer listed, compared, matched, scored or
    published. Ingesting its ref again brings it back."""
    with _clear_errors():
        from capgraph.retire import retire_tool

        retirement = retire_tool(_settings(db), tool_id)
        if retirement.newly_retired:
            message = (
                f"removed {retirement.tool_id}: no longer listed, compared, matched, scored or published; "
                f"its history is kept, and `capgraph ingest {retirement.tool_id}` brings it back"
            )
        else:
            message = f"{retirement.tool_id} was already removed"
        _stdout().print(message, highlight=False)
        for note in retirement.notes:
            _stderr().print(note, highlight=False)


@app.command()
def discover(
    source: Annotated[DiscoverySource, typer.Argument(help="Whose listing to read.")],
    catalog: Annotated[
        Path, typer.Option(help="The catalog file to add refs to (created if missing).")
    ] = Path("catalog.toml"),
    top: Annotated[int | None, typer.Option(help="How many of the most popular to add.")] = None,
    kind: Annotated[HubKind, typer.Option(help="hf only: models or datasets.")] = "model",
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
def tools(
    db: DbOption = None, live: LiveOption = False, as_json: JsonOption = False, as_csv: CsvOption = False
) -> None:
    """List stored tools: id, name, kind, capabilities, last run."""
    with _clear_errors():
        machine = chosen_format(as_json=as_json, as_csv=as_csv)
        from capgraph.reading import read_warehouse
        from warehouse import ToolRow

        with read_warehouse(_settings(db), live=live).reader() as session:
            rows = session.list_tools()
        if machine:
            machine_output.write_items(machine, rows, ToolRow)
            return
        tables.print_tools(_stdout(), rows)


@app.command()
def show(
    tool_id: StoredToolId,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Show every score with its inputs, their sources and dates."),
    ] = False,
    db: DbOption = None,
    live: LiveOption = False,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Show one tool's current capability records with their evidence (ungrounded ones marked).

    --json prints the whole profile as one object (with the scores and their inputs under --explain);
    --csv prints one row per record.
    """
    with _clear_errors():
        machine = chosen_format(as_json=as_json, as_csv=as_csv)
        from capgraph.reading import read_warehouse

        with read_warehouse(_settings(db), live=live).reader() as session:
            profile = session.tool_profile(tool_id)
            scores = session.tool_scores(tool_id) if explain else None
            inputs = session.score_inputs(tool_id) if explain else []
        if machine == "json":
            document = machine_output.plain(profile)
            if explain:
                document |= {
                    "scores": machine_output.plain(scores),
                    "score_inputs": machine_output.plain(inputs),
                }
            machine_output.write_document(document)
            return
        if machine == "csv":
            from schemas import Capability

            machine_output.write_items(machine, profile.capabilities, Capability)
            return
        if not explain:
            tables.print_profile(_stdout(), profile)
            return
        from cli.explain import print_score_explanation

        tables.print_profile_header(_stdout(), profile)
        _stdout().print()
        print_score_explanation(_stdout(), scores, inputs)


@app.command()
def alternatives(
    tool_id: StoredToolId,
    limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None,
    db: DbOption = None,
    live: LiveOption = False,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """List a tool's closest alternatives from the match graph, with shared and distinct capabilities."""
    with _clear_errors():
        machine = chosen_format(as_json=as_json, as_csv=as_csv)
        from capgraph.reading import read_warehouse
        from cli.explain import print_alternatives
        from warehouse import AlternativeRow

        with read_warehouse(_settings(db), live=live).reader() as session:
            rows = session.alternatives(tool_id, limit=limit)
        if machine:
            machine_output.write_items(machine, rows, AlternativeRow)
            return
        print_alternatives(_stdout(), tool_id, rows)


@app.command()
def compare(
    left: Annotated[str, typer.Argument(help="First tool id", callback=_as_stored_id)],
    right: Annotated[str, typer.Argument(help="Second tool id", callback=_as_stored_id)],
    page_format: Annotated[PageFormat, typer.Option("--format", help="Markdown or HTML.")] = "md",
    out: Annotated[Path | None, typer.Option(help="Write the page here instead of printing it.")] = None,
    max_capabilities: Annotated[int, typer.Option(help="Capabilities shown per tool.")] = 8,
    db: DbOption = None,
    live: LiveOption = False,
) -> None:
    """Render an "A vs B" comparison page of two stored tools."""
    with _clear_errors():
        from capgraph.compare import comparison_page
        from capgraph.reading import read_warehouse

        settings = _settings(db)
        page = comparison_page(
            read_warehouse(settings, live=live),
            left,
            right,
            page_format=page_format,
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
        with tables.loading_bar(_stderr(), total=total, label="reading tools") as advance:
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
    tools: Annotated[
        bool, typer.Option("--tools", help="List the per-tool extraction runs instead of whole runs.")
    ] = False,
    tool: Annotated[
        str | None, typer.Option(help="Only this tool's runs (implies --tools).", callback=_as_stored_id)
    ] = None,
    db: DbOption = None,
    live: LiveOption = False,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """List recent runs: when, what started them, status, counts, cost; --tools for each tool's runs."""
    with _clear_errors():
        machine = chosen_format(as_json=as_json, as_csv=as_csv)
        from capgraph.reading import read_warehouse
        from warehouse import IngestRunRow, RunRow

        with read_warehouse(_settings(db), live=live).reader() as session:
            per_tool = tools or tool is not None
            rows: Sequence[Any] = (
                session.recent_runs(limit=limit, tool_id=tool)
                if per_tool
                else session.recent_ingest_runs(limit=limit)
            )
        if machine:
            machine_output.write_items(machine, rows, RunRow if per_tool else IngestRunRow)
        elif per_tool:
            tables.print_runs(_stdout(), rows)
        else:
            tables.print_ingest_runs(_stdout(), rows)


@app.command()
def costs(
    since: Annotated[
        datetime | None, typer.Option(help="Only calls from this date or time on (e.g. 2026-11-01).")
    ] = None,
    by: Annotated[CostGrouping | None, typer.Option(help="Only this grouping.")] = None,
    db: DbOption = None,
    live: LiveOption = False,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """API spend from the ledger: calls, tokens and USD by run, model and tool.

    --json and --csv print every grouping's rows in one list, each naming its grouping.
    """
    with _clear_errors():
        machine = chosen_format(as_json=as_json, as_csv=as_csv)
        groupings: list[CostGrouping] = [by] if by else list(get_args(CostGrouping))
        from capgraph.reading import read_warehouse
        from warehouse import CostRow

        with read_warehouse(_settings(db), live=live).reader() as session:
            cost_tables = {
                grouping: session.costs(since=_aware(since), by=grouping) for grouping in groupings
            }
        if machine:
            machine_output.write_items(
                machine, [row for rows in cost_tables.values() for row in rows], CostRow
            )
            return
        tables.print_costs(_stdout(), cost_tables)


def _aware(moment: datetime | None) -> datetime | None:
    """Dates typed on the command line are UTC unless they say otherwise."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


EvalExtractor = Literal["auto", "heuristic", "anthropic"]


@app.command("eval")
def evaluate(
    gold: Annotated[
        Path, typer.Argument(help="A gold set: a folder of <id>.toml files (see docs/gold-format.md).")
    ] = Path("eval/gold"),
    extractor: Annotated[
        EvalExtractor | None, typer.Option(help="The extractor to score (default: CAPGRAPH_EXTRACTOR, auto).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Also write the report here: Markdown, or JSON for a .json name.")
    ] = None,
    per_tool: Annotated[bool, typer.Option("--tools", help="Show the per-tool table too.")] = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="Only check the gold set (every quote in its document); run nothing."),
    ] = False,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Re-extract every document (the eval warehouse starts over).")
    ] = False,
    history: Annotated[
        bool, typer.Option("--history", help="List earlier evaluations side by side instead of running one.")
    ] = False,
    limit: Annotated[int, typer.Option(help="How many evaluations --history lists.")] = 20,
    max_cost: Annotated[
        float | None, typer.Option("--max-cost", min=0.0, help="Stop paid calls at this many USD.")
    ] = None,
    db: DbOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON (with --history, an array of reports).")
    ] = False,
) -> None:
    """Score an extractor against a gold set: precision, recall, junk, grounding, alternatives precision@3.

    The gold documents are ingested through the real pipeline into an eval warehouse beside the main
    one (kept, so unchanged documents are not extracted or paid for twice); the result is kept in the
    main warehouse's eval_runs table, and every API call in its ledger.
    """
    with _clear_errors():
        overrides: dict[str, Any] = {}
        if extractor is not None:
            overrides["extractor"] = extractor
        if max_cost is not None:
            overrides["max_cost_usd"] = Decimal(str(max_cost))
        settings = _settings(db, **overrides)
        from cli import eval_report

        if history:
            from capgraph.reading import read_warehouse

            with read_warehouse(settings, live=True).reader() as session:
                runs = session.eval_runs(limit=limit)
            if as_json:
                machine_output.write_document([eval_report.as_document(run) for run in runs])
            else:
                eval_report.print_history(_stdout(), runs)
            return
        from capgraph.evaluation.gold_set import load_gold_set

        gold_set = load_gold_set(gold)
        if check:
            records = sum(len(entry.gold.records) for entry in gold_set.entries)
            _stdout().print(
                f"{gold}: {len(gold_set.entries)} gold tools, {records} gold records, every quote found",
                highlight=False,
            )
            return
        from capgraph.evaluation.runner import plan_eval, run_eval
        from capgraph.ledger import check_cost_cap

        plan = plan_eval(gold_set, settings, fresh=fresh)
        check_cost_cap(plan.context.settings, plan.context.extractor)
        err = _stderr()
        err.print(plan.context.extractor_notice, highlight=False)
        with (
            _stopping_on_signals(plan.context) as received,
            tables.progress_bar(err, total=len(plan.refs)) as advance,
        ):
            result = _on_worker_thread(lambda _: run_eval(plan, on_outcome=advance), plan.context)
        if out is not None:
            with out.open("w", encoding="utf-8") as report:
                if out.suffix == ".json":
                    machine_output.write_document(eval_report.as_document(result), report)
                else:
                    report.write(eval_report.as_markdown(result))
        if as_json:
            machine_output.write_document(eval_report.as_document(result))
        else:
            eval_report.print_eval(_stdout(), result, per_tool=per_tool)
            if out is not None:
                _stdout().print(f"report written to {out}", highlight=False)
        if received:
            raise typer.Exit(128 + received[0])


@app.command()
def sql(
    statement: Annotated[str, typer.Argument(help="One SELECT statement.")],
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    db: DbOption = None,
    live: LiveOption = False,
) -> None:
    """Run one read-only SELECT against the warehouse (the analyst copy unless --live).

    It reads the warehouse's tables and views and nothing else: no files, URLs or extensions.
    """
    with _clear_errors():
        machine = chosen_format(as_json=as_json, as_csv=as_csv)
        from capgraph.reading import read_warehouse

        columns, rows = read_warehouse(_settings(db), live=live).analyst_query(statement)
        if machine:
            machine_output.write_rows(machine, columns, rows)
        else:
            tables.print_query(_stdout(), columns, rows)


@app.command()
def export(
    folder: Annotated[Path, typer.Argument(help="The folder to write into (created if missing).")],
    export_format: Annotated[ExportFormat, typer.Option("--format", help="The file format.")] = "parquet",
    db: DbOption = None,
    live: LiveOption = False,
) -> None:
    """Write every table and view of the warehouse (see docs/warehouse.md) to FOLDER, one file each.

    All files come from one snapshot; a failed export leaves no file behind.
    """
    with _clear_errors():
        from capgraph.reading import read_warehouse

        err = _stderr()

        def report(file: Any) -> None:
            err.print(f"  {file.kind} {file.name}: {file.rows} rows", highlight=False)

        written = read_warehouse(_settings(db), live=live).export(folder, export_format, on_file=report)
        total_rows = sum(file.rows for file in written)
        size = sum(file.path.stat().st_size for file in written)
        _stdout().print(
            f"exported {len(written)} tables and views ({total_rows} rows, {size / 1_000_000:.1f} MB) "
            f"as {export_format} to {folder}",
            highlight=False,
        )


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
        from flows.environment import apply_serving_defaults

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
