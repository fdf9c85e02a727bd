"""Choosing the reader for a document: by its media type, and by its looks when it says "plain".

Descriptions labelled ``text/plain`` are often reStructuredText (PyPI's default for descriptions
without a content type) or Markdown. Counting unmistakable marks of either (directives and
```link <url>`_`` references; ATX headings, ``[text](url)`` links and code fences) sends those to
the reader that understands them; anything else is read as plain text.
"""

from __future__ import annotations

import re
from typing import Literal

Format = Literal["markdown", "rst", "plain"]

MARKDOWN_TYPES = frozenset({"text/markdown", "text/x-markdown", "text/md"})
RST_TYPES = frozenset({"text/x-rst", "text/rst", "text/prs.fallenstein.rst", "text/restructuredtext"})

_SNIFF_CHARS = 50_000
_MIN_MARKS = 2
_RST_MARKS = re.compile(
    r"^\.\. [\w|:-]+[^\n]*::|^\.\. _[^:\n]+:|`[^`\n]+ <[^>\n]+>`_|``[^`\n]+``", re.MULTILINE
)
_MARKDOWN_MARKS = re.compile(r"^#{1,6} \S|\[[^\]\n]+\]\([^)\s]+\)|^```", re.MULTILINE)


def format_of(media_type: str, text: str) -> Format:
    """The reader a document needs."""
    if media_type in MARKDOWN_TYPES:
        return "markdown"
    if media_type in RST_TYPES:
        return "rst"
    sample = text[:_SNIFF_CHARS]
    rst_marks = len(_RST_MARKS.findall(sample))
    markdown_marks = len(_MARKDOWN_MARKS.findall(sample))
    if rst_marks >= _MIN_MARKS and rst_marks > markdown_marks:
        return "rst"
    if markdown_marks >= _MIN_MARKS and markdown_marks > rst_marks:
        return "markdown"
    return "plain"
