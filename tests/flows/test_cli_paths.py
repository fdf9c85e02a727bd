"""Which path a manual run takes (the core directly, or Prefect), and what ``capgraph serve`` says when it
cannot serve. Commands run as child processes: Prefect's settings and imports are per process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowFilter, FlowFilterName
from prefect.settings import PREFECT_API_URL
from typer.testing import CliRunner

from cli.main import app

ROOT = Path(__file__).resolve().parents[2]


def child_env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PREFECT_", "CAPGRAPH_")) and name != "PYTHONPATH"
    }
    env.update(
        PYTHONPATH=str(ROOT),
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        CAPGRAPH_EXTRACTOR="heuristic",
        COLUMNS="200",
        **values,
    )
    return env


def capgraph(tmp_path: Path, *args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    """Run the CLI in its own process group, so a run that hangs is stopped with anything it started
    (a temporary Prefect server would otherwise outlive the test)."""
    command = [sys.executable, "-m", "cli", *args]
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=child_env(tmp_path, **env),
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def test_a_manual_ingest_runs_the_core_directly_without_importing_prefect(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from cli.main import app\n"
        "try:\n"
        f"    app(['ingest', 'installed:rich', 'nosuch:tool', '--db', {str(tmp_path / 'w.duckdb')!r}])\n"
        "except SystemExit as done:\n"
        "    print('exit', done.code)\n"
        "print('prefect loaded:', any(name.split('.')[0] == 'prefect' for name in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=child_env(tmp_path),
        timeout=60,
    )
    assert "prefect loaded: False" in result.stdout, result.stdout + result.stderr
    assert "exit 1" in result.stdout and "1 extracted" in result.stdout
    assert "orchestration: direct" in result.stderr
    # Each failure once: in the summary only.
    assert (result.stdout + result.stderr).count("nosuch:tool") == 1


def test_with_a_prefect_api_configured_a_manual_ingest_is_a_prefect_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = PREFECT_API_URL.value()  # the test harness's API
    monkeypatch.setenv("PREFECT_API_URL", url)
    db = tmp_path / "w.duckdb"
    result = CliRunner(env={"COLUMNS": "200", "CAPGRAPH_EXTRACTOR": "heuristic"}).invoke(
        app, ["ingest", "installed:rich", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert f"orchestration: Prefect at {url}" in result.stderr
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["capgraph-ingest"])))
    assert any(run.parameters.get("settings", {}).get("db") == str(db) for run in runs)


def test_a_large_run_through_a_temporary_prefect_server_prints_no_traceback(tmp_path: Path) -> None:
    """The temporary server used to print ~150 lines of tracebacks while stopping after a large run."""
    lines = []
    for number in range(200):
        (tmp_path / f"t{number}.md").write_text(
            f"# Tool{number}\n\nTool{number} parses thing{number} files.\n\n## Features\n\n"
            f"- Fast parsing of thing{number} records\n- Streaming export to CSV\n",
            encoding="utf-8",
        )
        lines.append(f'[[tool]]\nref = "file:t{number}.md"\n')
    lines.append('[[tool]]\nref = "file:missing.md"\n')
    (tmp_path / "catalog.toml").write_text("\n".join(lines), encoding="utf-8")

    result = capgraph(
        tmp_path, "ingest", "--catalog", "catalog.toml", "--db", "w.duckdb", "--prefect", timeout=180
    )

    assert result.returncode == 1, result.stderr
    assert "200 extracted" in result.stdout and "1 failed" in result.stdout
    assert "orchestration: Prefect, on a temporary local server" in result.stderr
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr[-3000:]
    assert (result.stdout + result.stderr).count("missing.md") == 1


def test_serve_without_a_prefect_api_says_so_in_one_line(tmp_path: Path) -> None:
    result = capgraph(tmp_path, "serve", "--db", "w.duckdb", timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "no Prefect API configured" in result.stderr and "PREFECT_API_URL" in result.stderr


def test_serve_with_an_unreachable_prefect_api_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api"
    result = capgraph(tmp_path, "serve", timeout=60, PREFECT_API_URL=url)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert f"the Prefect API at {url} is not reachable" in result.stderr


@pytest.mark.parametrize(
    "setting,value,named",
    [
        ("CAPGRAPH_SCHEDULE_CRON", "61 * * * *", "not a cron expression"),
        ("CAPGRAPH_SCHEDULE_TIMEZONE", "Mars/Olympus", "unknown time zone"),
    ],
)
def test_a_bad_schedule_is_one_line_and_exit_2(tmp_path: Path, setting: str, value: str, named: str) -> None:
    result = capgraph(tmp_path, "serve", timeout=60, **{setting: value})
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert setting in result.stderr and named in result.stderr and value in result.stderr


def test_a_manual_reprocess_runs_directly_and_keeps_catalog_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(
        '[[tool]]\nref = "installed:rich"\nkind = "Dataset"\nname = "Rich!"\n', encoding="utf-8"
    )
    db = tmp_path / "w.duckdb"
    runner = CliRunner(
        env={"COLUMNS": "200", "CAPGRAPH_EXTRACTOR": "heuristic", "CAPGRAPH_CATALOG": str(catalog)}
    )
    assert runner.invoke(app, ["ingest", "--catalog", str(catalog), "--db", str(db)]).exit_code == 0

    result = runner.invoke(app, ["reprocess", "installed:rich", "--db", str(db)])

    assert result.exit_code == 0, result.output
    assert "orchestration: direct" in result.stderr and "1 extracted" in result.stdout
    tools = runner.invoke(app, ["tools", "--db", str(db)])
    assert "Rich!" in tools.stdout and "Dataset" in tools.stdout
