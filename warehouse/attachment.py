"""Attaches warehouse files to one shared in-memory DuckDB instance, only while sessions use them.

Why not ``duckdb.connect(path)`` per session: starting a DuckDB instance costs ~25 ms, while ATTACH and
DETACH on a running one cost ~2 ms, and the pipeline opens a write session per tool. So each process
keeps one in-memory instance (it holds no file lock); a file is attached under its own alias when its
first session opens and detached, releasing the OS file lock, when its last session closes. Detaching
checkpoints the file, which is most of a write session's cost, so when another writer of this process
is already queued for the file it is handed over still attached.

A file is attached read-only for readers and read-write for a writer. Readers that arrive while it is
attached read-write share that attachment inside a READ ONLY transaction; a writer that finds it
attached read-only waits for those readers to close, then re-attaches it read-write.

Never open an attached file with ordinary Python file I/O: POSIX record locks belong to the process,
so closing any descriptor of the file silently drops the lock DuckDB holds on it.
"""

from __future__ import annotations

import atexit
import hashlib
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import duckdb

from schemas import CapgraphError, WarehouseBusyError
from warehouse.duck_errors import busy_error, is_lock_conflict, open_error
from warehouse.migrations import migrate, require_current

Mode = Literal["read_only", "read_write"]

_FIRST_RETRY_SECONDS = 0.01
_LONGEST_RETRY_SECONDS = 0.25


class _Host:
    """The process's in-memory DuckDB instance, started on first use."""

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
                # Closed before interpreter teardown: left to the garbage collector, the instance can
                # outlive the duckdb module (nanobind then reports leaked objects at exit).
                atexit.register(self.close)
            return self._connection.cursor()

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


_HOST = _Host()


def sql_string(text: str) -> str:
    """``text`` as a SQL string literal (paths may contain quotes)."""
    return "'" + text.replace("'", "''") + "'"


def alias_for(path: Path, prefix: str = "capgraph") -> str:
    return f"{prefix}_{hashlib.sha256(str(path).encode()).hexdigest()[:16]}"


class AttachedFile:
    """The attach state of one warehouse file in this process, shared by every ``Warehouse`` on that path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.alias = alias_for(path)
        self._write_lock = threading.Lock()
        self._writer_thread: int | None = None
        self._queued_writers = 0
        self._state = threading.Condition()
        self._mode: Mode | None = None
        self._sessions = 0
        self._reader_threads: Counter[int] = Counter()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Serialises writers of this process; a nested writer in one thread would deadlock, so it fails."""
        if self._writer_thread == threading.get_ident():
            raise CapgraphError(
                "this thread already has a write session open on the warehouse",
                subject=str(self.path),
                hint="use the open WriteSession instead of opening another",
            )
        with self._state:
            self._queued_writers += 1
        try:
            self._write_lock.acquire()
        finally:
            with self._state:
                self._queued_writers -= 1
        self._writer_thread = threading.get_ident()
        try:
            yield
        finally:
            self._writer_thread = None
            self._write_lock.release()
            with self._state:
                # The file may have been kept for a queued writer (see _close); if that writer never
                # opened its session, the last one out detaches it.
                idle = self._sessions == 0 and not self._queued_writers and not self._write_lock.locked()
                if idle and self._mode is not None:
                    self._detach()

    @contextmanager
    def session(self, mode: Mode, *, timeout_seconds: float) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection whose default database is this file; read-only ones run in a READ ONLY transaction."""
        owner = threading.get_ident()
        cursor = self._open(mode, owner, time.monotonic() + timeout_seconds, timeout_seconds)
        try:
            yield cursor
        finally:
            self._close(cursor, mode, owner)

    def _open(
        self, mode: Mode, owner: int, deadline: float, timeout_seconds: float
    ) -> duckdb.DuckDBPyConnection:
        with self._state:
            if mode == "read_write":
                self._wait_for_read_only_sessions(owner, deadline)
            if self._mode is None:
                self._attach(mode, deadline, timeout_seconds)
            cursor = _HOST.cursor()
            try:
                cursor.execute(f"USE {self.alias}")
                if mode == "read_only":
                    cursor.execute("BEGIN TRANSACTION READ ONLY")
            except BaseException:
                cursor.close()
                if self._sessions == 0:
                    self._detach()
                raise
            self._sessions += 1
            if mode == "read_only":
                self._reader_threads[owner] += 1
            return cursor

    def _close(self, cursor: duckdb.DuckDBPyConnection, mode: Mode, owner: int) -> None:
        with self._state:
            try:
                cursor.close()
            finally:
                self._sessions -= 1
                if mode == "read_only":
                    self._reader_threads[owner] -= 1
                    if not self._reader_threads[owner]:
                        del self._reader_threads[owner]
                try:
                    # Hand the open file straight to a writer of this process that is already waiting
                    # for it: detaching (a checkpoint) and re-attaching would cost it ~20-40 ms.
                    if self._sessions == 0 and not (self._mode == "read_write" and self._queued_writers):
                        self._detach()
                finally:
                    self._state.notify_all()

    def _wait_for_read_only_sessions(self, owner: int, deadline: float) -> None:
        while self._mode == "read_only":
            if self._sessions == 0:
                self._detach()
                return
            if self._reader_threads[owner]:
                raise CapgraphError(
                    "this thread has a read session open, so it cannot open a write session",
                    subject=str(self.path),
                    hint="close the reader first, or read through the WriteSession",
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WarehouseBusyError(
                    "read sessions in this process still hold the file read-only",
                    subject=str(self.path),
                    hint="close the open readers, or raise lock_timeout_seconds",
                )
            self._state.wait(remaining)

    def _attach(self, mode: Mode, deadline: float, timeout_seconds: float) -> None:
        statement = f"ATTACH {sql_string(str(self.path))} AS {self.alias}"
        if mode == "read_only":
            statement += " (READ_ONLY)"
        delay = _FIRST_RETRY_SECONDS
        cursor = _HOST.cursor()
        try:
            while True:
                try:
                    cursor.execute(statement)
                    break
                except duckdb.Error as error:
                    if not is_lock_conflict(error):
                        raise open_error(self.path, error) from error
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise busy_error(self.path, error, waited_seconds=timeout_seconds) from error
                    # Holding the state lock while sleeping is deliberate: every other session of this
                    # file needs this attachment anyway.
                    time.sleep(min(delay, remaining))
                    delay = min(delay * 2, _LONGEST_RETRY_SECONDS)
            self._mode = mode
            try:
                cursor.execute(f"USE {self.alias}")
                if mode == "read_write":
                    migrate(cursor, self.path)
                else:
                    require_current(cursor, self.path)
            except BaseException:
                self._detach()
                raise
        finally:
            cursor.close()

    def _detach(self) -> None:
        cursor = _HOST.cursor()
        try:
            # Detaching a read-write file checkpoints it, so between sessions the file is complete on
            # its own, without a WAL that every other opener would have to replay (that replay costs
            # more than the checkpoint, measured).
            cursor.execute(f"DETACH {self.alias}")
            self._mode = None
        finally:
            cursor.close()


_REGISTRY: dict[Path, AttachedFile] = {}
_REGISTRY_LOCK = threading.Lock()


def attached_file(path: Path) -> AttachedFile:
    """The one ``AttachedFile`` of this process for ``path`` (two handles on one file must share state)."""
    key = path.resolve()
    with _REGISTRY_LOCK:
        found = _REGISTRY.get(key)
        if found is None:
            found = _REGISTRY[key] = AttachedFile(key)
        return found
