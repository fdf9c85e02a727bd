"""The units records are made of: one per list item, term, table row, bold lead-in, section or
sentence, each with its plain text and the source passages it can be quoted from.

``UnitBuilder`` knows how to turn each kind of block (or a whole section) into a unit and which
blocks can never make one: too short, only links, a shell command, a pointer elsewhere ("See the
docs"), a promotion ("We've launched ..."), a list filler ("And more") or a plan ("(planned)").
Which units a document's records come from is decided in ``selection``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from extractors.heuristic.asides import announces_plans, is_list_filler, is_promotion
from extractors.heuristic.blocks import Block, Region
from extractors.heuristic.junk import is_junk_name, junk_kind
from extractors.heuristic.naming import is_bookkeeping, may_open_with_name, split_name
from extractors.heuristic.sections import Section, is_intro_title
from extractors.heuristic.sentences import collapse, condense_description, split_sentences

MIN_ITEM_CHARS = 15
MIN_SECTION_TEXT_CHARS = 30
_LINK_ONLY_RATIO = 0.8
_OPENING_CHARS = 400
_NAME_CELL_WORDS = 4
_LEAD_OPENING = ("**", "__", "[", "<b>", "<strong>")

_URL = re.compile(r"(?:https?://|www\.)\S+")
_COMMAND = re.compile(r"^(?:\$ |>>> |pip3? install\b|npm (?:i|install)\b|conda install\b|uv (?:add|pip)\b)")
# Lines that point elsewhere ("See the docs") rather than say what the tool does.
_POINTER = re.compile(
    r"^(?:see|read|check out|visit|click|refer to|learn more|find out|more info|go to|head to|browse)\b",
    re.IGNORECASE,
)
_FEATURE_TABLE_HEADER = re.compile(
    r"\b(?:features?|capabilit\w*|name|components?|modules?|commands?|functions?|tools?|tasks?|what|"
    r"areas?|options?|highlights?|benefits?|use cases?|integrations?|formats?)\b",
    re.IGNORECASE,
)
_NUMERIC_CELL = re.compile(r"^[\s\d.,%±+\-–/x×<>~≈$€£:]*$")
# Openings of a sentence that leans on the one before it for its subject.
_CONTINUATION = re.compile(
    r"^(?:it|its|it's|it’s|this|these|they|their|such|also|additionally|moreover|furthermore|"
    r"in addition|besides)\b",
    re.IGNORECASE,
)


class Passage(NamedTuple):
    """Plain text and the source region it was read from, to be quoted from there."""

    text: str
    region: Region


@dataclass
class Unit:
    """One future record: its own name (when it has one), its plain text, and where it came from.

    ``main`` is the passage the description is cut from: a record is only made when it can be
    quoted. ``more`` are further passages worth quoting (the heading, continuation paragraphs,
    nested items); ``regions`` are all the regions the text was drawn from, where claims are
    looked up.
    """

    name: str | None
    text: str
    main: Passage
    more: list[Passage] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    own_text: str = ""
    """The text a nameless unit's title is condensed from, when not all of ``text`` (an item
    without the items nested under it)."""
    summary: bool = False
    """Whether the unit only says what the tool is (its tagline, "X is a library for Y"): such a
    unit is a record only when the description states nothing more specific."""

    @property
    def position(self) -> int:
        return min(region[0] for region in (self.main.region, *(passage.region for passage in self.more)))


@dataclass
class Outline:
    """Blocks and sections of one document with the lookups unit building needs."""

    blocks: list[Block]
    sections: list[Section]
    section_of: list[int] = field(default_factory=list)
    continuations: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    nested: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    groups: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        self.section_of = [0] * len(self.blocks)
        for number, section in enumerate(self.sections):
            if section.heading >= 0:
                self.section_of[section.heading] = number
            for position in section.blocks:
                self.section_of[position] = number
        for position, block in enumerate(self.blocks):
            if block.kind == "paragraph" and block.in_item >= 0:
                self.continuations[block.in_item].append(position)
            if block.kind == "item" and block.parent >= 0:
                self.nested[block.parent].append(position)
            if block.group >= 0:
                self.groups[block.group].append(position)


def link_only(text: str, linked_chars: int) -> bool:
    """Whether a text is (almost) nothing but links or addresses."""
    if linked_chars >= _LINK_ONLY_RATIO * len(text):
        return True
    return len(_URL.sub(" ", text).split()) < 2


def is_command_or_pointer(text: str) -> bool:
    """Whether a text is a shell command or a pointer elsewhere ("See the docs")."""
    return bool(_COMMAND.match(text) or _POINTER.match(text))


def usable_region(block: Block) -> Region | None:
    """The block's region when it can feed a record: placed in the source, long enough, and not a
    link, a command, a pointer to elsewhere or opening with junk (``junk.junk_kind``: what an
    entry opens with says what it is; a pointer at the end of a paragraph does not spoil the rest,
    which the sentence rules judge on their own); None otherwise."""
    if block.region is None:
        return None
    text = block.text
    if (
        len(text) < MIN_ITEM_CHARS
        or link_only(text, block.inline.linked_chars)
        or is_command_or_pointer(text)
        or junk_kind(_opening_sentence(text)) is not None
    ):
        return None
    return block.region


def _not_a_feature_name(name: str) -> bool:
    """Whether an entry's own name shows it is bookkeeping, an API identifier or a model id."""
    return is_bookkeeping(name) or is_junk_name(name)


def _opening_sentence(text: str) -> str:
    sentences = split_sentences(text[:_OPENING_CHARS])
    return sentences[0] if sentences else text


def is_entry_noise(text: str) -> bool:
    """Whether a list entry, term, row or lead-in says nothing the tool does now: a filler, a plan
    or a promotion."""
    return is_list_filler(text) or announces_plans(text) or is_promotion(text)


class UnitBuilder:
    """Builds the units of one document's blocks and sections."""

    def __init__(self, outline: Outline) -> None:
        self.outline = outline
        self.blocks = outline.blocks
        self._tables: dict[int, tuple[bool, bool]] = {}
        self._items: dict[int, Unit | None] = {}

    def item_unit(self, position: int, *, named_only: bool, linked_names: bool = True) -> Unit | None:
        """A list item, with the paragraphs that continue it and the items nested under it.

        ``named_only`` keeps only items that open with their own name; without ``linked_names``,
        items named by a link are left out too, as they name another project or page.
        """
        block = self.blocks[position]
        if named_only and block.raw is not None and not may_open_with_name(block.raw):
            return None
        # Every strategy may ask for the same item: it is built once, and each asker's conditions
        # are checked on the result.
        if position not in self._items:
            self._items[position] = self._build_item(position)
        unit = self._items[position]
        if unit is None or (named_only and unit.name is None):
            return None
        if not linked_names and block.inline.lead_linked:
            return None
        return unit

    def _build_item(self, position: int) -> Unit | None:
        block = self.blocks[position]
        region = usable_region(block)
        if region is None or is_entry_noise(block.text):
            return None
        name, body = split_name(block.inline)
        if name is not None and _not_a_feature_name(name):
            return None
        if name is not None and body and link_only(body, 0):
            return None
        texts = [body]
        main = Passage(collapse(f"{name or ''} {condense_description(body)}"), region)
        more: list[Passage] = []
        for continuation in self.outline.continuations.get(position, []):
            paragraph = self.blocks[continuation]
            if paragraph.region is not None and not link_only(paragraph.text, paragraph.inline.linked_chars):
                texts.append(paragraph.text)
                more.append(Passage(condense_description(paragraph.text), paragraph.region))
        nested = [self.blocks[child] for child in self.outline.nested.get(position, [])]
        children = [
            Passage(child.text, child_region) for child in nested if (child_region := usable_region(child))
        ]
        if children:
            joined = "; ".join(child.text for child in children)
            texts.append(joined)
            more.append(Passage(joined, (children[0].region[0], children[-1].region[1])))
        text = collapse(" ".join(part for part in texts if part))
        regions = [region, *(passage.region for passage in more)]
        return Unit(name, text or name or block.text, main, more, regions, own_text=body)

    def term_unit(self, position: int) -> Unit | None:
        """A term of a definition or field list, named by the term."""
        block = self.blocks[position]
        region = usable_region(block)
        name = block.name or ""
        if region is None or not name or _not_a_feature_name(name) or is_entry_noise(block.text):
            return None
        if is_intro_title(name):  # "Abstract: ...", "Summary: ...": the prose strategy reads these
            return None
        body = block.text[len(name) :].strip() if block.text.startswith(name) else block.text
        if not body or link_only(body, 0):
            return None
        return Unit(name, body, Passage(block.text, region), regions=[region])

    def row_unit(self, position: int) -> Unit | None:
        """A table row, named by its first cell and described by the others."""
        block = self.blocks[position]
        region = usable_region(block)
        cells = [collapse(cell) for cell in block.cells]
        if (
            region is None
            or block.header
            or len(cells) < 2
            or not cells[0]
            or _not_a_feature_name(cells[0])
            or is_entry_noise(block.text)
        ):
            return None
        body = "; ".join(cell for cell in cells[1:] if cell)
        # A row of short names ("Matplotlib | pandas | SAML") lists what a table groups, not a feature.
        if not body or all(len(cell.split()) <= _NAME_CELL_WORDS for cell in cells):
            return None
        return Unit(cells[0], body, Passage(block.text, region), regions=[region])

    def lead_paragraph_unit(self, position: int, *, linked_names: bool = True) -> Unit | None:
        """A paragraph that opens with its own bold name ("**Strict mode**: ...")."""
        block = self.blocks[position]
        if block.in_item >= 0 or (block.raw is not None and not block.raw.lstrip().startswith(_LEAD_OPENING)):
            return None
        if not block.inline.lead or not block.inline.lead_separated:
            return None
        if not linked_names and block.inline.lead_linked:
            return None
        region = usable_region(block)
        name, body = split_name(block.inline)
        if region is None or name is None or _not_a_feature_name(name) or not body or link_only(body, 0):
            return None
        if is_entry_noise(block.text):
            return None
        return Unit(name, body, Passage(block.text, region), regions=[region])

    def heading_unit(self, section: Section, *, with_items: bool) -> Unit | None:
        """A section explaining one thing under its heading: the heading names it, the text tells it.

        The text is the section's own paragraphs; with ``with_items``, its list items when it has
        no paragraphs (a feature subsection that is only a short list).
        """
        heading = self.blocks[section.heading]
        if heading.region is None or _not_a_feature_name(heading.text):
            return None
        passages: list[Passage] = []
        for position in section.blocks:
            block = self.blocks[position]
            if block.kind in ("paragraph", "term") and block.in_item < 0 and not block.inline.lead:
                region = usable_region(block)
                if region is not None:
                    passages.append(Passage(block.text, region))
        if not passages and with_items:
            for position in section.blocks:
                block = self.blocks[position]
                if (
                    block.kind == "item"
                    and block.region is not None
                    and not link_only(block.text, block.inline.linked_chars)
                ):
                    passages.append(Passage(block.text, block.region))
        text = collapse(" ".join(passage.text for passage in passages))
        if len(text) < MIN_SECTION_TEXT_CHARS:
            return None
        first, *others = passages
        main = Passage(condense_description(first.text), first.region)
        more = [Passage(heading.text, heading.region), *others]
        return Unit(heading.text, text, main, more, [passage.region for passage in passages])

    def sentence_units(self, positions: Iterable[int], accept: Callable[[str], bool]) -> list[Unit]:
        """One unit per sentence that states something, in the paragraphs among ``positions`` and in
        their introductory fields ("Abstract: ..."). A sentence that carries on from the one
        before it ("It also ...", "This means ...") joins that sentence's unit: on its own its
        subject is missing, and is left out with it when that sentence is."""
        units: list[Unit] = []
        for position in positions:
            block = self.blocks[position]
            text = self._statement_text(block)
            region = usable_region(block) if text else None
            if text is None or region is None:
                continue
            previous: Unit | None = None
            rejected = False  # whether the sentence before was left out
            sentences = split_sentences(text)
            if sentences and sentences[-1].endswith(":") and self._list_follows(position):
                sentences.pop()  # it only introduces the list after it ("Libraries using it:")
            for sentence in sentences:
                continues = _CONTINUATION.match(sentence) is not None
                if (continues and rejected) or not accept(sentence):
                    previous, rejected = None, True
                    continue
                rejected = False
                if continues and previous is not None:
                    previous.text = f"{previous.text} {sentence}"
                    previous.main = Passage(previous.text, region)
                    continue
                previous = Unit(
                    None, sentence, Passage(sentence, region), regions=[region], own_text=sentence
                )
                units.append(previous)
        return units

    def _list_follows(self, position: int) -> bool:
        """Whether a list, table or field list comes right after the block at ``position``."""
        following = position + 1
        return following < len(self.blocks) and self.blocks[following].kind in ("item", "row", "term")

    def _statement_text(self, block: Block) -> str | None:
        """The text statements are read from: a paragraph's own, or the body of an introductory
        field ("Abstract", "Summary"); None for every other block."""
        if block.kind == "paragraph" and block.in_item < 0:
            return block.text
        if block.kind == "term" and block.name and is_intro_title(block.name):
            body = block.text[len(block.name) :] if block.text.startswith(block.name) else block.text
            return body.strip(" :") or None
        return None

    def listed_units(self, positions: Iterable[int], *, named_only: bool, any_table: bool) -> list[Unit]:
        """Units of the top-level list items, terms, table rows and bold lead-ins among ``positions``.

        With ``named_only`` (named things gathered from anywhere, not from a features section),
        entries named by a link are left out: outside a features section they point to other
        projects ("[Sister tool](...) - what it does").
        """
        units: list[Unit | None] = []
        linked_names = not named_only
        for position in positions:
            block = self.blocks[position]
            if block.kind == "item" and block.parent < 0:
                units.append(self.item_unit(position, named_only=named_only, linked_names=linked_names))
            elif block.kind == "term":
                units.append(self.term_unit(position))
            elif block.kind == "row":
                feature_table, numeric = self.table_kind(block.group)
                if (any_table or feature_table) and not numeric:
                    units.append(self.row_unit(position))
            elif block.kind == "paragraph":
                units.append(self.lead_paragraph_unit(position, linked_names=linked_names))
        return [unit for unit in units if unit is not None]

    # -- table shapes -------------------------------------------------------------------------

    def table_kind(self, group: int) -> tuple[bool, bool]:
        """``(looks like a feature table, is mostly numbers)`` for one table, worked out once."""
        if group not in self._tables:
            rows = [self.blocks[position] for position in self.outline.groups.get(group, [])]
            header = next((row for row in rows if row.header), None)
            described = [cell for row in rows if not row.header for cell in row.cells[1:] if cell]
            named_header = bool(header and header.cells and _FEATURE_TABLE_HEADER.search(header.cells[0]))
            wordy = sum(len(cell.split()) >= 4 for cell in described) * 2 >= len(described)
            numeric = sum(bool(_NUMERIC_CELL.match(cell)) for cell in described) * 2 >= len(described)
            self._tables[group] = (named_header or (bool(described) and wordy), bool(described) and numeric)
        return self._tables[group]
