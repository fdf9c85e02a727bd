"""The first guard of `capgraph sql`: exactly one statement, and DuckDB's parser must call it a SELECT.

(`WITH ... SELECT`, `FROM t`, `DESCRIBE`, `SHOW` and `SUMMARIZE` parse as SELECT too.) The second guard
is that the statement then runs in a READ ONLY transaction.
"""

from __future__ import annotations

from typing import Any

import duckdb

from schemas import CapgraphError
from warehouse.duck_errors import first_line

READ_ONLY_HINT = "capgraph sql is read-only: use SELECT"


def single_select(sql: str) -> str:
    """The one SELECT statement in ``sql``, or a one-line error naming what was found instead."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        raise CapgraphError(
            f"does not parse: {first_line(error)}", subject="sql", hint=READ_ONLY_HINT
        ) from error
    if not statements:
        raise CapgraphError("no statement given", subject="sql", hint=READ_ONLY_HINT)
    if len(statements) > 1:
        kinds = ", ".join(statement.type.name for statement in statements)
        raise CapgraphError(
            f"{len(statements)} statements given ({kinds}); only one SELECT is allowed",
            subject="sql",
            hint=READ_ONLY_HINT,
        )
    (statement,) = statements
    if statement.type != duckdb.StatementType.SELECT:
        raise CapgraphError(
            f"{statement.type.name} statements are not allowed, only SELECT",
            subject="sql",
            hint=READ_ONLY_HINT,
        )
    return sql


def select_rows(
    connection: duckdb.DuckDBPyConnection,
    statement: str,
    *,
    hint: str,
    in_read_only_transaction: bool = False,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and rows of one already-guarded SELECT; a DuckDB failure is one line with ``hint``."""
    try:
        if in_read_only_transaction:
            connection.execute("BEGIN TRANSACTION READ ONLY")
        result = connection.execute(statement)
        columns = [column[0] for column in result.description or []]
        return columns, result.fetchall()
    except duckdb.Error as error:
        raise CapgraphError(first_line(error), subject="sql", hint=hint) from error
