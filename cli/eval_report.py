"""How ``capgraph eval`` shows an evaluation: terminal tables, a Markdown report, JSON, and the history."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from cli.machine_output import plain
from schemas.evaluation import EvalRun, EvalToolResult

_HEADLINE = (
    ("precision", "precision"),
    ("recall", "recall"),
    ("f1", "F1"),
    ("grounding_rate", "grounded"),
    ("unique_not_stated_share", "unique: not stated"),
    ("vs_not_stated_share", "vs alternatives: not stated"),
    ("precision_at_3", "alternatives precision@3"),
)


def _ratio(value: float | int | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _tool_ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "–"


def _label(run: EvalRun) -> str:
    model = f" {run.model}" if run.model else ""
    return f"{run.extractor}{model} (version {run.prompt_version})"


def headline_lines(run: EvalRun) -> list[str]:
    """The run's figures as short ``name: value`` lines, in the order every view shows them."""
    figures = run.figures()
    lines = [f"{label}: {_ratio(figures[key])}" for key, label in _HEADLINE]
    lines += [
        f"records: {figures['stored_records']} stored, {figures['gold_records']} gold, "
        f"{figures['matched_records']} matched, {figures['junk_records']} junk "
        f"({figures['records_per_tool']:.1f} per tool)",
        f"tools with records: {figures['tools_covered']} of the {figures['tools_stating']} that state "
        "capabilities",
        f"names right: {figures['names_right']} of {figures['tools']}",
    ]
    silent = [tool for tool in run.tools if not tool.states_capabilities]
    if silent:
        reported = sum(1 for tool in silent if not tool.stored and tool.failure)
        lines.append(f"descriptions stating no capability reported as such: {reported} of {len(silent)}")
    return lines


def print_eval(console: Console, run: EvalRun, *, per_tool: bool) -> None:
    console.print(f"{_label(run)} on {run.gold_root}", highlight=False)
    for line in headline_lines(run):
        console.print(f"  {line}", highlight=False)
    for tool in run.tools:
        if tool.failure and tool.states_capabilities:
            console.print(f"  failed: {tool.gold_id}: {tool.failure}", highlight=False)
    if per_tool:
        console.print(_tool_table(run.tools))
    console.print(f"eval {run.eval_id[:12]} kept in the warehouse (capgraph eval --history)", highlight=False)


def _tool_table(tools: Sequence[EvalToolResult]) -> Table:
    table = Table(title="per tool", title_justify="left")
    for header in ("gold id", "stored", "gold", "matched", "P", "R", "junk", "name", "alt hits"):
        table.add_column(header, justify="left" if header in {"gold id", "name"} else "right")
    for tool in tools:
        table.add_row(
            tool.gold_id,
            str(tool.stored),
            str(tool.gold),
            str(tool.matched),
            _tool_ratio(tool.matched, tool.stored),
            _tool_ratio(tool.matched, tool.gold),
            str(tool.junk),
            "ok" if tool.name_ok else f"{tool.given_name or '–'} ≠ {tool.expected_name}",
            f"{tool.competitor_hits}/{min(3, tool.competitors)}" if tool.competitors else "–",
        )
    return table


def print_history(console: Console, runs: Sequence[EvalRun]) -> None:
    if not runs:
        console.print("no evaluations yet: run `capgraph eval eval/gold`", highlight=False)
        return
    table = Table(title="evaluations, newest first", title_justify="left")
    for header in (
        "eval",
        "when",
        "gold set",
        "extractor",
        "P",
        "R",
        "F1",
        "junk",
        "grounded",
        "p@3",
        "cost",
    ):
        table.add_column(header)
    for run in runs:
        figures = run.figures()
        table.add_row(
            run.eval_id[:12],
            run.started_at.strftime("%Y-%m-%d %H:%M"),
            "/".join(Path(run.gold_root).parts[-2:]),
            _label(run),
            _ratio(figures["precision"]),
            _ratio(figures["recall"]),
            _ratio(figures["f1"]),
            str(figures["junk_records"]),
            _ratio(figures["grounding_rate"]),
            _ratio(figures["precision_at_3"]),
            "unpriced" if run.cost_usd is None else f"${run.cost_usd}",
        )
    console.print(table)


def as_document(run: EvalRun) -> dict[str, Any]:
    """The run as ``--json`` and a ``.json`` report write it: every field, and its figures."""
    data: dict[str, Any] = plain(run)
    data["figures"] = run.figures()
    return data


def as_markdown(run: EvalRun) -> str:
    """The report ``--out REPORT.md`` writes: figures, a per-tool table, and what each tool missed."""
    out = [f"# capgraph eval: {_label(run)}", "", f"Gold set `{run.gold_root}`, eval `{run.eval_id}`.", ""]
    out += [f"- {line}" for line in headline_lines(run)]
    out += ["", "| gold id | stored | gold | matched | precision | recall | junk | name | alternatives |"]
    out += ["|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for tool in run.tools:
        name = "ok" if tool.name_ok else f"{tool.given_name or '–'} (want {tool.expected_name})"
        out.append(
            f"| {tool.gold_id} | {tool.stored} | {tool.gold} | {tool.matched} | "
            f"{_tool_ratio(tool.matched, tool.stored)} | {_tool_ratio(tool.matched, tool.gold)} | "
            f"{tool.junk} | {name} | {', '.join(tool.alternatives) or '–'} |"
        )
    for tool in run.tools:
        details = [
            ("failed", [tool.failure] if tool.failure else []),
            ("missed", tool.missed),
            ("extra", tool.extra),
            ("junk", tool.junk_titles),
        ]
        if any(items for _, items in details):
            out += ["", f"## {tool.gold_id}", ""]
            out += [f"- {kind}: {item}" for kind, items in details for item in items]
    return "\n".join(out) + "\n"
