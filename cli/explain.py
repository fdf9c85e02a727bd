"""How the CLI explains a tool's standing: every score with the inputs behind it, and its alternatives."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from warehouse import AlternativeRow, ScoreInputRow, ToolScoreRow

# Which sub-scores each input of the score views feeds. It mirrors the SQL of `tool_scores`
# (docs/warehouse.md), which stays the authority: a test checks that every input the views emit is here.
SCORES_FED_BY: dict[str, tuple[str, ...]] = {
    "downloads": ("adoption",),
    "stars": ("adoption",),
    "likes": ("adoption",),
    "dependents": ("adoption", "ecosystem"),
    "forks": ("adoption", "ecosystem"),
    "grounded_share": ("quality",),
    "stated_share": ("quality",),
    "license_known": ("quality",),
    "days_since_fetch": ("quality",),
    "match_in_degree": ("match_graph",),
}
SUB_SCORES = ("adoption", "quality", "ecosystem", "match_graph")
MISSING = "—"


def _figure(value: float | None) -> str:
    return MISSING if value is None else f"{value:.0f}"


def _input_value(row: ScoreInputRow) -> str:
    if row.input in ("grounded_share", "stated_share"):
        return f"{100 * row.value:.0f}%"
    if row.input == "license_known":
        return "yes" if row.value >= 1 else "no"
    if row.input == "days_since_fetch":
        return f"{row.value:.0f} days"
    return f"{row.value:,.4g}" if row.value < 1000 else f"{row.value:,.0f}"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _when(moment: datetime | None) -> str:
    return MISSING if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def print_score_explanation(
    console: Console, scores: ToolScoreRow | None, inputs: Sequence[ScoreInputRow]
) -> None:
    """Each sub-score, then every input it rests on with its value, source and date."""
    if scores is None:
        console.print("no scores: the tool has no row in the tool_scores view")
        return
    rank = MISSING if scores.rank is None else f"{scores.rank}/100"
    console.print(
        Text(
            f"rank {rank}, the mean of the sub-scores that exist; rests on {scores.inputs_used} "
            f"input(s); formula {scores.formula_version}; times matched {scores.times_matched}",
            style="bold",
        )
    )
    by_score: dict[str, list[ScoreInputRow]] = {name: [] for name in SUB_SCORES}
    for row in inputs:
        for score in SCORES_FED_BY.get(row.input, ()):
            by_score[score].append(row)
    for score in SUB_SCORES:
        value = getattr(scores, score)
        console.print()
        console.print(Text(f"{score.replace('_', ' ')}: {_figure(value)}", style="bold"))
        if not by_score[score]:
            console.print(Text("  no inputs: shown as missing, not as zero", style="dim"))
            continue
        table = Table("input", "value", "source", "as of", box=None, pad_edge=False)
        for row in by_score[score]:
            table.add_row(row.input, _input_value(row), row.source, _when(row.observed_at))
        console.print(table)


def print_alternatives(console: Console, tool_id: str, rows: Sequence[AlternativeRow]) -> None:
    """The tool's closest alternatives, each with what both offer and what only one of them offers."""
    if not rows:
        console.print(
            f"{tool_id}: no alternatives in the match graph (it needs current records, and "
            "other tools whose capabilities overlap; the graph is rebuilt after every ingest)"
        )
        return
    built = rows[0].built_at
    console.print(Text(f"closest alternatives of {tool_id} (match graph built {_when(built)})", style="bold"))
    for row in rows:
        console.print()
        console.print(
            Text(
                f"{row.rank}. {_flat(row.alternative_name)} ({row.alternative_id}, {row.alternative_kind}): "
                f"similarity {row.similarity:.2f}",
                style="bold",
            )
        )
        for pair in row.match.shared:
            both = f"{_flat(pair.left_title)}  ≈  {_flat(pair.right_title)}"
            console.print(Text(f"  both: {both}  ({pair.similarity:.2f})"))
        for owner, titles in ((tool_id, row.match.only_left), (row.alternative_id, row.match.only_right)):
            if titles:
                console.print(Text(f"  only {owner}: {'; '.join(map(_flat, titles))}", style="dim"))
