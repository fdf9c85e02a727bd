"""The "<Name> Capabilities" sections: fields, not-stated text, unverified marks, overflow, empty tools."""

from __future__ import annotations

import re

import pytest

from schemas import NOT_STATED
from tests.render.factories import (
    capability,
    etl_library,
    numbered_capabilities,
    text_corpus,
    vector_database,
)
from tests.render.page_reading import PAGE_FORMATS, render_tree, section_texts

UNVERIFIED = "⚠ unverified: quote not found in the source"


def headings(tree, tag: str) -> list[str]:
    return [element.text_content() for element in tree.iter(tag)]


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_each_tool_gets_a_section_then_the_verdict(page_format):
    tree = render_tree(page_format, vector_database(), etl_library())

    assert headings(tree, "h2") == ["Quillvec Capabilities", "Pipewright Capabilities", "Verdict"]
    assert headings(tree, "h3") == [
        "Approximate nearest-neighbour search",
        "Metadata filters",
        "Snapshot export",
        "Incremental loads",
        "Schema drift alerts",
    ]


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_capability_shows_description_unique_alternatives_and_evidence(page_format):
    tree = render_tree(page_format, vector_database(), etl_library())

    texts = section_texts(tree, "Quillvec Capabilities")
    first = texts.index("Approximate nearest-neighbour search")
    assert texts[first + 1 : first + 6] == [
        "Finds the closest stored embeddings to a query vector using a graph index.",
        "Unique: Keeps the whole graph index in a single memory-mapped file.",
        "vs alternatives: Needs no separate server process, unlike hosted vector stores.",
        "Evidence:",
        "“a single memory-mapped file holds the index”",
    ]


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_fields_not_stated_in_the_source_say_so(page_format):
    tree = render_tree(page_format, vector_database(), etl_library())

    texts = section_texts(tree, "Quillvec Capabilities")
    snapshot = texts.index("Snapshot export")
    assert texts[snapshot + 2] == "Unique: not stated in the source"
    assert texts[snapshot + 3] == "vs alternatives: not stated in the source"
    assert all(NOT_STATED not in text or "not stated in the source" in text for text in texts)


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_only_ungrounded_capabilities_carry_the_unverified_mark(page_format):
    tree = render_tree(page_format, vector_database(), etl_library())

    assert UNVERIFIED not in section_texts(tree, "Quillvec Capabilities")
    texts = section_texts(tree, "Pipewright Capabilities")
    assert texts.count(UNVERIFIED) == 1
    assert texts[texts.index("Schema drift alerts") + 1] == UNVERIFIED
    assert texts[texts.index("Incremental loads") + 1] != UNVERIFIED


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
@pytest.mark.parametrize(
    ("count", "limit", "shown", "note"),
    [
        (8, 8, 8, None),
        (9, 8, 8, "+1 more capability"),
        (12, 8, 8, "+4 more capabilities"),
        (3, 2, 2, "+1 more capability"),
        (5, 0, 0, "+5 more capabilities"),
    ],
)
def test_overflow_note_appears_exactly_when_capabilities_are_hidden(page_format, count, limit, shown, note):
    many = vector_database(capabilities=numbered_capabilities(count))
    tree = render_tree(page_format, many, etl_library(), max_capabilities=limit)

    texts = section_texts(tree, "Quillvec Capabilities")
    assert [text for text in texts if re.fullmatch(r"Feature \d+", text)] == [
        f"Feature {number}" for number in range(1, shown + 1)
    ]
    notes = [text for text in texts if "more capabilit" in text]
    assert notes == ([note] if note else [])
    # The limit applies to each tool: Pipewright's two records overflow only below two.
    other_texts = section_texts(tree, "Pipewright Capabilities")
    other_notes = [text for text in other_texts if "more capabilit" in text]
    hidden_of_two = 2 - min(2, limit)
    assert other_notes == ([f"+{hidden_of_two} more capabilities"] if hidden_of_two else [])


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_tool_without_capabilities_says_none_were_extracted_and_from_where(page_format):
    tree = render_tree(page_format, text_corpus(), vector_database())

    texts = section_texts(tree, "Tidepool Corpus Capabilities")
    assert texts == [
        "No capabilities were extracted for Tidepool Corpus from https://datasets.example/tidepool/README.md."
    ]


def test_tool_without_capabilities_or_origin_still_says_none_were_extracted():
    tree = render_tree("markdown", text_corpus(document_origin=None), vector_database())

    assert section_texts(tree, "Tidepool Corpus Capabilities") == [
        "No capabilities were extracted for Tidepool Corpus."
    ]


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_long_quotes_are_shortened_and_extra_quotes_counted(page_format):
    long_quote = "every segment is compressed " * 20
    quotes = (long_quote, "second quote", "third quote", "fourth quote", "fifth quote")
    profile = vector_database(capabilities=[capability("Compression", quotes=quotes)])
    tree = render_tree(page_format, profile, etl_library())

    texts = section_texts(tree, "Quillvec Capabilities")
    evidence = texts[texts.index("Evidence:") + 1 :]
    assert evidence[0].startswith("“every segment is compressed every segment")
    assert evidence[0].endswith("…”")
    assert len(evidence[0]) <= 203
    assert evidence[1:] == ["“second quote”", "“third quote”", "+2 more quotes"]


@pytest.mark.parametrize("page_format", PAGE_FORMATS)
def test_homepage_is_shown_in_the_section(page_format):
    tree = render_tree(page_format, vector_database(), etl_library())

    assert section_texts(tree, "Quillvec Capabilities")[0] == "Homepage: https://quillvec.example/docs"
    links = [link.get("href") for link in tree.iter("a")]
    assert links == ["https://quillvec.example/docs"]


def test_multi_line_description_is_one_paragraph():
    text = "Streams rows in batches.\n\nEach batch is\n  checked before it is written."
    profile = vector_database(capabilities=[capability("Batch streaming", description=text)])
    tree = render_tree("markdown", profile, etl_library())

    texts = section_texts(tree, "Quillvec Capabilities")
    assert texts[texts.index("Batch streaming") + 1] == (
        "Streams rows in batches. Each batch is checked before it is written."
    )
