"""Records that two tools were compared (requested, rendered or put on a site): the `times_matched` input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import get_args

import duckdb

from schemas import CapgraphError, ComparisonVia


def record_comparisons(
    connection: duckdb.DuckDBPyConnection, pairs: Sequence[tuple[str, str]], via: str
) -> int:
    """Insert one ``comparison_events`` row per pair, timed now; the caller holds the transaction."""
    check_via(via)
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Sequence):
        raise CapgraphError(
            f"expected a sequence of (left_id, right_id) pairs, got {type(pairs).__name__}",
            subject="comparison events",
            hint="pass the compared pairs themselves, not their count",
        )
    for pair in pairs:
        if (
            not isinstance(pair, tuple | list)
            or len(pair) != 2
            or not all(isinstance(tool_id, str) and tool_id.strip() for tool_id in pair)
        ):
            raise CapgraphError(
                f"{pair!r} is not a pair of tool ids",
                subject="comparison events",
                hint="pass (left_id, right_id) tuples of stored tool ids",
            )
    if not pairs:
        return 0
    connection.execute(
        'INSERT INTO comparison_events ("at", left_id, right_id, via) '
        "SELECT now(), unnest($left_ids), unnest($right_ids), $via",
        {"left_ids": [left for left, _ in pairs], "right_ids": [right for _, right in pairs], "via": via},
    )
    return len(pairs)


def check_via(via: str) -> None:
    allowed = get_args(ComparisonVia)
    if via not in allowed:
        raise CapgraphError(
            f"{via!r} is not a way a comparison is made",
            subject="comparison events",
            hint="use via= one of: " + ", ".join(allowed),
        )
