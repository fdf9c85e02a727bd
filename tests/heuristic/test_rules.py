"""Document-level rules: which sections count, which strategy applies, how plain text is read."""

from __future__ import annotations

import pytest

from extractors.heuristic.alignment import SourceIndex
from extractors.heuristic.formats import format_of
from extractors.heuristic.rst_prune import prune
from tests.heuristic.helpers import all_text, assert_grounded, document, extract, titles


def test_a_title_that_sounds_like_noise_does_not_silence_the_whole_document() -> None:
    doc = document(
        "Quickstart\n==========\n\nA small module that validates and compares semantic version strings.\n\n"
        ".. code-block:: python\n\n   import semverish\n",
        "text/x-rst",
    )
    assert titles(extract(doc)) == ["A small module that validates and compares semantic version strings"]


def test_a_version_heading_after_the_introduction_is_still_a_changelog() -> None:
    doc = document(
        "xmlkit binds two parsing libraries behind one tree API.\n\n"
        "1.4.2 (2026-03-01)\n==================\n\n* Fixed a crash when an attribute value was empty.\n",
        "text/x-rst",
    )
    result = extract(doc)
    assert titles(result) == ["xmlkit binds two parsing libraries behind one tree API"]
    assert "crash" not in all_text(result)


@pytest.mark.parametrize(
    "heading", ["Supported Features & Good Practices", "Feature overview", "Main highlights"]
)
def test_a_feature_word_anywhere_in_a_heading_declares_features(heading: str) -> None:
    doc = document(
        f"# t\n\nIntro sentence about the tool and what it is for.\n\n## {heading}\n\n"
        "- Retries failed uploads with a growing delay.\n"
        "- Resumes interrupted uploads from the last chunk.\n\n"
        "## Design\n\nEverything runs in one thread with an event loop.\n\n"
        "## Internals\n\nChunks are hashed before they are sent.\n"
    )
    assert titles(extract(doc)) == [
        "Retries failed uploads with a growing delay",
        "Resumes interrupted uploads from the last chunk",
    ]


@pytest.mark.parametrize(
    "heading", ["pytz for Enterprise", "Bugs, Feature Requests & Patches", "Issues & Limitations", "Get Help"]
)
def test_noise_phrases_anywhere_in_a_heading_make_it_noise(heading: str) -> None:
    doc = document(
        "tzkit\n=====\n\ntzkit maps city names to time zones.\n\n"
        f"{heading}\n{'-' * len(heading)}\n\n"
        "Write to the maintainers through the tracker for anything else.\n\n"
        "Lookups\n-------\n\nEvery lookup is answered from an in-memory index built at import time.\n",
        "text/x-rst",
    )
    result = extract(doc)
    # Were the heading not noise, its section and "Lookups" would read as two topics.
    assert titles(result) == ["tzkit maps city names to time zones"]
    assert "maintainers" not in all_text(result)


def test_a_paragraph_that_gives_you_the_following_introduces_features() -> None:
    doc = document(
        "# webkit\n\nA small web toolkit. It is production-ready, and gives you the following:\n\n"
        "* A router with typed path parameters.\n* WebSocket support.\n\n"
        "## Installation\n\n```\npip install x\n```\n"
    )
    assert titles(extract(doc)) == ["A router with typed path parameters", "WebSocket support"]


def test_question_headings_are_not_topics() -> None:
    doc = document(
        "# t\n\n## Will it parse YAML?\n\nNo, only JSON documents are accepted by the reader.\n\n"
        "## Streaming\n\nLarge arrays are read element by element without buffering.\n\n"
        "## Validation\n\nEvery document can be checked against a schema while it is read.\n"
    )
    assert titles(extract(doc)) == ["Streaming", "Validation"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            ".. image:: badge.svg\n\nTool\n====\n\nSee `docs <https://x.example.invalid>`_ and ``code``.\n",
            "rst",
        ),
        ("# Tool\n\nSee [docs](https://x.example.invalid).\n\n```\ncode\n```\n", "markdown"),
        ("Tool\n\nIt does one thing: it counts words in files.\n", "plain"),
    ],
)
def test_plain_text_that_is_really_markup_is_read_as_such(text: str, expected: str) -> None:
    assert format_of("text/plain", text) == expected
    assert format_of("text/markdown", text) == "markdown"
    assert format_of("text/x-rst", text) == "rst"


def test_rst_labelled_plain_keeps_directives_out_of_records() -> None:
    doc = document(
        ".. image:: https://img.example.invalid/badge.svg\n   :target: https://pypi.example.invalid/six\n\n"
        "Six smooths over the differences between two major language versions.\n\n"
        "Online documentation is at `the docs <https://docs.example.invalid>`_.\n",
        "text/plain",
    )
    result = assert_grounded(extract(doc), doc)
    assert titles(result) == ["Six smooths over the differences between two major language versions"]


def test_alignment_prefers_the_tight_match_over_an_early_common_word() -> None:
    source = (
        "It works on Windows by wrapping the stream and translating sequences into calls that change "
        "the console state. On other platforms, it does nothing."
    )
    index = SourceIndex(source)
    span = index.find("On other platforms, it does nothing.", (0, len(source)))
    assert span is not None
    assert source[span[0] : span[1]] == "On other platforms, it does nothing."


def test_plain_text_skips_directives_and_literal_blocks() -> None:
    doc = document(
        "wordcount\n=========\n\n.. note:: this directive and\n   its continuation are not prose.\n\n"
        "Counts words in every file under a folder, in parallel.\n\nExample::\n\n"
        "    wordcount docs/ --by-extension prints a table\n\nFeatures:\n\n"
        "- Skips binary files by looking at their first kilobyte.\n",
        "text/plain",
    )
    result = assert_grounded(extract(doc), doc)
    assert titles(result) == ["Skips binary files by looking at their first kilobyte"]
    assert "directive" not in all_text(result)


def test_rst_pruning_empties_noise_and_directives_but_keeps_lines_titles_and_tables() -> None:
    source = (
        "Tool\n====\n\n.. image:: badge.svg\n   :target: https://ci.example.invalid\n\n"
        "Intro paragraph.\n\nInstallation\n------------\n\nRun the installer.\n\n"
        "Usage\n----\n\nShort underline, still a title.\n\n"
        "Tables\n------\n\n.. list-table::\n\n   * - Cell text\n     - More text\n\n"
        ".. |sub| image:: x.png\n.. _target: https://x.example.invalid\n..\n   a comment\n"
    )
    pruned = prune(source)
    assert pruned.count("\n") == source.count("\n")
    assert "image::" not in pruned and "a comment" not in pruned and "_target" not in pruned
    assert "Run the installer" not in pruned and "Short underline" not in pruned
    for kept in ("Tool", "Intro paragraph.", "Installation", "Usage", "Tables", "list-table", "Cell text"):
        assert kept in pruned
