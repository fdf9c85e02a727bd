"""Empties the parts of a reStructuredText source no record can come from, before docutils reads it.

docutils is the slowest part of extraction, and much of a description is never used: badge and
image directives, code blocks, comments, link targets, and whole noise sections (installation,
changelog, licence ...). Those lines are emptied, keeping every line break, so the line numbers
docutils reports still point into the original text, from which all quotes are taken.

Section titles are found the way reStructuredText defines them (a line starting in column 0,
underlined, or over- and underlined, with one repeated punctuation character; levels by order of
first use), and the same noise rule as everywhere else decides which sections to empty. Titles
stay, so the section tree docutils builds is unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.heuristic.sections import NoiseTracker

_EXPLICIT_MARKUP = re.compile(r"^([ \t]*)\.\.(?:[ \t]+(?P<directive>[\w:-]+)::)?(?:[ \t]|$)")
# Directives whose content can hold capability text; every other explicit markup block is dropped.
_KEPT_DIRECTIVES = frozenset({"list-table", "csv-table", "table", "container", "compound"})
_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1+[ \t]*$")
_SHORTEST_LONE_UNDERLINE = 4


@dataclass(frozen=True)
class _Title:
    first_line: int  # the overline, or the title text when there is none
    last_line: int  # the underline
    text: str
    style: tuple[str, bool]  # adornment character, overlined


def _titles(lines: list[str]) -> list[_Title]:
    titles: list[_Title] = []
    for number in range(1, len(lines)):
        underline = _ADORNMENT.match(lines[number])
        text = lines[number - 1]
        if not underline or not text.strip() or text[0].isspace() or _ADORNMENT.match(text):
            continue
        adornment = lines[number].rstrip()
        if len(adornment) < len(text.rstrip()) and len(adornment) < _SHORTEST_LONE_UNDERLINE:
            continue  # docutils reads a short rule under a longer line as text
        overline = number >= 2 and lines[number - 2].rstrip() == adornment
        first = number - 2 if overline else number - 1
        if first > 0 and lines[first - 1].strip() and not _ADORNMENT.match(lines[first - 1]):
            continue  # a title starts a block: after a blank line or another title; this ends a paragraph
        titles.append(_Title(first, number, text.strip(), (underline.group(1), overline)))
    return titles


def _blank_noise_sections(lines: list[str]) -> None:
    """Empties, in place, the body lines of every noise section (titles are kept)."""
    titles = _titles(lines)
    if not titles:
        return
    levels: dict[tuple[str, bool], int] = {}
    tracker = NoiseTracker()
    for position, title in enumerate(titles):
        level = levels.setdefault(title.style, len(levels) + 1)
        # The first title may be the document's ("Quickstart" over everything); whether it is
        # depends on what docutils makes of the text before it, so its body is always kept.
        tracker.enter_title(level, title.text, opening=position == 0)
        if tracker.in_noise:
            following = titles[position + 1].first_line if position + 1 < len(titles) else len(lines)
            for number in range(title.last_line + 1, following):
                lines[number] = ""


def _blank_explicit_markup(lines: list[str]) -> None:
    """Empties, in place, directives (but tables and containers), comments, substitution
    definitions and link targets, each with the indented lines that belong to it."""
    number = 0
    while number < len(lines):
        markup = _EXPLICIT_MARKUP.match(lines[number])
        if markup is None or markup.group("directive") in _KEPT_DIRECTIVES:
            number += 1
            continue
        indent = len(markup.group(1).expandtabs())
        lines[number] = ""
        number += 1
        while number < len(lines):
            line = lines[number]
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                break
            lines[number] = ""
            number += 1


def prune(text: str) -> str:
    """``text`` with what can never yield a record emptied, line breaks and titles kept."""
    lines = text.split("\n")
    _blank_noise_sections(lines)
    _blank_explicit_markup(lines)
    return "\n".join(lines)
