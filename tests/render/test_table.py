"""The title, subtitle and feature table, read back from both the Markdown and the HTML page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from render import ToolScores
from schemas import Price
from tests.render.factories import etl_library, hosted_model, run, text_corpus, vector_database, with_tool
from tests.render.page_reading import PAGE_FORMATS, block_texts, render_tree, table_rows

ROW_ORDER = [
    "Type",
    "Rank",
    "Adoption",
    "Quality",
    "Ecosystem",
    "Match Graph",
    "Pricing",
    "Starting Price",
    "Capabilities",
    "Times Matched",
]


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_title_is_the_two_names(page_format):
    tree = render_tree(page_format, vector_database(), etl_library())

    assert [element.text_content() for element in tree.iter("h1")] == ["Quillvec vs Pipewright"]


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_subtitle_names_the_shared_extractor_and_the_evidence(page_format):
    tree = render_tree(page_format, vector_database(), etl_library())

    subtitle = block_texts(tree)[1]
    assert "heuristic extractor" in subtitle
    assert "evidence quoted" in subtitle


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_subtitle_names_each_extractor_when_they_differ(page_format):
    tree = render_tree(page_format, vector_database(), hosted_model())

    subtitle = block_texts(tree)[1]
    assert "Quillvec: heuristic" in subtitle
    assert "Orca Mini Chat: anthropic (claude-test-model)" in subtitle


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_table_rows_in_order_with_dashes_for_data_that_does_not_exist_yet(page_format):
    tree = render_tree(page_format, vector_database(), hosted_model())

    rows = table_rows(tree)
    assert list(rows) == ROW_ORDER
    assert rows["Type"] == ("Package", "Model")
    for missing in ("Rank", "Adoption", "Quality", "Ecosystem", "Match Graph", "Times Matched"):
        assert rows[missing] == ("—", "—"), missing
    assert rows["Pricing"] == ("Free", "Paid")
    assert rows["Starting Price"] == ("—", "$2.50e-07 per prompt token")
    assert rows["Capabilities"] == ("3 decomposed", "4 decomposed")


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_capability_count_covers_every_record_not_only_the_shown_ones(page_format):
    many = vector_database(capabilities=etl_library().capabilities * 6)
    tree = render_tree(page_format, many, text_corpus(), max_capabilities=2)

    assert table_rows(tree)["Capabilities"] == ("12 decomposed", "0 decomposed")


@pytest.mark.parametrize(
    ("pricing", "label"),
    [("free", "Free"), ("paid", "Paid"), ("freemium", "Freemium"), ("unknown", "Unknown")],
)
def test_pricing_labels(pricing, label):
    tree = render_tree("markdown", with_tool(vector_database(), pricing=pricing), etl_library())

    assert table_rows(tree)["Pricing"] == (label, "Freemium")


def test_starting_price_in_another_currency_uses_its_code():
    euro = Price(amount=Decimal("12"), currency="EUR", unit="month")
    tree = render_tree("html", with_tool(etl_library(), starting_price=euro), vector_database())

    assert table_rows(tree)["Starting Price"] == ("EUR 1.20e+01 per month", "—")


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_scores_when_given_fill_their_rows(page_format):
    scores = {
        "pypi:quillvec": ToolScores(
            rank=61, adoption=3, quality=1.5, ecosystem=0, match_graph=2, times_matched=14
        )
    }
    tree = render_tree(page_format, vector_database(), etl_library(), scores=scores)

    rows = table_rows(tree)
    assert rows["Rank"] == ("61/100", "—")
    assert rows["Adoption"] == ("3", "—")
    assert rows["Quality"] == ("2", "—")  # sub-scores show as whole numbers
    assert rows["Ecosystem"] == ("0", "—")
    assert rows["Match Graph"] == ("2", "—")
    assert rows["Times Matched"] == ("14", "—")


def test_tools_with_the_same_name_are_told_apart_by_id():
    twin = with_tool(etl_library(), name="Quillvec")
    tree = render_tree("markdown", vector_database(), twin)

    title = next(tree.iter("h1")).text_content()
    assert title == "Quillvec (pypi:quillvec) vs Quillvec (pypi:pipewright)"


def test_subtitle_without_known_extractors_still_describes_the_page():
    tree = render_tree("markdown", text_corpus(), etl_library(current_run=None))

    subtitle = block_texts(tree)[1]
    assert "extractor" not in subtitle
    assert "evidence quoted" in subtitle


def test_same_extractor_and_model_is_named_once():
    left = vector_database(current_run=run("pypi:quillvec", extractor="anthropic", model="m-1"))
    right = etl_library(current_run=run("pypi:pipewright", extractor="anthropic", model="m-1"))
    tree = render_tree("html", left, right)

    assert "by the anthropic extractor (m-1)" in block_texts(tree)[1]
