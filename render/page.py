"""The comparison page as plain data: every string both renderers print, decided once.

Markdown and HTML are two layouts of one ``Comparison``, so the two outputs cannot disagree on a fact.
"""

from __future__ import annotations

from dataclasses import dataclass

MISSING = "—"
NOT_STATED_TEXT = "not stated in the source"
UNVERIFIED_MARK = "⚠ unverified: quote not found in the source"


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row of the feature table: a label and each tool's value, already formatted."""

    label: str
    left: str
    right: str


@dataclass(frozen=True, slots=True)
class Homepage:
    """A tool's homepage; ``href`` is set only for http(s) URLs, which alone may become links."""

    text: str
    href: str | None


@dataclass(frozen=True, slots=True)
class CapabilityView:
    """One capability as shown: its texts with "not stated" spelled out, and shortened quotes."""

    title: str
    description: str
    unique: str
    vs_alternatives: str
    quotes: tuple[str, ...]
    hidden_quotes: int
    grounded: bool

    @property
    def more_quotes_note(self) -> str | None:
        if self.hidden_quotes <= 0:
            return None
        return f"+{self.hidden_quotes} more {'quote' if self.hidden_quotes == 1 else 'quotes'}"


@dataclass(frozen=True, slots=True)
class ToolSection:
    """The "<Name> Capabilities" part of the page for one tool."""

    heading: str
    homepage: Homepage | None
    capabilities: tuple[CapabilityView, ...]
    hidden_capabilities: int
    empty_note: str | None

    @property
    def more_note(self) -> str | None:
        if self.hidden_capabilities <= 0:
            return None
        noun = "capability" if self.hidden_capabilities == 1 else "capabilities"
        return f"+{self.hidden_capabilities} more {noun}"


@dataclass(frozen=True, slots=True)
class OverlapGroup:
    """One list of the shared-and-distinct part: an intro line and its items, or a note when it is empty."""

    intro: str
    items: tuple[str, ...]
    empty_note: str = "None."


@dataclass(frozen=True, slots=True)
class OverlapView:
    """The "Shared and distinct capabilities" part: the graph's similarity and its three lists."""

    heading: str
    similarity_line: str
    groups: tuple[OverlapGroup, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything on an "A vs B" page, in reading order."""

    title: str
    left_name: str
    right_name: str
    subtitle: str
    rows: tuple[TableRow, ...]
    sections: tuple[ToolSection, ToolSection]
    verdict: tuple[str, ...]
    overlap: OverlapView | None = None

    @property
    def verdict_text(self) -> str:
        return " ".join(self.verdict)
