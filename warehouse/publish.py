"""Publishing the analyst copy: a complete, consistent database file swapped into place in one rename.

Two ways to the same file: a full copy of the live warehouse, written aside and renamed into place; or,
when the copy differs from the live file only by the run-history rows added since (equal change
counters, ``warehouse.changes``) and no reader holds it, those rows appended to it in one transaction.
Either way readers see the old copy or the new one, never half of one.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from warehouse.attachment import alias_for
from warehouse.changes import generation
from warehouse.host import sql_string

ANALYST_STORAGE_VERSION = "v1.5.0"
"""The on-disk format the analyst copy is written in: the oldest that DuckDB 1.5 clients (the `duckdb`
CLI that `pip install duckdb-cli` gives today) can open. The live file keeps this DuckDB's own format."""


def wal_path(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def publish_copy(connection: duckdb.DuckDBPyConnection, source_alias: str, target: Path) -> None:
    """Copy the attached ``source_alias`` database to ``target`` via ``<target>.tmp`` and ``os.replace``.

    The copy goes through DuckDB (ATTACH + COPY FROM DATABASE), not a file copy: reading the live file
    with Python I/O and closing it would drop the process's POSIX lock on it. The caller must hold the
    write session, so nothing changes the source while it is copied.
    """
    connection.execute(f"CHECKPOINT {source_alias}")
    staging = target.with_name(target.name + ".tmp")
    for leftover in (staging, wal_path(staging)):
        leftover.unlink(missing_ok=True)
    staging_alias = alias_for(staging, "publish")
    connection.execute(
        f"ATTACH {sql_string(str(staging))} AS {staging_alias} (STORAGE_VERSION '{ANALYST_STORAGE_VERSION}')"
    )
    try:
        connection.execute(f"COPY FROM DATABASE {source_alias} TO {staging_alias}")
    except BaseException:
        connection.execute(f"DETACH {staging_alias}")
        for leftover in (staging, wal_path(staging)):
            leftover.unlink(missing_ok=True)
        raise
    # Detaching checkpoints the copy, so the staged file is complete on its own, without a WAL.
    connection.execute(f"DETACH {staging_alias}")
    # A WAL left beside the old copy would be replayed against the new one by its next reader.
    wal_path(target).unlink(missing_ok=True)
    os.replace(staging, target)


def append_run_history(connection: duckdb.DuckDBPyConnection, source_alias: str, target: Path) -> bool:
    """Bring the copy at ``target`` up to date in place by appending the run-history rows it lacks, when
    that is all it lacks: the same change counter and schema as the attached ``source_alias``. False,
    leaving ``target`` as it was, when it is not so, or when the copy is missing, held by a reader, or
    not writable: the caller publishes it whole then (aside, and renamed over it).

    The rows go in as one DuckDB transaction, so a reader sees the copy with all of them or none, and
    detaching checkpoints the copy, leaving no WAL beside it. Costs one insert instead of re-encoding
    every table. The caller must hold the write session, as for ``publish_copy``.
    """
    if not target.exists() or wal_path(target).exists():
        return False  # a WAL beside the copy: something wrote to it; only a whole copy is sure to be right
    alias = alias_for(target, "append")
    try:
        connection.execute(f"ATTACH {sql_string(str(target))} AS {alias}")
    except duckdb.Error:
        return False  # an analyst has it open (their lock), or it is no file this DuckDB can write
    try:
        if not _differs_only_by_history(connection, source_alias, alias):
            return False
        connection.execute(
            f"""
            INSERT INTO {alias}.ingest_runs BY NAME
            SELECT * FROM {source_alias}.ingest_runs
            WHERE ingest_id NOT IN (SELECT ingest_id FROM {alias}.ingest_runs)
            """
        )
        return True
    except duckdb.Error:
        return False  # the insert was rolled back whole; the full copy replaces the file
    finally:
        connection.execute(f"DETACH {alias}")


def _differs_only_by_history(connection: duckdb.DuckDBPyConnection, live: str, copy: str) -> bool:
    copied = generation(connection, copy)
    if copied is None or copied != generation(connection, live):
        return False
    for table, columns in (("schema_version", "version"), ("view_versions", "name, version")):
        query = f"SELECT {columns} FROM {{}}.{table} ORDER BY ALL"
        if (
            connection.execute(query.format(live)).fetchall()
            != connection.execute(query.format(copy)).fetchall()
        ):
            return False
    return True
