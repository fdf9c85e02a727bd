"""Each tool's nearest tools by cosine of unit vectors: a blocked matrix product, never the full matrix."""

from __future__ import annotations

from collections.abc import Sequence

_BLOCK_ROWS = 1024
"""Rows of the similarity matrix computed at once: bounds memory at 1024 x tools floats."""


def nearest_pairs(
    tool_ids: Sequence[str], vectors: Sequence[Sequence[float]], per_tool: int
) -> list[tuple[str, str]]:
    """For each tool, its ``per_tool`` nearest other tools, as (tool_id, other_id) pairs.

    ``vectors`` are the tools' unit vectors, all of one length; the pairs are candidates the match
    graph scores exactly, so ties at the cut need not be broken the way the graph breaks them.
    """
    if len(tool_ids) != len(vectors):
        raise ValueError(f"{len(tool_ids)} tool ids but {len(vectors)} vectors")
    import numpy as np  # here, not at the top: the package is imported by every command, numpy is not

    count = len(tool_ids)
    if count < 2 or per_tool < 1:
        return []
    matrix = np.asarray(vectors, dtype=np.float32)
    keep = min(per_tool, count - 1)
    pairs: list[tuple[str, str]] = []
    for start in range(0, count, _BLOCK_ROWS):
        block = matrix[start : start + _BLOCK_ROWS] @ matrix.T
        rows = np.arange(block.shape[0])
        block[rows, rows + start] = -np.inf
        nearest = np.argpartition(-block, keep - 1, axis=1)[:, :keep]
        for row, columns in enumerate(nearest):
            tool_id = tool_ids[start + row]
            pairs.extend((tool_id, tool_ids[int(column)]) for column in columns)
    return pairs
