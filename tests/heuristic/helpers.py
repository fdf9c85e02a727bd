"""Shared helpers for the heuristic extractor's tests: loading fixtures and checking grounding."""

from __future__ import annotations

from pathlib import Path

from extractors.grounding import NormalizedText, ground
from extractors.heuristic import HeuristicExtractor
from schemas import CapabilitySet, SourceDocument

FIXTURES = Path(__file__).parent / "fixtures"
MEDIA_TYPES = {".md": "text/markdown", ".rst": "text/x-rst", ".txt": "text/plain"}


def document(
    text: str, media_type: str = "text/markdown", tool_id: str = "file:test/tool.md"
) -> SourceDocument:
    return SourceDocument(tool_id=tool_id, origin="test", media_type=media_type, text=text)


def fixture(name: str) -> SourceDocument:
    path = FIXTURES / name
    return document(path.read_text(encoding="utf-8"), MEDIA_TYPES[path.suffix], tool_id=f"file:{name}")


def extract(doc: SourceDocument) -> CapabilitySet:
    return HeuristicExtractor().extract(doc)


def titles(result: CapabilitySet) -> list[str]:
    return [capability.title for capability in result.capabilities]


def all_text(result: CapabilitySet) -> str:
    """Every field and quote of every record, case-folded, for checking what must be absent."""
    parts: list[str] = []
    for capability in result.capabilities:
        parts += [capability.title, capability.description, capability.unique, capability.vs_alternatives]
        parts += [item.quote for item in capability.evidence]
    return "\n".join(parts).casefold()


def assert_grounded(result: CapabilitySet, doc: SourceDocument) -> CapabilitySet:
    """Runs the shared grounding check and asserts every quote is verbatim and was located."""
    grounded = ground(result, doc)
    for capability in grounded.capabilities:
        assert capability.grounded, capability.title
        assert 1 <= len(capability.evidence) <= 3, capability.title
        for item in capability.evidence:
            assert item.quote in doc.text, item.quote  # verbatim, not merely close
            assert item.start is not None and item.end is not None
            located = NormalizedText.of(doc.text[item.start : item.end]).folded
            assert located == NormalizedText.of(item.quote).folded
    return grounded
