"""``capgraph serve`` against a real ``prefect server start`` on 127.0.0.1: the deployments it registers, and
runs triggered through the API that write the warehouse ``--db`` names, keeping catalog overrides.

Marked ``prefect_server``; it runs by default and is skipped only when asked (``-m "not prefect_server"``).
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
    FlowRunFilterTags,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.objects import ConcurrencyLimitStrategy, FlowRun, StateType
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.ingest import SUMMARY_ARTIFACT_KEY
from warehouse import Warehouse

pytestmark = pytest.mark.prefect_server

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STARTUP_SECONDS = 60.0


# The API and the scheduler, every second; the other background services only slow the startup down.
SCHEDULER_ONLY = {
    f"PREFECT_SERVER_SERVICES_{service}_ENABLED": "false"
    for service in (
        "CANCELLATION_CLEANUP",
        "EVENT_LOGGER",
        "EVENT_PERSISTER",
        "FOREMAN",
        "LATE_RUNS",
        "PAUSE_EXPIRATIONS",
        "TASK_RUN_RECORDER",
        "TRIGGERS",
    )
} | {"PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def base_env(prefect_home: Path, api_url: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PREFECT_", "CAPGRAPH_")) and name != "PYTHONPATH"
    }
    env.update(
        PYTHONPATH=str(ROOT),
        PREFECT_HOME=str(prefect_home),
        PREFECT_API_URL=api_url,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
    )
    return env


def wait_until_healthy(url: str, server: subprocess.Popen, log: IO[str]) -> None:
    """Poll /api/health: another process's readiness has no event to wait on."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            pytest.fail(f"prefect server exited with {server.returncode}: {log.read()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"prefect server did not answer {url}/health within {STARTUP_SECONDS} s")


def stop(process: subprocess.Popen) -> None:
    """Ctrl-C to the process group the test started it in (it and its children), then kill if need be."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real Prefect server on a free loopback port, with its own PREFECT_HOME; stopped at the end."""
    home = tmp_path_factory.mktemp("prefect-server-home")
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    with open(home / "server.log", "w+", encoding="utf-8") as log:
        command = [
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-ui",
            "--analytics-off",
        ]
        server = subprocess.Popen(
            [str(BIN / "prefect"), *command],
            env=base_env(home, url) | SCHEDULER_ONLY,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stopping it stops its children too
        )
        try:
            wait_until_healthy(url, server, log)
            yield url, home
        finally:
            stop(server)


@contextmanager
def serving(prefect_server: tuple[str, Path], folder: Path, *schedule: str) -> Iterator[Path]:
    """``capgraph serve --db ... --catalog ...`` in a directory that is neither the db's nor the
    catalog's, until the block ends; yields the warehouse path."""
    url, home = prefect_server
    catalog = folder / "catalogs" / "catalog.toml"
    catalog.parent.mkdir()
    catalog.write_text(
        '[[tool]]\nref = "installed:rich"\nname = "Rich (override)"\nkind = "Dataset"\npricing = "paid"\n\n'
        '[[tool]]\nref = "installed:typer"\n',
        encoding="utf-8",
    )
    db = folder / "warehouse" / "served.duckdb"
    db.parent.mkdir()
    workdir = folder / "workdir"
    workdir.mkdir()
    env = base_env(home, url) | {"CAPGRAPH_EXTRACTOR": "heuristic", "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
    command = [sys.executable, "-m", "cli", "serve", "--db", str(db), "--catalog", str(catalog)]
    serve = subprocess.Popen(
        [*command, *schedule], cwd=workdir, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    lines: list[str] = []
    ready = threading.Event()

    def drain() -> None:  # keeps the pipe empty (a full one would block serve) and spots the ready line
        assert serve.stderr is not None
        for line in serve.stderr:
            lines.append(line)
            if line.startswith("serving "):
                ready.set()
        ready.set()  # serve ended: the test fails on what it printed

    threading.Thread(target=drain, daemon=True).start()
    try:
        assert ready.wait(STARTUP_SECONDS) and serve.poll() is None, "".join(lines)
        # Printed once both deployments are registered.
        assert lines[-1].startswith("serving capgraph-ingest/capgraph-scheduled-ingest"), lines
        with temporary_settings({PREFECT_API_URL: url}):
            yield db
    finally:
        stop(serve)
        assert not (workdir / "capgraph.duckdb").exists()


def run_logs(flow_run_id: UUID, expected: str) -> list[str]:
    """The run's log messages once ``expected`` is among them: its process sends them in batches, and
    may still be sending when the run is already Completed, so this polls (there is no event for it)."""
    deadline = time.monotonic() + 20
    with get_client(sync_client=True) as client:
        while True:
            logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
            messages = [log.message for log in logs]
            if any(expected in message for message in messages) or time.monotonic() > deadline:
                return messages
            time.sleep(0.25)


def triggered(name: str, parameters: dict[str, object] | None = None) -> FlowRun:
    flow_run = run_deployment(name, parameters=parameters or {}, timeout=60, poll_interval=0.5)
    assert isinstance(flow_run, FlowRun)
    assert flow_run.state is not None and flow_run.state.is_completed(), flow_run.state
    return flow_run


def test_served_deployments_run_into_the_given_warehouse_and_keep_overrides(
    prefect_server: tuple[str, Path], tmp_path: Path
) -> None:
    # Only on 29 February: no scheduled run gets in the way of the ones this test starts.
    with serving(prefect_server, tmp_path, "--cron", "30 2 29 2 *", "--timezone", "Europe/Berlin") as db:
        with get_client(sync_client=True) as client:
            scheduled = client.read_deployment_by_name("capgraph-ingest/capgraph-scheduled-ingest")
        assert scheduled.parameters["settings"]["db"] == str(db)
        assert [(item.schedule.cron, item.schedule.timezone) for item in scheduled.schedules] == [
            ("30 2 29 2 *", "Europe/Berlin")
        ]
        assert scheduled.global_concurrency_limit is not None
        assert scheduled.global_concurrency_limit.limit == 1
        assert scheduled.concurrency_options is not None
        assert scheduled.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.CANCEL_NEW

        triggered("capgraph-ingest/capgraph-scheduled-ingest")
        with Warehouse(db).reader() as session:
            assert {row.id for row in session.list_tools()} == {"installed:rich", "installed:typer"}

        reprocessed = triggered("capgraph-reprocess/capgraph-reprocess", {"ref": "installed:rich"})
        messages = run_logs(reprocessed.id, "installed:rich: extracted")
        with get_client(sync_client=True) as client:
            artifacts = client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[reprocessed.id]))
            )

    with Warehouse(db).reader() as session:
        tools = {row.id: row for row in session.list_tools()}
        _, runs = session.query("SELECT tool_id, count(*) FROM extraction_runs GROUP BY tool_id ORDER BY 1")
    rich = tools["installed:rich"]
    assert (rich.name, rich.kind, rich.pricing) == ("Rich (override)", "Dataset", "paid")
    assert runs == [("installed:rich", 2), ("installed:typer", 1)]  # exactly that tool, again

    # capgraph's own (stdlib) log lines reach the run's logs, and the run knows what triggered it.
    assert any("installed:rich: extracted" in message for message in messages), messages
    assert any(f"prefect:{reprocessed.id}" in message for message in messages), messages
    [summary] = [artifact for artifact in artifacts if artifact.key == SUMMARY_ARTIFACT_KEY]
    assert "| extracted | 1 |" in str(summary.data)


def test_scheduled_runs_never_overlap_and_know_they_were_scheduled(
    prefect_server: tuple[str, Path], tmp_path: Path
) -> None:
    """Due every second, each run takes longer: the ones due while another runs are cancelled, not stacked."""
    with (
        serving(prefect_server, tmp_path, "--interval-seconds", "1") as db,
        get_client(sync_client=True) as client,
    ):
        deployment = client.read_deployment_by_name("capgraph-ingest/capgraph-scheduled-ingest")
        only_this = DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id]))
        deadline = time.monotonic() + 60
        completed: list[FlowRun] = []
        while not completed and time.monotonic() < deadline:  # runs come from the server's scheduler
            time.sleep(0.5)
            completed = client.read_flow_runs(
                deployment_filter=only_this,
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.COMPLETED])),
                    tags=FlowRunFilterTags(all_=["auto-scheduled"]),  # not the other test's manual runs
                ),
            )
        assert completed, "no scheduled run completed within 60 s"
        [first, *_] = completed
        messages = run_logs(first.id, "(schedule, ")
        runs = client.read_flow_runs(deployment_filter=only_this)
    assert "auto-scheduled" in first.tags
    assert any("(schedule, " in message for message in messages), messages
    with Warehouse(db).reader() as session:
        assert {row.id for row in session.list_tools()} == {"installed:rich", "installed:typer"}
    # Cancelled runs (due while another ran) never started work; the others must not overlap in time.
    ran = sorted(
        (run.start_time, run.end_time or datetime.now(UTC))
        for run in runs
        if run.start_time is not None and run.state_type != StateType.CANCELLED
    )
    assert ran and any(run.state_type == StateType.CANCELLED for run in runs), [
        run.state_name for run in runs
    ]
    for (_, earlier_end), (later_start, _) in itertools.pairwise(ran):
        assert later_start >= earlier_end, ran
