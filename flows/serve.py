"""Scheduled ingestion: ``capgraph serve`` (or ``python -m flows.serve``) registers the ingest flow with the
cron schedule from ``CAPGRAPH_SCHEDULE_CRON`` and serves it until stopped. Needs a Prefect server
(``PREFECT_API_URL``): the temporary server a lone process starts refuses schedules.
"""

from __future__ import annotations

from prefect import serve as prefect_serve
from prefect.deployments.runner import RunnerDeployment

from capgraph.settings import Settings
from flows.ingest import ingest_with


def scheduled_deployment(settings: Settings) -> RunnerDeployment:
    """The deployment that runs ``ingest`` over ``settings.catalog`` on ``settings.schedule_cron``."""
    return ingest_with(settings).to_deployment(
        name="capgraph-scheduled-ingest",
        cron=settings.schedule_cron,
        parameters={"catalog": str(settings.catalog)},
        description=f"Ingest {settings.catalog} into {settings.db} on the cron {settings.schedule_cron!r}.",
    )


def serve(settings: Settings) -> None:
    prefect_serve(scheduled_deployment(settings))


if __name__ == "__main__":
    serve(Settings())
