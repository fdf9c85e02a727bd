"""Small text helpers shared by the page builder: whitespace folding, quote shortening, safe links."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_WHITESPACE = re.compile(r"\s+")
# Only plain web addresses may become links: no whitespace or quote characters that could end an
# attribute, and nothing a browser would strip and then read as another scheme.
_WEB_URL = re.compile(r"https?://[^\s\"'<>`\\\x00-\x1f\x7f]+", re.IGNORECASE)


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) folded to one space."""
    return _WHITESPACE.sub(" ", text).strip()


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters, marked with "…"."""
    flat = one_line(text)
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    boundary = cut.rfind(" ")
    # A single very long word is cut mid-word rather than dropped.
    if boundary > limit // 2:
        cut = cut[:boundary]
    return cut.rstrip(" ,;:.") + "…"


def web_link_target(url: str) -> str | None:
    """``url`` when it is an http(s) address with a host, else None (it is then shown as text only)."""
    candidate = url.strip()
    if not _WEB_URL.fullmatch(candidate):
        return None
    try:
        host = urlsplit(candidate).hostname
    except ValueError:
        return None
    return candidate if host else None
