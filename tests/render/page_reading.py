"""Reads rendered pages back into plain facts, so tests check what a reader would see."""

from __future__ import annotations

import re

import lxml.html
from markdown_it import MarkdownIt

from render import render_html, render_markdown

_BLOCK_TAGS = ("h1", "h2", "h3", "p", "th", "td", "li")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def markdown_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def markdown_to_tree(markdown: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><body>{markdown_parser().render(markdown)}</body></html>")


def html_to_tree(document: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(document)


def squash(text: str) -> str:
    return " ".join(text.split())


def block_texts(tree: lxml.html.HtmlElement) -> list[str]:
    """The visible text of every heading, paragraph, table cell and list item, in reading order."""
    body = tree.find(".//body")
    return [squash(element.text_content()) for element in body.iter(*_BLOCK_TAGS)]


def table_rows(tree: lxml.html.HtmlElement) -> dict[str, tuple[str, str]]:
    """The feature table as {row label: (left value, right value)}, in row order."""
    rows: dict[str, tuple[str, str]] = {}
    for row in tree.iter("tr"):
        cells = [squash(cell.text_content()) for cell in row if cell.tag in ("th", "td")]
        assert len(cells) == 3, f"table row with {len(cells)} cells: {cells}"
        if cells[0] != "Feature":
            rows[cells[0]] = (cells[1], cells[2])
    return rows


def section_texts(tree: lxml.html.HtmlElement, heading: str) -> list[str]:
    """The block texts after the h2 ``heading`` up to the next h2."""
    texts = block_texts(tree)
    start = texts.index(heading) + 1
    headings = {squash(element.text_content()) for element in tree.iter("h2")}
    end = next((index for index in range(start, len(texts)) if texts[index] in headings), len(texts))
    return texts[start:end]


def verdict_text(tree: lxml.html.HtmlElement) -> str:
    return " ".join(section_texts(tree, "Verdict"))


def raw_table_lines(markdown: str) -> list[list[str]]:
    """The pipe-table lines of raw Markdown split into cells, honouring escaped pipes."""
    cells = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            parts = _CELL_SPLIT.split(line)
            cells.append([part.strip() for part in parts[1:-1]])
    return cells


def render_tree(page_format: str, left: object, right: object, **options: object) -> lxml.html.HtmlElement:
    """Renders with the public API in ``page_format`` ("markdown" or "html") and parses the result."""
    if page_format == "markdown":
        return markdown_to_tree(render_markdown(left, right, **options))
    return html_to_tree(render_html(left, right, **options))


PAGE_FORMATS = ("markdown", "html")
