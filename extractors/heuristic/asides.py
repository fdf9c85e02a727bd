"""Recognising text that sits among a tool's features but is not one: promotions, pointers, fillers, plans.

READMEs advertise sibling products and hosted offerings ("We've launched ...", "Sign up to try
it"), point readers elsewhere ("Check out our lighter client"), pad lists ("And many more") and
list what is only planned. Headings alone do not give these away, so the checks here read the
text itself. Each check is a handful of phrases a capability statement would not use; none looks
at a tool's name, so every rule holds for any description.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractors.heuristic.phrases import Phrases
from extractors.heuristic.sentences import split_sentences

# Phrases that only an advert or an announcement uses, wherever they stand in its text.
_PROMOTION_PATTERN = re.compile(
    r"\b(?:"
    r"we(?:'ve|’ve| have| are|'re|’re)? (?:just )?(?:launched|launching|released|announced|announcing|"
    r"introduced|introducing|shipped)\b|"
    r"(?:is|are) now (?:available|live|generally available|in (?:public )?beta)\b|"
    r"sign(?:ing)?[- ]up (?:for (?:free|our|\w+ cloud)|to (?:try|get|use)|today|now|here|free)\b|"
    r"free trial\b|start (?:your|a) (?:free )?trial\b|"
    r"try it (?:for )?(?:free|yourself|today|now|out)\b|book a demo\b|(?:request|get|schedule) a demo\b|"
    r"contact (?:our )?sales\b|newsletter\b|follow us\b|join (?:us|our|the) (?:\w+ )?"
    r"(?:community|slack|discord|forum|newsletter|mailing list)\b|"
    r"check out our\b|(?:sister|sibling|companion) (?:project|product|package|library|tool)s?\b|"
    r"lighter[- ]weight (?:option|version|package|client|alternative)\b|"
    r"(?:setup|set-up|installation|getting[- ]started|onboarding) (?:guides?|instructions|index)\b"
    r")",
    re.IGNORECASE,
)
# Phrases that send the reader elsewhere; harmless late in a section, telling when they open it.
_POINTER_PATTERN = re.compile(
    r"\b(?:check out|learn more|read more|find out more|see also|take a look at|have a look at|"
    r"head over to|visit our|more (?:info|information|details) (?:at|on|in))\b",
    re.IGNORECASE,
)
# Announcement openings: "New: ...", "Announcing ...", "Introducing ...", "Coming soon".
_ANNOUNCEMENT_OPENING = re.compile(
    r"^\W*(?:new|news|update|announcement)(?:\s*[:!]|\s+[–—-]\s|\W+v?\d+\.\d)|"
    r"^\W*(?:announcing|introducing|coming soon)\b|"
    # A release note: "v0.9 adds ...", "3.2 brings ...".
    r"^\W*v?\d+\.\d+(?:\.\d+)?\s+(?:adds|brings|introduces|ships|is out|is here|is released|now)\b",
    re.IGNORECASE,
)
# "And more", "...and many others", "etc.": list entries that only say the list goes on.
_QUANTITY = r"(?:many|much|lots|tons|loads|plenty|a lot|a few|several|various|countless)(?:,? (?:many|much))?"
_FILLER = re.compile(
    r"^(?:\.{3}|…)?\s*(?:"
    rf"(?:and|&|plus|or)\s+(?:so\s+)?(?:{_QUANTITY}\s+)?(?:more|others?|other\b|so on|so forth|the rest)|"
    rf"{_QUANTITY}\s+(?:more|others)|"
    r"(?:more|others|etc|so on)\W*$"
    r")(?! than\b)",
    re.IGNORECASE,
)
_FILLER_MAX_WORDS = 6
# What a tool only plans to do, leaves to others or has deprecated is not one of its capabilities.
_PLANNED_PATTERN = re.compile(
    r"\b(?:planned|coming soon|on (?:the|our) roadmap|not yet (?:implemented|supported|available|done)|"
    r"work in progress|in the works|will (?:soon )?be (?:added|supported|implemented|available)|"
    r"(?:provided|supported) by third[- ]party|third[- ]party tools?|deprecated|no longer supported)\b",
    re.IGNORECASE,
)
OPENING_PARAGRAPHS = 3
"""How many of a section's first paragraphs ``is_aside`` needs to judge it."""

_PROMOTION = Phrases(
    _PROMOTION_PATTERN,
    (
        *("launch", "releas", "announc", "introduc", "shipped", "now ", "sign", "trial", "try it", "demo"),
        *("sales", "newsletter", "follow us", "join ", "check out", "sister", "sibling", "companion"),
        *("lighter", "guide", "instructions", "index"),
    ),
)
_POINTER = Phrases(
    _POINTER_PATTERN,
    (
        *("check out", "learn more", "read more", "find out more", "see also", "take a look"),
        *("have a look", "head over", "visit our", "more info", "more details"),
    ),
)
_PLANNED = Phrases(
    _PLANNED_PATTERN,
    (
        *("plann", "soon", "roadmap", "not yet", "progress", "in the works", "will ", "third"),
        *("deprecat", "no longer"),
    ),
)


def is_promotion(text: str) -> bool:
    """Whether ``text`` advertises or announces something ("We've launched", "Sign up", a sister
    project, a setup guide) rather than stating what the tool does."""
    return _PROMOTION.search(text) or _ANNOUNCEMENT_OPENING.match(text) is not None


def is_pointer(sentence: str) -> bool:
    """Whether a sentence sends the reader elsewhere ("Check out ...", "Learn more") or announces."""
    return _POINTER.search(sentence) or is_promotion(sentence)


def is_list_filler(text: str) -> bool:
    """Whether a list entry only says the list goes on ("And others as discovered", "...and more")."""
    # The anchored pattern rules out almost every entry at its first word; words are counted after.
    text = text.strip()
    return _FILLER.match(text) is not None and len(text.split()) <= _FILLER_MAX_WORDS


def announces_plans(text: str) -> bool:
    """Whether a text speaks of what is planned, deprecated or provided by others, not of what the
    tool does now."""
    return _PLANNED.search(text)


def is_aside(paragraphs: Sequence[str], *, declares_features: bool = False) -> bool:
    """Whether a section that opens with ``paragraphs`` is an aside: an advert, an announcement
    or a pointer to another product, judged by promotional phrases in its first few paragraphs
    and, unless its heading ``declares_features``, by a first sentence that points elsewhere (a
    feature list may well open with "Check out the highlights:")."""
    if not paragraphs:
        return False
    if not declares_features:
        sentences = split_sentences(paragraphs[0])
        if sentences and is_pointer(sentences[0]):
            return True
    return any(is_promotion(paragraph) for paragraph in paragraphs[:OPENING_PARAGRAPHS])
