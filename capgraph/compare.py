"""Build one "A vs B" comparison page from the warehouse, in Markdown or HTML, with the stored scores
and the match graph's shared and distinct capabilities; and count the comparisons people asked for."""

from __future__ import annotations

from collections.abc import Sequence

from capgraph.settings import Settings
from render import render_html, render_markdown
from render.scores import ToolScores
from schemas import CapgraphError, ComparisonVia
from schemas.choices import PageFormat
from warehouse import ReadSession, ToolScoreRow, Warehouse

COUNTING_LOCK_TIMEOUT_SECONDS = 1.0
"""A page is worth more than its count: when an ingest run holds the live file, counting gives up fast."""


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
        scores = page_scores(session, [left.tool.id, right.tool.id])
        match = session.pair_match(left.tool.id, right.tool.id).match
    render = render_html if page_format == "html" else render_markdown
    return render(left, right, max_capabilities=max_capabilities, scores=scores, match=match)


def page_scores(session: ReadSession, tool_ids: Sequence[str]) -> dict[str, ToolScores]:
    """Each tool's rank and sub-scores as of the last run's snapshot; what is not computed stays None."""
    rows = session.page_scores(tool_ids)
    return {tool_id: to_tool_scores(rows.get(tool_id)) for tool_id in tool_ids}


def to_tool_scores(row: ToolScoreRow | None) -> ToolScores:
    if row is None:
        return ToolScores()
    return ToolScores(
        rank=row.rank,
        adoption=row.adoption,
        quality=row.quality,
        ecosystem=row.ecosystem,
        match_graph=row.match_graph,
        times_matched=row.times_matched,
    )


def count_comparisons(
    settings: Settings, pairs: Sequence[tuple[str, str]], *, via: ComparisonVia
) -> str | None:
    """Add the pairs to the live warehouse's comparison log ("times matched"); a notice when it could not.

    Counting never costs the page: a busy or missing warehouse only yields the notice. The count
    reaches read commands with the next published analyst copy.
    """
    if not pairs or not settings.db.exists():
        return None
    wait = min(settings.lock_timeout_seconds, COUNTING_LOCK_TIMEOUT_SECONDS)
    live = Warehouse(settings.db, lock_timeout_seconds=wait)
    try:
        with live.writer() as session:
            session.record_comparisons(pairs, via=via)
    except CapgraphError as error:
        return f"not counted in times matched: {error.one_line()}"
    finally:
        live.release()
    return None
