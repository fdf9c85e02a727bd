"""Text from descriptions can never change the structure of the Markdown page."""

from __future__ import annotations

import re

import pytest

from render import render_markdown
from render.markdown_page import escape_inline, escape_line
from tests.render.factories import etl_library, vector_database
from tests.render.hostile import (
    HOSTILE_NAME,
    HOSTILE_QUOTE,
    HOSTILE_TITLE,
    IMAGE,
    SCRIPT,
    hostile_tool,
)
from tests.render.page_reading import (
    markdown_parser,
    markdown_to_tree,
    raw_table_lines,
    section_texts,
    squash,
    table_rows,
)


@pytest.fixture
def page() -> str:
    return render_markdown(hostile_tool(), etl_library())


def test_only_the_pages_own_headings_exist(page):
    tokens = markdown_parser().parse(page)
    headings = [
        (token.tag, tokens[index + 1].content)
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]
    assert [tag for tag, _ in headings] == ["h1", "h2", "h3", "h2", "h3", "h3", "h2"]
    assert all(line.startswith(("# ", "## ", "### ")) for line in page.splitlines() if line.startswith("#"))


def test_no_list_quote_code_rule_html_or_image_is_created_from_description_text(page):
    tokens = markdown_parser().parse(page)
    types = {token.type for token in tokens}
    assert not types & {"ordered_list_open", "blockquote_open", "fence", "code_block", "hr", "html_block"}
    inline_types = {child.type for token in tokens if token.children for child in token.children}
    assert not inline_types & {"html_inline", "image", "em_open", "code_inline"}
    # The only link on the page would be an http(s) homepage, and this tool's is a script URL.
    assert "link_open" not in inline_types


def test_bullet_lists_are_only_the_evidence_lists(page):
    tokens = markdown_parser().parse(page)
    items = [
        tokens[index + 2].content for index, token in enumerate(tokens) if token.type == "list_item_open"
    ]
    # One quote for the hostile capability, then Pipewright's two records' quotes.
    assert len(items) == 3


def test_table_keeps_three_cells_in_every_row_despite_pipes(page):
    lines = raw_table_lines(page)
    assert len(lines) == 12
    assert all(len(cells) == 3 for cells in lines)
    rows = table_rows(markdown_to_tree(page))
    assert len(rows) == 10
    header = next(markdown_to_tree(page).iter("tr"))
    assert squash(header.text_content()) == f"Feature {HOSTILE_NAME} Pipewright"


def test_hostile_text_survives_as_readable_text(page):
    tree = markdown_to_tree(page)
    assert next(tree.iter("h1")).text_content() == f"{HOSTILE_NAME} vs Pipewright"
    texts = section_texts(tree, f"{HOSTILE_NAME} Capabilities")
    assert texts[0] == "Homepage: javascript:alert(3)"
    assert texts[1] == HOSTILE_TITLE
    description = texts[3]
    assert description.startswith("1. not a list --- > not a quote | a | b | ``` not code ```")
    assert IMAGE in description
    assert description.endswith("*not emphasis* &amp; entity")
    assert f"Unique: Unique text with {IMAGE}" in texts
    assert "vs alternatives: ## also not a heading - nor a list" in texts
    assert f"“{squash(HOSTILE_QUOTE)}”" in texts


def test_raw_markdown_has_no_unescaped_html(page):
    assert SCRIPT not in page
    assert re.findall(r"(?<!\\)<", page) == []
    assert "\\<script\\>" in page
    assert "\\<img src=x" in page


def test_http_homepage_becomes_an_autolink_with_unsafe_characters_encoded():
    page = render_markdown(hostile_tool(homepage="https://evil.example/a|b?q={x}^"), vector_database())

    assert "Homepage: <https://evil.example/a%7Cb?q=%7Bx%7D%5E>" in page
    links = [link.get("href") for link in markdown_to_tree(page).iter("a")]
    assert links == ["https://evil.example/a%7Cb?q=%7Bx%7D%5E", "https://quillvec.example/docs"]


@pytest.mark.parametrize(
    "homepage", ["https://evil.example/a>b", "http://evil.example/a b", "HTTPS://", "ftp://files.example/x"]
)
def test_homepage_that_is_not_a_plain_web_address_stays_text(homepage):
    page = render_markdown(hostile_tool(homepage=homepage), etl_library())

    assert [link.get("href") for link in markdown_to_tree(page).iter("a")] == []
    texts = section_texts(markdown_to_tree(page), f"{HOSTILE_NAME} Capabilities")
    assert texts[0] == f"Homepage: {homepage}"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("---", "\\---"),
        ("12. twelve", "12\\. twelve"),
        ("3) three", "3\\) three"),
        ("+3 more capabilities", "+3 more capabilities"),
        ("2.5 times faster", "2.5 times faster"),
        ("# title", "\\# title"),
        ("> quoted", "\\> quoted"),
    ],
)
def test_escape_line_defuses_only_real_block_starts(text, escaped):
    assert escape_line(text) == escaped


def test_escape_inline_folds_lines_and_escapes_every_special_character():
    assert escape_inline("a|b\n\n*c* _d_ `e` [f](g) <h> &i; ~j~ \\k #l") == (
        "a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) \\<h\\> \\&i; \\~j\\~ \\\\k \\#l"
    )
