"""Where analysts' SQL runs: a locked-down DuckDB instance that can read one warehouse file and nothing else.

The process's shared instance (``warehouse.host``) cannot be restricted, since writers attach files to it
and DuckDB's access settings are instance-wide. So each analyst query gets a fresh in-memory instance
(~25 ms): the file is attached read-only first, because ``enable_external_access=false`` refuses any
later ATTACH, and then the instance gives up every other way out and locks its configuration:

- ``enable_external_access=false``: no file or URL reads (read_csv, read_text, read_parquet, glob,
  replacement scans of paths and http(s) URLs), no COPY TO, no ATTACH, no INSTALL or LOAD of extensions;
- ``autoload_known_extensions=false``, ``autoinstall_known_extensions=false``: a function of an
  extension that is not loaded (httpfs, excel, sqlite) fails instead of downloading it;
- ``lock_configuration=true``: no SET, RESET or PRAGMA can undo any of this.

The statement guard (``warehouse.sql_guard``) refuses everything but one SELECT before this point; the
sandbox is what holds when a SELECT reaches outside the warehouse through a table function.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from warehouse.duck_errors import busy_error, is_lock_conflict, open_error
from warehouse.host import sql_string
from warehouse.migrations import require_current
from warehouse.sql_guard import READ_ONLY_HINT, select_rows, single_select

SANDBOX_ALIAS = "warehouse"
_FIRST_RETRY_SECONDS = 0.01
_LONGEST_RETRY_SECONDS = 0.25

# The value type is the one duckdb.connect takes (a dict is invariant in it).
_CONNECT_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
}
# Applied in this order after the file is attached; the lock must come last.
_RESTRICTIONS = (
    "SET TimeZone = 'UTC'",
    "SET enable_external_access = false",
    "SET lock_configuration = true",
)


@contextmanager
def sandboxed(path: Path, *, timeout_seconds: float = 0.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a fresh locked-down instance whose default database is ``path``, read-only.

    While another process writes the file, retries for ``timeout_seconds``. The file must not be
    attached read-write elsewhere in this process (DuckDB refuses that).
    """
    connection = duckdb.connect(":memory:", config=_CONNECT_CONFIG)
    try:
        _attach(connection, path, timeout_seconds)
        connection.execute(f"USE {SANDBOX_ALIAS}")
        require_current(connection, path)
        for statement in _RESTRICTIONS:
            connection.execute(statement)
        yield connection
    finally:
        connection.close()


def _attach(connection: duckdb.DuckDBPyConnection, path: Path, timeout_seconds: float) -> None:
    deadline = time.monotonic() + timeout_seconds
    delay = _FIRST_RETRY_SECONDS
    while True:
        try:
            connection.execute(f"ATTACH {sql_string(str(path))} AS {SANDBOX_ALIAS} (READ_ONLY)")
            return
        except duckdb.Error as error:
            if not is_lock_conflict(error):
                raise open_error(path, error) from error
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise busy_error(path, error, waited_seconds=timeout_seconds) from error
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, _LONGEST_RETRY_SECONDS)


def run_select(
    path: Path, sql: str, *, timeout_seconds: float = 0.0
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and rows of one analyst SELECT on ``path``; anything else, or any failure, is one line."""
    statement = single_select(sql)
    with sandboxed(path, timeout_seconds=timeout_seconds) as connection:
        return select_rows(
            connection,
            statement,
            hint=f"{READ_ONLY_HINT}, on the warehouse's tables and views only (see docs/warehouse.md)",
            in_read_only_transaction=True,
        )
