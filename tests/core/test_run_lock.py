"""One run per warehouse: a second run refuses naming the holder, or waits with --wait; a lock left by
a killed run is taken over. Real processes throughout: the lock is between processes."""

from __future__ import annotations

import json
import math
import os
import signal

import pytest

from capgraph.pipeline import IngestContext, run_serially
from capgraph.run_lock import RunLock, RunLockedError, lock_path
from capgraph.settings import Settings
from tests.core.processes import capgraph, holding_run_lock
from warehouse import Warehouse


def test_a_second_run_refuses_with_one_line_naming_the_holder(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    with holding_run_lock(settings.db, "capgraph ingest --catalog big.toml") as holder:
        second = capgraph(["ingest", described_tools["lumen"], "--db", str(settings.db)])
        out, err = second.communicate(timeout=60)
    assert second.returncode == 1, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert f"PID {holder.pid}" in lines[0]
    assert "`capgraph ingest --catalog big.toml` since 20" in lines[0]
    assert "--wait" in lines[0]
    assert out == ""
    assert not settings.db.exists()  # nothing was fetched or stored


def test_reprocess_takes_the_same_lock(settings: Settings, described_tools: dict[str, str]) -> None:
    run_serially([(described_tools["lumen"], None)], IngestContext.create(settings))
    Warehouse(settings.db).release()
    with holding_run_lock(settings.db, "capgraph ingest") as holder:
        second = capgraph(["reprocess", described_tools["lumen"], "--db", str(settings.db)])
        _, err = second.communicate(timeout=60)
    assert second.returncode == 1, err
    assert f"PID {holder.pid}" in err and "another run holds this warehouse" in err


def test_with_wait_the_second_run_starts_when_the_first_ends(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    with holding_run_lock(settings.db, "capgraph ingest") as holder:
        second = capgraph(["ingest", described_tools["lumen"], "--wait", "--db", str(settings.db)])
        assert second.stderr is not None
        waiting = second.stderr.readline()
        assert "waiting for the run lock" in waiting and f"PID {holder.pid}" in waiting
        assert not settings.db.exists()
        assert holder.stdin is not None
        holder.stdin.close()  # the first run ends
        assert holder.wait(timeout=30) == 0
        out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert "1 extracted" in out
    with Warehouse(settings.db).reader() as session:
        assert session.has_tool(described_tools["lumen"])


def test_wait_seconds_gives_up_naming_the_holder(settings: Settings) -> None:
    with (
        holding_run_lock(settings.db, "capgraph ingest --catalog big.toml") as holder,
        pytest.raises(RunLockedError, match=rf"gave up after waiting 0.3s .*PID {holder.pid}"),
    ):
        RunLock(settings.db, command="capgraph ingest", wait_seconds=0.3).acquire()


def test_a_lock_left_by_a_killed_run_is_taken_over(settings: Settings) -> None:
    with holding_run_lock(settings.db, "capgraph ingest --catalog big.toml") as holder:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        assert lock_path(settings.db).read_text()  # the dead run's details are still in the file
        with RunLock(settings.db, command="capgraph ingest", wait_seconds=None) as lock:
            assert lock.took_over is not None
            assert lock.took_over.pid == holder.pid
            assert lock.took_over.command == "capgraph ingest --catalog big.toml"
            assert json.loads(lock_path(settings.db).read_text())["pid"] == os.getpid()
    # A clean release leaves nothing to take over.
    with RunLock(settings.db, command="capgraph ingest", wait_seconds=math.inf) as again:
        assert again.took_over is None


def test_a_run_without_the_cli_takes_the_lock_too(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    """Scheduled runs call the pipeline directly: they refuse the same way, and fetch nothing."""
    with (
        holding_run_lock(settings.db, "capgraph ingest") as holder,
        pytest.raises(RunLockedError, match=f"PID {holder.pid}"),
    ):
        run_serially([(described_tools["lumen"], None)], IngestContext.create(settings))
    assert not settings.db.exists()


def test_the_cli_and_the_pipeline_in_one_process_share_one_lock(settings: Settings) -> None:
    with RunLock(settings.db, command="capgraph ingest") as outer:
        with RunLock(settings.db, command="capgraph ingest") as inner:
            assert inner.took_over is None
        assert lock_path(settings.db).read_text()  # still held by the outer one
        assert outer.took_over is None
    assert lock_path(settings.db).read_text() == ""
