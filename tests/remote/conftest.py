"""Fixtures for remote-source tests: a fixture server and settings pointing every API at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.fixture_server import FixtureServer


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running
