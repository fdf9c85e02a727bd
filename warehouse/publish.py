"""Publishing the analyst copy: a complete, consistent database file swapped into place in one rename."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from warehouse.attachment import alias_for
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
