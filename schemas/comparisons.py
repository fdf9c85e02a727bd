"""The vocabulary of comparing two tools, shared by the warehouse, the renderer and the core.

A pair is always oriented: "left" is the first tool (the one a page, a match or an edge starts from),
"right" the second. Ordinals index that tool's current capability records (0-based).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

ComparisonVia = Literal["compare", "render", "site"]
"""How a comparison came about: requested (`capgraph compare`), rendered on its own, or part of a site."""

Similarity = Annotated[float, Field(ge=0, le=1)]


class SharedPair(BaseModel):
    """A capability of the left tool and the right tool's capability the graph judged closest to it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    left_ordinal: Annotated[int, Field(ge=0)]
    left_title: Annotated[str, Field(min_length=1)]
    right_ordinal: Annotated[int, Field(ge=0)]
    right_title: Annotated[str, Field(min_length=1)]
    similarity: Similarity


class PairMatch(BaseModel):
    """The graph's view of one pair: overall similarity (0–1, None if not computed) and how the
    capabilities split into shared pairs and ones only one side offers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    similarity: Similarity | None
    shared: tuple[SharedPair, ...] = ()
    only_left: tuple[str, ...] = ()
    only_right: tuple[str, ...] = ()

    def flipped(self) -> PairMatch:
        """The same facts seen from the other side, for a page that puts the right tool first."""
        return PairMatch(
            similarity=self.similarity,
            shared=tuple(
                SharedPair(
                    left_ordinal=pair.right_ordinal,
                    left_title=pair.right_title,
                    right_ordinal=pair.left_ordinal,
                    right_title=pair.left_title,
                    similarity=pair.similarity,
                )
                for pair in self.shared
            ),
            only_left=self.only_right,
            only_right=self.only_left,
        )


class ToolScores(BaseModel):
    """What is known about how one tool ranks; ``None`` means not computed yet, never zero."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rank: Annotated[int, Field(ge=0, le=100)] | None = None
    adoption: Annotated[float, Field(ge=0)] | None = None
    quality: Annotated[float, Field(ge=0)] | None = None
    ecosystem: Annotated[float, Field(ge=0)] | None = None
    match_graph: Annotated[float, Field(ge=0)] | None = None
    times_matched: Annotated[int, Field(ge=0)] | None = None
