"""Which capgraph this is: the version of the installed distribution, as `capgraph --version` prints it."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def installed_version() -> str:
    try:
        return version("capgraph")
    except PackageNotFoundError:
        # Run from a checkout that was never installed: there is no version to report.
        return "unknown (not installed)"
