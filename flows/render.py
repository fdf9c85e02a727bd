"""Prefect flow that renders one comparison page and writes it to a file."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from capgraph.compare import PageFormat, comparison_page
from capgraph.reading import read_warehouse
from capgraph.settings import Settings


@flow(name="capgraph-render")
def render(
    left_id: str,
    right_id: str,
    out: str,
    page_format: PageFormat = "md",
    settings: Settings | None = None,
) -> str:
    """Write the comparison of two stored tools to ``out`` and return the path written."""
    page = comparison_page(
        read_warehouse(settings if settings is not None else Settings()),
        left_id,
        right_id,
        page_format=page_format,
    )
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return str(target)
