"""Prefect flows that publish what the warehouse knows: one comparison page, or the whole static site.

Like the ingest flows, they take only JSON-able parameters: ``settings`` holds ``Settings.portable()``
values (the rest comes from the environment)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from capgraph.compare import comparison_page, count_comparisons
from capgraph.reading import read_warehouse
from capgraph.settings import Settings
from capgraph.site_build import build_site
from schemas.choices import PageFormat


@flow(name="capgraph-render")
def render(
    left_id: str,
    right_id: str,
    out: str,
    page_format: PageFormat = "md",
    settings: dict[str, Any] | None = None,
) -> str:
    """Write the comparison of two stored tools to ``out`` and return the path written."""
    run_settings = Settings(**(settings or {}))
    page = comparison_page(read_warehouse(run_settings), left_id, right_id, page_format=page_format)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    notice = count_comparisons(run_settings, [(left_id, right_id)], via="render")
    if notice:
        get_run_logger().warning(notice)
    return str(target)


@flow(name="capgraph-site")
def site(out: str, settings: dict[str, Any] | None = None) -> int:
    """Write the static site to ``out`` (e.g. after a scheduled ingest); returns the pages written."""
    run_settings = Settings(**(settings or {}))
    report = build_site(read_warehouse(run_settings), run_settings, Path(out))
    if report.counting_notice:
        get_run_logger().warning(report.counting_notice)
    return report.summary.pages
