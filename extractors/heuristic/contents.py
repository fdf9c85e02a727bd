"""Tables of contents: a list whose entries repeat the document's own headings is navigation.

Plain-text manuals and long READMEs open with one ("1. Installing  2. Running it ..."); its entries
read like feature names, so they are taken out of record building before anything else looks at them.
"""

from __future__ import annotations

import dataclasses
import re

from extractors.heuristic.blocks import Block

_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]?|[ivxlc]+[.)])\s+", re.IGNORECASE)
_SHARE_OF_ENTRIES = 0.8
"""How many of a list's entries must repeat a heading for it to be a table of contents."""
_MIN_ENTRIES = 3


def _key(text: str) -> str:
    return _NUMBERING.sub("", text).strip().rstrip(":").casefold()


def without_contents_lists(blocks: list[Block]) -> list[Block]:
    """``blocks`` with the items of every table of contents unplaced (``region`` None keeps a block
    out of records), so every index into the list still points where it did."""
    headings = {_key(block.text) for block in blocks if block.kind == "heading"}
    groups: dict[int, list[Block]] = {}
    for block in blocks:
        if block.kind == "item" and block.region is not None:
            groups.setdefault(block.group, []).append(block)
    contents = {
        group
        for group, items in groups.items()
        if len(items) >= _MIN_ENTRIES
        and sum(1 for item in items if _key(item.text) in headings) >= _SHARE_OF_ENTRIES * len(items)
    }
    if not contents:
        return blocks
    return [
        dataclasses.replace(block, region=None) if block.kind == "item" and block.group in contents else block
        for block in blocks
    ]
