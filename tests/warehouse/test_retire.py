"""Retiring a tool: its history stays, but no view, score, match or listing includes it until it is
ingested again."""

from __future__ import annotations

import pytest

from schemas import FetchResult, NotFoundError
from tests.warehouse import builders
from warehouse import Warehouse

PARQUET = "Parquet scans read columnar files in place without loading them"
WINDOWS = "Window functions compute running totals over ordered rows"
RECORDS = {
    "installed:lumen": [("Parquet scans", PARQUET), ("Vector search", "Nearest neighbours over embeddings")],
    "installed:quarry": [("Parquet scans", PARQUET), ("Window functions", WINDOWS)],
    "installed:basalt": [("Window functions", WINDOWS), ("Cron schedules", "Runs pipelines on cron times")],
    "installed:shale": [("Parquet scans", PARQUET), ("Geo joins", "Spatial joins over polygons and points")],
}


def _similar_tools(warehouse: Warehouse) -> None:
    """Four tools; quarry shares a record with each of the others."""
    with warehouse.writer() as session:
        for tool_id, records in RECORDS.items():
            builders.store_described(
                session, tool_id, [builders.described(title, text) for title, text in records]
            )
        session.rebuild_match_graph()


def _listed(warehouse: Warehouse, sql: str) -> set[str]:
    with warehouse.reader() as session:
        _, rows = session.query(sql)
    return {row[0] for row in rows}


def test_a_retired_tool_leaves_every_listing_score_and_match(warehouse: Warehouse) -> None:
    _similar_tools(warehouse)
    assert "installed:quarry" in _listed(warehouse, "SELECT alternative_id FROM match_edges")

    with warehouse.writer() as session:
        assert session.retire_tool("installed:quarry") is True
        session.rebuild_match_graph()
        session.snapshot_scores()

    remaining = {"installed:lumen", "installed:basalt", "installed:shale"}
    assert _listed(warehouse, "SELECT id FROM tools") == remaining
    assert _listed(warehouse, "SELECT id FROM tool_summary") == remaining
    assert _listed(warehouse, "SELECT tool_id FROM latest_capabilities") == remaining
    assert _listed(warehouse, "SELECT tool_id FROM current_extractions") == remaining
    assert _listed(warehouse, "SELECT tool_id FROM tool_scores") == remaining
    assert _listed(warehouse, "SELECT tool_id FROM score_inputs") == remaining
    assert _listed(warehouse, "SELECT tool_id FROM score_snapshot") == remaining
    # basalt shared its one matching record only with quarry, so it has no edge left.
    edges = "SELECT tool_id FROM match_edges UNION SELECT alternative_id FROM match_edges"
    assert _listed(warehouse, edges) == {"installed:lumen", "installed:shale"}
    with warehouse.reader() as session:
        assert not session.has_tool("installed:quarry")
        assert "installed:quarry" not in session.tool_ids()
        assert "installed:quarry" not in session.stored_states()
        assert [row.alternative_id for row in session.alternatives("installed:lumen")] == ["installed:shale"]
        with pytest.raises(NotFoundError):
            session.tool_profile("installed:quarry")


def test_its_history_is_kept(warehouse: Warehouse) -> None:
    _similar_tools(warehouse)
    with warehouse.writer() as session:
        session.retire_tool("installed:quarry")

    assert _listed(warehouse, "SELECT id FROM all_tools WHERE retired_at IS NOT NULL") == {"installed:quarry"}
    assert "installed:quarry" in _listed(warehouse, "SELECT tool_id FROM all_current_extractions")
    assert "installed:quarry" in _listed(warehouse, "SELECT tool_id FROM extraction_runs")
    assert "installed:quarry" in _listed(warehouse, "SELECT tool_id FROM capabilities")
    assert "installed:quarry" in _listed(warehouse, "SELECT tool_id FROM documents")


def test_retiring_an_unknown_tool_is_not_found_and_twice_is_a_no_op(warehouse: Warehouse) -> None:
    _similar_tools(warehouse)
    with warehouse.writer() as session:
        with pytest.raises(NotFoundError, match="no such tool") as caught:
            session.retire_tool("installed:nothing")
        assert caught.value.subject == "installed:nothing"
        assert session.retire_tool("installed:lumen") is True
        assert session.retire_tool("installed:lumen") is False


def test_storing_the_tool_again_brings_it_back(tmp_path) -> None:
    warehouse = Warehouse(tmp_path / "capgraph.duckdb")
    try:
        _similar_tools(warehouse)
        with warehouse.writer() as session:
            session.retire_tool("installed:quarry")
        with warehouse.writer() as session:
            session.upsert_tool(builders.tool("installed:other"))

        doc = builders.document("installed:quarry", "Parquet scans. Window functions.")
        record = builders.described("Parquet scans", PARQUET)
        with warehouse.writer() as session:
            session.record_extraction(
                FetchResult(tool=builders.tool("installed:quarry"), document=doc),
                builders.run(doc),
                builders.capability_set(doc, [record]),
                [],
            )

        assert "installed:quarry" in _listed(warehouse, "SELECT id FROM tools")
        assert "installed:quarry" in _listed(warehouse, "SELECT tool_id FROM latest_capabilities")
        with warehouse.writer() as session:
            # Retiring works again after the return: the known rows followed both changes.
            assert session.retire_tool("installed:quarry") is True
        assert "installed:quarry" not in _listed(warehouse, "SELECT id FROM tools")
    finally:
        warehouse.release()


def test_relative_file_ids_with_an_absolute_twin_are_found(warehouse: Warehouse) -> None:
    text = "Quillmark renders notes. Live preview."
    old_doc = builders.document("file:docs/quillmark.md", text)
    new_doc = builders.document("file:/home/me/project/docs/quillmark.md", text)
    with warehouse.writer() as session:
        for doc in (old_doc, new_doc):
            session.upsert_tool(builders.tool(doc.tool_id, name="Quillmark"))
            session.store_document(doc)
            session.record_run(builders.run(doc))
        session.upsert_tool(builders.tool("file:/elsewhere/notes.md", name="Notes"))
        session.upsert_tool(builders.tool("file:notes.md", name="Other notes"))

    with warehouse.reader() as session:
        assert session.relative_file_id_twins() == [
            ("file:docs/quillmark.md", "file:/home/me/project/docs/quillmark.md")
        ]
