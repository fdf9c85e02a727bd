"""Turning selected units into capability records whose every field is backed by a verbatim quote.

Titles and descriptions are trimmed from the unit's own text; ``unique`` and ``vs_alternatives``
hold the unit's sentences that make such claims, and only when those sentences can be quoted from
the source. A unit none of whose passages can be found in the source is dropped, never guessed at.
"""

from __future__ import annotations

from extractors.heuristic.alignment import SourceIndex
from extractors.heuristic.blocks import Region
from extractors.heuristic.claims import comparison_claims, unique_claims
from extractors.heuristic.naming import is_marketing_lead
from extractors.heuristic.selection import Unit
from extractors.heuristic.sentences import (
    TITLE_LIMIT,
    condense_description,
    condense_title,
    fold,
    headline,
    split_sentences,
    tidy_name,
)
from schemas import NOT_STATED, Capability, Evidence

MAX_RECORDS = 40
MAX_QUOTES = 3
CLAIM_LIMIT = 600


def _find(index: SourceIndex, passage: str, region: Region) -> Region | None:
    """Where ``passage`` lies in ``region``; falls back to its first sentence when markup got in the way."""
    span = index.find(passage, region)
    if span is None:
        sentences = split_sentences(passage)
        if len(sentences) > 1:
            span = index.find(sentences[0], region)
    return span


def _covered(span: Region, spans: list[Region]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


class _Quotes:
    """The evidence of one record being assembled: distinct spans, at most ``MAX_QUOTES``."""

    def __init__(self, index: SourceIndex) -> None:
        self.index = index
        self.spans: list[Region] = []

    def add(self, span: Region | None) -> bool:
        """Adds ``span`` unless it is already quoted; False when it cannot be (absent or no room)."""
        if span is None:
            return False
        if _covered(span, self.spans):
            return True
        if len(self.spans) >= MAX_QUOTES:
            return False
        self.spans.append(span)
        return True

    def claim(self, sentence: str, regions: list[Region]) -> bool:
        """Quotes a claim sentence from one of ``regions``; False when it cannot be quoted."""
        for region in regions:
            span = self.index.find(sentence, region)
            if span is not None:
                return self.add(span)
        return False

    def evidence(self) -> list[Evidence]:
        """The quotes in the order they appear in the source."""
        quotes: list[Evidence] = []
        for span in sorted(self.spans):
            visible = self.index.visible_span(span)
            quote = self.index.quote(visible)
            if quote and all(quote != existing.quote for existing in quotes):
                # The span says which occurrence is meant when the same words occur twice (a heading
                # and its entry in a table of contents): grounding keeps it.
                quotes.append(Evidence(quote=quote, start=visible[0], end=visible[1]))
        return quotes


def _claims(sentences: list[str], quotes: _Quotes, regions: list[Region]) -> str:
    """The claim sentences that could be quoted, joined, or ``NOT_STATED`` when none could."""
    backed = [sentence for sentence in sentences if quotes.claim(sentence, regions)]
    return condense_description(" ".join(backed), CLAIM_LIMIT) if backed else NOT_STATED


def _title_and_description(unit: Unit) -> tuple[str, str]:
    if unit.name and is_marketing_lead(unit.name):
        title = headline(unit.own_text or unit.text)
    elif unit.name:
        title = tidy_name(unit.name)
    else:
        title = condense_title(unit.own_text or unit.text)
    if len(title) > TITLE_LIMIT:
        title = condense_title(title)
    return title, condense_description(unit.text) or title


def _quoted_record(unit: Unit, title: str, description: str, index: SourceIndex) -> Capability | None:
    """The record of ``unit``: the passage its description comes from is quoted first (no record
    without it), then the sentences behind its claims, then whatever else there is room for."""
    quotes = _Quotes(index)
    if not title or not quotes.add(_find(index, unit.main.text, unit.main.region)):
        return None
    sentences = split_sentences(unit.text)
    unique = _claims(unique_claims(sentences), quotes, unit.regions)
    versus = _claims(comparison_claims(sentences), quotes, unit.regions)
    for passage in unit.more:
        quotes.add(_find(index, passage.text, passage.region))
    return Capability(
        title=title,
        description=description,
        unique=unique,
        vs_alternatives=versus,
        evidence=quotes.evidence(),
    )


def build_records(units: list[Unit], index: SourceIndex) -> list[Capability]:
    """Records for ``units`` in order, without duplicates, at most ``MAX_RECORDS``."""
    records: list[Capability] = []
    seen: set[str] = set()
    for unit in units:
        # Duplicates are spotted before any quoting, which is the costly part of a record.
        title, description = _title_and_description(unit)
        keys = {"t:" + fold(title), "d:" + fold(description)}
        if keys & seen:
            continue
        record = _quoted_record(unit, title, description, index)
        if record is None:
            continue
        seen |= keys
        records.append(record)
        if len(records) >= MAX_RECORDS:
            break
    return records
