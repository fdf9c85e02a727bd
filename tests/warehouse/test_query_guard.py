"""query() runs one SELECT and refuses everything else with an error naming what it got."""

from __future__ import annotations

import pytest

from schemas import CapgraphError
from tests.warehouse import builders
from warehouse import Warehouse


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("INSERT INTO tools (id) VALUES ('installed:x')", "INSERT"),
        ("CREATE TABLE scratch (a INTEGER)", "CREATE"),
        ("DROP TABLE tools", "DROP"),
        ("ATTACH 'elsewhere.duckdb' AS other", "ATTACH"),
        ("COPY tools TO 'tools.csv'", "COPY"),
        ("UPDATE tools SET name = 'x'", "UPDATE"),
        ("DELETE FROM signals", "DELETE"),
        ("PRAGMA version", "PRAGMA"),
        ("SELECT 1; DROP TABLE tools", "2 statements given (SELECT, DROP)"),
        ("SELECT 1; SELECT 2", "2 statements given"),
        ("", "no statement"),
        ("SELEC id FROM tools", "does not parse"),
    ],
)
def test_anything_but_one_select_is_refused(populated: Warehouse, sql: str, named: str) -> None:
    with populated.reader() as session, pytest.raises(CapgraphError) as caught:
        session.query(sql)
    assert caught.value.subject == "sql"
    assert named in caught.value.message
    assert caught.value.hint == "capgraph sql is read-only: use SELECT"
    assert "\n" not in str(caught.value)


def test_nothing_refused_reached_the_database(populated: Warehouse) -> None:
    with populated.reader() as session:
        for sql in ("DROP TABLE tools", "SELECT 1; DELETE FROM tools"):
            with pytest.raises(CapgraphError):
                session.query(sql)
        assert session.tool_ids() == [builders.HERON_ID, builders.OTTER_ID]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT id FROM tools ORDER BY id",
        "WITH named AS (SELECT id FROM tools) SELECT id FROM named ORDER BY id",
        "FROM tools SELECT id ORDER BY id",
        "SELECT id FROM tools ORDER BY id;",
    ],
)
def test_selects_return_columns_and_rows(populated: Warehouse, sql: str) -> None:
    with populated.reader() as session:
        columns, rows = session.query(sql)
    assert columns == ["id"]
    assert rows == [(builders.HERON_ID,), (builders.OTTER_ID,)]


def test_a_failing_select_is_one_line_and_does_not_spoil_the_session(populated: Warehouse) -> None:
    with populated.reader() as session:
        with pytest.raises(CapgraphError, match="no_such_table") as caught:
            session.query("SELECT * FROM no_such_table")
        assert "\n" not in str(caught.value)
        assert session.has_tool(builders.OTTER_ID)


def test_a_write_session_queries_read_only_too(populated: Warehouse) -> None:
    with populated.writer() as session:
        with pytest.raises(CapgraphError, match="DELETE"):
            session.query("DELETE FROM tools")
        _, rows = session.query("SELECT count(*) FROM tools")
    assert rows == [(2,)]
