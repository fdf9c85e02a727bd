"""Whether a run goes through Prefect, and Prefect's defaults, applied before Prefect is first imported.

A manual ``ingest``/``reprocess`` runs the pipeline core directly (no Prefect import, no temporary
server to start and stop) unless a Prefect API is configured (``PREFECT_API_URL``) or ``--prefect`` is
given. Prefect reads its settings when imported, so the CLI applies the defaults first; a value the
user already set in the environment always wins.
"""

from __future__ import annotations

import os

CAPGRAPH_LOGGERS = "capgraph"
"""Attached to each Prefect run's logger, so the core's log lines show in the run's logs in the UI."""

_QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def prefect_api_url() -> str | None:
    return os.environ.get("PREFECT_API_URL") or None


def wants_prefect(flag: bool) -> bool:
    """The rule for a manual run: Prefect when asked for, or when an API is there to record the run."""
    return flag or prefect_api_url() is not None


def orchestration_notice(use_prefect: bool) -> str:
    """One line saying which path a run takes, printed like the extractor notice."""
    if not use_prefect:
        return "orchestration: direct (no Prefect; set PREFECT_API_URL or pass --prefect to record the run)"
    url = prefect_api_url()
    if url is None:
        return "orchestration: Prefect, on a temporary local server (set PREFECT_API_URL to keep the runs)"
    return f"orchestration: Prefect at {url}"


def _add_extra_loggers() -> None:
    current = [name for name in os.environ.get("PREFECT_LOGGING_EXTRA_LOGGERS", "").split(",") if name]
    if CAPGRAPH_LOGGERS not in current:
        os.environ["PREFECT_LOGGING_EXTRA_LOGGERS"] = ",".join([*current, CAPGRAPH_LOGGERS])


_TEMPORARY_SERVER = {
    # The temporary server lives as long as this process and nobody reads its task-run records, so it
    # need not make them: recording them is what was still flushing events (and printing ~150 lines
    # of cancellation tracebacks) when the server stopped after a large run.
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
}


def apply_quiet_defaults() -> None:
    """For runs started from a terminal: Prefect says only warnings (the CLI prints its own summary)."""
    for name, value in _QUIET.items():
        os.environ.setdefault(name, value)
    if prefect_api_url() is None:
        for name, value in _TEMPORARY_SERVER.items():
            os.environ.setdefault(name, value)
    _add_extra_loggers()


def apply_serving_defaults() -> None:
    """For ``capgraph serve``: runs log at INFO (to the UI and the console), the rest as when quiet.

    Served runs are child processes that inherit this environment, so they get the same settings.
    """
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    apply_quiet_defaults()
