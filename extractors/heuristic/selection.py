"""Deciding which parts of a document are capabilities, by the structure the document gives them.

Three strategies are tried in turn, and the records come from the first whose units yield any:

1. declared features: everything under a Features-like heading (its list items, table rows,
   definitions, bold lead-ins, subsections), and lists a paragraph introduces as features
   ("The key features are:");
2. structure: named items anywhere outside noise sections (bold lead-ins, definition terms,
   feature tables), sections that each explain one thing under their own heading, and the first
   substantial list;
3. prose: the sentences of the summary or introduction that state what the tool does.

Noise sections (installation, usage, licence, changelog ...) never contribute to any of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial

from extractors.heuristic.blocks import Block
from extractors.heuristic.sections import Section, title_section
from extractors.heuristic.units import Outline, Unit, UnitBuilder, is_command_or_pointer, link_only

MIN_SENTENCE_CHARS = 25
MAX_PROSE_UNITS = 12

_DECLARES_FEATURES = re.compile(
    r"\b(?:features?|highlights?|capabilit\w*|benefits?|advantages?|can|lets you|allows?|enables?|"
    r"supports?|provides?|offers?|includes?|comes with|gives? you|you get|the following)\b",
    re.IGNORECASE,
)
# Prose about the project rather than the tool: how to install it, reach it, report bugs, cite it.
_BOILERPLATE_OPENING = re.compile(
    r"^(?:for more|for details|please|thanks|thank you|note|copyright|licensed|this project is licensed|"
    r"released under|install|to install|run|running|join|follow|star|documentation|docs|made with|"
    r"if you|in case you|you can find|we've launched|we have launched|to contact)\b",
    re.IGNORECASE,
)
_BOILERPLATE_PHRASE = re.compile(
    r"\b(?:copyright|licen[cs]ed?|bug reports?|bugs? (?:can|should|may) be|report (?:bugs|issues)|"
    r"bug fixes|pull requests?|patches|mailing list|issue tracker|bug tracker|questions and comments|"
    r"(?:documentation|docs) (?:is|are|can be|lives)|can (?:also )?be found|pip install|"
    r"in-development|development version|github repository|code of conduct|contributors?)\b",
    re.IGNORECASE,
)


class _Strategies:
    """The three strategies over one document; each returns units in no particular order."""

    def __init__(self, builder: UnitBuilder) -> None:
        self.build = builder
        self.outline = builder.outline
        self.blocks = builder.blocks
        self.sections = builder.outline.sections
        self.title = title_section(self.sections, self.blocks)

    def declared_features(self) -> list[Unit]:
        """Units of Features-like sections, and of lists a paragraph introduces as features."""
        units: list[Unit] = []
        for section in self.sections:
            parent_area = section.parent >= 0 and self.sections[section.parent].feature_area
            if section.kind == "feature" and section.feature_area and not parent_area:
                units.extend(self._feature_area(section, top=True))
        for position in range(len(self.blocks)):
            if self._introduces_feature_list(position):
                following = self.blocks[position + 1]
                members = self.outline.groups.get(following.group, [])
                units.extend(self.build.listed_units(members, named_only=False, any_table=True))
        return units

    def _introduces_feature_list(self, position: int) -> bool:
        """Whether the paragraph at ``position`` announces the list after it ("It offers:")."""
        block = self.blocks[position]
        # Structure first: only paragraphs right before a list or table get their text parsed.
        if block.kind != "paragraph" or block.in_item >= 0:
            return False
        if position + 1 >= len(self.blocks) or self.blocks[position + 1].kind not in ("item", "row"):
            return False
        if not block.text.endswith(":"):
            return False
        section = self.sections[self.outline.section_of[position]]
        if section.noise or section.feature_area:
            return False
        return bool(_DECLARES_FEATURES.search(block.text))

    def _feature_area(self, section: Section, *, top: bool) -> list[Unit]:
        """Each item of a feature section; each subsection, as one unit unless it lists items; the
        sentences of a feature section that is only prose ("Why tidewatch?")."""
        units = self.build.listed_units(section.blocks, named_only=False, any_table=True)
        live_children = [child for child in section.children if not self.sections[child].noise]
        if not units:
            if not top:
                heading = self.build.heading_unit(section, with_items=True)
                units = [heading] if heading else []
            elif not live_children:
                units = self.build.sentence_units(section.blocks, partial(_states_something, strict=False))
        for child in live_children:
            units.extend(self._feature_area(self.sections[child], top=False))
        return units

    def structure(self) -> list[Unit]:
        """Named items anywhere, topic sections when there are several, and the first list."""
        units: list[Unit] = []
        explained = {
            number: unit
            for number, section in enumerate(self.sections)
            if number > 0
            and number != self.title
            and not section.noise
            and section.kind != "intro"
            and not section.title.endswith("?")  # a question heading is an FAQ entry, not a topic
            and (unit := self.build.heading_unit(section, with_items=False)) is not None
        }
        # One section with a heading is just how the text is laid out; several are a list of topics.
        if len(explained) < 2:
            explained = {}
        for section in self.sections:
            if not section.noise:
                units.extend(self.build.listed_units(section.blocks, named_only=True, any_table=False))
        units.extend(explained.values())
        first_list = self._first_substantial_list()
        if first_list is not None:
            list_units, section_number = first_list
            if not units or self._in_intro(section_number):
                taken = {unit.position for unit in units}
                units.extend(unit for unit in list_units if unit.position not in taken)
        return units

    def _first_substantial_list(self) -> tuple[list[Unit], int] | None:
        """The units of the first list outside noise with two or more usable items, and its section."""
        seen: set[int] = set()
        for position, block in enumerate(self.blocks):
            if block.kind != "item" or block.parent >= 0 or block.group in seen:
                continue
            seen.add(block.group)
            section_number = self.outline.section_of[position]
            if self.sections[section_number].noise:
                continue
            members = [
                member for member in self.outline.groups[block.group] if self.blocks[member].parent < 0
            ]
            units = [
                unit
                for unit in (self.build.item_unit(member, named_only=False) for member in members)
                if unit
            ]
            if len(units) >= 2:
                return units, section_number
        return None

    def _in_intro(self, section_number: int) -> bool:
        return section_number in (0, self.title) or self.sections[section_number].kind == "intro"

    def prose(self) -> list[Unit]:
        """Statements from the introduction, or from anywhere outside noise when it has none."""
        intro = [
            position
            for number, section in enumerate(self.sections)
            if not section.noise and self._in_intro(number)
            for position in section.blocks
        ]
        units = self.build.sentence_units(intro, partial(_states_something, strict=True))
        if not units:
            anywhere = [
                position for section in self.sections if not section.noise for position in section.blocks
            ]
            units = self.build.sentence_units(anywhere, partial(_states_something, strict=True))
        return sorted(units, key=lambda unit: unit.position)[:MAX_PROSE_UNITS]


def _states_something(sentence: str, *, strict: bool) -> bool:
    """Whether a sentence reads as a statement about the tool rather than a pointer or an aside."""
    if len(sentence) < MIN_SENTENCE_CHARS or len(sentence.split()) < 4 or sentence.endswith("?"):
        return False
    if link_only(sentence, 0) or is_command_or_pointer(sentence):
        return False
    if not strict:
        return True
    return not (_BOILERPLATE_OPENING.match(sentence) or _BOILERPLATE_PHRASE.search(sentence))


def candidate_units(blocks: list[Block], sections: list[Section]) -> Iterator[list[Unit]]:
    """The units of each strategy in turn, in source order, skipping strategies that find nothing.

    The caller takes the first list that yields records (see the module docstring).
    """
    strategies = _Strategies(UnitBuilder(Outline(blocks, sections)))
    for strategy in (strategies.declared_features, strategies.structure, strategies.prose):
        units = strategy()
        if units:
            yield sorted(units, key=lambda unit: unit.position)
