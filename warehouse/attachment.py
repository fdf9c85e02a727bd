"""Attaches warehouse files to the process's in-memory DuckDB instance, only while they are in use.

A file is attached under its own alias when its first session opens and detached (checkpointed, its OS
lock dropped) when its last session closes, unless a writer of this process is waiting for it: that
writer gets the open file. The pipeline writes finished tools in batches, so the file is held while a
batch is written and free in between, for analysts, ``--live`` readers and other processes.
``release()`` is for a file kept by a session still open; at process exit every file is released
before the instance closes.

A file is attached read-only for readers and read-write for a writer. Readers that arrive while it is
attached read-write share that attachment inside a READ ONLY transaction; a writer that finds it
attached read-only waits for those readers to close, then re-attaches it read-write. A read-only
attachment is detached as soon as its last reader closes: only writers benefit from keeping it.

Every decision to attach, reuse or detach is taken under one condition lock per file, so a session
never uses a file being detached.

Never open an attached file with ordinary Python file I/O: POSIX record locks belong to the process,
so closing any descriptor of the file silently drops the lock DuckDB holds on it.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import duckdb

from schemas import CapgraphError, WarehouseBusyError
from warehouse.changes import NOTE_CHANGE_SQL
from warehouse.comment_sync import apply_comments
from warehouse.duck_errors import (
    busy_error,
    damaged_error,
    first_line,
    is_damage,
    is_lock_conflict,
    open_error,
)
from warehouse.host import HOST, sql_string
from warehouse.migrations import migrate, require_current

Mode = Literal["read_only", "read_write"]

_FIRST_RETRY_SECONDS = 0.01
_LONGEST_RETRY_SECONDS = 0.25

_log = logging.getLogger(__name__)


def alias_for(path: Path, prefix: str = "capgraph") -> str:
    return f"{prefix}_{hashlib.sha256(str(path).encode()).hexdigest()[:16]}"


_HEADER_BYTES = 3 * 4096
"""A DuckDB file's main header and its two database headers: a file no longer than that holds no data."""


def _holds_data_blocks(path: Path) -> bool:
    try:
        return path.stat().st_size > _HEADER_BYTES
    except OSError:
        return False


class AttachedFile:
    """The attach state of one warehouse file in this process, shared by every ``Warehouse`` on that path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.alias = alias_for(path)
        self._write_lock = threading.Lock()
        self._writer_thread: int | None = None
        self._queued_writers = 0
        # Guards everything below; waited on by sessions (for readers to leave) and by the releaser.
        self._state = threading.Condition()
        self._mode: Mode | None = None
        self._sessions = 0
        self._reader_threads: Counter[int] = Counter()
        self.attach_count = 0
        """How often the file was attached in this process (a diagnostic for benches and tests)."""

    @property
    def is_attached(self) -> bool:
        with self._state:
            return self._mode is not None

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
        acquired = False
        try:
            self._write_lock.acquire()
            acquired = True
        finally:
            with self._state:
                self._queued_writers -= 1
                if not acquired:
                    self._settle()
        self._writer_thread = threading.get_ident()
        try:
            yield
        finally:
            self._writer_thread = None
            self._write_lock.release()
            with self._state:
                # Sessions closing while this writer held the lock left the file to it (see _settle).
                self._settle()

    @contextmanager
    def session(self, mode: Mode, *, timeout_seconds: float) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection whose default database is this file; read-only ones run in a READ ONLY transaction."""
        owner = threading.get_ident()
        cursor = self._open(mode, owner, time.monotonic() + timeout_seconds, timeout_seconds)
        try:
            yield cursor
        except duckdb.Error as error:
            if is_damage(error):
                # A cut-short or corrupted file opens, then fails on the first read of a bad block.
                raise damaged_error(self.path, error) from error
            raise
        finally:
            self._close(cursor, mode, owner)

    def release(self) -> None:
        """Detach the file now; if sessions of this process are open, as soon as the last one closes."""
        with self._state:
            if self._mode is None:
                return
            if self._sessions or self._queued_writers or self._write_lock.locked():
                return  # the last of them to close detaches it (see _settle)
            self._detach()

    def _open(
        self, mode: Mode, owner: int, deadline: float, timeout_seconds: float
    ) -> duckdb.DuckDBPyConnection:
        with self._state:
            if mode == "read_write":
                self._wait_for_read_only_sessions(owner, deadline)
            if self._mode is None:
                self._attach(mode, deadline, timeout_seconds)
            cursor = HOST.cursor()
            try:
                cursor.execute(f"USE {self.alias}")
                if mode == "read_only":
                    cursor.execute("BEGIN TRANSACTION READ ONLY")
            except BaseException:
                cursor.close()
                self._settle()
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
                    self._settle()
                finally:
                    self._state.notify_all()

    def _settle(self) -> None:
        """Detach an idle file, unless a writer of this process holds or awaits the write lock: it
        settles when it leaves, and handing it the open file spares a checkpoint and a re-attach.

        Called with the state lock held whenever a session closes or a writer leaves.
        """
        if self._mode is None or self._sessions:
            return
        if self._mode == "read_write" and (self._queued_writers or self._write_lock.locked()):
            return
        self._detach()

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
        cursor = HOST.cursor()
        try:
            while True:
                try:
                    cursor.execute(statement)
                    break
                except duckdb.Error as error:
                    if is_damage(error) and _holds_data_blocks(self.path):
                        # Cut short past its headers, where ATTACH itself reads (the catalog).
                        raise damaged_error(self.path, error) from error
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
            self.attach_count += 1
            try:
                cursor.execute(f"USE {self.alias}")
                if mode == "read_write":
                    migrate(cursor, self.path)
                    if apply_comments(cursor):
                        # Comments are no table's rows: the counter tells the analyst copy they changed.
                        cursor.execute(NOTE_CHANGE_SQL).fetchall()
                else:
                    require_current(cursor, self.path)
            except BaseException:
                self._detach()
                raise
        finally:
            cursor.close()

    def _detach(self) -> None:
        cursor = HOST.cursor()
        try:
            # Detaching a read-write file checkpoints it, so once released the file is complete on its
            # own, without a WAL that every other opener would have to replay (that replay costs more
            # than the checkpoint, measured).
            cursor.execute(f"DETACH {self.alias}")
            self._mode = None
            self._state.notify_all()
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


def release_all() -> None:
    """Release every file this process has attached, then close the in-memory instance (run at exit)."""
    with _REGISTRY_LOCK:
        files = list(_REGISTRY.values())
    for file in files:
        try:
            file.release()
        except duckdb.Error as error:
            _log.warning("%s: could not release the warehouse file at exit: %s", file.path, first_line(error))
    HOST.close()


atexit.register(release_all)
