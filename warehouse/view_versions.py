"""(Re)creates the warehouse's views and macros from ``warehouse/views/*.sql`` when their version changes.

Views and macros hold no data, so unlike tables they are not migrated step by step: each file
``NN_name.sql`` defines one object (or one family of macros) at the version its first line
``-- version: N`` states, and files run in the order of their number, so a view comes after what it
reads. The file records in ``view_versions`` which version of each it holds; a write session applies
whatever differs, right after the migrations, and a read session refuses a file whose views are stale.
Changing a view means editing its file and raising its version, never restating it elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemas import CapgraphError
from warehouse.duck_errors import damaged_error, first_line, is_damage
from warehouse.named_rows import named_rows

_FOLDER = Path(__file__).parent / "views"
_VERSION = "-- version: "


@dataclass(frozen=True)
class ViewDefinition:
    name: str
    version: int
    sql: str


def _read(path: Path) -> ViewDefinition:
    """A definition from its file: the name after the number prefix, the version from the first line."""
    first_line_of_file, _, sql = path.read_text(encoding="utf-8").partition("\n")
    if not first_line_of_file.startswith(_VERSION):
        raise ValueError(f"{path.name} must start with a '{_VERSION}N' line")
    return ViewDefinition(path.stem.split("_", 1)[1], int(first_line_of_file.removeprefix(_VERSION)), sql)


VIEWS: tuple[ViewDefinition, ...] = tuple(_read(path) for path in sorted(_FOLDER.glob("[0-9][0-9]_*.sql")))

_VERSIONS_TABLE = """
CREATE TABLE IF NOT EXISTS view_versions (
    name VARCHAR PRIMARY KEY,
    version INTEGER NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
)
"""


def stale_views(cursor: duckdb.DuckDBPyConnection, path: Path) -> list[ViewDefinition]:
    """The definitions whose version the file does not hold (all of them before the first write)."""
    try:
        rows = named_rows(cursor.execute("SELECT name, version FROM view_versions"))
    except duckdb.CatalogException:
        rows = []
    except duckdb.Error as error:
        if is_damage(error):
            raise damaged_error(path, error) from error
        raise
    stored = {row["name"]: row["version"] for row in rows}
    return [view for view in VIEWS if stored.get(view.name) != view.version]


def apply_views(cursor: duckdb.DuckDBPyConnection, path: Path) -> int:
    """(Re)create the stale definitions in one transaction; how many were applied.

    A file already in line costs one small query and no write.
    """
    stale = stale_views(cursor, path)
    if not stale:
        return 0
    cursor.begin()
    try:
        cursor.execute(_VERSIONS_TABLE)
        for view in stale:
            cursor.execute(view.sql)
            cursor.execute(
                "INSERT OR REPLACE INTO view_versions VALUES (?, ?, now())", [view.name, view.version]
            )
        cursor.commit()
    except duckdb.Error as error:
        cursor.rollback()
        raise CapgraphError(
            f"creating view {view.name} (version {view.version}) failed: {first_line(error)}",
            subject=str(path),
            hint="the file keeps its previous views; report this as a bug",
        ) from error
    return len(stale)


def require_current_views(cursor: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Raise unless every view and macro is at this capgraph's version (what a read-only session needs)."""
    stale = stale_views(cursor, path)
    if stale:
        raise CapgraphError(
            "its views are older than this capgraph's ("
            + ", ".join(f"{view.name} v{view.version}" for view in stale)
            + " to apply)",
            subject=str(path),
            hint="run any write command (e.g. `capgraph ingest`) once to update them",
        )
