"""Attaches warehouse files to the process's in-memory DuckDB instance, only while they are in use.

A file is attached under its own alias when its first session opens. When the last session closes, a
file attached read-write stays attached for ``release_after_seconds`` more, so that the next tool's
write session (a few milliseconds later with a fast extractor) reuses it: detaching checkpoints the
file, which cost more than everything else in a per-tool session together. A background releaser then
detaches it, dropping the OS file lock, unless another session opened in the meantime; with a slow
extractor (seconds between writes) the file is therefore free between writes. ``release()`` detaches
at once, and at process exit every file is released before the instance closes.

A file is attached read-only for readers and read-write for a writer. Readers that arrive while it is
attached read-write share that attachment inside a READ ONLY transaction; a writer that finds it
attached read-only waits for those readers to close, then re-attaches it read-write. A read-only
attachment is detached as soon as its last reader closes: only writers benefit from keeping it.

Every decision to attach, reuse or detach is taken under one condition lock per file, so a session
opening right at the release deadline either finds the file still attached (and the releaser then
leaves it) or finds it detached (and attaches it again); it never uses a file being detached.

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
from warehouse.known_rows import AttachmentKnowledge, KnownRows
from warehouse.migrations import migrate, require_current

Mode = Literal["read_only", "read_write"]

_FIRST_RETRY_SECONDS = 0.01
_LONGEST_RETRY_SECONDS = 0.25

_log = logging.getLogger(__name__)


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
        # Guards everything below; waited on by sessions (for readers to leave) and by the releaser.
        self._state = threading.Condition()
        self._mode: Mode | None = None
        self._sessions = 0
        self._reader_threads: Counter[int] = Counter()
        self._release_after = 0.0
        self._release_deadline: float | None = None
        self._release_requested = False
        self._releaser: threading.Thread | None = None
        # What the file holds, learnt once per read-write attachment; only writers use it, one at a time.
        self._knowledge = AttachmentKnowledge()
        self.attach_count = 0
        """How often the file was attached in this process (a diagnostic for benches and tests)."""

    @property
    def is_attached(self) -> bool:
        with self._state:
            return self._mode is not None

    @property
    def knows_stored_rows(self) -> bool:
        """Whether write sessions currently skip their look-ups (a diagnostic for tests)."""
        return self._knowledge.rows is not None

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
    def session(
        self, mode: Mode, *, timeout_seconds: float, release_after_seconds: float = 0.0
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection whose default database is this file; read-only ones run in a READ ONLY transaction.

        ``release_after_seconds`` is how long a read-write attachment outlives its last session.
        """
        owner = threading.get_ident()
        cursor = self._open(
            mode, owner, time.monotonic() + timeout_seconds, timeout_seconds, release_after_seconds
        )
        try:
            yield cursor
        except duckdb.Error as error:
            if is_damage(error):
                # A cut-short or corrupted file opens, then fails on the first read of a bad block.
                raise damaged_error(self.path, error) from error
            raise
        finally:
            self._close(cursor, mode, owner)

    def known_rows(self, connection: duckdb.DuckDBPyConnection) -> KnownRows | None:
        """What the file holds, for the write session that owns ``connection`` (see ``warehouse.known_rows``);
        None until this attachment's series of writes is long enough to pay for loading it.

        Call only inside ``exclusive()`` with the session open, so no other writer or detach interferes.
        """
        try:
            return self._knowledge.for_session(connection)
        except duckdb.Error as error:
            # Not worth failing a write over: it looks its rows up, and meets any real problem itself.
            _log.warning("%s: could not load the stored keys: %s", self.path, first_line(error))
            return None

    def release(self) -> None:
        """Detach the file now; if sessions of this process are open, as soon as the last one closes."""
        with self._state:
            if self._mode is None:
                return
            if self._sessions or self._queued_writers or self._write_lock.locked():
                self._release_requested = True
                return
            self._detach()

    def _open(
        self,
        mode: Mode,
        owner: int,
        deadline: float,
        timeout_seconds: float,
        release_after_seconds: float,
    ) -> duckdb.DuckDBPyConnection:
        with self._state:
            if mode == "read_write":
                self._wait_for_read_only_sessions(owner, deadline)
                self._release_after = release_after_seconds
            if self._mode is None:
                self._attach(mode, deadline, timeout_seconds)
            self._release_deadline = None
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
        """Decide what an idle file does next: detach now, or stay attached until the release deadline.

        Called with the state lock held whenever a session closes or a writer leaves.
        """
        if self._mode is None or self._sessions:
            return
        if self._mode == "read_write" and (self._queued_writers or self._write_lock.locked()):
            # A writer of this process holds or awaits the write lock and will settle when it leaves:
            # handing it the open file spares it a checkpoint and a re-attach.
            return
        if self._mode == "read_only" or self._release_requested or self._release_after <= 0:
            self._detach()
            return
        self._release_deadline = time.monotonic() + self._release_after
        if self._releaser is None:
            self._releaser = threading.Thread(
                target=self._release_when_due, name=f"warehouse-release-{self.alias}", daemon=True
            )
            self._releaser.start()
        else:
            self._state.notify_all()

    def _release_when_due(self) -> None:
        """The releaser thread: detaches the file once its deadline passes with no session open.

        Lives as long as the attachment; a daemon, since at exit ``release_all`` detaches in its place.
        """
        with self._state:
            try:
                while self._mode is not None:
                    deadline = self._release_deadline
                    if deadline is None or self._sessions:
                        self._state.wait()
                        continue
                    remaining = deadline - time.monotonic()
                    if remaining > 0:
                        self._state.wait(remaining)
                        continue
                    if self._queued_writers or self._write_lock.locked():
                        # That writer settles when it leaves, setting a new deadline.
                        self._release_deadline = None
                        continue
                    try:
                        self._detach()
                    except duckdb.Error as error:
                        # Nobody is waiting for this detach to report to. The data is safe in the WAL;
                        # the file stays attached until the next session's end or release() retries.
                        self._release_deadline = None
                        _log.warning(
                            "%s: could not release the warehouse file: %s", self.path, first_line(error)
                        )
            finally:
                self._releaser = None

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
            self._knowledge = AttachmentKnowledge()
            self.attach_count += 1
            try:
                cursor.execute(f"USE {self.alias}")
                if mode == "read_write":
                    migrate(cursor, self.path)
                    apply_comments(cursor)
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
            # Once detached, another process may change the file: what was known no longer holds.
            self._knowledge = AttachmentKnowledge()
            self._release_deadline = None
            self._release_requested = False
            # Wakes the releaser, which ends with the attachment.
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
