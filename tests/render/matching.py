"""Match-graph facts for the renderer tests: how Quillvec and Pipewright (see factories) line up."""

from __future__ import annotations

from render.matches import PairMatch, SharedPair


def vector_vs_etl_match(similarity: float | None = 0.634) -> PairMatch:
    """Quillvec (left) vs Pipewright (right): snapshot export pairs with incremental loads."""
    return PairMatch(
        similarity=similarity,
        shared=(
            SharedPair(
                left_ordinal=2,
                left_title="Snapshot export",
                right_ordinal=0,
                right_title="Incremental loads",
                similarity=0.716,
            ),
        ),
        only_left=("Approximate nearest-neighbour search", "Metadata filters"),
        only_right=("Schema drift alerts",),
    )
