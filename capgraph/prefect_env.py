"""Quiet, offline-friendly Prefect defaults, applied before Prefect is first imported.

Prefect reads its settings when imported, so the CLI calls this first. A value the user already set
(in the environment) always wins.
"""

from __future__ import annotations

import os

_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def apply_quiet_defaults() -> None:
    for name, value in _DEFAULTS.items():
        os.environ.setdefault(name, value)
