"""A site whose every described value tries to become markup, script or a link.

Each payload, if it ever ran, would set a ``data-pwned`` attribute on the page's root element, which
the browser test looks for.
"""

from __future__ import annotations

from render.matches import PairMatch, SharedPair
from render.site import SiteAlternative, SiteTool
from schemas import Tool, ToolProfile
from tests.render.factories import capability, etl_library

PWN = "document.documentElement.dataset.pwned='1'"
SCRIPT = f"<script>{PWN}</script>"
IMAGE = f'<img src=x onerror="{PWN}">'
CLICK = f'<a href="#" onclick="{PWN}">click</a>'
SCRIPT_URL = f"javascript:{PWN}"
CLOSE_SCRIPT = f"</script><script>{PWN}</script>"
LINE_SEPARATORS = "\u2028\u2029"

HTTP_HOMEPAGE = "https://evil.example/docs?a=1&b=2"
HOSTILE_NAME = f"Evil {SCRIPT} Tool"
HOSTILE_TITLES = (
    f"Title closing the index {CLOSE_SCRIPT}",
    f"Title with an image {IMAGE}",
    f"Title with separators {LINE_SEPARATORS}and a link [x]({SCRIPT_URL})",
)
HOSTILE_DESCRIPTION = f"Description {CLICK} and {IMAGE} and {SCRIPT} \" ' ` & done"
HOSTILE_QUOTE = f"quote {CLOSE_SCRIPT} {IMAGE}"

EVERY_PAYLOAD = (SCRIPT, IMAGE, CLICK, SCRIPT_URL, CLOSE_SCRIPT)


def hostile_profile() -> ToolProfile:
    return ToolProfile(
        tool=Tool(
            id=f"file:evil/{SCRIPT}.md",
            name=HOSTILE_NAME,
            kind="Repository",
            homepage=SCRIPT_URL,
            license=IMAGE,
            version=CLOSE_SCRIPT,
        ),
        capabilities=[
            capability(
                title,
                description=HOSTILE_DESCRIPTION,
                unique=f"unique {IMAGE}",
                vs_alternatives=f"vs {CLICK}",
                quotes=(HOSTILE_QUOTE, SCRIPT_URL),
                grounded=number != 1,
            )
            for number, title in enumerate(HOSTILE_TITLES)
        ],
        document_origin=f"https://evil.example/{SCRIPT}",
    )


def second_hostile_profile() -> ToolProfile:
    """Another hostile tool, with an http homepage (the one link input may create) and an & in it."""
    profile = hostile_profile()
    tool = profile.tool.model_copy(
        update={
            "id": "file:evil-two.md",
            "name": f"Second {IMAGE}",
            "homepage": HTTP_HOMEPAGE,
        }
    )
    return profile.model_copy(update={"tool": tool})


def hostile_site() -> list[SiteTool]:
    evil, evil_two, etl = hostile_profile(), second_hostile_profile(), etl_library()
    match = PairMatch(
        similarity=0.5,
        shared=(
            SharedPair(
                left_ordinal=0,
                left_title=HOSTILE_TITLES[0],
                right_ordinal=1,
                right_title="Schema drift alerts",
                similarity=0.5,
            ),
        ),
        only_left=HOSTILE_TITLES[1:],
        only_right=("Incremental loads",),
    )
    twin = PairMatch(
        similarity=0.99,
        shared=tuple(
            SharedPair(left_ordinal=n, left_title=title, right_ordinal=n, right_title=title, similarity=0.99)
            for n, title in enumerate(HOSTILE_TITLES)
        ),
    )
    return [
        SiteTool(
            profile=evil,
            alternatives=(
                SiteAlternative(tool_id=etl.tool.id, name=etl.tool.name, rank=1, similarity=0.5, match=match),
                SiteAlternative(
                    tool_id=evil_two.tool.id, name=evil_two.tool.name, rank=2, similarity=0.99, match=twin
                ),
                SiteAlternative(
                    tool_id="file:absent.md",
                    name=f"Absent {SCRIPT}",
                    rank=3,
                    similarity=0.1,
                    match=PairMatch(similarity=None),
                ),
            ),
        ),
        SiteTool(profile=evil_two),
        SiteTool(profile=etl),
    ]
