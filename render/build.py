"""Turns two ``ToolProfile``s into the ``Comparison`` both renderers lay out."""

from __future__ import annotations

from render.formatting import one_line, shorten, web_link_target
from render.matches import PairMatch, SharedPair, check_match, percent
from render.page import (
    MISSING,
    NOT_STATED_TEXT,
    CapabilityView,
    Comparison,
    Homepage,
    OverlapGroup,
    OverlapView,
    TableRow,
    ToolSection,
)
from render.scores import NO_SCORES, ScoreBoard, ToolScores
from render.verdict import OverlapFacts, VerdictFacts, write_verdict
from schemas import NOT_STATED, Capability, TerminalError, ToolProfile

DEFAULT_MAX_CAPABILITIES = 8
MAX_QUOTES_SHOWN = 3
QUOTE_CHARS = 200
OVERLAP_HEADING = "Shared and distinct capabilities"

PRICING_LABELS = {"free": "Free", "paid": "Paid", "freemium": "Freemium", "unknown": "Unknown"}


def build_comparison(
    left: ToolProfile,
    right: ToolProfile,
    max_capabilities: int = DEFAULT_MAX_CAPABILITIES,
    *,
    scores: ScoreBoard | None = None,
    match: PairMatch | None = None,
) -> Comparison:
    """The page for ``left`` vs ``right``, showing at most ``max_capabilities`` records per tool.

    ``scores`` maps tool ids to their ranking figures; a tool without an entry shows "—" for each.
    ``match`` (oriented left to right) adds the shared-and-distinct part, one verdict sentence drawn
    from it, and a labelled graph fact where a shared capability's source states no comparison.
    """
    _check_profile(left, "left")
    _check_profile(right, "right")
    _check_max_capabilities(max_capabilities)
    if match is not None:
        match = check_match(match, left, right)
    left_name, right_name = _display_names(left, right)
    left_scores = _scores_for(left, scores)
    right_scores = _scores_for(right, scores)
    left_closest = _closest_on_left(match, right_name)
    right_closest = _closest_on_left(None if match is None else match.flipped(), left_name)
    return Comparison(
        title=f"{left_name} vs {right_name}",
        left_name=left_name,
        right_name=right_name,
        subtitle=_subtitle(left, right, left_name, right_name),
        rows=_table_rows(left, right, left_scores, right_scores),
        sections=(
            _section(left, left_name, max_capabilities, left_closest),
            _section(right, right_name, max_capabilities, right_closest),
        ),
        verdict=write_verdict(
            _verdict_facts(left, left_name, left_scores),
            _verdict_facts(right, right_name, right_scores),
            None if match is None else _overlap_facts(match),
        ),
        overlap=None if match is None else _overlap_view(match, left_name, right_name),
    )


def _check_profile(profile: object, side: str) -> None:
    if not isinstance(profile, ToolProfile):
        raise TerminalError(
            f"expected a ToolProfile to compare, got {type(profile).__name__}",
            subject=f"{side} tool",
            hint="load the tool's profile from the warehouse first",
        )


def _check_max_capabilities(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TerminalError(
            f"must be a whole number of 0 or more, got {value!r}",
            subject="max_capabilities",
            hint="pass how many capabilities to show per tool, e.g. 8",
        )


def _display_names(left: ToolProfile, right: ToolProfile) -> tuple[str, str]:
    left_name, right_name = one_line(left.tool.name), one_line(right.tool.name)
    # Two tools sharing a name would make every sentence on the page ambiguous, so add their ids.
    if left_name.casefold() == right_name.casefold() and left.tool.id != right.tool.id:
        return f"{left_name} ({left.tool.id})", f"{right_name} ({right.tool.id})"
    return left_name, right_name


def _scores_for(profile: ToolProfile, scores: ScoreBoard | None) -> ToolScores:
    if scores is None:
        return NO_SCORES
    return scores.get(profile.tool.id, NO_SCORES)


def _extractor_of(profile: ToolProfile) -> tuple[str, str | None] | None:
    run = profile.current_run
    return None if run is None else (run.extractor, run.model)


def _subtitle(left: ToolProfile, right: ToolProfile, left_name: str, right_name: str) -> str:
    left_extractor, right_extractor = _extractor_of(left), _extractor_of(right)
    if left_extractor is not None and left_extractor == right_extractor:
        extractor, model = left_extractor
        how = f"by the {extractor} extractor" + (f" ({model})" if model else "")
    elif left_extractor is not None and right_extractor is not None:

        def label(name: str, extractor: tuple[str, str | None]) -> str:
            return f"{name}: {extractor[0]}" + (f" ({extractor[1]})" if extractor[1] else "")

        how = (
            f"by different extractors ({label(left_name, left_extractor)}; "
            f"{label(right_name, right_extractor)})"
        )
    else:
        how = "by capgraph"
    return (
        f"Capabilities decomposed from each tool's own documentation {how}, "
        "each backed by evidence quoted from that source."
    )


def number_label(value: float | None) -> str:
    """Scores and counts as whole numbers: the page shows no precision the inputs do not have."""
    return MISSING if value is None else f"{value:.0f}"


def rank_label(scores: ToolScores) -> str:
    return MISSING if scores.rank is None else f"{scores.rank}/100"


def price_label(profile: ToolProfile) -> str:
    starting = profile.tool.starting_price
    return MISSING if starting is None else one_line(starting.label())


def capability_count_label(profile: ToolProfile) -> str:
    return f"{len(profile.capabilities)} decomposed"


def _table_rows(
    left: ToolProfile, right: ToolProfile, left_scores: ToolScores, right_scores: ToolScores
) -> tuple[TableRow, ...]:
    def row(label: str, left_value: str, right_value: str) -> TableRow:
        return TableRow(label=label, left=left_value, right=right_value)

    rank, price, count = rank_label, price_label, capability_count_label
    return (
        row("Type", left.tool.kind, right.tool.kind),
        row("Rank", rank(left_scores), rank(right_scores)),
        row("Adoption", number_label(left_scores.adoption), number_label(right_scores.adoption)),
        row("Quality", number_label(left_scores.quality), number_label(right_scores.quality)),
        row("Ecosystem", number_label(left_scores.ecosystem), number_label(right_scores.ecosystem)),
        row("Match Graph", number_label(left_scores.match_graph), number_label(right_scores.match_graph)),
        row("Pricing", PRICING_LABELS[left.tool.pricing], PRICING_LABELS[right.tool.pricing]),
        row("Starting Price", price(left), price(right)),
        row("Capabilities", count(left), count(right)),
        row(
            "Times Matched", number_label(left_scores.times_matched), number_label(right_scores.times_matched)
        ),
    )


def _stated(text: str) -> str:
    flat = one_line(text)
    return NOT_STATED_TEXT if flat.casefold() == NOT_STATED.casefold() else flat


def capability_view(capability: Capability, closest: str | None = None) -> CapabilityView:
    """How one record is shown; ``closest`` is the graph fact used when its source states no comparison."""
    shown = capability.evidence[:MAX_QUOTES_SHOWN]
    vs_alternatives = _stated(capability.vs_alternatives)
    if closest is not None and vs_alternatives == NOT_STATED_TEXT:
        vs_alternatives = f"{NOT_STATED_TEXT}; match graph: {closest}"
    return CapabilityView(
        title=one_line(capability.title),
        description=one_line(capability.description),
        unique=_stated(capability.unique),
        vs_alternatives=vs_alternatives,
        quotes=tuple(shorten(item.quote, QUOTE_CHARS) for item in shown),
        hidden_quotes=len(capability.evidence) - len(shown),
        grounded=capability.grounded,
    )


def homepage_of(profile: ToolProfile) -> Homepage | None:
    url = profile.tool.homepage
    if not url:
        return None
    return Homepage(text=one_line(url), href=web_link_target(url))


def _empty_note(profile: ToolProfile, name: str) -> str:
    if profile.document_origin:
        return f"No capabilities were extracted for {name} from {one_line(profile.document_origin)}."
    return f"No capabilities were extracted for {name}."


def _section(profile: ToolProfile, name: str, max_capabilities: int, closest: dict[int, str]) -> ToolSection:
    shown = profile.capabilities[:max_capabilities]
    return ToolSection(
        heading=f"{name} Capabilities",
        homepage=homepage_of(profile),
        capabilities=tuple(
            capability_view(capability, closest.get(ordinal)) for ordinal, capability in enumerate(shown)
        ),
        hidden_capabilities=len(profile.capabilities) - len(shown),
        empty_note=None if profile.capabilities else _empty_note(profile, name),
    )


def _verdict_facts(profile: ToolProfile, name: str, scores: ToolScores) -> VerdictFacts:
    return VerdictFacts(
        name=name,
        kind=profile.tool.kind,
        rank=scores.rank,
        sub_scores=(
            ("adoption", scores.adoption),
            ("quality", scores.quality),
            ("ecosystem", scores.ecosystem),
            ("match graph", scores.match_graph),
        ),
        pricing=profile.tool.pricing,
        starting_price=profile.tool.starting_price,
        capability_count=len(profile.capabilities),
        grounded_count=sum(1 for capability in profile.capabilities if capability.grounded),
    )


def _closest_on_left(match: PairMatch | None, other_name: str) -> dict[int, str]:
    """For each left capability in ``shared``, the graph fact naming its most similar right capability."""
    best: dict[int, SharedPair] = {}
    for pair in () if match is None else match.shared:
        current = best.get(pair.left_ordinal)
        if current is None or pair.similarity > current.similarity:
            best[pair.left_ordinal] = pair
    return {
        ordinal: (
            f"closest to {other_name}'s “{one_line(pair.right_title)}” ({percent(pair.similarity)} similar)"
        )
        for ordinal, pair in best.items()
    }


def _overlap_facts(match: PairMatch) -> OverlapFacts:
    return OverlapFacts(
        shared_count=len(match.shared),
        only_left=tuple(one_line(title) for title in match.only_left),
        only_right=tuple(one_line(title) for title in match.only_right),
    )


def _overlap_view(match: PairMatch, left_name: str, right_name: str) -> OverlapView:
    similarity = "not computed" if match.similarity is None else percent(match.similarity)
    shared = tuple(
        f"“{one_line(pair.left_title)}” ≈ “{one_line(pair.right_title)}” ({percent(pair.similarity)} similar)"
        for pair in match.shared
    )
    return OverlapView(
        heading=OVERLAP_HEADING,
        similarity_line=f"Match graph similarity of {left_name} and {right_name}: {similarity}.",
        groups=(
            OverlapGroup(intro=f"Both offer ({left_name} ≈ {right_name}):", items=shared),
            OverlapGroup(
                intro=f"Only {left_name} offers:",
                items=tuple(one_line(title) for title in match.only_left),
            ),
            OverlapGroup(
                intro=f"Only {right_name} offers:",
                items=tuple(one_line(title) for title in match.only_right),
            ),
        ),
    )
