"""`capgraph site`: load every stored tool with its scores and alternatives, and write the static site.

The warehouse is read once, tool by tool; the renderer streams pages to disk, so memory stays flat
however many tools there are. The pairs the site publishes are then counted in "times matched".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from capgraph.compare import count_comparisons, page_scores
from capgraph.settings import Settings
from render.site import SiteAlternative, SiteSummary, SiteTool, published_pairs, site_files, write_site
from warehouse import ReadSession, Warehouse

ToolLoaded = Callable[[str], None]


@dataclass(frozen=True)
class SiteReport:
    """What `capgraph site` wrote, and whether the published pairs could be counted."""

    out_dir: Path
    tools: int
    summary: SiteSummary
    counting_notice: str | None


def build_site(
    warehouse: Warehouse,
    settings: Settings,
    out_dir: Path,
    *,
    max_capabilities: int = 12,
    on_tool: ToolLoaded | None = None,
) -> SiteReport:
    """Write the site for every tool in ``warehouse`` to ``out_dir``; count its pairs in the live file."""
    with warehouse.reader() as session:
        tools = list(_site_tools(session, on_tool))
    files = site_files(
        tools,
        generated_at=datetime.now(UTC),
        pairs_per_tool=settings.site_pairs_per_tool,
        max_capabilities=max_capabilities,
    )
    summary = write_site(files, out_dir)
    pairs = published_pairs(tools, pairs_per_tool=settings.site_pairs_per_tool)
    notice = count_comparisons(settings, pairs, via="site")
    return SiteReport(out_dir=out_dir, tools=len(tools), summary=summary, counting_notice=notice)


def _site_tools(session: ReadSession, on_tool: ToolLoaded | None) -> Iterator[SiteTool]:
    tool_ids = session.tool_ids()
    scores = page_scores(session, tool_ids)
    for tool_id in tool_ids:
        alternatives = tuple(
            SiteAlternative(
                tool_id=row.alternative_id,
                name=row.alternative_name,
                rank=row.rank or index,
                similarity=row.similarity,
                match=row.match,
            )
            for index, row in enumerate(session.alternatives(tool_id), start=1)
        )
        yield SiteTool(
            profile=session.tool_profile(tool_id),
            scores=scores[tool_id],
            alternatives=alternatives,
        )
        if on_tool is not None:
            on_tool(tool_id)
