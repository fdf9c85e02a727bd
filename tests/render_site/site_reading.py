"""Reads a written site back: every HTML page parsed, and every link and asset reference it makes."""

from __future__ import annotations

import posixpath
from pathlib import Path

import lxml.html

LINKING_ATTRIBUTES = ("href", "src")


def html_pages(site: Path) -> dict[str, lxml.html.HtmlElement]:
    """Every ``.html`` file under ``site`` parsed, keyed by its site-relative posix path."""
    return {
        path.relative_to(site).as_posix(): lxml.html.document_fromstring(path.read_text(encoding="utf-8"))
        for path in sorted(site.rglob("*.html"))
    }


def references(tree: lxml.html.HtmlElement) -> list[str]:
    """Every href and src on the page, in document order."""
    return [
        element.get(name)
        for element in tree.iter()
        if isinstance(element.tag, str)
        for name in LINKING_ATTRIBUTES
        if element.get(name) is not None
    ]


def is_external(reference: str) -> bool:
    return reference.startswith(("http://", "https://"))


def resolve(page: str, reference: str) -> str:
    """The site-relative path a relative ``reference`` on ``page`` points at (fragment dropped)."""
    target = reference.split("#", 1)[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), target))


def by_testid(tree: lxml.html.HtmlElement, value: str) -> list[lxml.html.HtmlElement]:
    return [
        element
        for element in tree.iter()
        if isinstance(element.tag, str) and element.get("data-testid") == value
    ]


def squash(text: str) -> str:
    return " ".join(text.split())
