"""SIGTERM and SIGINT end a real `capgraph ingest` within 2 s: the summary is printed, what finished is
in the analyst copy, tools not started are reported skipped, and the exit code says which signal.
A manual run takes the direct path (no Prefect), so the whole process is gone within the 2 s too."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from capgraph.pipeline import IngestContext, run_serially
from capgraph.settings import Settings
from tests.core.processes import capgraph
from tests.fakes.fixture_server import FixtureServer, Reply, SeenRequest
from warehouse import Warehouse


@pytest.mark.parametrize(("number", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_ends_the_run_within_two_seconds_keeping_what_finished(
    settings: Settings, described_tools: dict[str, str], number: int, code: int
) -> None:
    finished = described_tools["lumen"]
    run_serially([(finished, None)], IngestContext.create(settings))
    Warehouse(settings.db).release()
    settings.analyst_path().unlink()  # so the interrupted run must publish it itself
    asked = threading.Event()

    def busy(_: SeenRequest) -> Reply:
        asked.set()
        return Reply(status=503, headers={"Retry-After": "60"}, body="try again in a minute")

    with FixtureServer() as server:
        server.route("/slow", busy)
        slow = f"url:{server.url('/slow')}"
        run = capgraph(
            ["ingest", finished, described_tools["tidewater"], slow, "--db", str(settings.db)],
            CAPGRAPH_ALLOW_PRIVATE_ADDRESSES="true",
            CAPGRAPH_HTTP_ALLOWED_NETWORKS='["127.0.0.1/32"]',
        )
        try:
            assert asked.wait(timeout=120), "the run never fetched the slow page"
            lines: list[tuple[float, str]] = []
            errors: list[str] = []
            stdout, stderr = run.stdout, run.stderr
            assert stdout is not None and stderr is not None
            # Daemon readers: a process killed outright may leave a child holding its pipes open.
            readers = [
                threading.Thread(target=lambda: lines.extend((time.monotonic(), line) for line in stdout)),
                threading.Thread(target=lambda: errors.append(stderr.read())),
            ]
            for reader in readers:
                reader.daemon = True
                reader.start()
            sent = time.monotonic()
            run.send_signal(number)
            run.wait(timeout=30)
            exit_after = time.monotonic() - sent
            for reader in readers:
                reader.join(timeout=5)
        finally:
            run.kill()
    err = "".join(errors)
    out = "".join(line for _, line in lines)
    assert lines, err
    summary_after = lines[0][0] - sent
    assert run.returncode == code, err
    assert summary_after < 2.0, f"the summary came {summary_after:.2f} s after the signal"
    assert exit_after < 2.0, f"the process ended {exit_after:.2f} s after the signal"
    assert "3 tools seen: 0 extracted, 1 unchanged, 0 failed, 2 skipped" in out
    assert f"skipped {slow}: " in out and f"interrupted by {signal.Signals(number).name}" in out
    assert f"skipped {described_tools['tidewater']}" in out, (out, err)
    assert "Traceback" not in err
    with Warehouse(settings.analyst_path()).reader() as session:
        assert session.has_tool(finished)
        assert not session.has_tool(described_tools["tidewater"])
        _, history = session.query("SELECT status, stop_reason, skipped FROM ingest_runs ORDER BY started_at")
    assert history[-1] == ("interrupted", f"interrupted by {signal.Signals(number).name}", 2)


def test_the_core_run_stops_within_two_seconds_when_interrupted_mid_wait(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    """Without any orchestrator: the interrupt ends a Retry-After wait of a minute at once."""
    asked = threading.Event()

    def busy(_: SeenRequest) -> Reply:
        asked.set()
        return Reply(status=503, headers={"Retry-After": "60"}, body="try again in a minute")

    local = settings.model_copy(update={"allow_private_addresses": True})
    context = IngestContext.create(local)
    with FixtureServer() as server:
        server.route("/slow", busy)
        slow = f"url:{server.url('/slow')}"
        refs = [(described_tools["lumen"], None), (slow, None)]
        results: list = []
        worker = threading.Thread(target=lambda: results.append(run_serially(refs, context)))
        worker.start()
        assert asked.wait(timeout=30)
        sent = time.monotonic()
        context.interrupt.set("interrupted by SIGTERM")
        context.stop("interrupted by SIGTERM")
        worker.join(timeout=10)
        took = time.monotonic() - sent
    assert took < 2.0, f"the run took {took:.2f} s to stop"
    (summary,) = results
    assert [(outcome.ref, outcome.status) for outcome in summary.outcomes] == [
        (described_tools["lumen"], "skipped"),
        (slow, "skipped"),
    ]
    assert summary.stopped_because == "interrupted by SIGTERM"
    assert local.analyst_path().exists()
