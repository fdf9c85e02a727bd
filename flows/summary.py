"""A run's summary as Markdown, for the artifact every Prefect run publishes (what the UI shows)."""

from __future__ import annotations

from typing import get_args

from capgraph.pipeline import OutcomeStatus, RunSummary

_STATUSES: tuple[OutcomeStatus, ...] = get_args(OutcomeStatus)


def _cell(text: str) -> str:
    """One table cell: a pipe or a line break in an error message must not break the table."""
    return text.replace("|", "\\|").replace("\n", " ")


def summary_markdown(summary: RunSummary) -> str:
    cost = "unknown" if summary.cost_usd is None else f"${summary.cost_usd:.4f}"
    lines = [
        f"# capgraph run {summary.ingest_id}",
        "",
        f"{summary.headline()}; extractor {summary.extractor}; cost {cost}.",
        "",
        "| status | tools |",
        "|---|---|",
        *(f"| {status} | {summary.count(status)} |" for status in _STATUSES),
    ]
    if summary.stopped_because:
        lines += ["", f"**Stopped:** {summary.stopped_because}"]
    if summary.failures:
        lines += ["", "## Failures", "", "| ref | reason |", "|---|---|"]
        lines += [f"| {_cell(item.ref)} | {_cell(item.error or 'unknown')} |" for item in summary.failures]
    if summary.notes:
        lines += ["", "## Notes", "", *(f"- {note}" for note in summary.notes)]
    return "\n".join(lines) + "\n"
