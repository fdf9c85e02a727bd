"""Turns DuckDB's exceptions into capgraph's one-line errors, above all "who holds the file lock"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemas import CapgraphError, WarehouseBusyError

_LOCK_CONFLICT = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
_CMDLINE_LIMIT = 300


def first_line(error: BaseException) -> str:
    """DuckDB messages can span lines (caret diagrams); error reports keep to one."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def is_lock_conflict(error: duckdb.Error) -> bool:
    """True when the file is locked by another process (or attached elsewhere in this one)."""
    text = str(error)
    return (
        "Could not set lock on file" in text
        or "Conflicting lock is held" in text
        or "Unique file handle conflict" in text
    )


@dataclass(frozen=True)
class LockHolder:
    """The process DuckDB names as holding a file's lock."""

    program: str
    pid: int | None
    command_line: str | None

    def describe(self) -> str:
        if self.pid is None:
            return self.program
        text = f"{self.program} (PID {self.pid})"
        return f"{text} running `{self.command_line}`" if self.command_line else text


def lock_holder(error: duckdb.Error) -> LockHolder:
    """Who holds the lock, from DuckDB's message plus /proc/<pid>/cmdline when that is readable."""
    text = str(error)
    if "Unique file handle conflict" in text:
        return LockHolder("another session in this process", None, None)
    match = _LOCK_CONFLICT.search(text)
    if match is None:
        return LockHolder("another process", None, None)
    pid = int(match["pid"])
    return LockHolder(match["program"], pid, _command_line(pid))


def _command_line(pid: int) -> str | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        # Not Linux, the process is gone, or we may not look: the program and PID still say enough.
        return None
    words = [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]
    if not words:
        return None
    # Arguments may hold newlines (`python -c` scripts); the error that names the holder stays one line.
    command = " ".join(" ".join(words).split())
    return command if len(command) <= _CMDLINE_LIMIT else command[: _CMDLINE_LIMIT - 3] + "..."


def busy_error(path: Path, error: duckdb.Error, *, waited_seconds: float) -> WarehouseBusyError:
    holder = lock_holder(error)
    return WarehouseBusyError(
        f"locked by {holder.describe()}; gave up after {waited_seconds:g}s",
        subject=str(path),
        hint="wait for it to finish, or read the analyst copy (`capgraph sql` reads it)",
    )


def open_error(path: Path, error: duckdb.Error) -> CapgraphError:
    """A file DuckDB cannot open at all: not a database, unreadable, a directory."""
    return CapgraphError(
        f"cannot open the warehouse: {first_line(error)}",
        subject=str(path),
        hint="point --db at a capgraph warehouse file, or at a new path to create one",
    )


_DAMAGE_SIGNS = (
    "Could not read enough bytes",  # cut short
    "Corrupt database file",  # a block fails its checksum
    "database has been invalidated",  # an earlier failure left the file unusable
    "Failed to deserialize",
)


def is_damage(error: duckdb.Error) -> bool:
    """True when DuckDB failed reading the file itself (cut short, bad checksum), not over a statement."""
    if isinstance(error, duckdb.FatalException | duckdb.InternalException):
        return True  # DuckDB's own "this database is broken": no statement of ours causes these
    return any(sign in str(error) for sign in _DAMAGE_SIGNS)


def damaged_error(path: Path, error: duckdb.Error) -> CapgraphError:
    """A warehouse that opened but could not be read: some of its blocks are missing or corrupt."""
    return CapgraphError(
        f"the warehouse file is damaged: {first_line(error)}",
        subject=str(path),
        hint="restore it from a backup or from its analyst copy, or point --db at a new path",
    )
