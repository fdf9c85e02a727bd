"""Migrations bring older files up to date without losing data, once; readers refuse what they cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas import CapgraphError
from tests.warehouse import builders
from tests.warehouse.processes import run_python
from warehouse import Warehouse
from warehouse.migrations import LATEST_VERSION, MIGRATIONS

# What a capgraph that only knew migration 1 would have left behind.
BUILD_VERSION_1 = """
import sys
from pathlib import Path
import duckdb
from warehouse.migrations import migrate
path = Path(sys.argv[1])
connection = duckdb.connect(str(path))
migrate(connection, path, up_to=1)
connection.execute(
    "INSERT INTO tools VALUES ('installed:oldtool', 'oldtool', 'Package', NULL, NULL, NULL, '0.1', 'free',"
    " NULL, NULL, NULL, TIMESTAMPTZ '2025-01-01 00:00:00+00', TIMESTAMPTZ '2025-01-01 00:00:00+00')"
)
connection.execute(
    "INSERT INTO extraction_runs VALUES ('run-old', NULL, 'installed:oldtool', 'heuristic', NULL, 'rules-0',"
    " 'abc', 'succeeded', TIMESTAMPTZ '2025-01-01 00:00:00+00', TIMESTAMPTZ '2025-01-01 00:00:01+00',"
    " 1000, 0, 0, 0, 0, NULL, NULL)"
)
connection.execute(
    "INSERT INTO capabilities VALUES ('run-old/0', 'run-old', 'installed:oldtool', 'abc', 0, 'Old feature',"
    " 'Something the old tool did.', 'not stated', 'not stated', true)"
)
connection.execute("INSERT INTO evidence VALUES ('run-old/0', 0, 'the old tool did it', 4, 23)")
connection.execute("INSERT INTO current_extractions VALUES ('installed:oldtool', 'run-old', now())")
connection.close()
"""

RUN_SQL = """
import sys
import duckdb
connection = duckdb.connect(sys.argv[1])
connection.execute(sys.argv[2])
connection.close()
"""


def test_migrations_are_numbered_in_increasing_order_from_one() -> None:
    # Numbers are handed out per branch, so a branch may skip some that another branch uses.
    versions = [migration.version for migration in MIGRATIONS]
    assert versions[0] == 1
    assert versions == sorted(set(versions))
    assert MIGRATIONS[-1].version == LATEST_VERSION


def test_an_old_file_is_upgraded_without_losing_data(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    run_python(BUILD_VERSION_1, str(path))
    warehouse = Warehouse(path)
    with warehouse.writer() as session:
        session.record_calls([builders.call("installed:oldtool")])  # a table migration 2 adds
        _, versions = session.query("SELECT version FROM schema_version ORDER BY version")
    assert versions == [(migration.version,) for migration in MIGRATIONS]
    with warehouse.reader() as session:
        profile = session.tool_profile("installed:oldtool")
        _, view_rows = session.query("SELECT title, evidence_quotes FROM latest_capabilities")
    assert [item.title for item in profile.capabilities] == ["Old feature"]
    assert profile.capabilities[0].evidence[0].start == 4
    assert view_rows == [("Old feature", ["the old tool did it"])]


def test_a_current_file_is_not_migrated_again(warehouse: Warehouse) -> None:
    with warehouse.writer() as session:
        _, first = session.query("SELECT version, applied_at FROM schema_version ORDER BY version")
    with warehouse.writer() as session:
        _, second = session.query("SELECT version, applied_at FROM schema_version ORDER BY version")
    assert len(first) == len(MIGRATIONS)
    assert second == first


def test_a_reader_refuses_an_old_file_and_says_how_to_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    run_python(BUILD_VERSION_1, str(path))
    with pytest.raises(CapgraphError) as caught, Warehouse(path).reader():
        pass
    assert caught.value.subject == str(path)
    assert f"schema version 1, older than this capgraph's {LATEST_VERSION}" in caught.value.message
    assert "write command" in (caught.value.hint or "")
    # The refusal left the file as it was, and a writer still upgrades it.
    with Warehouse(path).writer() as session:
        assert session.has_tool("installed:oldtool")


def test_a_file_from_a_newer_capgraph_is_refused(warehouse: Warehouse) -> None:
    with warehouse.writer():
        pass
    warehouse.release()
    run_python(
        RUN_SQL, str(warehouse.path), "INSERT INTO schema_version VALUES (99, 'from the future', now())"
    )
    with pytest.raises(CapgraphError, match="newer capgraph"), warehouse.reader():
        pass
    with pytest.raises(CapgraphError, match="upgrade capgraph"), warehouse.writer():
        pass


def test_another_duckdb_database_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notebook.duckdb"
    run_python(RUN_SQL, str(path), "CREATE TABLE experiments (id INTEGER)")
    with pytest.raises(CapgraphError, match="not a capgraph warehouse"), Warehouse(path).writer():
        pass
    with pytest.raises(CapgraphError, match="not a capgraph warehouse"), Warehouse(path).reader():
        pass


def test_a_file_that_is_not_a_database_gets_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("these are notes, not a database\n" * 200, encoding="utf-8")
    with pytest.raises(CapgraphError) as caught, Warehouse(path).writer():
        pass
    assert caught.value.subject == str(path)
    assert "cannot open the warehouse" in caught.value.message
    assert "\n" not in str(caught.value)
