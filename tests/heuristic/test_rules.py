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
    # Outside the introduction, a list under a heading not taken for features gives no record.
    found = titles(extract(doc))
    first = found.index("Retries failed uploads with a growing delay")
    assert found[first + 1] == "Resumes interrupted uploads from the last chunk"


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
    # A thin description (one statement) reads its other sections' statements too (heuristic-v3),
    # but never those of a section its heading makes noise.
    assert titles(result) == [
        "tzkit maps city names to time zones",
        "Every lookup is answered from an in-memory index built at import time",
    ]
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
    # One listed feature is too thin to stand alone: the introduction's statement joins it.
    assert titles(result) == [
        "Counts words in every file under a folder, in parallel",
        "Skips binary files by looking at their first kilobyte",
    ]
    assert "directive" not in all_text(result)
    assert "by-extension" not in all_text(result)


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


def test_one_structural_record_is_joined_by_the_introduction_statements() -> None:
    doc = document(
        "# inkwell\n\nInkwell renders Markdown notes into printable booklets.\n\n"
        "## Features\n\n- Page numbers and a table of contents on every booklet.\n"
    )
    assert titles(assert_grounded(extract(doc), doc)) == [
        "Inkwell renders Markdown notes into printable booklets",
        "Page numbers and a table of contents on every booklet",
    ]


def test_the_introduction_statements_join_a_feature_list_of_any_length() -> None:
    # heuristic-v3: the introduction's statements are records beside the features, however many.
    doc = document(
        "# inkwell\n\nInkwell renders Markdown notes into printable booklets.\n\n"
        "## Features\n\n- Page numbers on every booklet page.\n- Covers drawn from the first heading.\n"
    )
    assert titles(extract(doc)) == [
        "Inkwell renders Markdown notes into printable booklets",
        "Page numbers on every booklet page",
        "Covers drawn from the first heading",
    ]


def test_an_abstract_field_and_a_purpose_section_are_the_introduction() -> None:
    doc = document(
        "========\n Pagemill\n========\n\n:Author: Example Maintainers\n"
        ":Abstract: Pagemill turns folders of reStructuredText into a static website.\n\n"
        "Purpose\n=======\n\nPages can be published without a database or a server.\n"
        "It supports these inputs:\n\n* Single pages written in reStructuredText.\n\n"
        "Support for these inputs is planned:\n\n* Notebooks with their outputs.\n",
        "text/x-rst",
    )
    result = assert_grounded(extract(doc), doc)
    assert titles(result) == [
        "Pagemill turns folders of reStructuredText into a static website",
        "Pages can be published without a database or a server",
        "Single pages written in reStructuredText",
    ]
    assert "notebooks" not in all_text(result)
    assert "example maintainers" not in all_text(result)


def test_a_carrying_on_sentence_is_dropped_with_the_pointer_it_follows() -> None:
    doc = document(
        "# t\n\nThe documentation lives at the project site. It is long and has many pictures.\n\n"
        "Sparrow compresses log files with a dictionary trained on your own logs.\n"
    )
    result = extract(doc)
    assert titles(result) == ["Sparrow compresses log files with a dictionary trained on your own logs"]
    assert "pictures" not in all_text(result)


def test_a_sentence_that_only_introduces_a_list_is_not_a_statement_but_one_before_code_is() -> None:
    doc = document(
        "# t\n\nSparrow compresses log files with a trained dictionary.\n\n"
        "Some projects built on top of Sparrow:\n\n- logshelf\n- tailpack\n\n"
        "It also keeps an index of every compressed file, for quick lookups:\n\n"
        "```\nsparrow find error.log\n```\n"
    )
    assert titles(extract(doc)) == [
        "Sparrow compresses log files with a trained dictionary",
        "It also keeps an index of every compressed file, for quick lookups",
    ]


def test_a_list_of_linked_names_outside_a_features_section_is_about_other_projects() -> None:
    outside = document(
        "# t\n\nReads service settings from environment variables.\n\n## More from us\n\n"
        "Everything for configuration:\n\n"
        "- [Vaultkeeper](https://v.example.invalid) - encrypted secrets with rotation\n"
        "- [Relay](https://r.example.invalid) - pushes changes to running services\n"
    )
    assert titles(extract(outside)) == ["Reads service settings from environment variables"]
    inside = document(
        "# t\n\n## Features\n\n"
        "- [Secrets](https://v.example.invalid/secrets) - encrypted values with rotation\n"
        "- [Hot reload](https://v.example.invalid/reload) - pushes changes to running services\n"
    )
    assert titles(extract(inside)) == ["Secrets", "Hot reload"]


def test_an_advert_section_silences_its_subsections_too() -> None:
    doc = document(
        "# t\n\nSparrow compresses log files with a trained dictionary.\n\n"
        "## Sparrow Cloud\n\nSparrow Cloud keeps your archives for you. Sign up for free in a minute.\n\n"
        "### What you get\n\n- Unlimited archive retention for every team.\n"
        "- Single sign-on for your staff.\n"
    )
    result = extract(doc)
    assert titles(result) == ["Sparrow compresses log files with a trained dictionary"]
    assert "retention" not in all_text(result)


def test_deprecated_entries_and_alert_markers_are_left_out() -> None:
    doc = document(
        "# t\n\n> [!TIP]\n> Sparrow archives can be searched without unpacking them.\n\n"
        "## Features\n\n- Dictionary training from a sample of your logs.\n"
        "- Gzip fallback output (deprecated, kept for old scripts).\n"
        "- Parallel compression on every core.\n"
    )
    result = extract(doc)
    assert titles(result) == [
        "Sparrow archives can be searched without unpacking them",
        "Dictionary training from a sample of your logs",
        "Parallel compression on every core",
    ]
    assert all(
        "[!TIP]" not in item.quote for capability in result.capabilities for item in capability.evidence
    )
    tip = document("# t\n\n> [!TIP]\n> Sparrow archives can be searched without unpacking them.\n")
    assert titles(assert_grounded(extract(tip), tip)) == [
        "Sparrow archives can be searched without unpacking them"
    ]


def test_a_features_section_that_opens_with_a_pointer_is_still_read() -> None:
    doc = document(
        "# t\n\n## Features\n\nCheck out the highlights below, or learn more in the handbook.\n\n"
        "- Dictionary training from a sample of your logs.\n- Parallel compression on every core.\n\n"
        "## Plugins\n\nCheck out the plugin index for formats contributed by users.\n\n"
        "## Formats\n\nArchives are plain zstd frames that any zstd tool can read back.\n"
    )
    assert titles(extract(doc)) == [
        "Dictionary training from a sample of your logs",
        "Parallel compression on every core",
    ]
