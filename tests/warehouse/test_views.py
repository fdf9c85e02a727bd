"""The analyst views show the current records and one summary row per tool."""

from __future__ import annotations

from datetime import timedelta

from tests.warehouse import builders
from warehouse import Warehouse


def _rows_as_dicts(warehouse: Warehouse, sql: str) -> list[dict[str, object]]:
    with warehouse.reader() as session:
        columns, rows = session.query(sql)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def test_latest_capabilities_lists_current_records_with_their_quotes(populated: Warehouse) -> None:
    rows = _rows_as_dicts(populated, "SELECT * FROM latest_capabilities ORDER BY tool_id, ordinal")
    assert [row["title"] for row in rows] == [
        "Compressed column storage",
        "Range queries without loading",
        "Automatic retention",
    ]
    first = rows[0]
    assert (first["tool_name"], first["tool_kind"], first["extractor"], first["grounded"]) == (
        "otterstore",
        "Package",
        "heuristic",
        True,
    )
    assert first["evidence_quotes"] == ["compressed column blocks on local disk"]
    assert first["capability_id"] == f"{first['run_id']}/0"


def test_latest_capabilities_follows_the_current_run_only(populated: Warehouse) -> None:
    doc = builders.document()
    ungrounded = builders.capability_set(
        doc, [builders.capability("Invented feature", "a sentence the document never says", grounded=False)]
    )
    with populated.writer() as session:
        session.record_run(builders.run(doc, started_at=builders.T0 + timedelta(days=1)), ungrounded)
    rows = _rows_as_dicts(populated, "SELECT title, grounded, evidence_quotes FROM latest_capabilities")
    assert rows == [
        {
            "title": "Invented feature",
            "grounded": False,
            "evidence_quotes": ["a sentence the document never says"],
        }
    ]


def test_tool_summary_has_one_row_per_tool_with_signals_and_documents(populated: Warehouse) -> None:
    with populated.writer() as session:
        session.record_signals([builders.signal("stars", 150, minutes=60), builders.signal("dependents", 7)])
    rows = {row["id"]: row for row in _rows_as_dicts(populated, "SELECT * FROM tool_summary")}
    otter, heron = rows[builders.OTTER_ID], rows[builders.HERON_ID]
    assert (otter["capabilities"], otter["ungrounded"], otter["last_run_status"], otter["documents"]) == (
        3,
        0,
        "succeeded",
        1,
    )
    assert (otter["stars"], otter["downloads"], otter["dependents"]) == (150.0, 5400.0, 7.0)
    assert otter["signals"] == {"dependents": 7.0, "downloads": 5400.0, "stars": 150.0}
    assert (heron["capabilities"], heron["last_run_status"], heron["last_run_error"]) == (
        0,
        "failed",
        "the extractor timed out",
    )
    assert (heron["stars"], heron["signals"]) == (None, {})


def test_tool_summary_counts_ungrounded_current_records(warehouse: Warehouse) -> None:
    doc = builders.document()
    mixed = builders.capability_set(
        doc,
        [
            builders.capability("Compressed column storage", "compressed column blocks on local disk"),
            builders.capability("Cloud sync", "syncs to every cloud", grounded=False),
        ],
    )
    with warehouse.writer() as session:
        session.upsert_tool(builders.tool())
        session.record_run(builders.run(doc), mixed)
    (row,) = _rows_as_dicts(warehouse, "SELECT capabilities, ungrounded, documents FROM tool_summary")
    assert row == {"capabilities": 2, "ungrounded": 1, "documents": 0}
