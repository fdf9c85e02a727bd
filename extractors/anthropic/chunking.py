"""Splitting a long description into parts that each fit one request, on section boundaries.

Boundaries, best first: Markdown headings, reStructuredText underlined (or over- and underlined)
titles, blank lines between paragraphs, and only as a last resort whitespace inside a paragraph.
The parts are exact slices of the text and together cover all of it, so quotes taken from a part
are found in the whole document.
"""

from __future__ import annotations

import re

_MARKDOWN_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_RST_ADORNMENT = re.compile(r"^([=\-~`#\"^+*:.'_])\1{2,}\s*$")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(match.end() for match in re.finditer(r"\n", text) if match.end() < len(text))
    return starts


def section_starts(text: str) -> list[int]:
    """Offsets where a section begins (always including 0), in order."""
    starts = _line_starts(text)
    lines = [
        text[start : (starts[i + 1] if i + 1 < len(starts) else len(text))] for i, start in enumerate(starts)
    ]
    found = {0}
    in_fence = False
    for index, line in enumerate(lines):
        bare = line.rstrip("\r\n")
        if _FENCE.match(bare):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if _MARKDOWN_HEADING.match(bare):
            found.add(starts[index])
            continue
        title = bare.strip()
        if not title or _RST_ADORNMENT.match(bare) or index + 1 >= len(lines):
            continue
        underline = lines[index + 1].rstrip("\r\n")
        if _RST_ADORNMENT.match(underline) and len(underline.rstrip()) >= len(title):
            overline = lines[index - 1].rstrip("\r\n") if index > 0 else ""
            # An overlined title starts at its overline, so the adornment stays with its title.
            has_overline = bool(overline) and _RST_ADORNMENT.match(overline) and overline[0] == underline[0]
            found.add(starts[index - 1] if has_overline else starts[index])
    return sorted(found)


def _spans(starts: list[int], begin: int, end: int) -> list[tuple[int, int]]:
    inside = sorted({begin, *(start for start in starts if begin < start < end)})
    return [(start, inside[i + 1] if i + 1 < len(inside) else end) for i, start in enumerate(inside)]


def _paragraph_starts(text: str, begin: int, end: int) -> list[int]:
    return [match.end() for match in _BLANK_LINE.finditer(text, begin, end)]


def _hard_split(text: str, begin: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut an oversized paragraph at the last whitespace before each limit (mid-word only if none)."""
    pieces = []
    start = begin
    while end - start > max_chars:
        limit = start + max_chars
        cut = max(text.rfind(" ", start + 1, limit), text.rfind("\n", start + 1, limit))
        cut = cut + 1 if cut > start else limit
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def split_text(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Spans of ``text``, each at most ``max_chars`` long, cut at the best boundaries available."""
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    if len(text) <= max_chars:
        return [(0, len(text))]
    pieces: list[tuple[int, int]] = []
    for begin, end in _spans(section_starts(text), 0, len(text)):
        if end - begin <= max_chars:
            pieces.append((begin, end))
            continue
        for para_begin, para_end in _spans(_paragraph_starts(text, begin, end), begin, end):
            if para_end - para_begin <= max_chars:
                pieces.append((para_begin, para_end))
            else:
                pieces.extend(_hard_split(text, para_begin, para_end, max_chars))
    return _pack(pieces, max_chars)


def _pack(pieces: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Join neighbouring pieces while the result still fits, so there are as few requests as possible."""
    packed: list[tuple[int, int]] = []
    for begin, end in pieces:
        if packed and end - packed[-1][0] <= max_chars:
            packed[-1] = (packed[-1][0], end)
        else:
            packed.append((begin, end))
    return packed


def split_into_parts(text: str, max_chars: int) -> list[str]:
    return [text[begin:end] for begin, end in split_text(text, max_chars)]
