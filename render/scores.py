"""Ranking figures for a tool (rank and sub-scores), which a later stage computes and the page shows.

Nothing produces these yet, so every renderer accepts them as an optional mapping and shows "—"
wherever a figure is missing; once scores exist, passing that mapping is the only change needed.
"""

from __future__ import annotations

from collections.abc import Mapping

from schemas import ToolScores

__all__ = ["NO_SCORES", "ScoreBoard", "ToolScores"]


NO_SCORES = ToolScores()

ScoreBoard = Mapping[str, ToolScores]
"""Scores keyed by tool id."""
