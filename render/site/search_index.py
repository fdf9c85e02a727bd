"""The client-side search data: one script that sets ``window.capgraphSearchIndex`` to a JSON array.

It is loaded with a plain script tag (so search works from ``file://``), which means the JSON is parsed
as JavaScript inside an HTML page: every character that could end the script element or a JS string
early (``<``, ``>``, ``&``, U+2028, U+2029) is written as a ``\\uXXXX`` escape.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TypedDict

from render.formatting import one_line
from render.site.models import SiteTool
from render.site.paths import tool_page_path

GLOBAL_NAME = "capgraphSearchIndex"

_UNSAFE_IN_SCRIPT = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


class SearchEntry(TypedDict):
    """One tool in the index; ``page`` is site-relative, ``capabilities`` are titles in record order."""

    name: str
    kind: str
    page: str
    capabilities: list[str]


def search_entry(tool: SiteTool) -> SearchEntry:
    profile = tool.profile
    return SearchEntry(
        name=one_line(profile.tool.name),
        kind=profile.tool.kind,
        page=tool_page_path(profile.tool.id),
        capabilities=[one_line(capability.title) for capability in profile.capabilities],
    )


def script_safe_json(value: object) -> str:
    """``value`` as JSON that is also inert inside a ``<script>`` element and valid JavaScript."""
    # The escaped characters only ever occur inside JSON strings, where \\uXXXX means the same thing.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_UNSAFE_IN_SCRIPT)


def search_index_script(tools: Iterable[SiteTool]) -> str:
    """The text of ``search-index.js`` for ``tools``."""
    entries = [search_entry(tool) for tool in tools]
    return f"window.{GLOBAL_NAME} = {script_safe_json(entries)};\n"
