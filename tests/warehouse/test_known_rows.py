"""Write sessions that share one attachment skip their look-ups, and are never misled by what they skip.

From the second write session of an attachment on, what is stored is known rather than looked up.
These tests make sure that knowledge only ever holds what was committed, and is dropped once another
process could have changed the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from schemas import CapabilitySet, Evidence, FetchResult, TerminalError
from tests.warehouse import builders
from tests.warehouse.processes import run_python
from warehouse import Warehouse
from warehouse.attachment import attached_file

TOOL_ID = "installed:plovercache"
TOOL_TEXT = (
    "Plovercache keeps hot query results in shared memory between worker processes. "
    "Entries expire by size and by age, whichever comes first."
)

# What another program might do to the file while capgraph does not hold it.
FORGET_THE_TOOL = """
import sys
import duckdb
connection = duckdb.connect(sys.argv[1])
for table in ("all_tools", "documents", "all_current_extractions"):
    column = "id" if table == "all_tools" else "tool_id"
    connection.execute(f"DELETE FROM {table} WHERE {column} = ?", [sys.argv[2]])
connection.close()
"""


def _fetched(**tool_changes: object) -> FetchResult:
    return FetchResult(
        tool=builders.tool(TOOL_ID, **tool_changes),
        document=builders.document(TOOL_ID, TOOL_TEXT),
    )


def _records(fetched: FetchResult, *, broken: bool = False) -> CapabilitySet:
    record = builders.capability("Shared-memory results", "hot query results in shared memory", TOOL_TEXT)
    if broken:
        # The evidence table refuses a span that ends before it starts: the write fails after the tool
        # and document rows went in.
        record = record.model_copy(update={"evidence": [Evidence(quote="hot query", start=30, end=3)]})
    return builders.capability_set(fetched.document, [record])


@pytest.fixture
def kept(tmp_path: Path) -> Iterator[Warehouse]:
    """A warehouse kept attached across sessions, its stored rows already known."""
    warehouse = Warehouse(tmp_path / "capgraph.duckdb", release_after_seconds=600)
    for tool_id in (builders.OTTER_ID, builders.HERON_ID):
        with warehouse.writer() as session:
            session.upsert_tool(builders.tool(tool_id))
    assert attached_file(warehouse.path).knows_stored_rows
    yield warehouse
    warehouse.release()


def _store(warehouse: Warehouse, fetched: FetchResult, records: CapabilitySet, *, hours: int = 0) -> str:
    run = builders.run(fetched.document, started_at=builders.T0 + timedelta(hours=hours))
    with warehouse.writer() as session:
        session.record_extraction(fetched, run, records, [])
    return run.run_id


def test_rows_of_a_rolled_back_write_are_written_by_the_next_one(kept: Warehouse) -> None:
    fetched = _fetched()
    with pytest.raises(TerminalError, match="nothing was written"):
        _store(kept, fetched, _records(fetched, broken=True))
    run_id = _store(kept, fetched, _records(fetched))
    with kept.reader() as session:
        profile = session.tool_profile(TOOL_ID)
        assert session.document(fetched.document.sha256) == fetched.document
    assert profile.tool == fetched.tool
    assert profile.current_run is not None and profile.current_run.run_id == run_id


def test_known_rows_are_updated_not_inserted_again(kept: Warehouse) -> None:
    fetched = _fetched()
    _store(kept, fetched, _records(fetched))
    changed = _fetched(version="2.0.0")
    second_run = _store(kept, changed, _records(changed), hours=1)
    with kept.reader() as session:
        profile = session.tool_profile(TOOL_ID)
        _, rows = session.query(f"SELECT count(*) FROM documents WHERE tool_id = '{TOOL_ID}'")
    assert profile.tool.version == "2.0.0"
    assert profile.current_run is not None and profile.current_run.run_id == second_run
    assert rows == [(1,)]


def test_what_another_process_changed_while_the_file_was_free_is_seen(kept: Warehouse) -> None:
    fetched = _fetched()
    _store(kept, fetched, _records(fetched))
    kept.release()
    run_python(FORGET_THE_TOOL, str(kept.path), TOOL_ID)
    # Two sessions: the first after attaching looks rows up, the second works from what it loaded.
    _store(kept, _fetched(), _records(fetched), hours=1)
    kept.release()
    run_python(FORGET_THE_TOOL, str(kept.path), TOOL_ID)
    with kept.writer() as session:
        session.upsert_tool(builders.tool(builders.OTTER_ID))
    run_id = _store(kept, fetched, _records(fetched), hours=2)
    assert attached_file(kept.path).knows_stored_rows
    with kept.reader() as session:
        profile = session.tool_profile(TOOL_ID)
        assert session.document(fetched.document.sha256) == fetched.document
    assert profile.tool == fetched.tool
    assert profile.current_run is not None and profile.current_run.run_id == run_id


def test_known_signal_values_follow_the_observation_order_not_the_order_written(kept: Warehouse) -> None:
    def record(value: float, minutes: int) -> int:
        with kept.writer() as session:
            return session.record_signals([builders.signal("stars", value, minutes=minutes)])

    assert record(10, minutes=10) == 1
    # An older observation arriving late is kept in the history, but the latest value is still 10...
    assert record(12, minutes=5) == 1
    # ...so a newer reading of 10 repeats it and adds nothing, while 12 again is a change.
    assert record(10, minutes=20) == 0
    assert record(12, minutes=30) == 1
    with kept.reader() as session:
        _, rows = session.query("SELECT value FROM signals ORDER BY observed_at")
        (latest,) = session.tool_profile(builders.OTTER_ID).signals
    assert rows == [(12.0,), (10.0,), (12.0,)]
    assert latest.value == 12.0


def test_signals_stored_before_the_rows_were_loaded_are_read_when_first_needed(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "capgraph.duckdb", release_after_seconds=600)
    try:
        with warehouse.writer() as session:
            assert (
                session.record_signals([builders.signal("stars", 5), builders.signal("downloads", 70)]) == 2
            )
        with warehouse.writer() as session:
            session.upsert_tool(builders.tool())
        assert attached_file(warehouse.path).knows_stored_rows
        with warehouse.writer() as session:
            assert session.record_signals([builders.signal("stars", 5, minutes=1)]) == 0
            assert session.record_signals([builders.signal("downloads", 71, minutes=1)]) == 1
    finally:
        warehouse.release()
