"""The format-neutral outline every reader produces: headings, paragraphs, list items, table rows, terms.

Readers (Markdown, reStructuredText, plain text) turn a document into a flat, source-ordered list of
``Block``s carrying plain text (markup removed) and the character range of the source they came from;
everything after the readers works on blocks only, so it never needs to know the input format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["heading", "paragraph", "item", "row", "term"]

Region = tuple[int, int]
"""A ``[start, end)`` character range of the document text."""


@dataclass(frozen=True)
class InlineText:
    """A run of inline markup flattened to plain text.

    ``lead`` is the text of a bold (strong) span the run opens with, when it opens with one, and
    ``lead_separated`` tells whether that span is followed by a separator (``:``, a dash, a line
    break) or ends the run, which is what makes it a feature's own name rather than a stressed word.
    ``linked_chars`` counts the plain characters that sit inside links, to spot link-only lines.
    ``lead_linked`` tells that the lead is (almost) all link text: a name that points to another
    page or project ("[Sister tool](...) - what it does") rather than naming a feature here.
    """

    text: str
    lead: str | None = None
    lead_separated: bool = False
    linked_chars: int = 0
    lead_linked: bool = False


@dataclass
class Block:
    """One structural unit of a document, in source order.

    ``kind`` says what it is: a ``heading`` (``level`` 1 is the outermost), a ``paragraph``, a list
    ``item`` (``level`` is its nesting depth, ``group`` the list it belongs to, ``parent`` the index of
    the item it is nested in), a table ``row`` (``cells``; ``header`` for the heading row) or a
    ``term`` of a definition or field list (``name`` is the term). ``region`` is where the block's
    text lies in the source; ``None`` when a reader could not place it, which keeps it out of records.
    ``in_item`` links a paragraph that continues a list item to that item.

    ``content`` is the block's text, or a function that produces it on first use: flattening inline
    markup is most of the cost of reading Markdown, and most blocks are never looked at. ``raw``
    is the block's inline source when a reader keeps it, so a cheap look at it can rule a block
    out before its markup is flattened.
    """

    kind: BlockKind
    content: InlineText | Callable[[], InlineText]
    region: Region | None
    level: int = 0
    group: int = -1
    parent: int = -1
    in_item: int = -1
    name: str | None = None
    cells: tuple[str, ...] = ()
    header: bool = False
    raw: str | None = None

    @property
    def inline(self) -> InlineText:
        if not isinstance(self.content, InlineText):
            self.content = self.content()
        return self.content

    @property
    def text(self) -> str:
        return self.inline.text
