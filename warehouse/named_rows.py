"""Rows of a DuckDB result as dicts keyed by column name, so no reader depends on column positions."""

from __future__ import annotations

from typing import Any

import duckdb

NamedRow = dict[str, Any]


def named_rows(result: duckdb.DuckDBPyConnection) -> list[NamedRow]:
    """Every row of an executed statement, keyed by the names its ``description`` gives."""
    columns = [column[0] for column in result.description or []]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def named_row(result: duckdb.DuckDBPyConnection) -> NamedRow | None:
    """The first row of an executed statement by column name; None when it returned none."""
    columns = [column[0] for column in result.description or []]
    row = result.fetchone()
    return None if row is None else dict(zip(columns, row, strict=True))
