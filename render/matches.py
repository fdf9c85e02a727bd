"""What the match graph found for one pair of tools: which capabilities correspond, and which have no match.

A ``PairMatch`` (``schemas.comparisons``) is always oriented: "left" is the first tool of the page,
"right" the second.
Ordinals index ``ToolProfile.capabilities`` (0-based), so a match is only valid for the profiles it was
computed from; ``check_match`` says clearly when it is not.
"""

from __future__ import annotations

from render.formatting import one_line
from schemas import PairMatch, SharedPair, Similarity, TerminalError, ToolProfile

__all__ = ["PairMatch", "SharedPair", "Similarity", "check_match", "percent"]


def percent(similarity: float) -> str:
    """A similarity of 0–1 as a whole percentage: finer digits would claim precision the graph lacks."""
    return f"{similarity * 100:.0f}%"


def check_match(match: object, left: ToolProfile, right: ToolProfile) -> PairMatch:
    """``match`` when it describes exactly these two profiles; otherwise a one-line ``TerminalError``."""
    if not isinstance(match, PairMatch):
        raise TerminalError(
            f"expected a PairMatch, got {type(match).__name__}",
            subject="match",
            hint="pass render.matches.PairMatch or leave match out",
        )
    for pair in match.shared:
        _check_ordinal(left, pair.left_ordinal, pair.left_title)
        _check_ordinal(right, pair.right_ordinal, pair.right_title)
    _check_titles(left, match.only_left)
    _check_titles(right, match.only_right)
    return match


def _same_title(first: str, second: str) -> bool:
    return one_line(first).casefold() == one_line(second).casefold()


def _stale(profile: ToolProfile, problem: str) -> TerminalError:
    return TerminalError(
        f"match graph entry is stale: {problem}",
        subject=profile.tool.id,
        hint="recompute the match graph after the tool's capabilities were re-extracted",
    )


def _check_ordinal(profile: ToolProfile, ordinal: int, title: str) -> None:
    count = len(profile.capabilities)
    if ordinal >= count:
        raise _stale(profile, f"capability #{ordinal} does not exist (the tool has {count})")
    actual = profile.capabilities[ordinal].title
    if not _same_title(actual, title):
        raise _stale(profile, f"capability #{ordinal} is {one_line(actual)!r}, not {one_line(title)!r}")


def _check_titles(profile: ToolProfile, titles: tuple[str, ...]) -> None:
    known = {one_line(capability.title).casefold() for capability in profile.capabilities}
    for title in titles:
        if one_line(title).casefold() not in known:
            raise _stale(profile, f"it has no capability titled {one_line(title)!r}")
