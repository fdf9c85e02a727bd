"""Finding a feature's own name: a bold lead-in, a definition term, or a short "Term: text" opening.

Also knows which names are bookkeeping rather than features (licence, authors, version, the
model-card "Developed by" fields), so those items never become capability records.
"""

from __future__ import annotations

import re

from extractors.heuristic.blocks import InlineText
from extractors.heuristic.sentences import collapse, tidy_name

_LEAD_ENDINGS = (":", ".", "—", "–", "-")
_SEPARATOR_START = re.compile(r"^\s*(?:[:.–—]|-(?=\s))\s*")
# "Term: text" or "Term - text" with a short term that is not itself a sentence.
_TEXTUAL_NAME = re.compile(r"^(?P<term>[^.:!?\n]{2,60}?)(?::\s|\s[-–—]\s)\s*(?P<body>\S.*)$", re.DOTALL)
_NAME_MAX_WORDS = 7

_NOT_A_NAME = re.compile(
    r"^(note|notes|warning|tip|hint|important|caution|example|examples|e\.g|see also|usage|todo|"
    r"update|news|new|disclaimer|tl;?dr|ps|fyi|step \d+|q|a)$",
    re.IGNORECASE,
)

# Field names that describe the record-keeping around a tool, not something it can do.
_BOOKKEEPING_NAME = re.compile(
    r"^(licen[cs]es?|license type|copyright|authors?|author\(s\)|maintainers?|contributors?|contact|"
    r"e-?mail|version|release|status|homepage|home ?page|website|url|source( code)?|repository|repo|"
    r"documentation|docs|issues?|bug tracker|changelog|download|downloads|pypi|conda|python|"
    r"python versions?|requires|requirements|dependencies|platforms?|os|date|created|updated|"
    r"last updated|paper|papers?|citation|cite|demo|blog|twitter|discord|chat|forum|"
    r"developed by|funded by.*|shared by.*|model type|model date|model version|language\(s\).*|"
    r"languages?|finetuned from.*|fine-tuned from.*|base model|parameters|size|hardware type|"
    r"hours used|cloud provider|compute region|carbon emitted|point of contact|curated by|"
    r"organization|organisation|sponsors?|funding|leaderboard|size categories|task categories|"
    r"task ids|annotations creators|source datasets|pretty name|tags|code of conduct|"
    r"contributor'?s? guide|contributing(?: guide)?|community|newsletter|mailing list|support|"
    r"(?:documentation|docs|bug tracker|issue tracker|source code|source)(?: and [\w ]+)?)$",
    re.IGNORECASE,
)

# One-word (or intensified) praise that opens a bullet: it says how the tool feels, not what it does.
_PRAISE = (
    r"fast|faster|fastest|quick|speedy|rapid|blazing(?:ly)?[- ]fast|lightning[- ]fast|super[- ]fast|simple|"
    r"easy|easy[- ]to[- ]use|intuitive|robust|reliable|stable|free|open|powerful|flexible|lightweight|"
    r"light|small|tiny|short|concise|compact|minimal|lean|modern|secure|safe|scalable|extensible|efficient|portable|"
    r"productive|performant|elegant|clean|friendly|developer[- ]friendly|user[- ]friendly|pythonic|"
    r"battle[- ]tested|production[- ]ready|ready|mature|proven|familiar|smart|versatile|complete|"
    r"comprehensive|customi[sz]able|configurable|composable|modular|native|standard|compatible|"
    r"transparent|predictable|accurate|precise|affordable|cheap|delightful|fun|beautiful|awesome|"
    r"zero[- ]config|batteries[- ]included|simplicity|speed|performance|reliability|flexibility|"
    r"security|scalability|extensibility|efficiency|portability|robustness|stability|ease of use"
)
_MARKETING_LEAD = re.compile(
    rf"^(?:(?:very|super|really|truly|extremely|incredibly|highly|fully|dead|ridiculously|blazingly)\s+)?"
    rf"(?:{_PRAISE})(?:\s*(?:,|&|and|\+)\s*(?:{_PRAISE}))*[!.]?$",
    re.IGNORECASE,
)

# One word that only rates the tool: "Feature-rich", "Battle-proof", "Typesafe", "Dependable".
_PRAISE_WORD = re.compile(
    r"^[a-z]+(?:-[a-z]+)*-(?:rich|ready|friendly|safe|proof|free|fast|first|light|tested|grade)$|"
    r"^[a-z]+(?:ive|ous|ful|able|ible|less|ent|ant|est)$",
    re.IGNORECASE,
)


def is_marketing_lead(name: str) -> bool:
    """Whether a lead-in name is only praise ("Fast", "Simple", "Easy to use", "Fast & robust",
    "Feature-rich"), which tells nothing about what the feature is: its title must come from its
    sentence."""
    name = tidy_name(name)
    return bool(_MARKETING_LEAD.match(name) or _PRAISE_WORD.match(name))


def lead_is_separated(lead: str, rest: str, *, linked: bool = False) -> bool:
    """Whether a bold (or, with ``linked``, linked) opening ``lead`` is set apart from the ``rest``
    of its text: by a colon or dash, its own closing punctuation, nothing following at all, or, for
    bold, a line break ("**Fast**" on a line of its own). A link is often just wrapped onto the
    next line, so a line break does not set it apart."""
    stripped = rest.lstrip(" \t")
    return (
        not rest.strip()
        or stripped.startswith(_LEAD_ENDINGS)
        or (not linked and stripped.startswith("\n"))
        or lead.rstrip().endswith(_LEAD_ENDINGS)
    )


def is_bookkeeping(name: str) -> bool:
    """Whether a field or term name is metadata (licence, version, authors...) rather than a feature."""
    return bool(_BOOKKEEPING_NAME.match(tidy_name(name)))


_NAMED_OPENING = ("**", "__", "[", "<b>", "<strong>")


def may_open_with_name(raw: str) -> bool:
    """Whether inline source could open with a feature's own name (a bold or linked lead, or a
    short "Term: text" opening); False rules the text out without flattening its markup."""
    raw = raw.lstrip()
    return raw.startswith(_NAMED_OPENING) or _TEXTUAL_NAME.match(raw) is not None


def split_name(inline: InlineText) -> tuple[str | None, str]:
    """``(name, body)`` for a run of text that opens with its own name, else ``(None, text)``."""
    text = inline.text
    if inline.lead and inline.lead_separated and text.startswith(inline.lead):
        name = tidy_name(inline.lead)
        body = _SEPARATOR_START.sub("", text[len(inline.lead) :], count=1).strip()
        if name and not _NOT_A_NAME.match(name):
            return name, body
        return None, body or text
    match = _TEXTUAL_NAME.match(text)
    if match:
        term = collapse(match.group("term"))
        if (
            len(term.split()) <= _NAME_MAX_WORDS
            and "http" not in term.casefold()
            and not _NOT_A_NAME.match(term)
            and not term.endswith(("(", ","))
        ):
            return tidy_name(term), match.group("body").strip()
    return None, text
