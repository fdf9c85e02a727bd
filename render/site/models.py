"""What the static site is built from (one ``SiteTool`` per tool) and what writing it reports."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from render.matches import PairMatch, Similarity
from render.scores import ToolScores
from schemas import ToolProfile
from schemas.models import TOOL_ID_PATTERN


class SiteAlternative(BaseModel):
    """One tool the match graph puts near another: ``rank`` 1 is the closest, ``match`` is oriented
    from the owning tool (left) to this alternative (right)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tool_id: Annotated[str, Field(pattern=TOOL_ID_PATTERN, max_length=500)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    rank: Annotated[int, Field(ge=1)]
    similarity: Similarity
    match: PairMatch


class SiteTool(BaseModel):
    """Everything the site shows about one tool: its profile, its scores, its nearest alternatives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: ToolProfile
    scores: ToolScores = ToolScores()
    alternatives: tuple[SiteAlternative, ...] = ()


class SiteSummary(BaseModel):
    """What ``write_site`` wrote: HTML pages (comparison pages among them), all files, and their bytes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pages: int
    pairs: int
    files: int
    bytes: int
