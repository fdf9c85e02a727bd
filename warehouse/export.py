"""Exporting the warehouse for other tools: every table and view as one Parquet or CSV file, all or nothing.

Every file is written from one read-only snapshot into a staging folder beside the target; only when
all are complete are they moved into the target folder (one rename each, on the same file system), so
a failed export leaves no file behind, half-written or not.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

import duckdb

from schemas import CapgraphError
from schemas.choices import ExportFormat
from warehouse.duck_errors import first_line
from warehouse.host import sql_string

_COPY_OPTIONS: dict[str, str] = {"parquet": "FORMAT parquet", "csv": "FORMAT csv, HEADER true"}


@dataclass(frozen=True)
class ExportedFile:
    """One table or view written: its name, kind ('table' or 'view'), file and row count."""

    name: str
    kind: str
    path: Path
    rows: int


def exported_names(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Every table and view of the current database's main schema, as (name, kind), tables first.

    docs/warehouse.md documents exactly these (a test keeps the two in agreement).
    """
    return [
        (name, kind)
        for name, kind in connection.execute(
            """
            SELECT table_name, 'table' FROM duckdb_tables()
            WHERE database_name = current_database() AND schema_name = 'main'
            UNION ALL
            SELECT view_name, 'view' FROM duckdb_views()
            WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
            ORDER BY 2, 1
            """
        ).fetchall()
    ]


def export_all(
    connection: duckdb.DuckDBPyConnection,
    target: Path,
    export_format: str,
    *,
    on_file: Callable[[ExportedFile], None] | None = None,
) -> list[ExportedFile]:
    """Write every table and view the connection's database holds into ``target`` (created if missing).

    ``on_file`` hears about each file once it is staged. Files already in ``target`` with other names
    are left alone; same-named ones are replaced.
    """
    if export_format not in get_args(ExportFormat):
        raise CapgraphError(
            f"unknown export format {export_format!r}", subject="--format", hint="use parquet or csv"
        )
    if target.exists() and not target.is_dir():
        raise CapgraphError("is not a folder", subject=str(target), hint="give a folder to export into")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.export-", dir=target.parent))
    try:
        written = _write_files(connection, staging, export_format, on_file)
        target.mkdir(exist_ok=True)
        for file in written:
            os.replace(file.path, target / file.path.name)
        return [ExportedFile(file.name, file.kind, target / file.path.name, file.rows) for file in written]
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_files(
    connection: duckdb.DuckDBPyConnection,
    staging: Path,
    export_format: str,
    on_file: Callable[[ExportedFile], None] | None,
) -> list[ExportedFile]:
    written: list[ExportedFile] = []
    for name, kind in exported_names(connection):
        path = staging / f"{name}.{export_format}"
        try:
            row = connection.execute(
                f'COPY (SELECT * FROM "{name}") TO {sql_string(str(path))} ({_COPY_OPTIONS[export_format]})'
            ).fetchone()
        except duckdb.Error as error:
            raise CapgraphError(
                f"exporting {kind} {name} failed: {first_line(error)}",
                subject="export",
                hint="nothing was written; check the folder is writable and has room",
            ) from error
        file = ExportedFile(name, kind, path, int(row[0]) if row else 0)
        written.append(file)
        if on_file is not None:
            on_file(file)
    return written
