"""One run per warehouse: an exclusive lock on ``<db>.lock`` held for a whole ingest or reprocess run.

The lock is ``fcntl.flock`` on the lock file, so the kernel drops it when the holder exits in any way,
``kill -9`` included; a lock file left behind is then just a file, taken over by the next run. The
file's content (JSON: pid, command, start time, host) is only for the message a refused run prints.

The warehouse's own DuckDB lock is held only while a run writes; this one spans the run, so a second
run never fetches or pays for tools the first is already doing.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from schemas import CapgraphError, utc_now

_POLL_SECONDS = 0.2


class RunLockedError(CapgraphError):
    """Another run holds this warehouse's run lock."""


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or last held) a run lock, as its lock file says."""

    pid: int | None
    command: str
    started_at: str
    host: str

    def describe(self) -> str:
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"PID {self.pid}{where} running `{self.command}` since {self.started_at}"


@dataclass
class _Held:
    """This process's hold on one lock file: the locked descriptor and how many ``RunLock``s share it."""

    fd: int
    key: Path
    count: int = 1


_HELD: dict[Path, _Held] = {}
_HELD_LOCK = threading.Lock()


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


class RunLock:
    """The run lock of one warehouse file; a context manager that acquires it or raises ``RunLockedError``.

    ``wait_seconds`` None refuses at once when the lock is held; a number waits up to that long
    (``math.inf``: as long as it takes), polling through ``sleep`` so an interrupt ends the wait.
    ``on_wait`` is told the holder once, when the wait begins.
    """

    def __init__(
        self,
        db: Path,
        *,
        command: str,
        wait_seconds: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[LockHolder | None], None] | None = None,
    ) -> None:
        self.path = lock_path(Path(db))
        self.command = command
        self.wait_seconds = wait_seconds
        self._sleep = sleep
        self._on_wait = on_wait
        self._held: _Held | None = None
        self.took_over: LockHolder | None = None
        """Who the lock file named when this run found it unlocked: a run that died without cleaning up."""

    def acquire(self) -> None:
        """Take the lock, or join this process's hold on it: a run is a process, so the CLI's lock and
        the pipeline's (which scheduled runs take without the CLI) are one and the same."""
        key = self.path.resolve()
        with _HELD_LOCK:
            held = _HELD.get(key)
            if held is not None:
                held.count += 1
                self._held = held
                return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            self._lock(fd)
            self.took_over = _read_holder(fd)
            # Not fsynced: the details only serve messages, and a killed process's writes survive it.
            os.ftruncate(fd, 0)
            os.pwrite(fd, self._content(), 0)
        except BaseException:
            os.close(fd)  # closing the descriptor also drops the flock, if it was taken
            raise
        with _HELD_LOCK:
            self._held = _HELD[key] = _Held(fd, key)

    def release(self) -> None:
        """Leave the lock; the last holder of this process empties the file and drops it, so a file left
        non-empty means its holder died."""
        held, self._held = self._held, None
        if held is None:
            return
        with _HELD_LOCK:
            held.count -= 1
            if held.count:
                return
            del _HELD[held.key]
        try:
            os.ftruncate(held.fd, 0)
        finally:
            os.close(held.fd)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release()

    def _lock(self, fd: int) -> None:
        deadline = None
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                holder = _read_holder(fd)
            if self.wait_seconds is None:
                raise RunLockedError(
                    f"another run holds this warehouse: {_described(holder)}",
                    subject=str(self.path.with_suffix("")),
                    hint="wait for it to finish, or pass --wait to start when it does",
                )
            if deadline is None:
                deadline = time.monotonic() + self.wait_seconds
            if time.monotonic() >= deadline:
                raise RunLockedError(
                    f"gave up after waiting {self.wait_seconds:g}s for another run: {_described(holder)}",
                    subject=str(self.path.with_suffix("")),
                    hint="raise --wait-seconds, or leave it out to wait as long as it takes",
                )
            if not told and self._on_wait is not None:
                self._on_wait(holder)
                told = True
            self._sleep(_POLL_SECONDS)

    def _content(self) -> bytes:
        holder = {
            "pid": os.getpid(),
            "command": self.command,
            "started_at": utc_now().isoformat(timespec="seconds"),
            "host": socket.gethostname(),
        }
        return (json.dumps(holder) + "\n").encode()


def _read_holder(fd: int) -> LockHolder | None:
    """What the lock file says about its holder; None when it is empty or unreadable (half written)."""
    try:
        raw = os.pread(fd, 64 * 1024, 0)
        content = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(content, dict):
        return None
    pid = content.get("pid")
    return LockHolder(
        pid=pid if isinstance(pid, int) else None,
        command=str(content.get("command", "?")),
        started_at=str(content.get("started_at", "?")),
        host=str(content.get("host", "?")),
    )


def _described(holder: LockHolder | None) -> str:
    return holder.describe() if holder is not None else "a process that has not written its details yet"
