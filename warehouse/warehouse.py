"""The warehouse handle: short read and write sessions on one DuckDB file, and the analyst copy."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from schemas import CapgraphError, NotFoundError
from warehouse.attachment import attached_file
from warehouse.duck_errors import damaged_error, first_line, is_damage
from warehouse.export import ExportedFile, export_all
from warehouse.publish import append_run_history, publish_copy
from warehouse.read_session import ReadSession
from warehouse.sandbox import run_select
from warehouse.write_session import WriteSession


class Warehouse:
    """One warehouse file. Cheap to create; holds the file only while sessions use it.

    The file is released (checkpointed, its OS lock dropped) as soon as the last session closes, so
    other processes get it between two writes; the pipeline writes finished tools in batches, one
    session each.

    Safe to share between threads: writers of this process take turns, readers run alongside them.
    """

    def __init__(
        self,
        path: Path,
        *,
        lock_timeout_seconds: float = 10.0,
    ) -> None:
        if lock_timeout_seconds < 0:
            raise CapgraphError(
                f"lock timeout must be 0 or more seconds, not {lock_timeout_seconds}",
                subject=str(path),
                hint="set CAPGRAPH_LOCK_TIMEOUT_SECONDS to a positive number",
            )
        self.path = Path(path)
        self.lock_timeout_seconds = lock_timeout_seconds
        self._file = attached_file(self.path)

    @property
    def holds_file(self) -> bool:
        """Whether this process has the file open (and so locked) right now, in a session or between two."""
        return self._file.is_attached

    def release(self) -> None:
        """Let go of the file now if no session of this process has it open (then the last to close
        lets go of it)."""
        try:
            self._file.release()
        except duckdb.Error as error:
            raise CapgraphError(
                f"releasing the warehouse file failed: {first_line(error)}",
                subject=str(self.path),
                hint="check the disk; what was written is kept in the .wal file beside it",
            ) from error

    @contextmanager
    def writer(self) -> Iterator[WriteSession]:
        """A write session: the file is open read-write, migrated on open, and released after the block
        unless another writer of this process is waiting for it.

        Threads of this process take turns; when another process holds the file, retries until
        ``lock_timeout_seconds`` and then raises ``schemas.WarehouseBusyError`` naming the holder.
        """
        with self._file.exclusive():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._file.session("read_write", timeout_seconds=self.lock_timeout_seconds) as connection:
                yield WriteSession(connection, self.path, alias=self._file.alias)

    @contextmanager
    def reader(self) -> Iterator[ReadSession]:
        """A read-only session on one consistent snapshot; the file must exist at the current schema."""
        if not self.path.exists():
            raise NotFoundError(
                "no warehouse file here yet", subject=str(self.path), hint="run `capgraph ingest` first"
            )
        with self._file.session("read_only", timeout_seconds=self.lock_timeout_seconds) as connection:
            yield ReadSession(connection, self.path, alias=self._file.alias)

    def analyst_query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run one analyst SELECT in a locked-down instance that reads this file and nothing else.

        This is what `capgraph sql` runs (see ``warehouse.sandbox``); ``ReadSession.query`` is for
        capgraph's own statements. An idle read-write attachment of this process is released first,
        since DuckDB refuses a second instance's read-only attach while it lasts.
        """
        if not self.path.exists():
            raise NotFoundError(
                "no warehouse file here yet", subject=str(self.path), hint="run `capgraph ingest` first"
            )
        self.release()
        return run_select(self.path, sql, timeout_seconds=self.lock_timeout_seconds)

    def export(
        self, target: Path, export_format: str, *, on_file: Callable[[ExportedFile], None] | None = None
    ) -> list[ExportedFile]:
        """Write every table and view into the folder ``target``, one file each, from one snapshot;
        a failure leaves no file behind (see ``warehouse.export``)."""
        if not self.path.exists():
            raise NotFoundError(
                "no warehouse file here yet", subject=str(self.path), hint="run `capgraph ingest` first"
            )
        with self._file.session("read_only", timeout_seconds=self.lock_timeout_seconds) as connection:
            return export_all(connection, Path(target), export_format, on_file=on_file)

    def publish(self, target: Path) -> None:
        """Replace ``target`` with a complete copy of this warehouse, atomically.

        Readers of ``target`` see the old copy or the new one, never half of one, and never hold up
        ingestion: they read a different file. When the copy lacks only run-history rows, those are
        appended to a duplicate of it instead of copying the whole warehouse (``warehouse.publish``).
        """
        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise CapgraphError(
                "cannot publish a warehouse onto itself",
                subject=str(target),
                hint="publish to the analyst path, e.g. <db>.analyst.duckdb",
            )
        if not self.path.exists():
            raise NotFoundError(
                "no warehouse file to publish", subject=str(self.path), hint="run `capgraph ingest` first"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        with (
            self._file.exclusive(),
            self._file.session("read_write", timeout_seconds=self.lock_timeout_seconds) as connection,
        ):
            try:
                if not append_run_history(connection, self._file.alias, target.resolve()):
                    publish_copy(connection, self._file.alias, target.resolve())
            except duckdb.Error as error:
                # The copy reads every block of the live file, so it is where a damaged one shows.
                if is_damage(error) and str(self._file.path) in str(error):
                    raise damaged_error(self.path, error) from error
                raise CapgraphError(
                    f"publishing the analyst copy failed: {first_line(error)}",
                    subject=str(target),
                    hint="the previous copy is unchanged; check the directory is writable",
                ) from error
