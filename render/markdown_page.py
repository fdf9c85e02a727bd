"""Lays a ``Comparison`` out as CommonMark with a GFM pipe table.

Every piece of text that came from a tool's description is escaped, so it reads as plain text and
can never open a heading, list, link, HTML tag or extra table cell.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from render.build import DEFAULT_MAX_CAPABILITIES, build_comparison
from render.formatting import one_line
from render.matches import PairMatch
from render.page import UNVERIFIED_MARK, CapabilityView, Comparison, Homepage, OverlapView, ToolSection
from render.scores import ScoreBoard
from schemas import ToolProfile

# Characters with inline meaning anywhere on a line: emphasis, code, links, raw HTML, entities,
# strikethrough, table cell borders, and the escape character itself.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~#])")
# What would start a block when it begins a line: a bullet ("- ", "+ "), a thematic break ("---"),
# an ordered-list number ("1. ", "2)"). Headings, quotes and fences are covered by the inline escapes.
_BLOCK_START = re.compile(r"^(?:[-+](?=\s|$|-)|(\d{1,9})[.)](?=\s|$))")
# Everything a URL may keep inside an autolink; the rest (spaces, <, >, quotes ...) is %-encoded.
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]~_"


def render_markdown(
    left: ToolProfile,
    right: ToolProfile,
    *,
    max_capabilities: int = DEFAULT_MAX_CAPABILITIES,
    scores: ScoreBoard | None = None,
    match: PairMatch | None = None,
) -> str:
    """The "left vs right" comparison page as Markdown."""
    return comparison_to_markdown(build_comparison(left, right, max_capabilities, scores=scores, match=match))


def escape_inline(text: str) -> str:
    """``text`` folded onto one line, with every Markdown-significant character backslash-escaped."""
    return _INLINE_SPECIAL.sub(r"\\\1", one_line(text))


def escape_line(text: str) -> str:
    """``escape_inline`` for text that starts a line, so it cannot begin a list or a break either."""
    escaped = escape_inline(text)
    match = _BLOCK_START.match(escaped)
    if match is None:
        return escaped
    digits = match.group(1)
    if digits:
        # Escaping the "." or ")" after the number defuses the list and keeps the text intact.
        return f"{digits}\\{escaped[len(digits) :]}"
    return "\\" + escaped


def comparison_to_markdown(page: Comparison) -> str:
    """The Markdown layout of an already built ``Comparison``."""
    blocks: list[str] = [
        f"# {escape_inline(page.title)}",
        escape_line(page.subtitle),
        _table(page),
    ]
    for section in page.sections:
        blocks.extend(_section(section))
    if page.overlap is not None:
        blocks.extend(_overlap(page.overlap))
    blocks.append("## Verdict")
    blocks.append(escape_line(page.verdict_text))
    return "\n\n".join(blocks) + "\n"


def _table(page: Comparison) -> str:
    lines = [
        f"| Feature | {escape_inline(page.left_name)} | {escape_inline(page.right_name)} |",
        "|---|---|---|",
    ]
    lines.extend(
        f"| {escape_inline(row.label)} | {escape_inline(row.left)} | {escape_inline(row.right)} |"
        for row in page.rows
    )
    return "\n".join(lines)


def _homepage(homepage: Homepage) -> str:
    if homepage.href is None:
        return f"Homepage: {escape_inline(homepage.text)}"
    return f"Homepage: <{quote(homepage.href, safe=_URL_SAFE)}>"


def _section(section: ToolSection) -> list[str]:
    blocks = [f"## {escape_inline(section.heading)}"]
    if section.homepage is not None:
        blocks.append(_homepage(section.homepage))
    if section.empty_note:
        blocks.append(escape_line(section.empty_note))
    for capability in section.capabilities:
        blocks.extend(_capability(capability))
    if section.more_note:
        blocks.append(escape_line(section.more_note))
    return blocks


def _overlap(overlap: OverlapView) -> list[str]:
    blocks = [f"## {escape_inline(overlap.heading)}", escape_line(overlap.similarity_line)]
    for group in overlap.groups:
        blocks.append(f"**{escape_inline(group.intro)}**")
        if group.items:
            blocks.append("\n".join(f"- {escape_line(item)}" for item in group.items))
        else:
            blocks.append(escape_line(group.empty_note))
    return blocks


def _capability(capability: CapabilityView) -> list[str]:
    blocks = [f"### {escape_inline(capability.title)}"]
    if not capability.grounded:
        blocks.append(f"**{escape_inline(UNVERIFIED_MARK)}**")
    blocks.extend(
        [
            escape_line(capability.description),
            f"**Unique:** {escape_inline(capability.unique)}",
            f"**vs alternatives:** {escape_inline(capability.vs_alternatives)}",
            "**Evidence:**",
        ]
    )
    items = [f"- “{escape_inline(quote_text)}”" for quote_text in capability.quotes]
    if capability.more_quotes_note:
        items.append(f"- {escape_line(capability.more_quotes_note)}")
    blocks.append("\n".join(items))
    return blocks
