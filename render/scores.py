"""Ranking figures for a tool (rank and sub-scores), which a later stage computes and the page shows.

Nothing produces these yet, so every renderer accepts them as an optional mapping and shows "—"
wherever a figure is missing; once scores exist, passing that mapping is the only change needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class ToolScores(BaseModel):
    """What is known about how one tool ranks; ``None`` means not computed yet, never zero."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rank: Annotated[int, Field(ge=0, le=100)] | None = None
    adoption: Annotated[float, Field(ge=0)] | None = None
    quality: Annotated[float, Field(ge=0)] | None = None
    ecosystem: Annotated[float, Field(ge=0)] | None = None
    match_graph: Annotated[float, Field(ge=0)] | None = None
    times_matched: Annotated[int, Field(ge=0)] | None = None


NO_SCORES = ToolScores()

ScoreBoard = Mapping[str, ToolScores]
"""Scores keyed by tool id."""
