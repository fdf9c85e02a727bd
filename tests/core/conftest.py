"""Fixtures for the core tests: settings pointing at a temporary warehouse and small described tools."""

from __future__ import annotations

from pathlib import Path

import pytest

from capgraph.settings import Settings

DESCRIPTIONS = {
    "lumen.md": """# Lumen

Lumen is a columnar query engine for laptops.

## Features

- **Vectorised execution**: processes batches of values at a time so scans stay fast.
- **Zero-copy Parquet reads**: queries Parquet files in place without loading them first.
- **Window functions**: supports ranking, running totals and moving averages over ordered rows.

## Installation

    pip install lumen
""",
    "tidewater.md": """# Tidewater

Tidewater schedules and retries data pipelines.

## Features

- **Cron schedules**: runs each pipeline on a cron expression in any time zone.
- **Automatic retries**: retries failed steps with exponential backoff before alerting.
- **Run history**: keeps every run with its logs and timings for later inspection.
""",
    "brightline.md": """# Brightline

Brightline validates records against typed schemas.

## Features

- **Type coercion**: converts strings to numbers and dates where the schema asks for them.
- **Readable errors**: reports every invalid field with its path and the rule it broke.
""",
}


@pytest.fixture
def described_tools(tmp_path: Path) -> dict[str, str]:
    """Three Markdown descriptions on disk; returns name -> `file:` ref."""
    folder = tmp_path / "descriptions"
    folder.mkdir()
    refs = {}
    for filename, text in DESCRIPTIONS.items():
        (folder / filename).write_text(text, encoding="utf-8")
        refs[filename.removesuffix(".md")] = f"file:{folder / filename}"
    return refs


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, db=tmp_path / "capgraph.duckdb", extractor="heuristic", concurrency=2)
