"""The core embeds changed tools and the match graph finds competitors by meaning, with the real model."""

from __future__ import annotations

from pathlib import Path

import pytest

from capgraph.matching import refresh_match_graph
from capgraph.settings import Settings
from embeddings import BUNDLED_MODEL
from tests.warehouse import builders
from tests.warehouse.builders import described
from warehouse import ToolEmbedding, Warehouse

VECTOR_STORE = "installed:vectorstore"
SEARCH_ENGINE = "installed:searchengine"
MIGRATOR = "installed:migrator"
THUMBNAILS = "installed:thumbnails"

# The vector store and the search engine share no term; the migrator shares "index" with the vector
# store, but is a tool of another kind.
RECORDS = {
    VECTOR_STORE: [
        described(
            "Nearest neighbour retrieval", "Stores embedding vectors, answers nearest neighbour requests."
        ),
        described("HNSW index", "Builds an HNSW index over the vectors in memory."),
    ],
    SEARCH_ENGINE: [
        described("Similarity search engine", "Keeps dense float arrays and returns the closest matches."),
        described("Approximate lookup", "Finds the most alike items among millions in milliseconds."),
    ],
    MIGRATOR: [
        described("Schema migrations", "Versioned SQL scripts that alter tables, applied in order."),
        described("Index definitions", "Creates and drops each index of a relational schema."),
    ],
    THUMBNAILS: [described("Thumbnail resizing", "Resizes photographs into thumbnails in parallel batches.")],
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, db=tmp_path / "capgraph.duckdb", extractor="heuristic")


@pytest.fixture
def warehouse(settings: Settings) -> Warehouse:
    handle = Warehouse(settings.db, lock_timeout_seconds=2.0)
    with handle.writer() as session:
        for tool_id, records in RECORDS.items():
            builders.store_described(session, tool_id, records)
    yield handle
    handle.release()


def _embedded(warehouse: Warehouse) -> dict[str, tuple[str, object]]:
    with warehouse.reader() as session:
        _, rows = session.query("SELECT tool_id, run_id, computed_at FROM tool_embeddings")
    return {tool_id: (run_id, computed_at) for tool_id, run_id, computed_at in rows}


def _alternative_ids(warehouse: Warehouse, tool_id: str) -> list[str]:
    with warehouse.reader() as session:
        return [row.alternative_id for row in session.alternatives(tool_id)]


def test_a_competitor_sharing_no_word_outranks_a_tool_of_another_kind_sharing_words(
    warehouse: Warehouse, settings: Settings
) -> None:
    refreshed = refresh_match_graph(warehouse, settings, records_changed=True)
    assert refreshed.error is None and refreshed.stats is not None
    assert refreshed.stats.method_version == "match-v2"
    alternatives = _alternative_ids(warehouse, VECTOR_STORE)
    assert alternatives[0] == SEARCH_ENGINE
    assert alternatives.index(MIGRATOR) > alternatives.index(SEARCH_ENGINE)
    assert _shared_terms(warehouse, VECTOR_STORE, SEARCH_ENGINE) == []
    assert _shared_terms(warehouse, VECTOR_STORE, MIGRATOR) == ["index"]


def _shared_terms(warehouse: Warehouse, left: str, right: str) -> list[str]:
    with warehouse.reader() as session:
        _, rows = session.query(
            f"""
            WITH terms AS (
                SELECT tool_id,
                       flatten(list(match_tokens(match_capability_text(title, description, unique_text))))
                           AS terms
                FROM current_capabilities GROUP BY tool_id
            )
            SELECT list_sort(list_distinct(list_intersect(a.terms, b.terms)))
            FROM terms AS a, terms AS b WHERE a.tool_id = '{left}' AND b.tool_id = '{right}'
            """
        )
    return list(rows[0][0])


def test_only_tools_whose_records_changed_are_embedded_again(
    warehouse: Warehouse, settings: Settings
) -> None:
    refresh_match_graph(warehouse, settings, records_changed=True)
    first = _embedded(warehouse)
    assert set(first) == set(RECORDS)
    with warehouse.writer() as session:
        builders.store_described(
            session, THUMBNAILS, [described("Image cropping", "Crops photographs to a chosen aspect ratio.")]
        )
    refresh_match_graph(warehouse, settings, records_changed=True)
    second = _embedded(warehouse)
    assert {tool_id: row for tool_id, row in second.items() if tool_id != THUMBNAILS} == {
        tool_id: row for tool_id, row in first.items() if tool_id != THUMBNAILS
    }
    assert second[THUMBNAILS][0] != first[THUMBNAILS][0]


def test_an_unchanged_run_keeps_the_graph_unless_a_tool_lacks_vectors(
    warehouse: Warehouse, settings: Settings
) -> None:
    refresh_match_graph(warehouse, settings, records_changed=True)
    assert refresh_match_graph(warehouse, settings, records_changed=False).stats is None
    # As after an upgrade, or a run made current again: a tool whose current run has no vector.
    with warehouse.writer() as session:
        session.store_embeddings(BUNDLED_MODEL, [ToolEmbedding(SEARCH_ENGINE, "an-older-run", (1.0,))])
    assert _embedded(warehouse)[SEARCH_ENGINE][0] == "an-older-run"
    rebuilt = refresh_match_graph(warehouse, settings, records_changed=False)
    assert rebuilt.stats is not None
    assert _embedded(warehouse)[SEARCH_ENGINE][0] != "an-older-run"


def test_a_bad_model_setting_keeps_the_previous_graph_and_says_why(
    warehouse: Warehouse, settings: Settings, tmp_path: Path
) -> None:
    refresh_match_graph(warehouse, settings, records_changed=True)
    before = _alternative_ids(warehouse, VECTOR_STORE)
    broken = settings.model_copy(update={"embedding_model": str(tmp_path / "no-such-model")})
    refreshed = refresh_match_graph(warehouse, broken, records_changed=True)
    assert refreshed.stats is None and refreshed.error is not None
    assert "CAPGRAPH_EMBEDDING_MODEL" in refreshed.error and "is not a folder" in refreshed.error
    assert "\n" not in refreshed.error
    assert _alternative_ids(warehouse, VECTOR_STORE) == before
