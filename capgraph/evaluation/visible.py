"""The visible text of a passage: what a reader sees once Markdown, reST and HTML markup are gone.

Gold quotes are written as a reader sees them, and extractors may quote either the raw source or its
visible text, so both sides are compared in this one projection: markup dropped, whitespace collapsed,
case folded. ``locate`` finds a passage's span in a document's projection.
"""

from __future__ import annotations

import re

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<!--.*?-->", re.DOTALL), " "),
    (re.compile(r"\\([!-/:-@\[-`{-~])"), r"\1"),  # Markdown escapes (country\_code)
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # Markdown image: its alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # Markdown link: its text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference-style link
    (re.compile(r"`([^`<]+?)\s*<[^>]+>`_{1,2}"), r"\1"),  # reST link
    # HTML tags, on one line: "10K<n<100K" in a card's front matter is text, not the start of a tag.
    (re.compile(r"</?[A-Za-z][^<>\n]*>"), " "),
    (re.compile(r":[a-z]+:`([^`]+)`"), r"\1"),  # reST roles
    (re.compile(r"[*_`]+"), ""),  # emphasis and code markers
    (re.compile(r"^\s{0,3}(?:#{1,6}|>|[-+]|\d+[.)])\s+", re.MULTILINE), " "),  # block markers
    (re.compile(r"&nbsp;|&#160;"), " "),
    (re.compile(r"\s+"), " "),
)


def visible(text: str) -> str:
    """``text`` without markup, whitespace collapsed, lower-cased."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text.strip().casefold()


def locate(passage: str, document_visible: str) -> tuple[int, int] | None:
    """Where ``passage`` sits in an already projected document, or None when it is not there."""
    needle = visible(passage)
    if not needle:
        return None
    start = document_visible.find(needle)
    return None if start < 0 else (start, start + len(needle))
