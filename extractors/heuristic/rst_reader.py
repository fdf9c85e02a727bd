"""Reads reStructuredText into blocks with docutils, placing each block back on the source text.

docutils is run bare: no transforms, no file access (include directives and raw input are off),
no syntax highlighting, and a reporter that never prints or halts, so a malformed description
parses into whatever docutils could make of it. Its nodes carry only approximate line numbers, so
each block's text is aligned against the source from where the previous block ended.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass, field

from docutils import nodes
from docutils.frontend import Values, get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from extractors.heuristic.alignment import SourceIndex
from extractors.heuristic.blocks import Block, BlockKind, InlineText, Region
from extractors.heuristic.naming import lead_is_separated
from extractors.heuristic.rst_prune import prune
from extractors.heuristic.sections import NoiseTracker
from extractors.heuristic.sentences import collapse

# How far past a block's reported line (then past the previous block's end) its text is looked
# for, beyond twice its own length: most blocks are found in the first, narrow window.
_WINDOW_SLACK_CHARS = (400, 4_000, 20_000)

# Nodes whose text is never capability material: code, comments, link targets, notes to readers.
_SKIPPED = (
    nodes.literal_block,
    nodes.doctest_block,
    nodes.comment,
    nodes.target,
    nodes.substitution_definition,
    nodes.system_message,
    nodes.raw,
    nodes.image,
    nodes.figure,
    nodes.footnote,
    nodes.citation,
    nodes.topic,
    nodes.Admonition,
    nodes.line_block,
    nodes.rubric,
    nodes.pending,
)
_INLINE_SKIPPED = (nodes.image, nodes.footnote_reference, nodes.citation_reference, nodes.system_message)


def parser_settings() -> Values:
    """docutils settings that keep parsing silent, offline and free of file access."""
    settings = get_default_settings(Parser)
    settings.report_level = 5
    settings.halt_level = 5
    settings.warning_stream = False  # discard, rather than collect, what report_level lets through
    settings.file_insertion_enabled = False
    settings.raw_enabled = False
    settings.syntax_highlight = "none"
    settings.smart_quotes = False
    settings.character_level_inline_markup = False
    return settings


def flatten_inline(paragraph: nodes.Element) -> InlineText:
    """The plain text of a paragraph-like node, with its bold lead-in when it opens with one."""
    parts: list[str] = []
    linked = 0
    lead: str | None = None
    lead_rest_index = -1
    lead_linked = False
    seen_words = False
    for child in paragraph.children:
        if isinstance(child, _INLINE_SKIPPED):
            continue
        piece = child.astext() if not isinstance(child, nodes.Text) else str(child)
        if isinstance(child, nodes.reference):
            linked += len(piece)
        if isinstance(child, nodes.strong | nodes.reference) and lead is None and not seen_words:
            lead = piece
            lead_rest_index = len(parts) + 1
            lead_linked = isinstance(child, nodes.reference)
        parts.append(piece)
        seen_words = seen_words or bool(piece.strip())
    text = collapse("".join(parts))
    if lead is None or not collapse(lead):
        return InlineText(text, linked_chars=linked)
    lead = collapse(lead)
    rest = "".join(parts[lead_rest_index:])
    separated = lead_is_separated(lead, rest, linked=lead_linked)
    return InlineText(text, lead=lead, lead_separated=separated, linked_chars=linked, lead_linked=lead_linked)


def _line_of(node: nodes.Node) -> int | None:
    """The source line docutils reports for ``node``, or for its nearest ancestor that has one."""
    current: nodes.Node | None = node
    while current is not None:
        line = getattr(current, "line", None)
        if line:
            return int(line)
        current = current.parent
    return None


def _body_text(element: nodes.Element) -> InlineText:
    """The joined text of the paragraphs directly inside ``element`` (a definition, a table cell)."""
    paragraphs = [flatten_inline(child) for child in element.children if isinstance(child, nodes.paragraph)]
    return InlineText(
        collapse(" ".join(paragraph.text for paragraph in paragraphs)),
        linked_chars=sum(paragraph.linked_chars for paragraph in paragraphs),
    )


@dataclass
class _Reader:
    """Walks one doctree in document order, aligning each block from where the last one ended."""

    index: SourceIndex
    blocks: list[Block] = field(default_factory=list)
    noise: NoiseTracker = field(default_factory=NoiseTracker)
    cursor: int = 0
    groups: int = 0

    def add(
        self,
        kind: BlockKind,
        inline: InlineText,
        node: nodes.Node,
        *,
        level: int = 0,
        group: int = -1,
        parent: int = -1,
        in_item: int = -1,
        name: str | None = None,
        cells: tuple[str, ...] = (),
        header: bool = False,
    ) -> int:
        if not inline.text or (kind != "heading" and self.noise.in_noise):
            return -1
        region = self._place(inline.text, _line_of(node))
        self.blocks.append(
            Block(
                kind=kind,
                content=inline,
                region=region,
                level=level,
                group=group,
                parent=parent,
                in_item=in_item,
                name=name,
                cells=cells,
                header=header,
            )
        )
        return len(self.blocks) - 1

    def _place(self, text: str, line: int | None) -> Region | None:
        """Where ``text`` lies in the source, searched from its reported line in ever wider windows,
        then from where the previous block ended."""
        limit = len(self.index.text)
        starts = []
        if line:
            # docutils line numbers can be a line or two late; start a little before.
            starts.append(max(self.cursor, self.index.offset_of_line(line - 3)))
        starts.append(self.cursor)
        region = None
        for start, slack in ((start, slack) for start in starts for slack in _WINDOW_SLACK_CHARS):
            region = self.index.find(text, (start, min(limit, start + 2 * len(text) + slack)))
            if region is not None:
                break
        if region is not None:
            self.cursor = region[1]
        return region

    def walk(
        self, children: Iterable[nodes.Node], *, depth: int, item: int = -1, list_depth: int = 0
    ) -> None:
        for child in children:
            if isinstance(child, _SKIPPED) or not isinstance(child, nodes.Element):
                continue
            if isinstance(child, nodes.section):
                self.walk(child.children, depth=depth + 1)
            elif isinstance(child, nodes.title):
                title = flatten_inline(child)
                self.noise.enter(max(depth, 1), title.text, self.blocks)
                self.add("heading", title, child, level=max(depth, 1))
            elif isinstance(child, nodes.paragraph):
                self.add("paragraph", flatten_inline(child), child, in_item=item)
            elif isinstance(child, nodes.bullet_list | nodes.enumerated_list):
                self._list(child, depth=depth, parent=item, list_depth=list_depth)
            elif isinstance(child, nodes.definition_list):
                self._definitions(child)
            elif isinstance(child, nodes.field_list | nodes.docinfo):
                self._fields(child)
            elif isinstance(child, nodes.table):
                self._table(child)
            else:
                # block quotes, containers, compound paragraphs: their content counts as if unindented
                self.walk(child.children, depth=depth, item=item, list_depth=list_depth)

    def _list(self, node: nodes.Element, *, depth: int, parent: int, list_depth: int) -> None:
        self.groups += 1
        group = self.groups
        for list_item in node.children:
            if not isinstance(list_item, nodes.list_item):
                continue
            children = list(list_item.children)
            own = -1
            if children and isinstance(children[0], nodes.paragraph):
                own = self.add(
                    "item",
                    flatten_inline(children[0]),
                    children[0],
                    level=list_depth,
                    group=group,
                    parent=parent,
                )
                children = children[1:]
            self.walk(children, depth=depth, item=own if own >= 0 else parent, list_depth=list_depth + 1)

    def _definitions(self, node: nodes.Element) -> None:
        self.groups += 1
        for entry in node.children:
            if not isinstance(entry, nodes.definition_list_item):
                continue
            term = next((child for child in entry.children if isinstance(child, nodes.term)), None)
            definition = next(
                (child for child in entry.children if isinstance(child, nodes.definition)), None
            )
            if term is None or definition is None:
                continue
            name = collapse(flatten_inline(term).text)
            body = _body_text(definition)
            inline = InlineText(collapse(f"{name} {body.text}"), linked_chars=body.linked_chars)
            self.add("term", inline, entry, group=self.groups, name=name)

    def _fields(self, node: nodes.Element) -> None:
        self.groups += 1
        for entry in node.children:
            if not isinstance(entry, nodes.field) or len(entry.children) < 2:
                continue
            field_name, field_body = entry.children[0], entry.children[1]
            if not isinstance(field_body, nodes.Element):  # always a field_body element; text has no body
                continue
            name = collapse(field_name.astext())
            body = _body_text(field_body)
            inline = InlineText(collapse(f"{name} {body.text}"), linked_chars=body.linked_chars)
            self.add("term", inline, entry, group=self.groups, name=name)

    def _table(self, node: nodes.Element) -> None:
        self.groups += 1
        for row in node.findall(nodes.row):
            cells = tuple(_body_text(entry).text for entry in row.children if isinstance(entry, nodes.entry))
            if not any(cells):
                continue
            header = isinstance(row.parent, nodes.thead)
            self.add(
                "row",
                InlineText(collapse(" ".join(cells))),
                row,
                group=self.groups,
                cells=cells,
                header=header,
            )


def read_rst(text: str, index: SourceIndex, settings: Values) -> list[Block]:
    """The blocks of a reStructuredText document, in source order (what can never yield a record
    is emptied before parsing; see ``rst_prune``)."""
    document = new_document("<description>", copy(settings))
    Parser().parse(prune(text), document)
    reader = _Reader(index)
    reader.walk(document.children, depth=0)
    return reader.blocks
