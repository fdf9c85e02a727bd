"""The process's one in-memory DuckDB instance, which warehouse files are attached to and detached from.

Starting a DuckDB instance costs ~25 ms, while ATTACH and DETACH on a running one cost ~2 ms, so each
process keeps one in-memory instance (it holds no file lock) and attaches files to it as needed.
"""

from __future__ import annotations

import threading

import duckdb


class Host:
    """The in-memory instance, started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: duckdb.DuckDBPyConnection | None = None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new connection to the shared instance: one per session, since connections are not thread-safe."""
        with self._lock:
            if self._connection is None:
                connection = duckdb.connect(":memory:")
                # Timestamps come back in UTC whatever the machine's zone, as the models expect.
                connection.execute("SET GLOBAL TimeZone = 'UTC'")
                self._connection = connection
            return self._connection.cursor()

    def close(self) -> None:
        """Close the instance. Called at exit, after every file was released: left to the garbage
        collector, the instance can outlive the duckdb module (nanobind then reports leaked objects)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


HOST = Host()


def sql_string(text: str) -> str:
    """``text`` as a SQL string literal (paths may contain quotes)."""
    return "'" + text.replace("'", "''") + "'"
