"""Groups blocks into a section tree and sorts each section by what its heading says it holds.

A section is ``noise`` (installation, usage, licence, changelog, citations, model-card limitations
...), a ``feature`` list (Features, Highlights, Why X, Key capabilities, Uses ...), an ``intro``
(About, Overview, Summary ...) or ``neutral``. Noise covers everything nested under it, and so does
the feature area of a feature heading, except for noisy subsections within it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from extractors.heuristic.blocks import Block

SectionKind = Literal["noise", "feature", "intro", "neutral"]

# Openings of headings whose sections are never capability material, grouped by theme. Each is a
# regex matched at the start of the case-folded title; "$" pins the ones that are only noise alone
# ("Tests" is noise, "Tests run in parallel" is not).
_NOISE_OPENINGS = (
    # getting it running
    r"install|installation|installing|setup|set ?up|setting up|get(?:ting)?[ -]started|quick[ -]?start",
    r"usage|basic usage|how to (?:use|install|contribute|cite|build|get started)|examples?\b",
    r"(?:an? )?(?:simple|quick|basic|short|minimal|small|full|complete|first|code|usage) examples?\b",
    r"tutorials?$|demos?$|requirements|prerequisites|dependencies$|troubleshooting|known issues",
    r"configuration reference|api reference|api$|deprecat|breaking changes",
    r"configuration(?: files?| options| reference)?$|settings$|config$|environment$",
    r"pricing|plans$|plans (?:and|&) pric|prices?$|costs?$|.{0,40}\bpricing$",
    # reference tables of options: "Options", "Session options", "CLI flags"
    r"(?:[\w-]+ ){0,2}(?:options|flags|parameters|arguments)$",
    r"migrat(?:ion|ing)(?: guide| notes)?$|migrating (?:from|to)|migration (?:from|to|guide|notes)",
    r"upgrading|upgrade (?:guide|notes|instructions)",
    r"compatibility$|backwards? compatib|version (?:support|compatibility)|supported versions",
    # working on it
    r"contribut|develop$|developing$|development$|development version|developer guide|build from source",
    r"build$|code (?:formatting|style)$|linting$|pre-commit$",
    r"project (?:files|layout|structure)|(?:directory|repository|folder) (?:layout|structure)",
    r"building(?: from source| the docs| locally)?$|tests?$|testing$|running tests|packaging$|reproduc",
    # its history
    r"changelog|change ?log|changes$|release notes|release history|history$|news$|what'?s (?:new|changed)",
    r"roadmap|todo|to do",
    # people, money, legal
    r"license|licence|licensing|copyright|disclaimer|citation|citing|cite|bibtex|references?$",
    r"acknowledg|credits|thanks|special thanks|sponsors?|sponsorship|funding|donat|backers",
    r"support$|support us|show (?:your|some) support|get(?:ting)? help|help$|faq|frequently asked|"
    r"questions$|common questions|testimonials?$|what (?:people|users) (?:are )?say",
    r"project information|project links|cloning|clone",
    r"community|contact|authors?$|maintainers?|team$|code of conduct|used by|users$|who uses",
    r"stay (?:informed|in touch|tuned|up to date|updated|connected)|newsletter|follow us",
    r"social (?:media|links)|join (?:us|our|the community)|get involved|spread the word|news and updates",
    r"security$|security policy|security contact|reporting a security",
    r"professional support|commercial support|enterprise support|for enterprise|tidelift",
    # pointers and page furniture
    r"table of contents|contents$|toc$|documentation$|docs$|links$|resources$|see also",
    r"related(?: projects| work)?$|similar projects|project status|status$|badges|star history|stargazers",
    # what the makers offer besides this tool
    r"part of (?:the|our)|ecosystem|also (?:from|by|check out)|more from",
    r"(?:sister|sibling|companion|other|related) (?:projects?|products?|tools|libraries|packages)",
    r"from the (?:makers|creators|authors|team)",
    # what it runs and how it is called: model lists, checkpoint tables, API reference
    r"supported (?:models?|architectures|llms|checkpoints|model families)|model (?:zoo|list|families)$",
    r"(?:available|pre-?trained|released|official|model) (?:models|checkpoints|weights)$|checkpoints$",
    r"parameters$|arguments$|attributes$|methods$|properties$|fields$|environment variables|exceptions$",
    r"errors$|error (?:types|codes|reference)$|return values?$|api (?:docs|documentation|overview|usage)",
    # model and dataset cards: what a model cannot do, how it was made, how it was measured
    r"limitations|bias|risks|out[- ]of[- ]scope|recommendations|environmental impact|carbon",
    r"technical specifications|compute infrastructure|hardware$|software$|glossary|more information",
    r"model card (?:authors?|contact)|model examination|training(?: details| data| procedure)?$",
    r"training hyperparameters|evaluation(?: results| data| metrics)?$|testing data|results$|metrics$",
    r"preprocessing|speeds|data instances|data fields|data splits|dataset structure|dataset creation",
    r"curation rationale|source data|initial data|annotations?$|annotation process|who are",
    r"personal and sensitive|considerations|social impact|discussion of|other known",
    r"additional information|dataset curators|licensing information|citation information|contributions",
)
_NOISE_TITLE = re.compile("^(?:" + "|".join(_NOISE_OPENINGS) + ")")
# Phrases that make a heading noise wherever they stand in it ("pytz for Enterprise").
_NOISE_PHRASE = re.compile(
    r"\b(?:for enterprise|tidelift|feature requests?|bug reports?|bugs|patches|limitations|known issues|"
    r"security (?:issues?|contact|policy)|latest (?:versions?|releases?)|release notes|changelog|"
    r"licen[cs]e|code of conduct|contribut\w*|community|newsletter|stay informed|migrating (?:from|to)|"
    r"migration (?:from|to|guide)|upgrading (?:from|to)|ecosystem)\b"
    # "Pydantic V1.10 vs. V2", "3.x to 4.x": a note on moving between versions.
    r"|(?:^|\s)(?:v\d+|\d+\.[\dx*]+)(?:\.[\dx*]+)*\s+(?:vs\.?|versus|to|->|→)\s+(?:v\d|\d+\.[\dx*])"
)
_VERSION_TITLE = re.compile(r"^(?:v(?:ersion)?\s*)?\d+(?:\.\d+)+|^unreleased\b|^\d{4}-\d{2}-\d{2}")
# "Supported Features & Best Practices", "Feature overview": a feature word anywhere will do.
_FEATURE_WORD = re.compile(r"\b(?:features?|highlights|capabilities)\b")
_FEATURE_TITLE = re.compile(
    r"^(?:(?:key |main |core |notable |major |top |cool |other |additional |more )?"
    r"(?:features?|highlights?|capabilities|functionality|functionalities|benefits|advantages|"
    r"selling points)\b|why\b|what (?:it|you|can|does)\b|what .{1,40} (?:can do|does|offers)|"
    r"(?:intended |direct |downstream )?uses?$|intended use|use cases?|applications|"
    r"supported tasks|tasks$|at a glance|in a nutshell)"
)
_INTRO_TITLE = re.compile(
    r"^(?:about|overview|introduction|intro$|description|summary|what is|what'?s\b|tl;?dr|"
    r"model description|model summary|model details|dataset summary|dataset description|"
    r"dataset details|project description|purpose|abstract|synopsis)"
)
_SUBSTANTIVE_WORDS = 4
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+")
_TITLE_PREFIX = re.compile(r"^[\W\d_]+")  # emoji, numbering and punctuation before a title's first word


def classify_title(title: str) -> SectionKind:
    """What a section holds, judged by its heading text alone."""
    folded = _TITLE_PREFIX.sub("", title.casefold()).strip()
    if (
        _VERSION_TITLE.match(title.casefold().strip())
        or _NOISE_TITLE.match(folded)
        or _NOISE_PHRASE.search(folded)
    ):
        return "noise"
    if _FEATURE_TITLE.match(folded) or _FEATURE_WORD.search(folded):
        return "feature"
    if _INTRO_TITLE.match(folded):
        return "intro"
    return "neutral"


def is_intro_title(title: str) -> bool:
    """Whether a heading or field name introduces the tool ("About", "Summary", "Abstract")."""
    return bool(_INTRO_TITLE.match(_TITLE_PREFIX.sub("", title.casefold()).strip()))


def opens_document(before: Sequence[Block]) -> bool:
    """Whether a heading preceded by ``before`` opens the document: nothing but badges, images,
    links or "Documentation: <address>" lines comes before it."""
    return not any(
        block.inline.linked_chars < len(block.text) // 2
        and len(_ADDRESS.sub(" ", block.text).split()) >= _SUBSTANTIVE_WORDS
        for block in before
    )


class NoiseTracker:
    """Follows headings in reading order and tells whether the text under the latest one is noise.

    Readers use it to skip the costly inline parsing and alignment of installation guides and
    changelogs; ``build_sections`` applies the same rule when it builds the tree. A heading that
    opens the document is never taken for noise here: it may be the document's title
    ("Quickstart" over a whole README), which only ``build_sections`` can tell once it has seen
    every heading.
    """

    def __init__(self) -> None:
        self._open: list[tuple[int, bool]] = []  # (level, noise) of the headings enclosing the text
        self._first = True

    def enter(self, level: int, title: str, before: Sequence[Block]) -> None:
        """Notes a heading; ``before`` are the blocks read so far."""
        self.enter_title(level, title, opening=self._first and opens_document(before))

    def enter_title(self, level: int, title: str, *, opening: bool) -> None:
        """Notes a heading; ``opening`` says whether it opens the document (see the class doc)."""
        while self._open and self._open[-1][0] >= level:
            self._open.pop()
        inherited = bool(self._open) and self._open[-1][1]
        exempt = self._first and opening
        noisy = not exempt and classify_title(title) == "noise"
        self._first = False
        self._open.append((level, inherited or noisy))

    @property
    def in_noise(self) -> bool:
        return bool(self._open) and self._open[-1][1]


@dataclass
class Section:
    """A heading and the blocks up to the next heading; ``heading`` is -1 for the text before any.

    ``noise`` and ``feature_area`` include what the section inherits from the sections around it.
    """

    heading: int
    level: int
    title: str
    parent: int
    kind: SectionKind
    noise: bool = False
    feature_area: bool = False
    blocks: list[int] = field(default_factory=list)
    children: list[int] = field(default_factory=list)


def build_sections(blocks: list[Block]) -> list[Section]:
    """The section tree of a document: index 0 is the preamble, parents come before children."""
    sections = [Section(-1, 0, "", -1, "intro")]
    stack = [0]
    for position, block in enumerate(blocks):
        if block.kind != "heading":
            sections[stack[-1]].blocks.append(position)
            continue
        while len(stack) > 1 and sections[stack[-1]].level >= block.level:
            stack.pop()
        sections.append(Section(position, block.level, block.text, stack[-1], classify_title(block.text)))
        sections[stack[-1]].children.append(len(sections) - 1)
        stack.append(len(sections) - 1)
    title = title_section(sections, blocks)
    if title > 0 and sections[title].kind == "noise":
        # The title names the whole document; a README titled "Quickstart" is not all noise.
        sections[title].kind = "intro"
    for section in sections[1:]:  # parents come first, so what they pass down is already known
        parent = sections[section.parent]
        section.noise = parent.noise or section.kind == "noise"
        section.feature_area = not section.noise and (parent.feature_area or section.kind == "feature")
    return sections


def title_section(sections: list[Section], blocks: Sequence[Block]) -> int:
    """The index of the document's title section, or -1: its first heading when that opens the
    document (only badges or images before it) and no other heading is at its level or above."""
    headed = sections[1:]
    if not headed or not opens_document([blocks[position] for position in sections[0].blocks]):
        return -1
    first = headed[0]
    if all(section.level > first.level for section in headed[1:]):
        return 1
    return -1
