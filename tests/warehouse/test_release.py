"""The file stays open briefly after a write so the next write reuses it, then is released for others."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest

from schemas import CapgraphError
from tests.warehouse import builders
from tests.warehouse.processes import run_python
from warehouse import Warehouse
from warehouse.attachment import attached_file
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

# Writes with a long release delay and exits without releasing: the exit handler must let go cleanly.
WRITE_AND_EXIT = """
import sys
from pathlib import Path
from schemas import Tool
from warehouse import Warehouse
warehouse = Warehouse(Path(sys.argv[1]), release_after_seconds=600)
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


def _wait_until_released(warehouse: Warehouse, *, patience_seconds: float = 10.0) -> bool:
    """Whether the releaser let go within a generous bound (a liveness check, not a timing one)."""
    give_up_at = time.monotonic() + patience_seconds
    while warehouse.holds_file:
        if time.monotonic() > give_up_at:
            return False
        time.sleep(0.01)
    return True


def _add_tool(warehouse: Warehouse, tool_id: str) -> None:
    with warehouse.writer() as session:
        session.upsert_tool(builders.tool(tool_id))


def test_the_file_is_kept_after_a_write_and_free_the_moment_it_is_released(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "capgraph.duckdb", release_after_seconds=600)
    _add_tool(warehouse, builders.OTTER_ID)
    assert warehouse.holds_file
    with pytest.raises(AssertionError, match="Conflicting lock"):
        run_python(ADD_TOOL_ELSEWHERE, str(warehouse.path), "installed:early")
    warehouse.release()
    assert not warehouse.holds_file
    # Another process takes the file right away and writes to it...
    assert run_python(ADD_TOOL_ELSEWHERE, str(warehouse.path), "installed:elsewhere").strip() == "2"
    # ...and this process, attaching again, sees that write.
    with warehouse.writer() as session:
        assert session.tool_ids() == ["installed:elsewhere", builders.OTTER_ID]
    warehouse.release()


def test_consecutive_writes_and_reads_share_one_attachment(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "capgraph.duckdb", release_after_seconds=600)
    for number in range(15):
        _add_tool(warehouse, f"installed:tool-{number}")
        with warehouse.reader() as session:
            assert session.has_tool(f"installed:tool-{number}")
    assert attached_file(warehouse.path).attach_count == 1
    warehouse.release()
    assert run_python(COUNT_TOOLS_READ_ONLY, str(warehouse.path)).strip() == "15"


def test_the_file_is_released_on_its_own_shortly_after_the_last_write(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "capgraph.duckdb", release_after_seconds=0.05)
    _add_tool(warehouse, builders.OTTER_ID)
    assert _wait_until_released(warehouse)
    # Released means checkpointed and unlocked: another process writes without waiting or replaying.
    assert not wal_path(warehouse.path).exists()
    assert run_python(ADD_TOOL_ELSEWHERE, str(warehouse.path), "installed:elsewhere").strip() == "2"


def test_a_zero_delay_releases_as_each_write_session_closes(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "capgraph.duckdb", release_after_seconds=0)
    _add_tool(warehouse, builders.OTTER_ID)
    assert not warehouse.holds_file
    assert run_python(ADD_TOOL_ELSEWHERE, str(warehouse.path), "installed:elsewhere").strip() == "2"


def test_a_reader_does_not_keep_a_read_only_attachment(populated: Warehouse) -> None:
    populated.release()
    with populated.reader() as session:
        assert session.has_tool(builders.OTTER_ID)
    assert not populated.holds_file


def test_release_during_a_session_of_another_thread_lets_go_when_that_session_ends(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "capgraph.duckdb", release_after_seconds=600)
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
    assert not warehouse.holds_file  # ...until it closes, with no release delay
    assert run_python(COUNT_TOOLS_READ_ONLY, str(warehouse.path)).strip() == "1"


def test_sessions_opening_around_the_release_deadline_all_land(tmp_path: Path) -> None:
    delay = 0.02
    warehouse = Warehouse(tmp_path / "capgraph.duckdb", release_after_seconds=delay)
    failures: list[BaseException] = []

    def work(worker: int) -> None:
        # Pauses spread around the release delay: sessions open while the file is kept, just before
        # the releaser detaches it, while it detaches, and after (about half the opens attach again);
        # and sessions stay open across the deadline an earlier close had set.
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
    assert _wait_until_released(warehouse)
    with warehouse.reader() as session:
        assert len(session.tool_ids()) == 2 * 20
        _, rows = session.query("SELECT count(*) FROM signals")
    assert rows == [(2 * 20,)]
    assert run_python(COUNT_TOOLS_READ_ONLY, str(warehouse.path)).strip() == str(2 * 20)


def test_a_writer_that_exits_without_releasing_leaves_a_complete_unlocked_file(tmp_path: Path) -> None:
    path = tmp_path / "capgraph.duckdb"
    assert run_python(WRITE_AND_EXIT, str(path)).strip() == "held at exit"
    assert not wal_path(path).exists()  # detached, so checkpointed, before the process ended
    assert run_python(ADD_TOOL_ELSEWHERE, str(path), "installed:next").strip() == "2"


def test_a_negative_release_delay_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CapgraphError, match="release delay must be 0 or more seconds") as caught:
        Warehouse(tmp_path / "capgraph.duckdb", release_after_seconds=-1)
    assert caught.value.subject == str(tmp_path / "capgraph.duckdb")
