"""Lays a ``Comparison`` out as a standalone HTML5 page (inline stylesheet, no scripts, no external assets).

Jinja2 autoescaping turns every value into inert text; only http(s) homepages become links.
"""

from __future__ import annotations

from functools import cache

import jinja2

from render.build import DEFAULT_MAX_CAPABILITIES, build_comparison
from render.matches import PairMatch
from render.page import UNVERIFIED_MARK, Comparison
from render.scores import ScoreBoard
from schemas import ToolProfile

TEMPLATE_NAME = "comparison.html.j2"


def render_html(
    left: ToolProfile,
    right: ToolProfile,
    *,
    max_capabilities: int = DEFAULT_MAX_CAPABILITIES,
    scores: ScoreBoard | None = None,
    match: PairMatch | None = None,
) -> str:
    """The "left vs right" comparison page as an HTML document."""
    return comparison_to_html(build_comparison(left, right, max_capabilities, scores=scores, match=match))


def comparison_to_html(page: Comparison) -> str:
    """The HTML layout of an already built ``Comparison``."""
    template = template_environment().get_template(TEMPLATE_NAME)
    return template.render(page=page, unverified_mark=UNVERIFIED_MARK)


@cache
def template_environment() -> jinja2.Environment:
    # Built on first use and reused: loading and compiling the template is the costly part.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
