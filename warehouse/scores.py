"""Reading the transparent score views: the queries ``ReadSession`` runs and the rows it builds.

The formulas themselves live in SQL (``warehouse/views/40_score_inputs.sql`` and ``41_tool_scores.sql``,
formula scores-v2) so an analyst can read them; this module only selects from the views and turns their
rows into plain records.
"""

from __future__ import annotations

from warehouse.named_rows import NamedRow
from warehouse.rows import ScoreInputRow, ToolScoreRow
from warehouse.values import as_utc

FORMULA_VERSION = "scores-v2"

# One column list for every read and for the snapshot, so ``tool_score_from_row`` fits them all.
_SCORE_COLUMNS = """
    tool_id, adoption, quality, ecosystem, match_graph, "rank", inputs_used, times_matched, formula_version
"""

VIEW_SCORES_SQL = f"SELECT {_SCORE_COLUMNS} FROM tool_scores WHERE list_contains(?, tool_id)"

SNAPSHOT_SQL = f"SELECT {_SCORE_COLUMNS} FROM score_snapshot WHERE list_contains(?, tool_id)"

TAKE_SNAPSHOT_SQL = f"INSERT INTO score_snapshot SELECT {_SCORE_COLUMNS}, now() FROM tool_scores"

SCORE_INPUTS_SQL = """
SELECT tool_id, input, value, source, observed_at, formula_version
FROM score_inputs
WHERE tool_id = ?
ORDER BY input
"""


def tool_score_from_row(row: NamedRow) -> ToolScoreRow:
    """A row of ``_SCORE_COLUMNS`` by name (from the view or the snapshot alike)."""
    rank = row["rank"]
    return ToolScoreRow(
        **row
        | {
            "rank": None if rank is None else int(rank),
            "inputs_used": int(row["inputs_used"]),
            "times_matched": int(row["times_matched"]),
        }
    )


def score_input_from_row(row: NamedRow) -> ScoreInputRow:
    return ScoreInputRow(**row | {"value": float(row["value"]), "observed_at": as_utc(row["observed_at"])})
