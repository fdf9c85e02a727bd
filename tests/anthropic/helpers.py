"""Shared helpers for the Claude extractor tests: settings aimed at the fake server, a recording ledger."""

from __future__ import annotations

import threading
from typing import Any

from capgraph.settings import Settings
from capgraph.stage_options import anthropic_options, extractor_options
from extractors.base import CallHooks
from extractors.options import AnthropicOptions, ExtractorOptions
from schemas import ApiCall, BudgetExceeded, SourceDocument, Tool

TIDEPOOL_README = """# Tidepool

Tidepool is a Python library for reading sensor logs from coastal monitoring buoys.

## Features

Tidepool parses the sentence-style log lines written by buoy firmware into typed records.
It resamples irregular readings onto a fixed time grid with linear or nearest-neighbour interpolation.
Unlike generic CSV readers, Tidepool keeps the firmware's quality flags next to every value.
Exports go to Parquet files or to an in-memory Arrow table.

## Installation

Run pip install tidepool.
"""

TIDEPOOL = Tool(id="pypi:tidepool", name="Tidepool", kind="Package")


def make_settings(base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "anthropic_api_key": "test-key",
        "anthropic_base_url": base_url,
        "anthropic_max_retries": 3,
        "anthropic_retry_backoff_base_seconds": 0.001,
        "anthropic_retry_backoff_max_seconds": 0.004,
        "anthropic_requests_per_minute": 100_000,
        "anthropic_input_tokens_per_minute": 1_000_000_000,
        "anthropic_timeout_seconds": 5.0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


def make_options(base_url: str, **overrides: Any) -> AnthropicOptions:
    """The Claude extractor's options as the core builds them from ``make_settings``."""
    return anthropic_options(make_settings(base_url, **overrides))


def make_extractor_options(base_url: str, **overrides: Any) -> ExtractorOptions:
    return extractor_options(make_settings(base_url, **overrides))


def make_document(text: str = TIDEPOOL_README, tool_id: str = "pypi:tidepool") -> SourceDocument:
    return SourceDocument(tool_id=tool_id, origin="test://readme", media_type="text/markdown", text=text)


class RecordingHooks(CallHooks):
    """A ledger that keeps every row in memory; ``budget_calls`` makes the n+1-th call over budget."""

    def __init__(self, budget_calls: int | None = None) -> None:
        self.calls: list[ApiCall] = []
        self.before_calls = 0
        self.budget_calls = budget_calls
        self._lock = threading.Lock()

    def before_call(self) -> None:
        with self._lock:
            if self.budget_calls is not None and self.before_calls >= self.budget_calls:
                raise BudgetExceeded("the run's cost cap is reached", subject="max_cost_usd")
            self.before_calls += 1

    def after_call(self, call: ApiCall) -> None:
        with self._lock:
            self.calls.append(call)

    def purposes(self) -> list[str]:
        return [call.purpose for call in self.calls]
