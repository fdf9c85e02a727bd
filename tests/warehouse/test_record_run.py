"""record_run is one transaction, and only a successful run with records changes a tool's current records."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas import CapgraphError, Evidence, TerminalError
from tests.warehouse import builders
from warehouse import Warehouse


def _current_titles(warehouse: Warehouse, tool_id: str = builders.OTTER_ID) -> list[str]:
    with warehouse.reader() as session:
        return [item.title for item in session.tool_profile(tool_id).capabilities]


def _stored_count(warehouse: Warehouse, table: str) -> int:
    with warehouse.reader() as session:
        _, rows = session.query(f"SELECT count(*) FROM {table}")
    return rows[0][0]


def test_a_new_successful_run_replaces_the_current_records_and_keeps_the_old(populated: Warehouse) -> None:
    new_doc = builders.document(text=builders.OTTER_TEXT + " Blocks can be copied to object storage.")
    newer = builders.capability_set(
        new_doc,
        [builders.capability("Object storage copies", "copied to object storage", new_doc.text)],
        extractor="anthropic",
        model="model-small",
        prompt_version="p7",
    )
    later = builders.run(new_doc, started_at=builders.T0 + timedelta(days=1), extractor="anthropic")
    with populated.writer() as session:
        session.store_document(new_doc)
        session.record_run(later.model_copy(update={"model": "model-small", "prompt_version": "p7"}), newer)
    assert _current_titles(populated) == ["Object storage copies"]
    with populated.reader() as session:
        key = session.current_key(builders.OTTER_ID)
        assert session.capability_count(builders.OTTER_ID) == 1
        # Earlier runs' records stay queryable.
        _, rows = session.query(
            "SELECT count(*) FROM capabilities "
            f"WHERE tool_id = '{builders.OTTER_ID}' AND run_id <> '{later.run_id}'"
        )
    assert rows == [(3,)]
    assert key is not None
    assert (key.document_sha256, key.extractor, key.model, key.prompt_version) == (
        new_doc.sha256,
        "anthropic",
        "model-small",
        "p7",
    )


def test_a_failing_insert_midway_leaves_the_previous_records_and_no_trace_of_the_run(
    populated: Warehouse,
) -> None:
    doc = builders.document()
    # Passes the model's validation but breaks the evidence table's span check (end before start),
    # so the failure comes after the run row and the capability rows were written.
    broken = builders.capability_set(
        doc,
        [
            builders.capability("Compressed column storage", "compressed column blocks on local disk"),
            builders.capability("Retention", "Retention rules").model_copy(
                update={"evidence": [Evidence(quote="Retention rules", start=40, end=10)]}
            ),
        ],
    )
    attempt = builders.run(doc, started_at=builders.T0 + timedelta(days=1))
    runs_before = _stored_count(populated, "extraction_runs")
    calls_before = _stored_count(populated, "api_calls")
    with populated.writer() as session, pytest.raises(TerminalError) as caught:
        session.record_run(attempt, broken, [builders.call()])
    assert caught.value.subject == builders.OTTER_ID
    assert "nothing was written" in str(caught.value)
    assert _current_titles(populated) == [
        "Compressed column storage",
        "Range queries without loading",
        "Automatic retention",
    ]
    assert _stored_count(populated, "extraction_runs") == runs_before
    assert _stored_count(populated, "api_calls") == calls_before
    with populated.reader() as session:
        _, orphans = session.query(f"SELECT count(*) FROM capabilities WHERE run_id = '{attempt.run_id}'")
    assert orphans == [(0,)]


def test_the_session_stays_usable_after_a_failed_record_run(populated: Warehouse) -> None:
    doc = builders.document()
    duplicate = builders.run(doc, run_id="run-dup")
    with populated.writer() as session:
        session.record_run(duplicate)
        with pytest.raises(TerminalError, match="run-dup"):
            session.record_run(duplicate)
        session.record_signals([builders.signal("stars", 121)])
    with populated.reader() as session:
        assert session.tool_profile(builders.OTTER_ID).signals[1].value == 121


@pytest.mark.parametrize("status", ["failed", "skipped"])
def test_failed_and_skipped_runs_never_touch_the_current_records(populated: Warehouse, status: str) -> None:
    doc = builders.document()
    with populated.reader() as session:
        key_before = session.current_key(builders.OTTER_ID)
    replacement = builders.capability_set(doc, [builders.capability("Should not appear", "Otterstore")])
    later = builders.run(
        doc, status=status, started_at=builders.T0 + timedelta(days=1), prompt_version="rules-2"
    )
    with populated.writer() as session:
        session.record_run(later, replacement)
    assert len(_current_titles(populated)) == 3
    with populated.reader() as session:
        assert session.current_key(builders.OTTER_ID) == key_before
        assert session.recent_runs(limit=1)[0].status == status


def test_the_run_calls_are_tagged_with_the_run_and_its_ingest(warehouse: Warehouse) -> None:
    doc = builders.document()
    recorded_by_hooks = builders.call()
    with warehouse.writer() as session:
        session.record_calls([recorded_by_hooks])
        session.record_run(
            builders.run(doc, run_id="run-1", ingest_id="ingest-9"),
            builders.otter_capabilities(doc),
            [recorded_by_hooks, builders.call(purpose="repair")],
        )
    with warehouse.reader() as session:
        _, rows = session.query("SELECT run_id, ingest_id, purpose FROM api_calls ORDER BY purpose")
    assert rows == [("run-1", "ingest-9", "extract"), ("run-1", "ingest-9", "repair")]


def test_records_for_another_tool_or_document_are_refused(warehouse: Warehouse) -> None:
    otter_doc = builders.document()
    heron_doc = builders.document(builders.HERON_ID, builders.HERON_TEXT)
    with warehouse.writer() as session:
        with pytest.raises(CapgraphError, match="capabilities are for installed:heronq"):
            session.record_run(builders.run(otter_doc), builders.capability_set(heron_doc, []))
        other_text = builders.document(text="Otterstore, second edition of its description.")
        with pytest.raises(CapgraphError, match="capabilities come from"):
            session.record_run(builders.run(otter_doc), builders.capability_set(other_text, []))
        assert session.recent_runs() == []


def test_a_successful_run_with_no_capabilities_empties_the_current_records(populated: Warehouse) -> None:
    doc = builders.document()
    with populated.writer() as session:
        session.record_run(
            builders.run(doc, started_at=builders.T0 + timedelta(days=1)), builders.capability_set(doc, [])
        )
        assert session.capability_count(builders.OTTER_ID) == 0


def test_a_run_without_its_own_document_hash_takes_the_records_one(warehouse: Warehouse) -> None:
    doc = builders.document()
    with warehouse.writer() as session:
        session.record_run(builders.run(doc, document_sha256=None), builders.otter_capabilities(doc))
        key = session.current_key(builders.OTTER_ID)
    assert key is not None and key.document_sha256 == doc.sha256
