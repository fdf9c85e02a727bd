"""Brings a file's COMMENT ON text in line with ``warehouse.comments``, changing only what differs.

Run on every read-write attach, after the migrations: a migration that drops and recreates a view drops
its comments too, and this puts them back. One query reads what the file holds, so a file already in
line costs no write at all.
"""

from __future__ import annotations

import duckdb

from warehouse.comments import COMMENTS
from warehouse.host import sql_string

_STORED = """
    SELECT table_name, NULL, 'TABLE', comment FROM duckdb_tables()
    WHERE database_name = current_database() AND schema_name = 'main'
    UNION ALL
    SELECT view_name, NULL, 'VIEW', comment FROM duckdb_views()
    WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
    UNION ALL
    SELECT table_name, column_name, 'COLUMN', comment FROM duckdb_columns()
    WHERE database_name = current_database() AND schema_name = 'main'
"""


def missing_comments(cursor: duckdb.DuckDBPyConnection) -> list[str]:
    """The COMMENT ON statements the current database needs to match ``warehouse.comments``.

    Objects and columns without an entry are left alone (the docs test names them).
    """
    statements: list[str] = []
    for table, column, kind, stored in cursor.execute(_STORED).fetchall():
        entry = COMMENTS.get(table)
        if entry is None:
            continue
        wanted = entry.text if column is None else entry.columns.get(column)
        if wanted is None or wanted == stored:
            continue
        target = f'"{table}"' if column is None else f'"{table}"."{column}"'
        statements.append(f"COMMENT ON {kind} {target} IS {sql_string(wanted)}")
    return statements


def apply_comments(cursor: duckdb.DuckDBPyConnection) -> int:
    """Apply what ``missing_comments`` finds, in one transaction; how many comments changed."""
    statements = missing_comments(cursor)
    if not statements:
        return 0
    cursor.begin()
    try:
        for statement in statements:
            cursor.execute(statement)
        cursor.commit()
    except BaseException:
        cursor.rollback()
        raise
    return len(statements)
