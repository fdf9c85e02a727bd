"""publish() swaps in a complete analyst copy that readers use without ever holding up the writer."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest

from schemas import CapgraphError, NotFoundError
from tests.warehouse import builders
from tests.warehouse.processes import run_python
from warehouse import Warehouse

READ_COPY = """
import sys
import duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
rows = connection.execute("SELECT id, capabilities FROM tool_summary ORDER BY id").fetchall()
print(";".join(f"{tool_id}={count}" for tool_id, count in rows))
"""


def _analyst_path(warehouse: Warehouse) -> Path:
    return warehouse.path.with_name("capgraph.analyst.duckdb")


def test_the_copy_holds_the_same_data(populated: Warehouse) -> None:
    target = _analyst_path(populated)
    populated.publish(target)
    copy = Warehouse(target)
    with populated.reader() as live, copy.reader() as published:
        assert published.list_tools() == live.list_tools()
        assert published.tool_profile(builders.OTTER_ID) == live.tool_profile(builders.OTTER_ID)
    assert sorted(path.name for path in target.parent.iterdir()) == [
        "capgraph.analyst.duckdb",
        "capgraph.duckdb",
    ]


def test_the_copy_is_readable_while_a_writer_keeps_writing(populated: Warehouse) -> None:
    target = _analyst_path(populated)
    populated.publish(target)
    with populated.writer() as session:
        session.upsert_tool(builders.tool("installed:newcomer"))
        # An outside client and a capgraph reader both read the copy while the live file is held.
        assert run_python(READ_COPY, str(target)).strip() == f"{builders.HERON_ID}=0;{builders.OTTER_ID}=3"
        with Warehouse(target).reader() as published:
            assert not published.has_tool("installed:newcomer")
        session.record_signals([builders.signal("stars", 999)])
    populated.publish(target)
    with Warehouse(target).reader() as published:
        assert published.has_tool("installed:newcomer")


def test_a_reader_of_the_old_copy_keeps_its_view_while_a_new_one_is_published(populated: Warehouse) -> None:
    target = _analyst_path(populated)
    populated.publish(target)
    with Warehouse(target).reader() as old_copy:
        with populated.writer() as session:
            session.upsert_tool(builders.tool("installed:newcomer"))
        populated.publish(target)
        assert not old_copy.has_tool("installed:newcomer")
        assert old_copy.has_tool(builders.OTTER_ID)
    with Warehouse(target).reader() as new_copy:
        assert new_copy.has_tool("installed:newcomer")


def test_publishing_keeps_the_live_file_locked_for_this_process(populated: Warehouse) -> None:
    # A plain file copy would close a descriptor of the live file, and closing any descriptor drops the
    # process's POSIX lock on it: another process could then write while this one still has it open.
    target = _analyst_path(populated)
    with ExitStack() as stack:
        with populated.writer():
            # A reader that outlives the writer keeps the file attached through the publish.
            stack.enter_context(populated.reader())
        populated.publish(target)
        with pytest.raises(AssertionError, match="Conflicting lock"):
            run_python(READ_COPY, str(populated.path))


def test_publishing_onto_itself_or_from_nothing_is_refused(populated: Warehouse, tmp_path: Path) -> None:
    with pytest.raises(CapgraphError, match="onto itself"):
        populated.publish(populated.path)
    with pytest.raises(NotFoundError, match="capgraph ingest"):
        Warehouse(tmp_path / "never.duckdb").publish(tmp_path / "never.analyst.duckdb")
