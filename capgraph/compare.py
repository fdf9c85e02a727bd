"""Build one "A vs B" comparison page from the warehouse, in Markdown or HTML, with the stored scores."""

from __future__ import annotations

from typing import Literal

from render import render_html, render_markdown
from render.scores import ToolScores
from warehouse import ReadSession, Warehouse

PageFormat = Literal["md", "html"]


def comparison_page(
    warehouse: Warehouse,
    left_id: str,
    right_id: str,
    *,
    page_format: PageFormat = "md",
    max_capabilities: int = 8,
) -> str:
    """Render the comparison of two stored tools; unknown ids raise ``NotFoundError`` naming the id."""
    with warehouse.reader() as session:
        left = session.tool_profile(left_id)
        right = session.tool_profile(right_id)
        scores = {tool_id: scores_of(session, tool_id) for tool_id in (left.tool.id, right.tool.id)}
    render = render_html if page_format == "html" else render_markdown
    return render(left, right, max_capabilities=max_capabilities, scores=scores)


def scores_of(session: ReadSession, tool_id: str) -> ToolScores:
    """The tool's rank and sub-scores from the ``tool_scores`` view; what is not computed stays None ("—")."""
    row = session.tool_scores(tool_id)
    if row is None:
        return ToolScores()
    return ToolScores(
        rank=row.rank,
        adoption=row.adoption,
        quality=row.quality,
        ecosystem=row.ecosystem,
        match_graph=row.match_graph,
    )
