"""How the CLI shows things: tools and runs tables, one tool's records, query results, progress, summaries."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from schemas import NOT_STATED, ToolProfile
from schemas.choices import CostGrouping

if TYPE_CHECKING:
    from capgraph.pipeline import RunSummary, ToolOutcome
    from warehouse import CostRow


def verbatim_console(**options: Any) -> Console:
    """A console that prints every string as given: stored names and query values may contain Rich
    markup (``[/]`` would crash a print) or emoji codes (``:x:``), and must still show as typed.
    Styles come only from ``Text`` objects built here."""
    return Console(markup=False, emoji=False, **options)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


@contextmanager
def progress_bar(console: Console, *, total: int) -> Iterator[Callable[[ToolOutcome], None]]:
    """A bar over the run's tools; yields the callback that advances it, one call per finished tool."""
    columns = (
        TextColumn("ingest", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=total)

        def advance(outcome: ToolOutcome) -> None:
            progress.update(task, advance=1, description=f"{outcome.ref}: {outcome.status}")

        yield advance


@contextmanager
def loading_bar(console: Console, *, total: int, label: str) -> Iterator[Callable[[], None]]:
    """A bar over ``total`` steps of a long read; yields the callback that advances it by one."""
    columns = (
        TextColumn(label, style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=total)
        yield lambda: progress.update(task, advance=1)


def print_summary(console: Console, summary: RunSummary) -> None:
    console.print(summary.headline(), highlight=False)
    if summary.cost_usd is not None and summary.cost_usd > 0:
        console.print(f"cost: ${summary.cost_usd:.4f}", highlight=False)
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            console.print(Text(f"  failed  {outcome.error}", style="red"))
        elif outcome.status == "skipped":
            console.print(Text(f"  skipped {outcome.ref}: {outcome.error}", style="yellow"))
        elif outcome.ungrounded:
            console.print(
                Text(f"  warning {outcome.tool_id}: {outcome.ungrounded} ungrounded records stored flagged")
            )
    for note in summary.notes:
        console.print(note, highlight=False)
    if summary.stopped_because:
        console.print(Text(f"run stopped: {summary.stopped_because}", style="bold red"))


def print_tools(console: Console, rows: Sequence[Any]) -> None:
    if not rows:
        console.print("no tools stored yet: run `capgraph ingest --catalog FILE` first")
        return
    table = Table("id", "name", "kind", "capabilities", "last run", "status")
    for row in rows:
        count = f"{row.capabilities}" + (f" ({row.ungrounded} ungrounded)" if row.ungrounded else "")
        table.add_row(row.id, row.name, row.kind, count, _when(row.last_run_at), row.last_status or "—")
    console.print(table)


def print_profile(console: Console, profile: ToolProfile) -> None:
    print_profile_header(console, profile)
    _print_records(console, profile)


def print_profile_header(console: Console, profile: ToolProfile) -> None:
    """The tool's name, facts, current run and latest signals."""
    tool = profile.tool
    console.print(Text(f"{tool.name}  ({tool.id}, {tool.kind})", style="bold"))
    facts = [
        ("version", tool.version),
        ("license", tool.license),
        ("homepage", tool.homepage),
        ("pricing", tool.pricing),
        ("source", profile.document_origin),
    ]
    for label, value in facts:
        if value:
            console.print(Text(f"  {label}: {value}"))
    if profile.current_run is not None:
        run = profile.current_run
        model = f" / {run.model}" if run.model else ""
        console.print(Text(f"  extracted: {_when(run.finished_at)} by {run.extractor}{model}"))
    for signal in profile.signals:
        console.print(Text(f"  {signal.name}: {signal.value:g} (as of {_when(signal.observed_at)})"))


def _print_records(console: Console, profile: ToolProfile) -> None:
    if not profile.capabilities:
        console.print("\nno capability records stored for this tool")
        return
    for number, capability in enumerate(profile.capabilities, start=1):
        console.print()
        heading = Text(f"{number}. {capability.title}", style="bold")
        if not capability.grounded:
            heading.append("  [UNGROUNDED: evidence not found in the source]", style="bold red")
        console.print(heading)
        console.print(Text(capability.description))
        for label, value in (("unique", capability.unique), ("vs alternatives", capability.vs_alternatives)):
            console.print(Text(f"  {label}: {value}", style="dim" if value == NOT_STATED else ""))
        for evidence in capability.evidence:
            where = f" [{evidence.start}:{evidence.end}]" if evidence.start is not None else " [not found]"
            console.print(
                Text(
                    f'  evidence{where}: "{evidence.quote}"',
                    style="green" if evidence.start is not None else "red",
                )
            )


def print_runs(console: Console, rows: Sequence[Any]) -> None:
    if not rows:
        console.print("no extraction runs recorded yet")
        return
    table = Table("started", "tool", "status", "extractor", "capabilities", "duration", "cost", "error")
    for row in rows:
        cost = "—" if row.cost_usd is None else f"${row.cost_usd:.4f}"
        table.add_row(
            _when(row.started_at),
            row.tool_id,
            row.status,
            row.extractor + (f" / {row.model}" if row.model else ""),
            str(row.capabilities),
            f"{row.duration_ms / 1000:.2f} s",
            cost,
            row.error or "",
        )
    console.print(table)


def print_ingest_runs(console: Console, rows: Sequence[Any]) -> None:
    """Whole runs (``ingest_runs``), newest first."""
    if not rows:
        console.print("no runs recorded yet")
        return
    table = Table(
        "started",
        "status",
        "trigger",
        "seen",
        "extracted",
        "unchanged",
        "failed",
        "skipped",
        "duration",
        "cost",
        "command",
        "stop reason",
    )
    for row in rows:
        table.add_row(
            _when(row.started_at),
            row.status,
            row.trigger,
            str(row.seen),
            str(row.extracted),
            str(row.unchanged),
            str(row.failed),
            str(row.skipped),
            f"{(row.finished_at - row.started_at).total_seconds():.1f} s",
            "—" if row.cost_usd is None else f"${row.cost_usd:.4f}",
            row.command,
            row.stop_reason or "",
        )
    console.print(table)


def print_query(console: Console, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = Table(*columns)
    for row in rows:
        table.add_row(*("NULL" if value is None else str(value) for value in row))
    console.print(table)
    console.print(f"{len(rows)} rows", style="dim")


def print_costs(console: Console, tables: Mapping[CostGrouping, Sequence[CostRow]]) -> None:
    """One table per grouping. A group with calls of unknown cost (unpriced, timed out, cut off) shows
    what is known as a floor: "at least $X, N calls of unknown cost", never a total that looks complete."""
    for grouping, rows in tables.items():
        if not rows:
            console.print(f"no API calls recorded (by {grouping})")
            continue
        table = Table(
            grouping, "calls", "input", "output", "cache read", "cache write", "cost", title=f"by {grouping}"
        )
        for row in rows:
            cost = (
                f"${row.cost_usd:.4f}"
                if row.cost_usd is not None
                else f"at least ${row.known_cost_usd:.4f}, {row.unpriced_calls} calls of unknown cost"
            )
            table.add_row(
                row.key,
                str(row.calls),
                str(row.input_tokens),
                str(row.output_tokens),
                str(row.cache_read_tokens),
                str(row.cache_write_tokens),
                cost,
            )
        console.print(table)
