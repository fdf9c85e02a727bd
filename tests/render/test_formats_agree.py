"""Markdown and HTML are two layouts of one page: a reader sees the same text, block for block."""

from __future__ import annotations

import pytest

from render import (
    ToolScores,
    build_comparison,
    comparison_to_html,
    comparison_to_markdown,
    render_html,
    render_markdown,
)
from tests.render.factories import (
    etl_library,
    hosted_model,
    numbered_capabilities,
    text_corpus,
    vector_database,
)
from tests.render.hostile import hostile_tool
from tests.render.page_reading import block_texts, html_to_tree, markdown_to_tree

CASES = {
    "vector database vs ETL library": (vector_database(), etl_library(), {}),
    "model vs empty dataset": (hosted_model(), text_corpus(), {}),
    "overflowing capabilities": (
        vector_database(capabilities=numbered_capabilities(11)),
        hosted_model(),
        {"max_capabilities": 5},
    ),
    "hostile tool": (hostile_tool(), etl_library(), {}),
    "with scores": (
        vector_database(),
        etl_library(),
        {
            "scores": {
                "pypi:quillvec": ToolScores(rank=70, adoption=2),
                "pypi:pipewright": ToolScores(rank=35),
            }
        },
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_markdown_and_html_show_the_same_blocks(case):
    left, right, options = CASES[case]
    max_capabilities = options.get("max_capabilities", 8)
    page = build_comparison(left, right, max_capabilities, scores=options.get("scores"))

    markdown_blocks = block_texts(markdown_to_tree(comparison_to_markdown(page)))
    html_blocks = block_texts(html_to_tree(comparison_to_html(page)))

    assert markdown_blocks == html_blocks
    # Sanity: the comparison covers the whole page, not just an empty shell.
    assert markdown_blocks[0] == page.title
    assert page.verdict_text in markdown_blocks


def test_public_renderers_match_the_building_blocks():
    left, right = vector_database(), hosted_model()
    page = build_comparison(left, right, 2)

    assert render_markdown(left, right, max_capabilities=2) == comparison_to_markdown(page)
    assert render_html(left, right, max_capabilities=2) == comparison_to_html(page)
