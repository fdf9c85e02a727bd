"""Reads Markdown into blocks with markdown-it-py, whose tokens carry the source lines of each block.

Code, HTML blocks, images and inline HTML tags are dropped; link texts and inline code are kept as
words. A YAML front-matter header (model and dataset cards open with one) is blanked out before
parsing, keeping every character offset where it was.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from markdown_it import MarkdownIt
from markdown_it.token import Token

from extractors.heuristic.alignment import SourceIndex
from extractors.heuristic.blocks import Block, InlineText, Region
from extractors.heuristic.naming import lead_is_separated
from extractors.heuristic.sections import NoiseTracker
from extractors.heuristic.sentences import collapse

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*$", re.DOTALL | re.MULTILINE)
_FRONT_MATTER_MAX_CHARS = 20_000
# GitHub's alert marker opening a quoted note ("> [!TIP]"): a label for the reader, not text.
_ALERT_MARKER = re.compile(r"^\[!(?:note|tip|important|warning|caution)\]\s*", re.IGNORECASE)


def blank_front_matter(text: str) -> str:
    """``text`` with a leading YAML front-matter block replaced by spaces (newlines kept)."""
    match = _FRONT_MATTER.match(text[:_FRONT_MATTER_MAX_CHARS])
    if not match:
        return text
    header = re.sub(r"[^\n]", " ", match.group())
    return header + text[match.end() :]


def flatten_inline(children: Sequence[Token]) -> InlineText:
    """The plain text of a markdown-it inline token's children, with its bold or link lead-in."""
    parts: list[str] = []
    linked_chars = 0
    link_depth = 0
    lead_start: int | None = None
    lead_end: int | None = None
    lead_closer = ""
    lead_linked_from = lead_linked_to = 0  # linked_chars when the lead opened and closed
    seen_words = False
    for token in children:
        kind = token.type
        if kind in ("text", "text_special", "code_inline"):
            if link_depth:
                linked_chars += len(token.content)
            parts.append(token.content)
            seen_words = seen_words or bool(token.content.strip())
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind in ("strong_open", "link_open"):
            if kind == "link_open":
                link_depth += 1
            # Only a span that opens the run can be the item's name.
            if lead_start is None and not seen_words:
                lead_start = len(parts)
                lead_linked_from = linked_chars
                lead_closer = "strong_close" if kind == "strong_open" else "link_close"
        elif kind in ("strong_close", "link_close"):
            if kind == "link_close":
                link_depth = max(0, link_depth - 1)
            if kind == lead_closer and lead_end is None and lead_start is not None:
                lead_end = len(parts)
                lead_linked_to = linked_chars
    raw = "".join(parts)
    text = _ALERT_MARKER.sub("", collapse(raw), count=1)
    if lead_start is None or lead_end is None:
        return InlineText(text, linked_chars=linked_chars)
    lead = collapse("".join(parts[lead_start:lead_end]))
    rest = "".join(parts[lead_end:])
    separated = lead_is_separated(lead, rest, linked=lead_closer == "link_close")
    # A bold lead may wrap a link ("**[Name](url)**"): what matters is whether its words are linked.
    lead_linked = bool(lead) and (lead_linked_to - lead_linked_from) * 5 >= len(lead) * 4
    return InlineText(
        text,
        lead=lead or None,
        lead_separated=separated,
        linked_chars=linked_chars,
        lead_linked=lead_linked,
    )


class _TextOnlyMarkdown(MarkdownIt):
    """markdown-it that leaves link addresses as written: they are never rendered here, only skipped,
    and normalising them (percent-encoding, punycode) is a tenth of the parsing time."""

    def normalizeLink(self, url: str) -> str:
        return url

    def normalizeLinkText(self, link: str) -> str:
        return link

    def validateLink(self, url: str) -> bool:
        return True


@dataclass
class _OpenItem:
    """A list item whose first paragraph (its own text) has not been seen yet."""

    depth: int
    group: int
    parent: int
    block: int = -1


class MarkdownReader:
    """Parses Markdown block structure, then inline markup only where records may come from.

    Inline parsing is most of markdown-it's work; skipping it in installation guides, changelogs
    and the like keeps long READMEs cheap. One parser per thread, as markdown-it keeps no promise
    of thread safety.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def _parser(self) -> MarkdownIt:
        parser: MarkdownIt | None = getattr(self._local, "parser", None)
        if parser is None:
            # "commonmark" keeps raw HTML as html_block/html_inline tokens, which are then skipped.
            parser = _TextOnlyMarkdown("commonmark").enable("table").disable("inline")
            self._local.parser = parser
        return parser

    def read(self, text: str, index: SourceIndex) -> list[Block]:
        """The blocks of a Markdown document, in source order, each placed on its source lines."""
        parser = self._parser()
        env: dict[str, object] = {}
        tokens = parser.parse(blank_front_matter(text), env)

        def inline_of(token: Token) -> InlineText:
            children: list[Token] = []
            parser.inline.parse(token.content, parser, env, children)
            return flatten_inline(children)

        return _Walk(tokens, index, inline_of).run()


class _Walk:
    """One pass over a token stream, turning it into blocks."""

    def __init__(
        self, tokens: Sequence[Token], index: SourceIndex, inline_of: Callable[[Token], InlineText]
    ) -> None:
        self.tokens = tokens
        self.index = index
        self.inline_of = inline_of
        self.blocks: list[Block] = []
        self.items: list[_OpenItem] = []
        self.noise = NoiseTracker()
        self.groups = 0
        self.table_group = -1
        self.in_header = False

    def region_of(self, token: Token) -> Region | None:
        return self.index.line_region(token.map[0], token.map[1]) if token.map else None

    def open_item(self) -> _OpenItem | None:
        return next((item for item in reversed(self.items) if item.depth >= 0), None)

    def run(self) -> list[Block]:
        tokens = self.tokens
        position = 0
        while position < len(tokens):
            token = tokens[position]
            kind = token.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                self.groups += 1
                self.items.append(_OpenItem(depth=-1, group=self.groups, parent=-1))  # marks the list itself
            elif kind in ("bullet_list_close", "ordered_list_close", "list_item_close"):
                self.items.pop()
            elif kind == "list_item_open":
                enclosing = self.open_item()
                self.items.append(
                    _OpenItem(
                        depth=enclosing.depth + 1 if enclosing else 0,
                        group=self.items[-1].group,
                        parent=enclosing.block if enclosing else -1,
                    )
                )
            elif kind == "heading_open":
                self.heading(token, tokens[position + 1])
                position += 2
            elif kind == "paragraph_open":
                if not self.noise.in_noise:
                    self.paragraph(token, tokens[position + 1])
                position += 2
            elif kind == "table_open":
                self.groups += 1
                self.table_group = self.groups
            elif kind in ("thead_open", "thead_close"):
                self.in_header = kind == "thead_open"
            elif kind == "tr_open":
                position = self.row(position)
            position += 1
        return self.blocks

    def heading(self, token: Token, inline_token: Token) -> None:
        inline = self.inline_of(inline_token)
        level = int(token.tag[1:])
        self.noise.enter(level, inline.text, self.blocks)
        if inline.text:
            self.blocks.append(
                Block(kind="heading", content=inline, region=self.region_of(token), level=level)
            )

    def paragraph(self, token: Token, inline_token: Token) -> None:
        if not inline_token.content.strip():
            return
        inline = partial(self.inline_of, inline_token)
        open_item = self.open_item()
        region = self.region_of(token)
        if open_item is not None and open_item.block < 0:
            self.blocks.append(
                Block(
                    kind="item",
                    content=inline,
                    region=region,
                    level=open_item.depth,
                    group=open_item.group,
                    parent=open_item.parent,
                    raw=inline_token.content,
                )
            )
            open_item.block = len(self.blocks) - 1
        else:
            in_item = open_item.block if open_item is not None else -1
            raw = inline_token.content
            self.blocks.append(
                Block(kind="paragraph", content=inline, region=region, in_item=in_item, raw=raw)
            )

    def row(self, position: int) -> int:
        """Adds the table row opening at ``position``; returns the position of its ``tr_close``."""
        tokens = self.tokens
        region = self.region_of(tokens[position])
        cells: list[str] = []
        linked = 0
        position += 1
        while position < len(tokens) and tokens[position].type != "tr_close":
            if tokens[position].type == "inline" and not self.noise.in_noise:
                inline = self.inline_of(tokens[position])
                cells.append(inline.text)
                linked += inline.linked_chars
            position += 1
        if any(cells):
            self.blocks.append(
                Block(
                    kind="row",
                    content=InlineText(collapse(" ".join(cells)), linked_chars=linked),
                    region=region,
                    group=self.table_group,
                    cells=tuple(cells),
                    header=self.in_header,
                )
            )
        return position
