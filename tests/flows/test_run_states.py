"""What a Prefect run of capgraph leaves in Prefect: its final state, its summary artifact, its trigger, and
the settings a deployment carries to a run in another working directory."""

from __future__ import annotations

import os
from pathlib import Path
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.client.schemas.objects import ConcurrencyLimitStrategy

from capgraph.pipeline import IngestContext
from capgraph.settings import Settings
from flows.ingest import SUMMARY_ARTIFACT_KEY, ingest, run_ingest
from flows.serve import reprocess_deployment, scheduled_deployment
from tests.core.conftest import DESCRIPTIONS
from warehouse import Warehouse


def heuristic_settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, db=tmp_path / "w.duckdb", extractor="heuristic", **values)


def artifact_markdown(flow_run_id: UUID) -> str:
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    [artifact] = [artifact for artifact in artifacts if artifact.key == SUMMARY_ARTIFACT_KEY]
    return str(artifact.data)


def test_a_run_in_which_every_tool_failed_ends_failed(tmp_path: Path) -> None:
    settings = heuristic_settings(tmp_path)
    state = ingest(refs=["nosuch:one", "nosuch:two"], settings=settings.portable(), return_state=True)
    assert state.is_failed()
    assert "every tool failed" in (state.message or "")
    markdown = artifact_markdown(state.state_details.flow_run_id)
    assert "| failed | 2 |" in markdown and "nosuch:one" in markdown and "nosuch:two" in markdown


def test_a_run_with_some_failures_completes_with_a_warning_and_a_summary(tmp_path: Path) -> None:
    settings = heuristic_settings(tmp_path)
    (tmp_path / "lumen.md").write_text(DESCRIPTIONS["lumen.md"], encoding="utf-8")
    refs = [f"file:{tmp_path / 'lumen.md'}", f"file:{tmp_path / 'absent.md'}"]
    state = ingest(refs=refs, settings=settings.portable(), return_state=True)
    assert state.is_completed()
    assert "1 of 2 tools failed" in (state.message or "")
    markdown = artifact_markdown(state.state_details.flow_run_id)
    assert "| extracted | 1 |" in markdown and "| failed | 1 |" in markdown
    assert "absent.md" in markdown and "cost $0.0000" in markdown


def test_a_run_the_cli_starts_through_prefect_is_triggered_by_its_flow_run(tmp_path: Path) -> None:
    settings = heuristic_settings(tmp_path)
    context = IngestContext.create(settings, trigger="cli")
    summary = run_ingest(context, refs=["installed:rich"], catalog=None)
    assert summary.ok
    flow_run_id = context.trigger.removeprefix("prefect:")
    assert context.trigger.startswith("prefect:") and UUID(flow_run_id)
    assert "| extracted | 1 |" in artifact_markdown(UUID(flow_run_id))


def test_a_deployment_run_writes_the_warehouse_the_deployment_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The served process's settings travel with the deployment, so a run started elsewhere (another
    working directory, no CAPGRAPH_* variables) still writes the warehouse ``serve --db`` was given."""
    catalog = tmp_path / "catalog.toml"
    catalog.write_text('[[tool]]\nref = "installed:rich"\nkind = "Dataset"\n', encoding="utf-8")
    settings = heuristic_settings(tmp_path, catalog=catalog, concurrency=2)
    deployment = scheduled_deployment(settings)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for name in [name for name in os.environ if name.startswith("CAPGRAPH_")]:
        monkeypatch.delenv(name)

    state = ingest(**deployment.parameters, return_state=True)

    assert state.is_completed(), state.message
    assert not (elsewhere / "capgraph.duckdb").exists()
    with Warehouse(settings.db).reader() as session:
        assert [(row.id, row.kind) for row in session.list_tools()] == [("installed:rich", "Dataset")]


def test_deployments_carry_settings_schedule_and_concurrency(tmp_path: Path) -> None:
    settings = heuristic_settings(
        tmp_path, schedule_cron="15 4 * * 1", schedule_timezone="Europe/Berlin", max_cost_usd="2.5"
    )
    scheduled = scheduled_deployment(settings)
    assert scheduled.name == "capgraph-scheduled-ingest"
    [schedule] = scheduled.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("15 4 * * 1", "Europe/Berlin")
    carried = Settings(_env_file=None, **scheduled.parameters["settings"])
    assert carried.db == settings.db.absolute() and carried.max_cost_usd == settings.max_cost_usd
    assert scheduled.concurrency_limit == 1
    assert scheduled.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.CANCEL_NEW
    assert scheduled.entrypoint == "flows.ingest.ingest"

    every_hour = scheduled_deployment(heuristic_settings(tmp_path, schedule_interval_seconds=3600))
    assert every_hour.schedules[0].schedule.interval.total_seconds() == 3600

    on_demand = reprocess_deployment(settings)
    assert on_demand.schedules == [] and on_demand.concurrency_limit == 1
    assert on_demand.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.ENQUEUE


def test_secrets_never_travel_in_deployment_parameters(tmp_path: Path) -> None:
    settings = heuristic_settings(tmp_path, anthropic_api_key="sk-test-secret", github_token="ghp-secret")
    parameters = scheduled_deployment(settings).parameters
    assert "sk-test-secret" not in str(parameters) and "ghp-secret" not in str(parameters)
    assert "anthropic_api_key" not in parameters["settings"]
