"""The ``heuristic`` extractor: capability records from a description's structure, offline.

It reads the document (Markdown, reStructuredText or plain text) into blocks, groups them into
sections, picks the parts that describe capabilities and quotes each record verbatim from the
source. No network, no model, no randomness: the same document always gives the same records.
"""

from __future__ import annotations

from extractors.base import CallHooks, Extractor
from extractors.heuristic.alignment import SourceIndex
from extractors.heuristic.blocks import Block
from extractors.heuristic.contents import without_contents_lists
from extractors.heuristic.formats import format_of
from extractors.heuristic.markdown_reader import MarkdownReader
from extractors.heuristic.plain_reader import read_plain
from extractors.heuristic.records import build_records
from extractors.heuristic.rst_reader import parser_settings, read_rst
from extractors.heuristic.sections import build_sections
from extractors.heuristic.selection import Strategies
from schemas import CapabilitySet, SourceDocument, Tool

RULES_VERSION = "heuristic-v3"
"""Bump whenever the extraction rules change, so stored extractions are redone."""

FEW_RECORDS = 1
"""Structure that gives no more records than this is too thin to stand alone: the introduction's
statements are added to it."""


class HeuristicExtractor(Extractor):
    """Deterministic, offline extraction; safe to share between threads (it keeps no per-call state)."""

    name = "heuristic"

    def __init__(self) -> None:
        # Building docutils settings costs more than parsing a short description: do it once.
        self._rst_settings = parser_settings()
        self._markdown = MarkdownReader()

    @property
    def prompt_version(self) -> str:
        return RULES_VERSION

    def read_blocks(self, document: SourceDocument, index: SourceIndex) -> list[Block]:
        """The document's blocks, read by the reader its media type (or, for plain text, its looks)
        calls for."""
        text_format = format_of(document.media_type, document.text)
        if text_format == "markdown":
            return self._markdown.read(document.text, index)
        if text_format == "rst":
            try:
                return read_rst(document.text, index, self._rst_settings)
            except Exception:
                # docutils can still trip over some malformed input despite never halting; the
                # layout-based reader gives such a description a fair reading instead of failing it.
                return read_plain(document.text)
        return read_plain(document.text)

    def extract(
        self,
        document: SourceDocument,
        *,
        tool: Tool | None = None,
        hooks: CallHooks | None = None,
    ) -> CapabilitySet:
        index = SourceIndex(document.text)
        blocks = without_contents_lists(self.read_blocks(document, index))
        strategies = Strategies(blocks, build_sections(blocks))
        units = strategies.candidates()
        # A tagline or "X is a Y" sentence says what the tool is: kept only when nothing more
        # specific yields a record, so a thin description still gets its summary as records.
        records = build_records([unit for unit in units if not unit.summary], index)
        if not records:
            records = build_records(units, index)
        return CapabilitySet(
            tool_id=document.tool_id,
            document_sha256=document.sha256,
            extractor=self.name,
            model=None,
            prompt_version=self.prompt_version,
            capabilities=records,
        )
