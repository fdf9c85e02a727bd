"""Other processes and threads: who holds the file, who waits, and that the file is free between sessions."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from schemas import CapgraphError, WarehouseBusyError
from tests.warehouse import builders
from tests.warehouse.processes import holding, run_python
from warehouse import Warehouse

COUNT_TOOLS = """
import sys
import duckdb
connection = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read_only")
print(connection.execute("SELECT count(*) FROM tools").fetchone()[0])
connection.close()
"""


@pytest.fixture
def created(warehouse: Warehouse) -> Warehouse:
    with warehouse.writer() as session:
        session.upsert_tool(builders.tool())
    warehouse.release()
    return warehouse


def test_a_writer_gives_up_naming_the_process_that_holds_the_file(created: Warehouse) -> None:
    impatient = Warehouse(created.path, lock_timeout_seconds=0.3)
    with holding(created.path) as holder, pytest.raises(WarehouseBusyError) as caught, impatient.writer():
        pass
    error = caught.value
    assert error.subject == str(created.path)
    assert f"PID {holder.pid}" in error.message
    assert "connection = duckdb.connect" in error.message  # the holder's command line, from /proc
    assert "analyst copy" in (error.hint or "")
    assert error.transient


def test_a_reader_also_waits_for_another_process_writing(created: Warehouse) -> None:
    impatient = Warehouse(created.path, lock_timeout_seconds=0.2)
    with holding(created.path) as holder, pytest.raises(WarehouseBusyError) as caught, impatient.reader():
        pass
    assert f"PID {holder.pid}" in caught.value.message


def test_the_warehouse_works_again_once_the_holder_is_gone(created: Warehouse) -> None:
    impatient = Warehouse(created.path, lock_timeout_seconds=0.2)
    with holding(created.path), pytest.raises(WarehouseBusyError), impatient.writer():
        pass
    with impatient.writer() as session:
        session.upsert_tool(builders.tool(builders.HERON_ID))
    with impatient.reader() as session:
        assert session.tool_ids() == [builders.HERON_ID, builders.OTTER_ID]


def test_a_writer_retries_until_a_short_lived_holder_lets_go(created: Warehouse) -> None:
    patient = Warehouse(created.path, lock_timeout_seconds=30)
    with holding(created.path, seconds=0.5), patient.writer() as session:
        session.upsert_tool(builders.tool(builders.HERON_ID))
    with patient.reader() as session:
        assert session.has_tool(builders.HERON_ID)


def test_a_writer_can_open_while_another_process_only_reads_the_analyst_copy(created: Warehouse) -> None:
    analyst = created.path.with_name("capgraph.analyst.duckdb")
    created.publish(analyst)
    with holding(analyst, mode="read_only"), created.writer() as session:
        session.upsert_tool(builders.tool(builders.HERON_ID))


def test_the_file_is_free_for_other_processes_between_sessions(created: Warehouse) -> None:
    assert run_python(COUNT_TOOLS, str(created.path), "read_write").strip() == "1"
    with created.reader() as session:
        assert session.has_tool(builders.OTTER_ID)
    assert run_python(COUNT_TOOLS, str(created.path), "read_write").strip() == "1"


def test_other_processes_are_locked_out_during_a_write_session(created: Warehouse) -> None:
    with created.writer(), pytest.raises(AssertionError, match="Conflicting lock"):
        run_python(COUNT_TOOLS, str(created.path), "read_only")


def test_writers_in_many_threads_take_turns_and_all_land(created: Warehouse) -> None:
    failures: list[BaseException] = []

    def ingest(number: int) -> None:
        try:
            # A separate handle per thread, as each pipeline worker might build its own.
            with Warehouse(created.path).writer() as session:
                session.upsert_tool(builders.tool(f"installed:tool-{number}"))
                session.record_signals([builders.signal("stars", number, tool_id=f"installed:tool-{number}")])
            with created.reader() as session:
                assert session.has_tool(f"installed:tool-{number}")
        except BaseException as error:  # collected and re-raised by the main thread
            failures.append(error)

    threads = [threading.Thread(target=ingest, args=(number,)) for number in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with created.reader() as session:
        assert len(session.tool_ids()) == 13
        _, rows = session.query("SELECT count(*) FROM signals")
    assert rows == [(12,)]
    # Queued writers were handed the open file; once all are done, release() lets go of it.
    created.release()
    assert run_python(COUNT_TOOLS, str(created.path), "read_write").strip() == "13"


def test_a_reader_in_another_thread_runs_while_a_writer_is_open(created: Warehouse) -> None:
    seen: list[list[str]] = []
    with created.writer() as session:
        session.upsert_tool(builders.tool(builders.HERON_ID))

        def read() -> None:
            with created.reader() as reader:
                seen.append(reader.tool_ids())

        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
    assert seen == [[builders.HERON_ID, builders.OTTER_ID]]


def test_a_writer_waits_for_the_read_only_readers_of_its_process(created: Warehouse) -> None:
    reader_open = threading.Event()
    close_reader = threading.Event()

    def hold_reader() -> None:
        with created.reader():
            reader_open.set()
            close_reader.wait()

    holder = threading.Thread(target=hold_reader)
    holder.start()
    reader_open.wait()
    written: list[str] = []

    def write() -> None:
        with created.writer() as session:
            session.upsert_tool(builders.tool(builders.HERON_ID))
            written.append("done")

    writer = threading.Thread(target=write)
    writer.start()
    close_reader.set()
    holder.join()
    writer.join()
    assert written == ["done"]
    with created.reader() as session:
        assert session.has_tool(builders.HERON_ID)


def test_a_writer_stuck_behind_a_reader_of_its_process_gives_up_clearly(created: Warehouse) -> None:
    reader_open = threading.Event()
    close_reader = threading.Event()

    def hold_reader() -> None:
        with created.reader():
            reader_open.set()
            close_reader.wait()

    holder = threading.Thread(target=hold_reader)
    holder.start()
    reader_open.wait()
    try:
        impatient = Warehouse(created.path, lock_timeout_seconds=0.1)
        with pytest.raises(WarehouseBusyError, match="read sessions in this process"), impatient.writer():
            pass
    finally:
        close_reader.set()
        holder.join()


def test_nesting_sessions_that_would_deadlock_fails_at_once(created: Warehouse) -> None:
    with (
        created.writer(),
        pytest.raises(CapgraphError, match="already has a write session"),
        created.writer(),
    ):
        pass
    # Released, so the reader attaches the file read-only: a writer inside it could never upgrade it.
    created.release()
    with created.reader(), pytest.raises(CapgraphError, match="close the reader first"), created.writer():
        pass
    with created.writer() as session, created.reader() as reader:
        session.upsert_tool(builders.tool(builders.HERON_ID))
        assert reader.has_tool(builders.HERON_ID)


def test_a_new_file_is_created_with_its_directories(tmp_path: Path) -> None:
    nested = Warehouse(tmp_path / "a" / "b" / "capgraph.duckdb")
    with nested.writer() as session:
        assert session.tool_ids() == []
    assert nested.path.exists()
