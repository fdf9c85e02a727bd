"""The index and tool pages of the static site as plain data: every string the templates print.

Comparison pages reuse ``render.page.Comparison`` as it is, so a pair page and ``render_html`` agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from render.build import (
    PRICING_LABELS,
    capability_count_label,
    capability_view,
    homepage_of,
    number_label,
    price_label,
    rank_label,
)
from render.formatting import one_line
from render.matches import percent
from render.page import MISSING, CapabilityView, Homepage
from render.scores import ToolScores
from schemas import ToolProfile

GROUNDED_MARK = "✓ grounded: every quote was found in the source"


@dataclass(frozen=True, slots=True)
class Link:
    """A link inside the site: ``href`` is already relative to the page it is written on."""

    text: str
    href: str


@dataclass(frozen=True, slots=True)
class IndexRow:
    """One tool in the index table."""

    name: Link
    kind: str
    rank: str
    capabilities: str


@dataclass(frozen=True, slots=True)
class ScoreRow:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class CapabilityEntry:
    """A record on its tool's page, with the anchor search results point at."""

    anchor: str
    view: CapabilityView


@dataclass(frozen=True, slots=True)
class AlternativeRow:
    """A nearby tool: ``position`` is its rank among the alternatives, "—" when the other tool listed
    this one instead."""

    position: str
    name: str
    page: str | None
    similarity: str
    shared: str
    comparison: str | None


@dataclass(frozen=True, slots=True)
class ToolPage:
    title: str
    subtitle: str
    homepage: Homepage | None
    scores: tuple[ScoreRow, ...]
    capabilities: tuple[CapabilityEntry, ...]
    empty_note: str | None
    alternatives: tuple[AlternativeRow, ...]


def capability_anchor(ordinal: int) -> str:
    return f"cap-{ordinal}"


def index_row(profile: ToolProfile, scores: ToolScores, href: str) -> IndexRow:
    return IndexRow(
        name=Link(text=one_line(profile.tool.name), href=href),
        kind=profile.tool.kind,
        rank=rank_label(scores),
        capabilities=str(len(profile.capabilities)),
    )


def score_rows(profile: ToolProfile, scores: ToolScores) -> tuple[ScoreRow, ...]:
    grounded = sum(1 for capability in profile.capabilities if capability.grounded)
    tool = profile.tool
    return (
        ScoreRow("Type", tool.kind),
        ScoreRow("Rank", rank_label(scores)),
        ScoreRow("Adoption", number_label(scores.adoption)),
        ScoreRow("Quality", number_label(scores.quality)),
        ScoreRow("Ecosystem", number_label(scores.ecosystem)),
        ScoreRow("Match Graph", number_label(scores.match_graph)),
        ScoreRow("Times Matched", number_label(scores.times_matched)),
        ScoreRow("Pricing", PRICING_LABELS[tool.pricing]),
        ScoreRow("Starting Price", price_label(profile)),
        ScoreRow("Capabilities", f"{capability_count_label(profile)}, {grounded} grounded"),
        ScoreRow("Version", one_line(tool.version) if tool.version else MISSING),
        ScoreRow("License", one_line(tool.license) if tool.license else MISSING),
    )


def tool_page(profile: ToolProfile, scores: ToolScores, alternatives: tuple[AlternativeRow, ...]) -> ToolPage:
    name = one_line(profile.tool.name)
    if profile.capabilities:
        empty_note = None
    elif profile.document_origin:
        empty_note = f"No capabilities were extracted for {name} from {one_line(profile.document_origin)}."
    else:
        empty_note = f"No capabilities were extracted for {name}."
    return ToolPage(
        title=name,
        subtitle=f"{profile.tool.kind} · {one_line(profile.tool.id)}",
        homepage=homepage_of(profile),
        scores=score_rows(profile, scores),
        capabilities=tuple(
            CapabilityEntry(anchor=capability_anchor(ordinal), view=capability_view(capability))
            for ordinal, capability in enumerate(profile.capabilities)
        ),
        empty_note=empty_note,
        alternatives=alternatives,
    )


def alternative_row(
    *,
    position: int | None,
    name: str,
    page: str | None,
    similarity: float,
    shared_count: int,
    comparison: str | None,
) -> AlternativeRow:
    return AlternativeRow(
        position=MISSING if position is None else str(position),
        name=one_line(name),
        page=page,
        similarity=percent(similarity),
        shared=str(shared_count),
        comparison=comparison,
    )
