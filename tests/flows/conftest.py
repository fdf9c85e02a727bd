"""One Prefect test harness (a temporary Prefect API on SQLite) for every flow test in the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flows.environment import apply_quiet_defaults

apply_quiet_defaults()

from prefect.testing.utilities import prefect_test_harness  # noqa: E402  (after the quiet defaults)


@pytest.fixture(scope="session", autouse=True)
def prefect_api() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120):
        yield
