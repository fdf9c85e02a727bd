"""What an attached file already holds, so a series of write sessions can skip its look-ups.

Before writing a tool, a session looks up its tool row, its document, its current-records pointer
and its latest signal values (insert or update, store or skip); those look-ups cost about a fifth of
the write. While this process keeps a file attached read-write it holds the file's OS lock, so no
other process can change the file, and every write of this process goes through a ``WriteSession``,
which reports what each transaction committed. The answers can therefore be kept for as long as the
attachment lasts. Loading them is a scan of the keys (~3 us a tool), so an attachment loads them only
once its writes have shown it is serving a series long enough to pay that back; the attachment drops
them when the file is detached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

ToolValues = tuple[object, ...]
"""A tool row's descriptive columns, in ``TOOL_VALUE_COLUMNS`` order."""

TOOL_VALUE_COLUMNS = (
    "name, kind, summary, homepage, license, version, pricing, price_amount, price_currency, price_unit"
)

SignalKey = tuple[str, str]
"""(tool_id, signal name)."""

LATEST_SIGNALS = """
    SELECT tool_id, name, observed_at, recorded_at, value
    FROM latest_signals
    WHERE list_contains($tool_ids, tool_id)
"""
"""The latest reading of each signal of some tools (the ``latest_signals`` view holds the rule)."""

TOOLS_PER_SESSION_SAVED = 1000
"""Loading costs about as much per 1,000 stored tools as one session saves by knowing (measured)."""


@dataclass(frozen=True)
class SignalReading:
    observed_at: datetime
    recorded_at: datetime
    value: float

    def supersedes(self, other: SignalReading | None) -> bool:
        """Whether this reading is the latest of the two, by the order of ``LATEST_SIGNALS``."""
        return other is None or (self.observed_at, self.recorded_at) >= (other.observed_at, other.recorded_at)


@dataclass
class KnownRows:
    """Every tool row's values (retired tools included), every stored document hash, every tool with
    current records and which tools are retired.

    Signal histories are long, so their latest readings are read per tool on first need: only which
    tools have any is loaded up front (a tool without signals needs no look-up at all).
    """

    tools: dict[str, ToolValues]
    documents: set[str]
    current: set[str]
    signals: dict[SignalKey, SignalReading]
    tools_with_unread_signals: set[str]
    retired: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, connection: duckdb.DuckDBPyConnection) -> KnownRows:
        tools = {
            tool_id: tuple(values)
            for tool_id, *values in connection.execute(
                f"SELECT id, {TOOL_VALUE_COLUMNS} FROM all_tools"
            ).fetchall()
        }
        return cls(
            tools=tools,
            documents=_column(connection, "SELECT sha256 FROM documents"),
            current=_column(connection, "SELECT tool_id FROM all_current_extractions"),
            signals={},
            tools_with_unread_signals=_column(connection, "SELECT DISTINCT tool_id FROM signals"),
            retired=_column(connection, "SELECT id FROM all_tools WHERE retired_at IS NOT NULL"),
        )

    def read_signals(self, connection: duckdb.DuckDBPyConnection, tool_ids: Iterable[str]) -> None:
        """Learn the latest readings of the tools whose signals were not read yet.

        Must run before the session writes signals of those tools, so it reads what is committed.
        """
        unread = sorted(set(tool_ids) & self.tools_with_unread_signals)
        if not unread:
            return
        for tool_id, name, observed_at, recorded_at, value in connection.execute(
            LATEST_SIGNALS, {"tool_ids": unread}
        ).fetchall():
            self.signals[(tool_id, name)] = SignalReading(observed_at, recorded_at, value)
        self.tools_with_unread_signals.difference_update(unread)


def _column(connection: duckdb.DuckDBPyConnection, sql: str) -> set[str]:
    return {value for (value,) in connection.execute(sql).fetchall()}


class AttachmentKnowledge:
    """The ``KnownRows`` of one attachment, loaded once its series of write sessions is long enough.

    The first write session of an attachment never loads (a lone write with a slow extractor would
    pay a full scan for one write); the second counts the tools and sets how many sessions make the
    scan worth it.
    """

    def __init__(self) -> None:
        self.rows: KnownRows | None = None
        self._sessions = 0
        self._load_at: int | None = None

    def for_session(self, connection: duckdb.DuckDBPyConnection) -> KnownRows | None:
        self._sessions += 1
        if self.rows is not None or self._sessions < 2:
            return self.rows
        if self._load_at is None:
            (tools,) = connection.execute("SELECT count(*) FROM tools").fetchone() or (0,)
            self._load_at = max(2, int(tools) // TOOLS_PER_SESSION_SAVED)
        if self._sessions >= self._load_at:
            self.rows = KnownRows.load(connection)
        return self.rows


@dataclass
class RowChanges:
    """What one transaction wrote to the tables ``KnownRows`` mirrors; applied only once it commits."""

    tools: dict[str, ToolValues] = field(default_factory=dict)
    documents: set[str] = field(default_factory=set)
    current: set[str] = field(default_factory=set)
    signals: dict[SignalKey, SignalReading] = field(default_factory=dict)
    retired: dict[str, bool] = field(default_factory=dict)
    """Tools retired (True) or brought back (False) by the transaction."""

    def add_signal(self, key: SignalKey, reading: SignalReading) -> None:
        if reading.supersedes(self.signals.get(key)):
            self.signals[key] = reading

    def apply_to(self, known: KnownRows) -> None:
        known.tools.update(self.tools)
        known.documents.update(self.documents)
        known.current.update(self.current)
        for tool_id, retired in self.retired.items():
            if retired:
                known.retired.add(tool_id)
            else:
                known.retired.discard(tool_id)
        for key, reading in self.signals.items():
            if reading.supersedes(known.signals.get(key)):
                known.signals[key] = reading


class StoredLookup:
    """A write session's view of ``KnownRows`` (when the attachment has loaded them) plus the writes of
    its open transaction, which become known only when that transaction commits."""

    def __init__(self, known: KnownRows | None) -> None:
        self.known = known
        self.changes = RowChanges()

    @property
    def knows(self) -> bool:
        return self.known is not None

    def begin(self) -> None:
        self.changes = RowChanges()

    def commit(self) -> None:
        if self.known is not None:
            self.changes.apply_to(self.known)
        self.changes = RowChanges()

    def rollback(self) -> None:
        self.changes = RowChanges()

    # The look-ups below are only asked when ``knows``.

    def tool_values(self, tool_id: str) -> ToolValues | None:
        """The stored values of the tool's row; None when there is no such row."""
        if tool_id in self.changes.tools:
            return self.changes.tools[tool_id]
        return self._known().tools.get(tool_id)

    def is_retired(self, tool_id: str) -> bool:
        if tool_id in self.changes.retired:
            return self.changes.retired[tool_id]
        return tool_id in self._known().retired

    def has_document(self, sha256: str) -> bool:
        return sha256 in self.changes.documents or sha256 in self._known().documents

    def has_current(self, tool_id: str) -> bool:
        return tool_id in self.changes.current or tool_id in self._known().current

    def latest_signal_values(
        self, connection: duckdb.DuckDBPyConnection, keys: set[SignalKey]
    ) -> dict[SignalKey, float]:
        known = self._known()
        known.read_signals(connection, {tool_id for tool_id, _ in keys})
        latest: dict[SignalKey, float] = {}
        for key in keys:
            stored = known.signals.get(key)
            written = self.changes.signals.get(key)
            reading = written if written is not None and written.supersedes(stored) else stored
            if reading is not None:
                latest[key] = reading.value
        return latest

    def _known(self) -> KnownRows:
        if self.known is None:
            raise RuntimeError("the stored rows are not known in this session; look them up instead")
        return self.known
