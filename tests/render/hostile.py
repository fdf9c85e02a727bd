"""A tool whose every field tries to break out of the page: Markdown structure, HTML, script URLs."""

from __future__ import annotations

from schemas import Tool, ToolProfile
from tests.render.factories import capability

SCRIPT = "<script>alert(1)</script>"
IMAGE = '<img src=x onerror="alert(2)">'
SCRIPT_URL = "javascript:alert(3)"

HOSTILE_NAME = f"Evil | Tool {SCRIPT}"
HOSTILE_TITLE = "# Not a heading | [click](javascript:alert(4))"
HOSTILE_DESCRIPTION = (
    f"1. not a list\n---\n> not a quote\n| a | b |\n```\nnot code\n``` {IMAGE} *not emphasis* &amp; entity"
)
HOSTILE_QUOTE = f"- not an item {SCRIPT} ![pic](http://x.example/p.png) <https://x.example>"


def hostile_tool(homepage: str = SCRIPT_URL) -> ToolProfile:
    return ToolProfile(
        tool=Tool(
            id="file:evil.md",
            name=HOSTILE_NAME,
            kind="Repository",
            pricing="unknown",
            homepage=homepage,
        ),
        capabilities=[
            capability(
                HOSTILE_TITLE,
                description=HOSTILE_DESCRIPTION,
                unique=f"Unique text with {IMAGE}",
                vs_alternatives="## also not a heading\n- nor a list",
                quotes=(HOSTILE_QUOTE,),
                grounded=False,
            )
        ],
        document_origin=f"https://evil.example/{SCRIPT}",
    )
