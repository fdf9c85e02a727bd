"""Enumerated choices that cross layers: the command line offers them, the stage that acts on them
checks them.

They live in the bottom layer so the CLI can name them in its option types (typer lists and validates
a ``Literal``) without importing the stage that acts on them, which keeps read commands fast to start.
"""

from __future__ import annotations

from typing import Literal

PageFormat = Literal["md", "html"]
"""How a comparison page is written."""

CostGrouping = Literal["run", "model", "tool"]
"""How the ledger's API spend is summed."""

ExportFormat = Literal["parquet", "csv"]
"""The file format of an analyst export."""

HubKind = Literal["model", "dataset"]
"""Which kind of Hugging Face Hub repository a ref or a listing names."""

DiscoverySource = Literal["hf", "github", "openrouter"]
"""The sources whose popularity listings `capgraph discover` can read."""
