"""The warehouse's change counter: one number every write transaction raises (run history excepted).

It lets two things be skipped when nothing changed: the score snapshot (it notes the counter it was
taken at) and a full analyst copy (the copy carries the counter it was published at, so a copy whose
counter equals the live file's differs from it only by run-history rows). The counter lives in the
one-row table ``warehouse_changes`` (migration 9).
"""

from __future__ import annotations

import duckdb

NOTE_CHANGE_SQL = "UPDATE warehouse_changes SET generation = generation + 1, changed_at = now()"
"""Run inside every write transaction that changes what the file holds."""

NOTE_SNAPSHOT_SQL = "UPDATE warehouse_changes SET snapshot_generation = generation"
"""Run inside the transaction that takes the score snapshot, after ``NOTE_CHANGE_SQL``."""

SNAPSHOT_CURRENT_SQL = """
    SELECT coalesce(
        c.generation = c.snapshot_generation AND s.taken_at > now() - to_seconds($max_age), false
    ) AS current
    FROM warehouse_changes AS c, (SELECT max(computed_at) AS taken_at FROM score_snapshot) AS s
"""
"""Whether the score snapshot was taken after the last change and less than ``$max_age`` seconds ago."""


def generation(connection: duckdb.DuckDBPyConnection, database: str) -> int | None:
    """The counter of the attached ``database``; None when it has none (a file from before migration 9)."""
    try:
        row = connection.execute(f"SELECT generation FROM {database}.warehouse_changes").fetchone()
    except duckdb.CatalogException:
        return None
    return None if row is None else int(row[0])
