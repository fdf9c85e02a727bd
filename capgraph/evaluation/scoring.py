"""Score one tool's stored records against its gold, by where their evidence sits in the document.

Both sides are placed in the document's visible text (``visible.locate``). A stored record matches a
gold record when one of its evidence spans and the gold span overlap by at least half of the shorter
of the two; matching is one to one, largest overlaps first, so a duplicate record counts as a miss.
A stored record is junk when more than half of one of its evidence spans lies inside a junk passage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from capgraph.evaluation.gold_set import GoldEntry
from capgraph.evaluation.visible import locate, visible
from schemas import NOT_STATED, Capability
from schemas.evaluation import EvalToolResult

Span = tuple[int, int]
MIN_SHARE_OF_SHORTER = 0.5
ALTERNATIVES_SCORED = 3


@dataclass(frozen=True)
class StoredTool:
    """What the warehouse holds for a gold tool after the run: its name, records and top alternatives."""

    tool_id: str
    name: str | None
    capabilities: Sequence[Capability]
    alternatives: Sequence[str]
    """Gold ids (tool ids when outside the set) of the tool's alternatives, best first."""
    failure: str | None = None


def _overlap(left: Span, right: Span) -> int:
    return max(0, min(left[1], right[1]) - max(left[0], right[0]))


def _share(left: Span, right: Span) -> float:
    shorter = min(left[1] - left[0], right[1] - right[0])
    return _overlap(left, right) / shorter if shorter > 0 else 0.0


def _evidence_spans(capability: Capability, entry: GoldEntry) -> list[Span]:
    spans = []
    for evidence in capability.evidence:
        # The stored offset says which occurrence the record rests on (a heading, not its entry in
        # the table of contents); projected, it is a few characters off at most.
        start = evidence.start
        after = 0 if start is None else max(0, len(visible(entry.document_text[:start])) - 2)
        span = locate(evidence.quote, entry.document_visible, after=after)
        if span is not None:
            spans.append(span)
    return spans


def score_tool(entry: GoldEntry, stored: StoredTool, competitor_ids: Sequence[str]) -> EvalToolResult:
    """The counts for one gold tool; ``competitor_ids`` are its gold competitors present in the run."""
    document = entry.document_visible
    gold_spans = [
        [span for quote in (record.quote, *record.also) if (span := locate(quote, document))]
        for record in entry.gold.records
    ]
    junk_spans = [span for junk in entry.gold.junk if (span := locate(junk.quote, document))]
    stored_spans = [_evidence_spans(capability, entry) for capability in stored.capabilities]

    candidates: list[tuple[int, int, int]] = []  # (overlap, stored index, gold index)
    for stored_index, spans in enumerate(stored_spans):
        for gold_index, passages in enumerate(gold_spans):
            best = max(
                (
                    _overlap(span, passage)
                    for span in spans
                    for passage in passages
                    if _share(span, passage) >= MIN_SHARE_OF_SHORTER
                ),
                default=0,
            )
            if best:
                candidates.append((best, stored_index, gold_index))
    matched_stored: set[int] = set()
    matched_gold: set[int] = set()
    for _, stored_index, gold_index in sorted(candidates, key=lambda item: (-item[0], item[1], item[2])):
        if stored_index not in matched_stored and gold_index not in matched_gold:
            matched_stored.add(stored_index)
            matched_gold.add(gold_index)

    junk_indexes = {
        index
        for index, spans in enumerate(stored_spans)
        if any(_overlap(span, junk) > (span[1] - span[0]) / 2 for span in spans for junk in junk_spans)
    }
    top = list(stored.alternatives)[:ALTERNATIVES_SCORED]
    capabilities = list(stored.capabilities)
    return EvalToolResult(
        gold_id=entry.id,
        tool_id=stored.tool_id,
        expected_name=entry.gold.name,
        given_name=stored.name,
        states_capabilities=entry.gold.states_capabilities,
        failure=stored.failure,
        stored=len(capabilities),
        gold=len(entry.gold.records),
        matched=len(matched_gold),
        junk=len(junk_indexes),
        grounded=sum(1 for capability in capabilities if capability.grounded),
        unlocated=sum(1 for spans in stored_spans if not spans),
        unique_not_stated=sum(1 for capability in capabilities if capability.unique == NOT_STATED),
        vs_not_stated=sum(1 for capability in capabilities if capability.vs_alternatives == NOT_STATED),
        competitors=len(competitor_ids),
        competitor_hits=sum(1 for alternative in top if alternative in competitor_ids),
        alternatives=top,
        missed=[record.title for index, record in enumerate(entry.gold.records) if index not in matched_gold],
        extra=[
            capability.title
            for index, capability in enumerate(capabilities)
            if index not in matched_stored and index not in junk_indexes
        ],
        junk_titles=[capabilities[index].title for index in sorted(junk_indexes)],
    )
