"""Migrations are .sql files; each view and macro has one versioned definition, (re)applied by version;
current records and latest signals are one view each, and no query restates their rules."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

import warehouse.migrations
from schemas import CapgraphError
from tests.warehouse import builders
from tests.warehouse.processes import run_python
from warehouse import Warehouse
from warehouse.migrations import MIGRATIONS
from warehouse.view_versions import VIEWS

WAREHOUSE_DIR = Path(warehouse.migrations.__file__).parent.parent
REPO = WAREHOUSE_DIR.parent

RUN_SQL = """
import sys
import duckdb
connection = duckdb.connect(sys.argv[1])
for statement in sys.argv[2:]:
    connection.execute(statement)
connection.close()
"""

QUERY_SQL = """
import sys
import duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
print(connection.execute(sys.argv[2]).fetchall())
connection.close()
"""

_CREATED = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(VIEW|MACRO)\s+(\w+)", re.IGNORECASE)


def test_each_migration_is_a_sql_file_named_by_its_number() -> None:
    files = sorted((WAREHOUSE_DIR / "migrations").glob("*.sql"))
    assert [int(path.name[:4]) for path in files] == [migration.version for migration in MIGRATIONS]
    assert [migration.version for migration in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert MIGRATIONS[0].description == "tools, documents, extraction runs, capabilities, evidence, signals"
    assert "CREATE TABLE tools" in MIGRATIONS[0].sql


def test_every_view_and_macro_is_defined_in_one_place_only() -> None:
    definitions: list[str] = []
    for migration in MIGRATIONS:
        definitions += [name for _, name in _CREATED.findall(migration.sql)]
    for view in VIEWS:
        definitions += [name for _, name in _CREATED.findall(view.sql)]
    assert definitions, "no definitions found"
    assert sorted(name for name in set(definitions) if definitions.count(name) > 1) == []
    # Only the two views that replaced tables (migration 8) stay in a migration.
    in_migrations = {name for migration in MIGRATIONS for _, name in _CREATED.findall(migration.sql)}
    assert in_migrations == {"tools", "current_extractions"}


def test_no_query_restates_the_current_records_join_or_the_latest_signal_rule() -> None:
    sources = {path: path.read_text(encoding="utf-8") for path in WAREHOUSE_DIR.glob("*.py")}
    sources |= {path: path.read_text(encoding="utf-8") for path in (WAREHOUSE_DIR / "views").glob("*.sql")}
    join = re.compile(r"current_extractions\s+AS\s+\w+\s+(?:LEFT\s+)?JOIN\s+capabilities", re.IGNORECASE)
    latest = re.compile(r"PARTITION\s+BY\s+(?:\w+\.)?tool_id,\s*(?:\w+\.)?name\b", re.IGNORECASE)
    joins = [path.name for path, text in sources.items() if join.search(text)]
    rules = [path.name for path, text in sources.items() if latest.search(text)]
    assert joins == ["20_current_capabilities.sql"]
    assert rules == ["21_latest_signals.sql"]


def test_current_capabilities_holds_the_current_run_only(populated: Warehouse) -> None:
    doc = builders.document()
    newer = builders.capability_set(doc, [builders.capability("Only record", "compressed column blocks")])
    with populated.writer() as session:
        session.record_run(builders.run(doc, started_at=builders.T0 + timedelta(days=1)), newer)
    with populated.reader() as session:
        _, rows = session.query(
            "SELECT tool_id, title, ordinal, capability_id = run_id || '/0', grounded "
            "FROM current_capabilities ORDER BY tool_id, ordinal"
        )
    assert rows == [(builders.OTTER_ID, "Only record", 0, True, True)]


def test_latest_signals_keeps_the_last_observed_then_last_recorded_reading(populated: Warehouse) -> None:
    with populated.writer() as session:
        session.record_signals([builders.signal("stars", 10, minutes=0)])
        session.record_signals([builders.signal("stars", 30, minutes=60), builders.signal("forks", 2)])
        session.record_signals([builders.signal("stars", 20, minutes=30)])
    with populated.reader() as session:
        _, rows = session.query(
            "SELECT tool_id, name, value FROM latest_signals WHERE name IN ('stars', 'forks') ORDER BY name"
        )
    assert rows == [(builders.OTTER_ID, "forks", 2.0), (builders.OTTER_ID, "stars", 30.0)]


def test_a_stale_view_is_recreated_on_the_next_write_and_readers_wait_for_it(warehouse: Warehouse) -> None:
    with warehouse.writer():
        pass
    warehouse.release()
    run_python(
        RUN_SQL,
        str(warehouse.path),
        "DROP VIEW tool_summary",
        "UPDATE view_versions SET version = 0 WHERE name = 'tool_summary'",
    )
    with pytest.raises(CapgraphError) as caught, warehouse.reader():
        pass
    assert "tool_summary v1" in caught.value.message
    assert "run any write command" in (caught.value.hint or "")
    assert "\n" not in str(caught.value)
    with warehouse.writer() as session:
        _, versions = session.query("SELECT name, version FROM view_versions ORDER BY name")
        _, summary = session.query("SELECT count(*) FROM tool_summary")
    assert versions == sorted((view.name, view.version) for view in VIEWS)
    assert summary == [(0,)]
    with warehouse.reader() as session:
        _, comment = session.query("SELECT comment FROM duckdb_views() WHERE view_name = 'tool_summary'")
    assert comment[0][0], "the recreated view got its comment back"


def test_a_file_whose_views_are_current_is_not_rewritten(warehouse: Warehouse) -> None:
    with warehouse.writer():
        pass
    warehouse.release()
    before = run_python(QUERY_SQL, str(warehouse.path), "SELECT count(*), max(applied_at) FROM view_versions")
    with warehouse.writer():
        pass
    warehouse.release()
    after = run_python(QUERY_SQL, str(warehouse.path), "SELECT count(*), max(applied_at) FROM view_versions")
    assert before == after
    assert before.startswith(f"[({len(VIEWS)}, ")
