"""Deciding which parts of a document are capabilities, by the structure the document gives them.

Two structural strategies are tried in turn, and the records come from the first whose units
yield any:

1. declared features: everything under a Features-like heading (its list items, table rows,
   definitions, bold lead-ins, subsections), and lists a paragraph introduces as features
   ("The key features are:"), unless it introduces them as planned or provided by others;
2. structure: named items anywhere outside noise sections (bold lead-ins, definition terms,
   feature tables), sections that each explain one thing under their own heading, and the first
   substantial list.

Then prose, the sentences of the summary or introduction that state what the tool does, is
added when structure gave few records (or is all there is when it gave none): a README whose
only structure is an advert and a community section still says what the tool does up front.

Noise sections (installation, usage, licence, changelog ...) never contribute to any of them, and
neither do asides: sections that open with a pointer elsewhere or advertise something
(``asides.is_aside``), with everything nested under them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial

from extractors.heuristic.asides import (
    OPENING_PARAGRAPHS,
    announces_plans,
    is_aside,
    is_pointer,
    is_promotion,
)
from extractors.heuristic.blocks import Block
from extractors.heuristic.junk import junk_kind
from extractors.heuristic.sections import Section, title_section
from extractors.heuristic.units import Outline, Unit, UnitBuilder, is_command_or_pointer, link_only

MIN_SENTENCE_CHARS = 25
MAX_PROSE_UNITS = 12
THIN_UNITS = 1
"""A description whose structure and introduction give no more specific units than this is thin:
the statements of its other sections are read too."""

_DECLARES_FEATURES = re.compile(
    r"\b(?:features?|highlights?|capabilit\w*|benefits?|advantages?|can|lets you|allows?|enables?|"
    r"supports?|provides?|offers?|includes?|comes with|gives? you|you get|the following)\b",
    re.IGNORECASE,
)
# Prose about the project rather than the tool: how to install it, reach it, report bugs, cite it.
_BOILERPLATE_OPENING = re.compile(
    r"^(?:for more|for details|please|thanks|thank you|note|copyright|licensed|this project is licensed|"
    r"released under|install|to install|run|running|join|follow|star|documentation|docs|made with|"
    r"if you|in case you|you can find|you can install|we've launched|we have launched|to contact|"
    r"for (?:more|full|further|additional|complete) (?:details|information|info))\b",
    re.IGNORECASE,
)
_BOILERPLATE_PHRASE = re.compile(
    r"\b(?:copyright|licen[cs]ed?|bug reports?|bugs? (?:can|should|may) be|report (?:bugs|issues)|"
    r"bug fixes|pull requests?|patches|mailing list|issue tracker|bug tracker|questions and comments|"
    r"(?:documentation|docs) (?:is|are|can be|lives)|can (?:also )?be found|pip install|"
    r"in-development|development version|github repository|code of conduct|contributors?|"
    r"(?:is|are) (?:maintained|developed|sponsored|funded|supported) by)\b",
    re.IGNORECASE,
)
# A sentence ending in a colon that only announces the list or example after it.
_INTRODUCES_WHAT_FOLLOWS = re.compile(
    r"\b(?:the following|as follows|below|for example|for instance|like so|like this|e\.g\.|here'?s|"
    r"(?:are|is|include|includes|including):$)",
    re.IGNORECASE,
)

# "Pinecrest is a library ...", "The Tern SDK is the official client ...": a subject of a few words
# and "is a/an/the".
_IDENTITY = re.compile(r"^(?:\S+\s+){1,5}?(?:is|are)\s+(?:a|an|the|one of the)\b", re.IGNORECASE)
_GOES_ON = re.compile(r"\b(?:that|which|who)\s+(?!is\b|are\b)\w+|,\s+so\s+\w+|:\s+\w+", re.IGNORECASE)
_HEADLINE_WORDS = 14
_HEADLINE_OPENING = re.compile(r"^(?:a|an|the)\s", re.IGNORECASE)


class Strategies:
    """The strategies over one document. Building it also marks the document's asides as noise."""

    def __init__(self, blocks: list[Block], sections: list[Section]) -> None:
        self.build = UnitBuilder(Outline(blocks, sections))
        self.outline = self.build.outline
        self.blocks = blocks
        self.sections = sections
        self.title = title_section(self.sections, self.blocks)
        self._silence_asides()

    def structural(self) -> Iterator[list[Unit]]:
        """The units of each structural strategy in turn, skipping those that find nothing; the
        caller takes the first list that yields records."""
        for strategy in (self.declared_features, self.structure):
            units = strategy()
            if units:
                yield sorted(units, key=lambda unit: unit.position)

    def candidates(self) -> list[Unit]:
        """The units of every strategy, without overlaps, in source order: declared features,
        structure, then the introduction's statements (summary ones marked, see ``Unit.summary``);
        the statements of every section outside noise too when that leaves a thin description (a
        tagline and a hosted-service section) with at most ``THIN_UNITS`` specific units."""
        units = [*self.declared_features(), *self.structure(), *self.prose(intro_only=True)]
        if sum(not unit.summary for unit in units) <= THIN_UNITS:
            units.extend(self.prose(anywhere=True))
        kept: list[Unit] = []
        for unit in units:
            if not any(_same_passage(unit, earlier) for earlier in kept):
                kept.append(unit)
        return sorted(kept, key=lambda unit: unit.position)

    def _silence_asides(self) -> None:
        """Marks as noise every section that is an aside, and everything nested under one. The
        title section and the text before any heading are never asides as a whole: they are the
        introduction, whose promotional sentences the prose strategy drops one by one."""
        for number, section in enumerate(self.sections):
            if number == 0 or number == self.title or section.noise:
                continue
            opening = self._opening_paragraphs(section)
            if self.sections[section.parent].noise or is_aside(
                opening, declares_features=section.kind == "feature"
            ):
                section.noise = True
                section.feature_area = False

    def _opening_paragraphs(self, section: Section) -> list[str]:
        """The text of the first paragraphs of a section's own (not of its list items)."""
        paragraphs: list[str] = []
        for position in section.blocks:
            block = self.blocks[position]
            if block.kind == "paragraph" and block.in_item < 0:
                paragraphs.append(block.text)
                if len(paragraphs) == OPENING_PARAGRAPHS:
                    break
        return paragraphs

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
        return bool(_DECLARES_FEATURES.search(block.text)) and not announces_plans(block.text)

    def _planned_list(self, group: int) -> bool:
        """Whether the list ``group`` is introduced as planned or provided by others ("Support for
        the following is planned:")."""
        members = self.outline.groups.get(group, [])
        before = members[0] - 1 if members else -1
        if before < 0 or self.blocks[before].kind != "paragraph":
            return False
        text = self.blocks[before].text
        return text.endswith(":") and announces_plans(text)

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
            if self.sections[section_number].noise or self._planned_list(block.group):
                continue
            members = [
                member for member in self.outline.groups[block.group] if self.blocks[member].parent < 0
            ]
            units = [
                unit
                for unit in (
                    self.build.item_unit(member, named_only=False, linked_names=False) for member in members
                )
                if unit
            ]
            if len(units) >= 2:
                return units, section_number
        return None

    def _in_intro(self, section_number: int) -> bool:
        return section_number in (0, self.title) or self.sections[section_number].kind == "intro"

    def prose(self, *, intro_only: bool = False, anywhere: bool = False) -> list[Unit]:
        """Statements from the introduction, or (unless ``intro_only``) from anywhere outside noise
        when it has none; with ``anywhere``, from every section outside noise."""
        intro = [
            position
            for number, section in enumerate(self.sections)
            if not section.noise and (anywhere or self._in_intro(number))
            for position in section.blocks
        ]
        units = self.build.sentence_units(intro, partial(_states_something, strict=True))
        if not units and not intro_only and not anywhere:
            return self.prose(anywhere=True)
        units = sorted(units, key=lambda unit: unit.position)[:MAX_PROSE_UNITS]
        paragraphs = {block.region: block.text for block in self.blocks if block.kind == "paragraph"}
        for number, unit in enumerate(units):
            # A sentence carried on by the next ("It maps ...") says more than what the tool is.
            alone = unit.text == unit.own_text
            tagline = number == 0 and alone and paragraphs.get(unit.main.region, "").strip() == unit.text
            unit.summary = alone and says_what_it_is(unit.text, tagline=tagline)
        return units


def _same_passage(unit: Unit, other: Unit) -> bool:
    """Whether two units are read from the same passage: one block, and one's text holds the
    other's (an item found by two strategies, a section and its first sentence)."""
    if unit.main.region != other.main.region:
        return False
    return any(
        mine in theirs or theirs in mine
        for mine in (unit.main.text, unit.text)
        for theirs in (other.main.text, other.text)
    )


def says_what_it_is(sentence: str, *, tagline: bool) -> bool:
    """Whether a statement only says what the tool is rather than something it does: "Pinecrest is
    a library for similarity search", or, with ``tagline`` (a one-sentence paragraph opening the
    description), a short headline that is a noun phrase ("A lean inference server for LLMs"),
    which the tool's summary already holds. Never when a relative clause
    ("a server *that shards* ...") or a consequence (", so ...") follows, or a figure does (a
    dataset "of 212,480 questions")."""
    if _GOES_ON.search(sentence) or any(character.isdigit() for character in sentence):
        return False
    if _IDENTITY.match(sentence):
        return True
    short = len(sentence.split()) <= _HEADLINE_WORDS
    return tagline and short and _HEADLINE_OPENING.match(sentence) is not None


def _states_something(sentence: str, *, strict: bool) -> bool:
    """Whether a sentence reads as a statement about the tool rather than a pointer or an aside.

    A sentence that only announces what follows ("... the following:", "For example:") and a
    promotion are never statements; ``strict`` also drops pointers and prose about the project
    (licence, bugs, docs).
    """
    if len(sentence) < MIN_SENTENCE_CHARS or len(sentence.split()) < 4 or sentence.endswith("?"):
        return False
    if sentence.endswith(":") and _INTRODUCES_WHAT_FOLLOWS.search(sentence):
        return False
    if link_only(sentence, 0) or is_command_or_pointer(sentence) or is_promotion(sentence):
        return False
    if junk_kind(sentence) is not None:
        return False
    if not strict:
        return True
    return not (
        _BOILERPLATE_OPENING.match(sentence) or _BOILERPLATE_PHRASE.search(sentence) or is_pointer(sentence)
    )
