"""Build one "A vs B" comparison page from the warehouse, in Markdown or HTML."""

from __future__ import annotations

from typing import Literal

from render import render_html, render_markdown
from warehouse import Warehouse

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
    render = render_html if page_format == "html" else render_markdown
    return render(left, right, max_capabilities=max_capabilities)
