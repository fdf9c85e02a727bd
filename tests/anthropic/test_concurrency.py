"""One extractor instance shared by many worker threads, and the registry's ``anthropic`` entry."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from extractors import registry
from extractors.anthropic import AnthropicExtractor
from schemas import FatalRunError
from tests.anthropic.helpers import RecordingHooks, make_document, make_extractor_options
from tests.fakes.anthropic_server import FakeAnthropic


def _readme(number: int) -> str:
    return (
        f"# Gauge {number}\n\n"
        f"Gauge {number} converts tide readings from station {number} into hourly means.\n"
        f"It flags readings from station {number} that jump more than a metre between samples.\n"
    )


def test_sixteen_workers_share_one_extractor(fake: FakeAnthropic, extractor: AnthropicExtractor) -> None:
    fake.latency = 0.02  # enough for requests to overlap
    hooks = RecordingHooks()
    documents = [make_document(_readme(number), tool_id=f"pypi:gauge-{number}") for number in range(48)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda document: extractor.extract(document, hooks=hooks), documents))

    for document, result in zip(documents, results, strict=True):
        assert result.tool_id == document.tool_id
        assert len(result.capabilities) == 2
        for record in result.capabilities:
            assert record.grounded
            assert all(document.text[item.start : item.end] == item.quote for item in record.evidence)
    assert len(fake.message_requests) == 48
    assert sorted(call.tool_id for call in hooks.calls) == sorted(document.tool_id for document in documents)


def test_the_registry_builds_the_anthropic_extractor(fake: FakeAnthropic) -> None:
    built, notice = registry.resolve(make_extractor_options(fake.base_url, extractor="auto"))
    assert isinstance(built, AnthropicExtractor)
    assert built.name == "anthropic" and built.model == "claude-haiku-5-5"
    assert "anthropic" in notice
    built.caller.client.close()


def test_the_registry_refuses_to_build_it_without_a_key(fake: FakeAnthropic) -> None:
    with pytest.raises(FatalRunError, match="no Anthropic API key"):
        registry.create("anthropic", make_extractor_options(fake.base_url, anthropic_api_key=None))
