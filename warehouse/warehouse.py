"""The warehouse handle: short read and write sessions on one DuckDB file, and the analyst copy."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from schemas import CapgraphError, NotFoundError
from warehouse.attachment import attached_file
from warehouse.duck_errors import first_line
from warehouse.publish import publish_copy
from warehouse.read_session import ReadSession
from warehouse.write_session import WriteSession


class Warehouse:
    """One warehouse file. Cheap to create; holds the file only while a session is open.

    Safe to share between threads: writers of this process take turns, readers run alongside them.
    """

    def __init__(self, path: Path, *, lock_timeout_seconds: float = 10.0) -> None:
        if lock_timeout_seconds < 0:
            raise CapgraphError(
                f"lock timeout must be 0 or more seconds, not {lock_timeout_seconds}",
                subject=str(path),
                hint="set CAPGRAPH_LOCK_TIMEOUT_SECONDS to a positive number",
            )
        self.path = Path(path)
        self.lock_timeout_seconds = lock_timeout_seconds
        self._file = attached_file(self.path)

    @contextmanager
    def writer(self) -> Iterator[WriteSession]:
        """A write session: the file is open read-write only inside the with-block, migrated on open.

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

    def publish(self, target: Path) -> None:
        """Replace ``target`` with a complete copy of this warehouse, atomically.

        Readers of ``target`` see the old copy or the new one, never half of one, and never hold up
        ingestion: they read a different file.
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
                publish_copy(connection, self._file.alias, target.resolve())
            except duckdb.Error as error:
                raise CapgraphError(
                    f"publishing the analyst copy failed: {first_line(error)}",
                    subject=str(target),
                    hint="the previous copy is unchanged; check the directory is writable",
                ) from error
