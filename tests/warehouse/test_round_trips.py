"""Every read and write method stores and returns what it was given."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from schemas import CapgraphError, FetchResult, NotFoundError
from tests.warehouse import builders
from warehouse import BatchRow, ExtractionKey, StoredFetch, Warehouse


def test_a_tool_round_trips_with_its_price(warehouse: Warehouse) -> None:
    heron = builders.priced_tool()
    with warehouse.writer() as session:
        session.upsert_tool(heron)
    with warehouse.reader() as session:
        assert session.has_tool(heron.id)
        assert not session.has_tool("installed:absent")
        assert session.tool_ids() == [heron.id]
        assert session.tool_profile(heron.id).tool == heron


def test_upserting_a_tool_again_updates_what_the_source_says(warehouse: Warehouse) -> None:
    with warehouse.writer() as session:
        session.upsert_tool(builders.priced_tool())
        session.upsert_tool(builders.tool(builders.HERON_ID, version="2.0.0", pricing="free", license=None))
    with warehouse.reader() as session:
        stored = session.tool_profile(builders.HERON_ID).tool
        assert session.tool_ids() == [builders.HERON_ID]
    assert (stored.version, stored.pricing, stored.license, stored.starting_price) == (
        "2.0.0",
        "free",
        None,
        None,
    )


def test_documents_are_deduplicated_by_hash(warehouse: Warehouse) -> None:
    first = builders.document()
    refetched = builders.document(origin="https://mirror.example.invalid/README.md")
    with warehouse.writer() as session:
        assert session.store_document(first) is True
        assert session.store_document(refetched) is False
        assert session.store_document(builders.document(text=builders.OTTER_TEXT + " Now with tags.")) is True
    with warehouse.reader() as session:
        assert session.document(first.sha256) == first
        assert session.document("0" * 64) is None
        _, rows = session.query("SELECT count(*) FROM documents")
    assert rows == [(2,)]


def test_tool_profile_has_current_records_in_order_with_evidence(populated: Warehouse) -> None:
    doc = builders.document()
    with populated.reader() as session:
        profile = session.tool_profile(builders.OTTER_ID)
        limited = session.tool_profile(builders.OTTER_ID, capability_limit=2)
    assert profile.capabilities == builders.otter_capabilities(doc).capabilities
    first_quote = profile.capabilities[0].evidence[0]
    assert doc.text[first_quote.start : first_quote.end] == first_quote.quote
    assert [item.title for item in limited.capabilities] == [item.title for item in profile.capabilities[:2]]
    assert profile.document_origin == doc.origin
    assert profile.current_run is not None
    assert profile.current_run.ingest_id == "ingest-1"
    assert {(item.name, item.value) for item in profile.signals} == {("stars", 120), ("downloads", 5400)}


def test_a_tool_without_a_successful_run_has_no_current_records(populated: Warehouse) -> None:
    with populated.reader() as session:
        profile = session.tool_profile(builders.HERON_ID)
        assert session.capability_count(builders.HERON_ID) == 0
        assert session.current_key(builders.HERON_ID) is None
    assert (profile.capabilities, profile.current_run, profile.document_origin) == ([], None, None)


def test_an_unknown_tool_profile_names_the_tool_and_the_fix(populated: Warehouse) -> None:
    with populated.reader() as session, pytest.raises(NotFoundError) as caught:
        session.tool_profile("installed:nowhere")
    assert caught.value.subject == "installed:nowhere"
    assert "capgraph tools" in str(caught.value)


def test_current_key_is_what_decides_re_extraction(populated: Warehouse) -> None:
    with populated.reader() as session:
        key = session.current_key(builders.OTTER_ID)
    assert key == ExtractionKey(
        document_sha256=builders.document().sha256,
        extractor="heuristic",
        model=None,
        prompt_version="rules-1",
    )


def test_list_tools_reports_counts_and_the_latest_run_of_any_status(populated: Warehouse) -> None:
    later = builders.run(builders.document(), status="failed", started_at=builders.T0 + timedelta(hours=1))
    with populated.writer() as session:
        session.record_run(later.model_copy(update={"error": "rate limited"}))
    with populated.reader() as session:
        rows = {row.id: row for row in session.list_tools()}
    otter, heron = rows[builders.OTTER_ID], rows[builders.HERON_ID]
    assert (otter.capabilities, otter.ungrounded, otter.last_status, otter.last_error) == (
        3,
        0,
        "failed",
        "rate limited",
    )
    assert otter.last_run_at == later.started_at
    assert (heron.kind, heron.pricing, heron.capabilities, heron.last_status) == (
        "Service",
        "paid",
        0,
        "failed",
    )


def test_recent_runs_are_newest_first_and_filter_by_tool(populated: Warehouse) -> None:
    with populated.reader() as session:
        everything = session.recent_runs()
        one = session.recent_runs(limit=1)
        heron_only = session.recent_runs(tool_id=builders.HERON_ID)
    assert len(everything) == 2
    assert one == everything[:1]
    assert [row.tool_id for row in heron_only] == [builders.HERON_ID]
    otter_run = next(row for row in everything if row.tool_id == builders.OTTER_ID)
    assert (otter_run.status, otter_run.capabilities, otter_run.duration_ms) == ("succeeded", 3, 1500)
    assert heron_only[0].error == "the extractor timed out"


def test_costs_group_by_run_model_and_tool(populated: Warehouse) -> None:
    with populated.writer() as session:
        session.record_calls(
            [
                builders.call(
                    model="model-large",
                    cost_usd=Decimal("0.0100"),
                    started_at=builders.T0 + timedelta(days=2),
                )
            ]
        )
    with populated.reader() as session:
        by_model = {row.key: row for row in session.costs(by="model")}
        by_tool = {row.key: row for row in session.costs(by="tool")}
        by_run = session.costs()
        recent = session.costs(since=builders.T0 + timedelta(days=1), by="tool")
    # A group with any unpriced call has no total, and says how many calls lacked a price.
    assert (by_model["model-large"].calls, by_model["model-large"].cost_usd) == (2, None)
    assert by_model["model-large"].unpriced_calls == 1
    assert (by_model["model-small"].cost_usd, by_model["model-small"].input_tokens) == (
        Decimal("0.0025"),
        1000,
    )
    assert by_tool[builders.OTTER_ID].cost_usd == Decimal("0.0125")
    assert {row.group for row in by_run} == {"run"}
    assert "ingest-1" in {row.key for row in by_run}
    assert [(row.key, row.calls) for row in recent] == [(builders.OTTER_ID, 1)]


def test_costs_refuse_an_unknown_grouping(populated: Warehouse) -> None:
    with populated.reader() as session, pytest.raises(CapgraphError, match="run, model, tool"):
        session.costs(by="day")  # type: ignore[arg-type]


def test_record_calls_never_counts_a_call_twice(warehouse: Warehouse) -> None:
    first = builders.call(status="overloaded", cost_usd=None)
    with warehouse.writer() as session:
        session.record_calls([first])
        session.record_calls([first.model_copy(update={"status": "ok", "cost_usd": Decimal("0.5")})])
    with warehouse.reader() as session:
        (row,) = session.costs(by="tool")
        _, stored = session.query("SELECT status, http_status, latency_ms, purpose, attempt FROM api_calls")
    assert (row.calls, row.cost_usd) == (1, Decimal("0.5"))
    assert stored == [("ok", 200, 900, "extract", 1)]


def test_batches_are_open_until_finished(warehouse: Warehouse) -> None:
    items = {"req-1": builders.OTTER_ID, "req-2": builders.HERON_ID}
    with warehouse.writer() as session:
        session.save_batch("batch-a", ingest_id="ingest-7", items=items, model="model-small")
        session.save_batch("batch-b", ingest_id=None, items={"req-1": builders.OTTER_ID}, model="model-small")
        session.finish_batch("batch-b", status="ended")
    with warehouse.reader() as session:
        (open_batch,) = session.open_batches()
    assert open_batch == BatchRow(
        batch_id="batch-a",
        ingest_id="ingest-7",
        model="model-small",
        status="in_progress",
        created_at=open_batch.created_at,
        finished_at=None,
        items=items,
    )
    with warehouse.writer() as session:
        session.finish_batch("batch-a", status="canceled")
        assert session.open_batches() == []


def test_finishing_an_unknown_batch_or_with_a_bad_status_fails_clearly(warehouse: Warehouse) -> None:
    with warehouse.writer() as session:
        session.save_batch("batch-a", ingest_id=None, items={}, model="model-small")
        with pytest.raises(NotFoundError) as unknown:
            session.finish_batch("batch-zzz", status="ended")
        with pytest.raises(CapgraphError, match="canceled, ended, expired, failed") as bad_status:
            session.finish_batch("batch-a", status="done")
    assert unknown.value.subject == "batch-zzz"
    assert bad_status.value.subject == "batch-a"


def test_saving_a_batch_twice_fails_and_keeps_the_first(warehouse: Warehouse) -> None:
    with warehouse.writer() as session:
        session.save_batch("batch-a", ingest_id=None, items={"req-1": builders.OTTER_ID}, model="model-small")
        with pytest.raises(CapgraphError) as caught:
            session.save_batch("batch-a", ingest_id=None, items={"req-9": builders.HERON_ID}, model="other")
        assert [batch.items for batch in session.open_batches()] == [{"req-1": builders.OTTER_ID}]
    assert caught.value.subject == "batch-a"


def test_a_missing_file_cannot_be_read(tmp_path) -> None:
    with pytest.raises(NotFoundError, match="capgraph ingest"), Warehouse(tmp_path / "none.duckdb").reader():
        pass


def test_the_stored_states_hold_what_decides_an_unchanged_tool(populated: Warehouse) -> None:
    with populated.writer() as session:
        session.record_signals([builders.signal("stars", 130, minutes=5)])
        states = session.stored_states()
        otter_key = session.current_key(builders.OTTER_ID)
    assert set(states) == {builders.OTTER_ID, builders.HERON_ID}
    otter, heron = states[builders.OTTER_ID], states[builders.HERON_ID]
    assert (otter.tool, otter.key, otter.capabilities) == (builders.tool(), otter_key, 3)
    assert otter.signals == {"stars": 130.0, "downloads": 5400.0}
    assert (heron.tool, heron.key, heron.signals, heron.capabilities) == (builders.priced_tool(), None, {}, 0)


def test_store_fetch_writes_tool_document_and_signals_together(warehouse: Warehouse) -> None:
    fetched = FetchResult(
        tool=builders.priced_tool(),
        document=builders.document(builders.HERON_ID, builders.HERON_TEXT),
        signals=[builders.signal("stars", 3, tool_id=builders.HERON_ID)],
    )
    with warehouse.writer() as session:
        first = session.store_fetch(fetched)
        again = session.store_fetch(fetched)
        profile = session.tool_profile(builders.HERON_ID)
    assert first == StoredFetch(document_is_new=True, signals_added=1)
    assert again == StoredFetch(document_is_new=False, signals_added=0)
    assert profile.tool == fetched.tool
    assert [signal.value for signal in profile.signals] == [3.0]


def test_updated_at_moves_only_when_the_description_changes(warehouse: Warehouse) -> None:
    def stamps() -> tuple[object, object]:
        with warehouse.reader() as session:
            _, rows = session.query("SELECT first_seen_at, updated_at FROM tools")
        return rows[0]

    with warehouse.writer() as session:
        session.upsert_tool(builders.priced_tool())
    created = stamps()
    with warehouse.writer() as session:
        session.upsert_tool(builders.priced_tool())
    assert stamps() == created
    with warehouse.writer() as session:
        session.upsert_tool(builders.priced_tool().model_copy(update={"version": "9.9.9"}))
    first_seen, updated = stamps()
    assert first_seen == created[0]
    assert updated > created[1]
