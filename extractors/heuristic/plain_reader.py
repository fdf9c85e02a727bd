"""Reads plain text into blocks by its layout: underlined or capitalised headings, "Label:" lines,
bulleted and numbered items, and blank-line separated paragraphs.

Command lines (``$ ...``, ``>>> ...``), indented blocks after a line ending in ``::`` and
reStructuredText-style directives and comments (``.. image:: ...`` with their indented options)
are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.heuristic.blocks import Block, InlineText
from extractors.heuristic.sentences import collapse

_UNDERLINE = re.compile(r"^[ \t]*([=\-~^*#+`:.'\"_])\1{2,}[ \t]*$")
_HASH_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(\S.*?)[ \t#]*$")
_ITEM = re.compile(r"^([ \t]*)(?:[-*•+‣◦·▪]|\d{1,3}[.)]|\(?[a-zA-Z][.)])[ \t]+(?=\S)")
_LABEL = re.compile(r"^[ \t]*(?P<label>[^\s:.!?][^:.!?]{0,58}):[ \t]*$")
_EXPLICIT_MARKUP = re.compile(r"^[ \t]*\.\.(?:\s|$)")
_CODE_LINE = re.compile(r"^[ \t]*(?:\$ |>>> |\.\.\. |% |pip3? install |C:\\>)")
_LABEL_MAX_WORDS = 6
_LABEL_LEVEL = 6  # "Features:" headings nest under any underlined heading before them
_CAPITALS_MAX_CHARS = 60


@dataclass
class _Line:
    start: int
    end: int  # without the line break
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" \t"))


@dataclass
class _OpenItem:
    """A list item later, more indented items may nest under."""

    indent: int
    block: int
    group: int


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        content = raw.rstrip("\r\n")
        lines.append(_Line(offset, offset + len(content), content))
        offset += len(raw)
    return lines


def _is_capitalised_heading(line: _Line) -> bool:
    stripped = line.text.strip()
    letters = [char for char in stripped if char.isalpha()]
    return (
        len(letters) >= 3 and len(stripped) <= _CAPITALS_MAX_CHARS and all(char.isupper() for char in letters)
    )


class _PlainReader:
    """One pass over the lines; ``underline_levels`` numbers underline characters by first use."""

    def __init__(self, text: str) -> None:
        self.lines = _lines(text)
        self.blocks: list[Block] = []
        self.underline_levels: dict[str, int] = {}
        self.groups = 0
        self.item_stack: list[_OpenItem] = []

    def heading(self, line: _Line, title: str, level: int) -> None:
        self.item_stack.clear()
        start = line.start + line.text.find(title[:1]) if title else line.start
        self.blocks.append(
            Block(kind="heading", content=InlineText(collapse(title)), region=(start, line.end), level=level)
        )

    def read(self) -> list[Block]:
        lines = self.lines
        position = 0
        after_blank = True
        while position < len(lines):
            line = lines[position]
            following = lines[position + 1] if position + 1 < len(lines) else None
            if line.blank:
                after_blank = True
                position += 1
                continue
            underline = _UNDERLINE.match(line.text)
            if underline and following is not None and not following.blank and position + 2 < len(lines):
                closing = _UNDERLINE.match(lines[position + 2].text)
                if closing and closing.group(1) == underline.group(1):  # over- and underlined title
                    self.heading(
                        following, following.text.strip(), self._underline_level("^" + underline.group(1))
                    )
                    position += 3
                    continue
            if underline:
                position += 1  # a rule on its own
                continue
            next_underline = _UNDERLINE.match(following.text) if following is not None else None
            if (
                next_underline
                and following is not None
                and len(following.text.strip()) >= max(3, len(line.text.strip()) // 2)
            ):
                self.heading(line, line.text.strip(), self._underline_level(next_underline.group(1)))
                position += 2
                continue
            hashed = _HASH_HEADING.match(line.text)
            if hashed:
                self.heading(line, hashed.group(2), len(hashed.group(1)))
                position += 1
                continue
            label = _LABEL.match(line.text)
            if label and after_blank and len(label.group("label").split()) <= _LABEL_MAX_WORDS:
                self.heading(line, label.group("label").strip(), _LABEL_LEVEL)
                position += 1
                continue
            if after_blank and (following is None or following.blank) and _is_capitalised_heading(line):
                self.heading(line, line.text.strip(), 1)
                position += 1
                continue
            if _EXPLICIT_MARKUP.match(line.text):
                position = self._skip_literal(position + 1, line.indent)
                continue
            if _CODE_LINE.match(line.text):
                position += 1
                continue
            position = self._read_run(position)
            after_blank = False
        return self.blocks

    def _underline_level(self, key: str) -> int:
        return self.underline_levels.setdefault(key, min(len(self.underline_levels) + 1, 5))

    def _read_run(self, position: int) -> int:
        """Reads one list item or paragraph from ``position``; returns the next line to look at."""
        lines = self.lines
        first = lines[position]
        item = _ITEM.match(first.text)
        content_start = first.start + (item.end() if item else first.indent)
        end = position + 1
        while end < len(lines):
            line = lines[end]
            if (
                line.blank
                or _ITEM.match(line.text)
                or _CODE_LINE.match(line.text)
                or _UNDERLINE.match(line.text)
            ):
                break
            if end + 1 < len(lines) and _UNDERLINE.match(lines[end + 1].text) and not lines[end + 1].blank:
                break  # the next line is a heading
            end += 1
        last = lines[end - 1]
        joined = " ".join(
            [first.text[content_start - first.start :], *(line.text for line in lines[position + 1 : end])]
        )
        inline = InlineText(collapse(joined))
        region = (content_start, last.end)
        if item:
            self._add_item(inline, region, indent=len(item.group(1).expandtabs(4)))
        else:
            self.item_stack.clear()
            self.blocks.append(Block(kind="paragraph", content=inline, region=region))
        if last.text.rstrip().endswith("::"):
            end = self._skip_literal(end, last.indent)
        return end

    def _add_item(self, inline: InlineText, region: tuple[int, int], *, indent: int) -> None:
        """Adds a list item, nesting it by its indentation under the items before it."""
        if not self.blocks or self.blocks[-1].kind != "item":
            self.item_stack.clear()
        while self.item_stack and self.item_stack[-1].indent > indent:
            self.item_stack.pop()
        if self.item_stack and self.item_stack[-1].indent == indent:
            group = self.item_stack.pop().group
        else:
            self.groups += 1
            group = self.groups
        parent = self.item_stack[-1].block if self.item_stack else -1
        self.blocks.append(
            Block(
                kind="item",
                content=inline,
                region=region,
                level=len(self.item_stack),
                group=group,
                parent=parent,
            )
        )
        self.item_stack.append(_OpenItem(indent, len(self.blocks) - 1, group))

    def _skip_literal(self, position: int, base_indent: int) -> int:
        """Skips the lines indented deeper than ``base_indent`` from ``position`` on (the literal
        block a ``::`` line introduces, a directive's options)."""
        while position < len(self.lines):
            line = self.lines[position]
            if not line.blank and line.indent <= base_indent:
                break
            position += 1
        return position


def read_plain(text: str) -> list[Block]:
    """The blocks of a plain-text description, in source order."""
    return _PlainReader(text).read()
