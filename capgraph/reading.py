"""Where read commands read from: the analyst copy published after each run, or the live file on request.

Reading the copy means a query never waits for, or blocks, an ingestion run holding the live file.
"""

from __future__ import annotations

from pathlib import Path

from capgraph.settings import Settings
from warehouse import Warehouse


def read_path(settings: Settings, *, live: bool = False) -> Path:
    """The analyst copy when it exists (and ``live`` is not asked for), else the live warehouse file."""
    analyst = settings.analyst_path()
    if not live and analyst.exists():
        return analyst
    return settings.db


def read_warehouse(settings: Settings, *, live: bool = False) -> Warehouse:
    return Warehouse(read_path(settings, live=live), lock_timeout_seconds=settings.lock_timeout_seconds)
