"""Fixtures: a fake Claude API per test and extractors built against it with the real SDK."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from extractors.anthropic import AnthropicExtractor
from tests.anthropic.helpers import make_options
from tests.fakes.anthropic_server import FakeAnthropic


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    """Every wait the extractor asked for (retries, limiter), instead of really sleeping."""
    return []


@pytest.fixture
def make_extractor(fake: FakeAnthropic, sleeps: list[float]) -> Iterator[Callable[..., AnthropicExtractor]]:
    built: list[AnthropicExtractor] = []

    def build(**overrides: Any) -> AnthropicExtractor:
        extractor = AnthropicExtractor.from_options(
            make_options(fake.base_url, **overrides),
            strict_response_validation=True,
            sleep=sleeps.append,
        )
        built.append(extractor)
        return extractor

    yield build
    for extractor in built:
        extractor.caller.client.close()


@pytest.fixture
def extractor(make_extractor: Callable[..., AnthropicExtractor]) -> AnthropicExtractor:
    return make_extractor()
