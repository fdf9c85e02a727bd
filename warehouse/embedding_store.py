"""Embedding vectors of current records: which tools lack them, storing them, reading them back.

The vectors are computed outside the warehouse (the embeddings stage, driven by the core); here they
are only kept, keyed by run and model, and read for the match graph.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from schemas import utc_now
from warehouse.rows import EmbeddingInput, ToolEmbedding

# Only tools with at least one current record: a tool without records is never matched.
_MISSING = """
SELECT c.tool_id, c.run_id, any_value(t.summary) AS summary,
       list((c.ordinal, c.title, c.description) ORDER BY c.ordinal) AS capabilities
FROM current_capabilities AS c
JOIN tools AS t ON t.id = c.tool_id
WHERE NOT EXISTS (
    SELECT 1 FROM tool_embeddings AS e
    WHERE e.tool_id = c.tool_id AND e.run_id = c.run_id AND e.model = $model
)
GROUP BY c.tool_id, c.run_id
ORDER BY c.tool_id
"""

CURRENT_TOOL_VECTORS = """
SELECT e.tool_id, e.vector
FROM tool_embeddings AS e
JOIN current_extractions AS c ON c.tool_id = e.tool_id AND c.run_id = e.run_id
WHERE e.model = $model
"""
"""Each current tool's vector for ``$model``: the match graph reads it under this name too."""


def missing(connection: duckdb.DuckDBPyConnection, model: str) -> list[EmbeddingInput]:
    rows = connection.execute(_MISSING, {"model": model}).fetchall()
    return [
        EmbeddingInput(
            tool_id=tool_id,
            run_id=run_id,
            summary=summary,
            capabilities=tuple((int(ordinal), title, description) for ordinal, title, description in records),
        )
        for tool_id, run_id, summary, records in rows
    ]


TOOL_COLUMNS = ["tool_id", "run_id", "model", "vector", "computed_at"]
CAPABILITY_COLUMNS = ["run_id", "ordinal", "model", "tool_id", "vector"]


def replace_older(connection: duckdb.DuckDBPyConnection, model: str, rows: Sequence[ToolEmbedding]) -> None:
    """Drop the vectors of these tools for this model before theirs are appended (derived data: the
    records they came from stay, and a run made current again is embedded again)."""
    tool_ids = [row.tool_id for row in rows]
    for table in ("capability_embeddings", "tool_embeddings"):
        connection.execute(
            f"DELETE FROM {table} WHERE model = $model AND list_contains($tool_ids, tool_id)",
            {"model": model, "tool_ids": tool_ids},
        )


def rows_to_append(
    model: str, rows: Sequence[ToolEmbedding]
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The rows of ``tool_embeddings`` and ``capability_embeddings`` (in TOOL_COLUMNS and
    CAPABILITY_COLUMNS order) for ``rows``; written with the appender, ~4x faster than INSERT ...
    unnest for lists of floats."""
    now = utc_now()
    tools: list[tuple[object, ...]] = [
        (row.tool_id, row.run_id, model, list(row.vector), now) for row in rows
    ]
    capabilities: list[tuple[object, ...]] = [
        (row.run_id, ordinal, model, row.tool_id, list(vector))
        for row in rows
        for ordinal, vector in row.capability_vectors
    ]
    return tools, capabilities


def current_vectors(connection: duckdb.DuckDBPyConnection, model: str) -> tuple[list[str], list[list[float]]]:
    """Ids and vectors of every current tool embedded with ``model``, in id order."""
    rows = connection.execute(CURRENT_TOOL_VECTORS + " ORDER BY e.tool_id", {"model": model}).fetchall()
    return [tool_id for tool_id, _ in rows], [vector for _, vector in rows]
