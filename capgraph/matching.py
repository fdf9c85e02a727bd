"""The last steps of a run: rebuild each tool's closest alternatives once records have changed, and
snapshot the scores the pages show once anything they read has changed.

The graph is a function of every tool's current records, so it is rebuilt after the extractions of a
run, in one transaction, before the analyst copy is published. A run that changed nothing keeps the
graph it has; a failed rebuild keeps the previous graph and is reported, never losing records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from capgraph.settings import Settings
from schemas import CapgraphError
from warehouse import MatchGraphStats, Warehouse


@dataclass(frozen=True)
class GraphRefresh:
    """What the match-graph step did: rebuilt (with figures), kept as it was, or failed (with why)."""

    stats: MatchGraphStats | None = None
    error: str | None = None

    def describe(self) -> str | None:
        if self.error is not None:
            return f"match graph not rebuilt, the previous one stays: {self.error}"
        if self.stats is None:
            return None
        return (
            f"match graph rebuilt: {self.stats.edges} edges among {self.stats.tools} tools "
            f"({self.stats.duration_ms / 1000:.1f} s)"
        )


def refresh_match_graph(warehouse: Warehouse, settings: Settings, *, records_changed: bool) -> GraphRefresh:
    """Rebuild the graph when records changed or none was ever built; otherwise leave it alone."""
    if not settings.db.exists():
        return GraphRefresh()
    try:
        with warehouse.writer() as session:
            if not records_changed and session.match_graph_built_at() is not None:
                return GraphRefresh()
            return GraphRefresh(stats=session.rebuild_match_graph(top_k=settings.alternatives_per_tool))
    except CapgraphError as error:
        return GraphRefresh(error=error.one_line())


SNAPSHOT_MAX_AGE_SECONDS = 3600.0
"""A snapshot this young, with nothing changed since, is kept: retaken, it would differ only in the
recency figures, which move by 0.3 points a day (``41_tool_scores.sql``)."""


def snapshot_scores(warehouse: Warehouse, settings: Settings) -> str | None:
    """Copy the score view into ``score_snapshot`` for the pages, unless the snapshot is current (nothing
    written since it was taken, and younger than ``SNAPSHOT_MAX_AGE_SECONDS``); a notice when that
    failed."""
    if not settings.db.exists():
        return None
    try:
        with warehouse.writer() as session:
            if not session.score_snapshot_current(max_age_seconds=SNAPSHOT_MAX_AGE_SECONDS):
                session.snapshot_scores()
    except CapgraphError as error:
        return f"scores not snapshotted, pages show the previous snapshot: {error.one_line()}"
    return None


def records_changed(statuses: Sequence[str]) -> bool:
    """Whether any tool of the run got new current records (only an extraction does that)."""
    return any(status == "extracted" for status in statuses)
