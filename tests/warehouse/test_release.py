"""The file is held only while a session has it open: released (checkpointed, unlocked) as the last closes."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

from tests.warehouse import builders
from tests.warehouse.processes import run_python
from warehouse import Warehouse
from warehouse.publish import wal_path

# Opens the file read-write in another process, so it fails while this process still holds it.
ADD_TOOL_ELSEWHERE = """
import sys
import duckdb
connection = duckdb.connect(sys.argv[1])
connection.execute(
    "INSERT INTO all_tools VALUES (?, 'elsewhere', 'Package', NULL, NULL, NULL, NULL, 'free', NULL, NULL,"
    " NULL, now(), now(), NULL)",
    [sys.argv[2]],
)
print(connection.execute("SELECT count(*) FROM tools").fetchone()[0])
connection.close()
"""

# Writes and exits without calling release(): the session's end let go of the file already.
WRITE_AND_EXIT = """
import sys
from pathlib import Path
from schemas import Tool
from warehouse import Warehouse
warehouse = Warehouse(Path(sys.argv[1]))
with warehouse.writer() as session:
    session.upsert_tool(Tool(id="installed:leaver", name="leaver", kind="Package"))
print("held at exit" if warehouse.holds_file else "already released")
"""

COUNT_TOOLS_READ_ONLY = """
import sys
import duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
print(connection.execute("SELECT count(*) FROM tools").fetchone()[0])
connection.close()
"""


def _add_tool(warehouse: Warehouse, tool_id: str) -> None:
    with warehouse.writer() as session:
        session.upsert_tool(builders.tool(tool_id))


def test_the_file_is_released_as_each_write_session_closes(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "capgraph.duckdb")
    _add_tool(warehouse, builders.OTTER_ID)
    assert not warehouse.holds_file
    # Released means checkpointed and unlocked: another process writes without waiting or replaying.
    assert not wal_path(warehouse.path).exists()
    assert run_python(ADD_TOOL_ELSEWHERE, str(warehouse.path), "installed:elsewhere").strip() == "2"
    # ...and this process, attaching again, sees that write.
    with warehouse.writer() as session:
        assert session.tool_ids() == ["installed:elsewhere", builders.OTTER_ID]


def test_a_reader_does_not_keep_a_read_only_attachment(populated: Warehouse) -> None:
    populated.release()
    with populated.reader() as session:
        assert session.has_tool(builders.OTTER_ID)
    assert not populated.holds_file


def test_release_during_a_session_of_another_thread_lets_go_when_that_session_ends(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "capgraph.duckdb")
    session_open = threading.Event()
    finish_session = threading.Event()

    def write() -> None:
        with warehouse.writer() as session:
            session.upsert_tool(builders.tool())
            session_open.set()
            finish_session.wait()

    writer = threading.Thread(target=write)
    writer.start()
    session_open.wait()
    warehouse.release()
    assert warehouse.holds_file  # the open session keeps it...
    finish_session.set()
    writer.join()
    assert not warehouse.holds_file  # ...until it closes
    assert run_python(COUNT_TOOLS_READ_ONLY, str(warehouse.path)).strip() == "1"


def test_sessions_of_two_threads_opening_and_releasing_the_file_all_land(tmp_path: Path) -> None:
    delay = 0.02
    warehouse = Warehouse(tmp_path / "capgraph.duckdb")
    failures: list[BaseException] = []

    def work(worker: int) -> None:
        # Random pauses: sessions open while the other thread's session has the file, as it lets go,
        # and after; readers meet a read-write attachment and writers a read-only one.
        pauses = random.Random(worker)
        try:
            for step in range(30):
                time.sleep(pauses.uniform(0.5 * delay, 2.5 * delay))
                tool_id = f"installed:w{worker}-{step}"
                if step % 3 == 2:
                    with warehouse.reader() as reader:
                        time.sleep(pauses.uniform(0, 1.5 * delay))
                        assert reader.has_tool(f"installed:w{worker}-{step - 1}")
                else:
                    with warehouse.writer() as session:
                        session.upsert_tool(builders.tool(tool_id))
                        time.sleep(pauses.uniform(0, 1.5 * delay))
                        session.record_signals([builders.signal("stars", step, tool_id=tool_id)])
        except BaseException as error:  # collected and re-raised by the main thread
            failures.append(error)

    workers = [threading.Thread(target=work, args=(number,)) for number in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert failures == []
    assert not warehouse.holds_file
    with warehouse.reader() as session:
        assert len(session.tool_ids()) == 2 * 20
        _, rows = session.query("SELECT count(*) FROM signals")
    assert rows == [(2 * 20,)]
    assert run_python(COUNT_TOOLS_READ_ONLY, str(warehouse.path)).strip() == str(2 * 20)


def test_a_writer_that_exits_without_releasing_leaves_a_complete_unlocked_file(tmp_path: Path) -> None:
    path = tmp_path / "capgraph.duckdb"
    assert run_python(WRITE_AND_EXIT, str(path)).strip() == "already released"
    assert not wal_path(path).exists()  # detached, so checkpointed, before the process ended
    assert run_python(ADD_TOOL_ELSEWHERE, str(path), "installed:next").strip() == "2"
