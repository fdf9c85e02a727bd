"""Scheduled ingestion and on-demand reprocessing: ``capgraph serve`` (or ``python -m flows.serve``) serves
two deployments until stopped, and runs their flow runs in this machine's processes.

- ``capgraph-ingest/capgraph-scheduled-ingest``: the settings' catalog on ``CAPGRAPH_SCHEDULE_CRON``
  (or every ``CAPGRAPH_SCHEDULE_INTERVAL_SECONDS``) in ``CAPGRAPH_SCHEDULE_TIMEZONE``.
- ``capgraph-reprocess/capgraph-reprocess``: no schedule; ``prefect deployment run`` it with a ``ref``.

Both carry the serving process's settings as their ``settings`` parameter (``Settings.portable()``), so
a run writes the warehouse ``capgraph serve --db`` names. Each deployment runs one flow run at a time:
a scheduled ingest that comes due while the previous one still runs is cancelled (the next one picks up
whatever changed, as ingestion is incremental); reprocess requests queue up instead. Needs a reachable
Prefect API (``PREFECT_API_URL``): a temporary server would vanish with this process.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from prefect import serve as prefect_serve
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron, Interval, Schedule
from prefect.settings import PREFECT_API_URL

from capgraph.settings import Settings
from flows.ingest import ingest, reprocess
from schemas import CapgraphError

SCHEDULED_INGEST = "capgraph-scheduled-ingest"
REPROCESS = "capgraph-reprocess"


class PrefectUnavailable(CapgraphError):
    """No Prefect API to register deployments with: nothing could be scheduled."""


def schedule_for(settings: Settings) -> Schedule:
    """The ingest schedule the settings ask for; a bad cron or time zone is a ``CapgraphError``."""
    zone = settings.schedule_timezone
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CapgraphError(
            f"unknown time zone {zone!r}",
            subject="CAPGRAPH_SCHEDULE_TIMEZONE",
            hint="use an IANA name such as UTC or Europe/Berlin",
        ) from None
    if settings.schedule_interval_seconds is not None:
        return Interval(timedelta(seconds=settings.schedule_interval_seconds), timezone=zone)
    try:
        return Cron(settings.schedule_cron, timezone=zone)
    except ValueError:
        raise CapgraphError(
            f"not a cron expression: {settings.schedule_cron!r}",
            subject="CAPGRAPH_SCHEDULE_CRON",
            hint='five fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *"',
        ) from None


def describe_schedule(settings: Settings) -> str:
    if settings.schedule_interval_seconds is not None:
        return f"every {settings.schedule_interval_seconds:g} s"
    return f"cron {settings.schedule_cron!r} ({settings.schedule_timezone})"


def _built(deployment: RunnerDeployment | Coroutine[Any, Any, RunnerDeployment]) -> RunnerDeployment:
    """``to_deployment`` answers with a coroutine when called inside an event loop; serving never is."""
    if isinstance(deployment, RunnerDeployment):
        return deployment
    deployment.close()
    raise RuntimeError("deployments are built outside any event loop")


def scheduled_deployment(settings: Settings) -> RunnerDeployment:
    """``ingest`` over ``settings.catalog`` on the settings' schedule, never two runs at once."""
    deployment = ingest.to_deployment(
        name=SCHEDULED_INGEST,
        schedules=[schedule_for(settings)],
        parameters={"settings": settings.portable()},
        concurrency_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
        ),
        # By module, not file path: a run loads the installed flow whatever the working directory.
        entrypoint_type=EntrypointType.MODULE_PATH,
        description=(
            f"Ingest {settings.catalog} into {settings.db}, {describe_schedule(settings)}; "
            "a run due while one is running is cancelled."
        ),
    )
    return _built(deployment)


def reprocess_deployment(settings: Settings) -> RunnerDeployment:
    """``reprocess`` on demand: run it with ``-p ref=...`` (and ``-p force=false`` to skip if unchanged)."""
    deployment = reprocess.to_deployment(
        name=REPROCESS,
        parameters={"settings": settings.portable()},
        concurrency_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE
        ),
        entrypoint_type=EntrypointType.MODULE_PATH,
        description=f"Re-extract one ref into {settings.db}, keeping its overrides from {settings.catalog}.",
    )
    return _built(deployment)


def require_prefect_api() -> str:
    """The configured Prefect API's URL, once it has answered a health check."""
    # Prefect's own view of the setting (environment, profile or a test harness), which its client uses.
    url: str | None = PREFECT_API_URL.value()
    if not url:
        raise PrefectUnavailable(
            "no Prefect API configured",
            subject="capgraph serve",
            hint="start one (`prefect server start`) and set PREFECT_API_URL, e.g. http://127.0.0.1:4200/api",
        )
    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
    if problem is not None:
        raise PrefectUnavailable(
            f"the Prefect API at {url} is not reachable ({type(problem).__name__})",
            subject="capgraph serve",
            hint="start it (`prefect server start`) or fix PREFECT_API_URL",
        )
    return url


def serve(settings: Settings, *, announce: Callable[[str], None] = print) -> None:
    """Register both deployments and run their flow runs until stopped (Ctrl-C or SIGTERM)."""
    deployments = [scheduled_deployment(settings), reprocess_deployment(settings)]
    url = require_prefect_api()
    for deployment in deployments:
        deployment.apply()  # registered before saying so: `prefect deployment run` works from here on
    announce(
        f"serving {ingest.name}/{SCHEDULED_INGEST} ({describe_schedule(settings)}) and "
        f"{reprocess.name}/{REPROCESS} into {settings.db} via {url}; Ctrl-C stops"
    )
    prefect_serve(*deployments, print_starting_message=False)


if __name__ == "__main__":
    serve(Settings())
