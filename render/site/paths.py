"""Where each page of the static site lives: file-system-safe slugs from tool ids, and relative links.

A slug is the tool id itself, written with a safe alphabet, whenever that is possible without losing
information (``pypi:quillvec`` -> ``pypi_quillvec``); any other id (capitals, other punctuation, very
long) gets a readable stem (its scheme and its last words) plus a hash of the exact id. The two forms
cannot meet: only the first contains "_". No slug has a "vs" word, so ``<slug>-vs-<slug>`` names one
pair only.
"""

from __future__ import annotations

import hashlib
import posixpath
import re

INDEX_PAGE = "index.html"
STYLESHEET = "assets/site.css"
SEARCH_SCRIPT = "assets/search.js"
SEARCH_INDEX_SCRIPT = "assets/search-index.js"

MAX_READABLE_CHARS = 60
HASH_CHARS = 10

# Ids this spells out as they are: scheme, then words of [a-z0-9] joined by "-", "." or "/".
_LOSSLESS_ID = re.compile(r"([a-z][a-z0-9-]*):([a-z0-9-]+(?:[./][a-z0-9-]+)*)")
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_PAIR_WORD = "vs"


def tool_slug(tool_id: str) -> str:
    """The file name stem of ``tool_id``'s page: lower case, ``[a-z0-9._-]`` only, never ``..`` or ``/``."""
    lossless = _LOSSLESS_ID.fullmatch(tool_id)
    if lossless is not None:
        scheme, rest = lossless.groups()
        # "/" becomes "__": the rest has no "_" of its own, so the first "_" is always the scheme's.
        slug = f"{scheme}_{rest.replace('/', '__')}"
        if len(slug) <= MAX_READABLE_CHARS and _PAIR_WORD not in slug.split("-"):
            return slug
    return _hashed_slug(tool_id)


def _hashed_slug(tool_id: str) -> str:
    words = [word[:MAX_READABLE_CHARS] for word in _WORD_SPLIT.split(tool_id.casefold()) if word]
    words = [word for word in words if word != _PAIR_WORD]
    # The scheme, then as many of the LAST words as fit: for paths and URLs the end names the tool
    # ("file-…-nightjar-md"), while the start is a folder every tool shares.
    kept: list[str] = []
    for word in reversed(words[1:]):
        if len("-".join([words[0], word, *kept])) > MAX_READABLE_CHARS:
            break
        kept.insert(0, word)
    stem = "-".join(words[:1] + kept) or "tool"
    digest = hashlib.sha256(tool_id.encode("utf-8")).hexdigest()[:HASH_CHARS]
    return f"{stem}-{digest}"


def tool_page_path(tool_id: str) -> str:
    """The site-relative path of a tool's page, e.g. ``tools/pypi_quillvec.html``."""
    return f"tools/{tool_slug(tool_id)}.html"


def pair_page_path(left_id: str, right_id: str) -> str:
    """The site-relative path of the comparison of two tools; the same for either order."""
    first, second = sorted((tool_slug(left_id), tool_slug(right_id)))
    return f"compare/{first}-vs-{second}.html"


def relative_link(from_page: str, to_path: str) -> str:
    """``to_path`` as a link written on ``from_page`` (both site-relative), e.g. ``../index.html``."""
    fragment = ""
    if "#" in to_path:
        to_path, anchor = to_path.split("#", 1)
        fragment = f"#{anchor}"
    return posixpath.relpath(to_path, posixpath.dirname(from_page) or ".") + fragment
