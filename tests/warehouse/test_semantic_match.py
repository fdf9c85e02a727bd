"""The match graph blends stored embedding vectors with the lexical cosine (hand-made vectors here; the
real model is exercised in tests/embeddings and tests/core)."""

from __future__ import annotations

import math

import pytest

from schemas import CapgraphError
from tests.warehouse import builders
from tests.warehouse.builders import described
from warehouse import SemanticInput, ToolEmbedding, Warehouse

MODEL = "test-model"
ROCKET = "installed:rocket"
SLED = "installed:sled"
KETTLE = "installed:kettle"
TEAPOT = "installed:teapot"

# rocket and sled share no term at all; kettle and teapot share several.
RECORDS = {
    ROCKET: [described("Orbital launches", "Lifts satellites into orbit on reusable boosters.")],
    SLED: [described("Payload delivery", "Carries cargo above the atmosphere aboard spacecraft.")],
    KETTLE: [described("Boiling water", "Heats water to boiling point with an electric element.")],
    TEAPOT: [described("Brewing water", "Keeps boiling water with leaves until the brew is ready.")],
}

# Unit vectors: rocket and sled nearly parallel, kettle and teapot a little apart.
VECTORS = {
    ROCKET: (1.0, 0.0, 0.0),
    SLED: (0.96, 0.28, 0.0),
    KETTLE: (0.0, 0.0, 1.0),
    TEAPOT: (0.0, 0.6, 0.8),
}


@pytest.fixture
def embedded(warehouse: Warehouse) -> Warehouse:
    with warehouse.writer() as session:
        for tool_id, records in RECORDS.items():
            builders.store_described(session, tool_id, records)
        _, runs = session.query("SELECT tool_id, run_id FROM current_extractions")
        session.store_embeddings(
            MODEL,
            [
                ToolEmbedding(tool_id=tool_id, run_id=run_id, vector=VECTORS[tool_id])
                for tool_id, run_id in runs
            ],
        )
    return warehouse


def _semantic(warehouse: Warehouse, weight: float = 0.8) -> SemanticInput:
    with warehouse.reader() as session:
        tool_ids, _ = session.current_tool_vectors(MODEL)
    every_pair = [(left, right) for left in tool_ids for right in tool_ids if left != right]
    return SemanticInput(model=MODEL, near_pairs=every_pair, weight=weight)


def test_tools_sharing_no_word_but_close_vectors_become_alternatives(embedded: Warehouse) -> None:
    with embedded.writer() as session:
        lexical = session.rebuild_match_graph()
        lexical_rocket = session.alternatives(ROCKET)
        blended = session.rebuild_match_graph(semantic=_semantic(embedded))
        rocket = session.alternatives(ROCKET)
        _, builds = session.query(
            "SELECT method_version, embedding_model, semantic_weight FROM match_graph_builds "
            "ORDER BY built_at"
        )
    assert SLED not in [row.alternative_id for row in lexical_rocket]
    assert (lexical.method_version, blended.method_version) == ("match-v1", "match-v2")
    assert builds == [("match-v1", None, None), ("match-v2", MODEL, 0.8)]
    assert rocket[0].alternative_id == SLED
    # No shared term: the similarity is the embedding share of the cosine alone.
    assert rocket[0].similarity == pytest.approx(0.8 * 0.96, abs=1e-6)


def test_the_blend_adds_the_lexical_cosine_to_the_embedding_cosine(embedded: Warehouse) -> None:
    with embedded.writer() as session:
        session.rebuild_match_graph()
        (lexical,) = [row.similarity for row in session.alternatives(KETTLE) if row.alternative_id == TEAPOT]
        session.rebuild_match_graph(semantic=_semantic(embedded, weight=0.5))
        (blended,) = [row.similarity for row in session.alternatives(KETTLE) if row.alternative_id == TEAPOT]
    assert lexical > 0
    assert blended == pytest.approx(0.5 * 0.8 + 0.5 * lexical, abs=1e-6)


def test_pair_match_agrees_with_every_edge_of_a_blended_build(embedded: Warehouse) -> None:
    with embedded.writer() as session:
        session.rebuild_match_graph(top_k=3, semantic=_semantic(embedded))
        edges = {tool_id: session.alternatives(tool_id) for tool_id in RECORDS}
        for tool_id, rows in edges.items():
            assert rows
            for stored in rows:
                assert session.pair_match(tool_id, stored.alternative_id) == stored


def test_a_tool_without_a_current_vector_is_matched_lexically(embedded: Warehouse) -> None:
    with embedded.writer() as session:
        session.rebuild_match_graph()
        (lexical,) = [row.similarity for row in session.alternatives(KETTLE) if row.alternative_id == TEAPOT]
        # Teapot's vector now belongs to a run that is not its current one.
        session.store_embeddings(
            MODEL, [ToolEmbedding(tool_id=TEAPOT, run_id="not-the-current-run", vector=(0.0, 1.0, 0.0))]
        )
        assert [row.tool_id for row in session.tools_missing_embeddings(MODEL)] == [TEAPOT]
        session.rebuild_match_graph(semantic=_semantic(embedded))
        (after,) = [row.similarity for row in session.alternatives(KETTLE) if row.alternative_id == TEAPOT]
        assert session.pair_match(KETTLE, TEAPOT).similarity == after
    assert after == lexical


def test_a_semantic_weight_outside_0_to_1_is_refused(embedded: Warehouse) -> None:
    with embedded.writer() as session, pytest.raises(CapgraphError, match="semantic_weight"):
        session.rebuild_match_graph(semantic=SemanticInput(model=MODEL, weight=1.5))


def test_storing_vectors_replaces_the_tools_older_runs(embedded: Warehouse) -> None:
    with embedded.writer() as session:
        session.store_embeddings(
            MODEL,
            [
                ToolEmbedding(
                    tool_id=ROCKET,
                    run_id="run-2",
                    vector=(0.6, 0.8, 0.0),
                    capability_vectors=((0, (0.6, 0.8, 0.0)),),
                )
            ],
        )
        _, rows = session.query(
            f"SELECT run_id, vector FROM tool_embeddings WHERE tool_id = '{ROCKET}' AND model = '{MODEL}'"
        )
        _, capability_rows = session.query(
            f"SELECT run_id, ordinal FROM capability_embeddings WHERE tool_id = '{ROCKET}'"
        )
    assert [run_id for run_id, _ in rows] == ["run-2"]
    assert all(math.isclose(a, b, rel_tol=1e-6) for a, b in zip(rows[0][1], (0.6, 0.8, 0.0), strict=True))
    assert capability_rows == [("run-2", 0)]
