"""Renders each kind of site page (index, tool, comparison) and the static assets to text.

Templates share the comparison page's autoescaping Jinja environment, so everything from a
description is inert text; every link is relative and every page carries the same strict CSP.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from render.html_page import template_environment
from render.page import UNVERIFIED_MARK, Comparison
from render.site.page_data import GROUNDED_MARK, IndexRow, Link, ToolPage
from render.site.paths import INDEX_PAGE, relative_link

CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:"


def generated_label(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _root(page_path: str) -> str:
    """The prefix that leads from ``page_path`` back to the site root ("" or "../")."""
    return relative_link(page_path, INDEX_PAGE).removesuffix(INDEX_PAGE)


def _render(template: str, page_path: str, generated: str, nav: Sequence[Link] = (), **values: object) -> str:
    return (
        template_environment()
        .get_template(template)
        .render(
            csp=CONTENT_SECURITY_POLICY,
            root=_root(page_path),
            generated=generated,
            nav=nav,
            unverified_mark=UNVERIFIED_MARK,
            grounded_mark=GROUNDED_MARK,
            **values,
        )
    )


def index_html(rows: Sequence[IndexRow], generated: str) -> str:
    count = len(rows)
    noun = "tool" if count == 1 else "tools"
    summary = f"{count} {noun}, each with capabilities decomposed from its own documentation."
    return _render("site/index.html.j2", INDEX_PAGE, generated, rows=rows, summary=summary)


def tool_html(page: ToolPage, page_path: str, generated: str) -> str:
    return _render("site/tool.html.j2", page_path, generated, page=page)


def comparison_html(page: Comparison, page_path: str, generated: str, nav: Sequence[Link]) -> str:
    return _render("site/compare.html.j2", page_path, generated, nav=nav, page=page)


@cache
def _asset(name: str) -> str:
    return (resources.files("render") / "templates" / name).read_text(encoding="utf-8")


def stylesheet() -> str:
    """The comparison page's stylesheet followed by the site's additions."""
    return _asset("comparison.css") + "\n" + _asset("site/site.css")


def search_script() -> str:
    return _asset("site/search.js")
