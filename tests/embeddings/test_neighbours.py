"""nearest_pairs finds each tool's nearest tools exactly, block by block."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings import nearest_pairs


def test_each_tool_gets_its_nearest_others_across_blocks() -> None:
    # More rows than one block of the product, so the block offsets are exercised.
    count, per_tool = 1100, 4
    rows = np.random.default_rng(3).standard_normal((count, 8))
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    tool_ids = [f"tool-{index:04d}" for index in range(count)]
    found: dict[str, set[str]] = {}
    for tool_id, other_id in nearest_pairs(tool_ids, rows.tolist(), per_tool):
        found.setdefault(tool_id, set()).add(other_id)
    similarities = rows @ rows.T
    np.fill_diagonal(similarities, -np.inf)
    expected = {
        tool_ids[index]: {tool_ids[column] for column in np.argsort(-similarities[index])[:per_tool]}
        for index in range(count)
    }
    assert found == expected


def test_few_tools_give_every_other_tool_and_never_the_tool_itself() -> None:
    pairs = nearest_pairs(["a", "b", "c"], [[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], 10)
    assert sorted(pairs) == [("a", "b"), ("a", "c"), ("b", "a"), ("b", "c"), ("c", "a"), ("c", "b")]
    assert nearest_pairs(["a"], [[1.0, 0.0]], 5) == []


def test_ids_and_vectors_must_pair_up() -> None:
    with pytest.raises(ValueError, match="2 tool ids but 1 vectors"):
        nearest_pairs(["a", "b"], [[1.0]], 1)
