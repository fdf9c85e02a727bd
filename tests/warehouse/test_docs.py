"""docs/warehouse.md describes every table, view and column, and its example queries run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from warehouse import Warehouse

DOC = Path(__file__).resolve().parents[2] / "docs" / "warehouse.md"


def _sql_blocks() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def _documented_columns() -> dict[str, set[str]]:
    """Each '### `name`' section's table rows: the backticked name in the first cell."""
    sections: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### `(\w+)`", line)
        if heading:
            current = sections.setdefault(heading.group(1), set())
        elif line.startswith("## "):
            current = None
        elif current is not None:
            cell = re.match(r"^\| `(\w+)` \|", line)
            if cell:
                current.add(cell.group(1))
    return sections


def test_the_doc_has_example_queries() -> None:
    assert len(_sql_blocks()) >= 3


@pytest.mark.parametrize("sql", _sql_blocks())
def test_each_example_query_runs_and_returns_rows(populated: Warehouse, sql: str) -> None:
    with populated.reader() as session:
        columns, rows = session.query(sql)
    assert columns
    assert rows


def test_every_table_view_and_column_is_documented(populated: Warehouse) -> None:
    with populated.reader() as session:
        _, rows = session.query(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database()"
        )
    actual: dict[str, set[str]] = {}
    for table, column in rows:
        actual.setdefault(table, set()).add(column)
    assert _documented_columns() == actual
