"""The warehouse tables as an ordered list of migrations, and the code that applies or checks them.

Each migration is a file ``NNNN_name.sql`` in this folder, read in order of its number, whose first line
``-- description: ...`` says what it does. Each runs once, in its own transaction, and is recorded in
``schema_version`` with the time it was applied. Write sessions bring any file up to ``LATEST_VERSION``;
read sessions only check, so a reader never changes a file behind the writer's back. Views and macros
are not migrations: ``warehouse.view_versions`` (re)creates them after the migrations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemas import CapgraphError
from warehouse.duck_errors import first_line
from warehouse.view_versions import apply_views, require_current_views


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str


_FOLDER = Path(__file__).parent
_DESCRIPTION = "-- description: "


def _read(path: Path) -> Migration:
    """A migration from its file: the version from the name, the description from the first line."""
    text = path.read_text(encoding="utf-8")
    first_line_of_file, _, sql = text.partition("\n")
    if not first_line_of_file.startswith(_DESCRIPTION):
        raise ValueError(f"{path.name} must start with a '{_DESCRIPTION}...' line")
    return Migration(int(path.name.split("_", 1)[0]), first_line_of_file.removeprefix(_DESCRIPTION), sql)


MIGRATIONS: tuple[Migration, ...] = tuple(
    _read(path) for path in sorted(_FOLDER.glob("[0-9][0-9][0-9][0-9]_*.sql"))
)
LATEST_VERSION = MIGRATIONS[-1].version

_SCHEMA_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    description VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
)
"""


def stored_version(cursor: duckdb.DuckDBPyConnection) -> int | None:
    """The file's schema version; 0 for an empty file; None when it holds something other than capgraph."""
    try:
        (version,) = cursor.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone() or (0,)
        return int(version)
    except duckdb.CatalogException:
        pass
    # Listing the catalog costs a few ms, so only files without a schema_version table pay for it.
    tables = {
        name
        for (name,) in cursor.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    }
    return None if tables else 0


def _not_a_warehouse(path: Path) -> CapgraphError:
    return CapgraphError(
        "is a DuckDB database but not a capgraph warehouse (it has no schema_version table)",
        subject=str(path),
        hint="point --db at a capgraph warehouse file, or at a new path to create one",
    )


def _too_new(path: Path, version: int) -> CapgraphError:
    return CapgraphError(
        f"was written by a newer capgraph (schema version {version}, this one knows up to {LATEST_VERSION})",
        subject=str(path),
        hint="upgrade capgraph",
    )


def migrate(cursor: duckdb.DuckDBPyConnection, path: Path, *, up_to: int = LATEST_VERSION) -> int:
    """Apply the pending migrations up to ``up_to`` in order, each in its own transaction, then at the
    latest version any stale views; the new version."""
    version = stored_version(cursor)
    if version is None:
        raise _not_a_warehouse(path)
    if version > LATEST_VERSION:
        raise _too_new(path, version)
    if version < up_to:
        if version == 0:
            cursor.execute(_SCHEMA_VERSION_TABLE)
        for migration in MIGRATIONS:
            if version < migration.version <= up_to:
                _apply(cursor, path, migration)
                version = migration.version
    # The views read the latest tables, so a file stopped at an older version gets none.
    if version == LATEST_VERSION:
        apply_views(cursor, path)
    return version


def _apply(cursor: duckdb.DuckDBPyConnection, path: Path, migration: Migration) -> None:
    cursor.begin()
    try:
        cursor.execute(migration.sql)
        cursor.execute(
            "INSERT INTO schema_version VALUES (?, ?, now())", [migration.version, migration.description]
        )
        cursor.commit()
    except duckdb.Error as error:
        cursor.rollback()
        raise CapgraphError(
            f"migration {migration.version} ({migration.description}) failed: {first_line(error)}",
            subject=str(path),
            hint="the file was left at the previous schema version; report this as a bug",
        ) from error


def require_current(cursor: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Raise unless the file is at exactly ``LATEST_VERSION`` with current views (what a read-only
    session needs)."""
    version = stored_version(cursor)
    if version is None:
        raise _not_a_warehouse(path)
    if version > LATEST_VERSION:
        raise _too_new(path, version)
    if version < LATEST_VERSION:
        raise CapgraphError(
            f"has schema version {version}, older than this capgraph's {LATEST_VERSION}",
            subject=str(path),
            hint="run any write command (e.g. `capgraph ingest`) once to migrate it",
        )
    require_current_views(cursor, path)
