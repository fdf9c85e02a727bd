"""Properties every extraction must have, whatever the input: valid, deterministic, capped, quiet."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from capgraph.settings import Settings
from capgraph.stage_options import extractor_options
from extractors import registry
from extractors.heuristic import RULES_VERSION, HeuristicExtractor
from schemas import CapabilitySet, SourceDocument
from tests.heuristic.helpers import FIXTURES, all_text, assert_grounded, document, extract, fixture, titles

ALL_FIXTURES = sorted(path.name for path in FIXTURES.iterdir())


def test_record_set_identifies_the_extractor_and_the_document() -> None:
    doc = fixture("features_bullets.md")
    result = HeuristicExtractor().extract(doc)
    assert result.tool_id == "file:features_bullets.md"
    assert result.document_sha256 == doc.sha256
    assert result.extractor == "heuristic"
    assert result.model is None
    assert result.prompt_version == RULES_VERSION
    assert HeuristicExtractor().model is None


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_output_validates_as_a_capability_set(name: str) -> None:
    result = extract(fixture(name))
    again = CapabilitySet.model_validate(result.model_dump())
    assert again == result


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_same_input_gives_the_same_output(name: str) -> None:
    doc = fixture(name)
    first = HeuristicExtractor().extract(doc).model_dump_json()
    extractor = HeuristicExtractor()
    assert extractor.extract(doc).model_dump_json() == first
    assert extractor.extract(doc).model_dump_json() == first


def test_one_extractor_shared_by_threads_gives_each_the_same_records() -> None:
    extractor = HeuristicExtractor()
    docs = [fixture(name) for name in ALL_FIXTURES] * 4
    expected = [extractor.extract(doc).model_dump_json() for doc in docs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(lambda doc: extractor.extract(doc).model_dump_json(), docs)) == expected


def test_registry_builds_it_without_arguments() -> None:
    extractor = registry.create("heuristic", extractor_options(Settings(extractor="heuristic")))
    assert isinstance(extractor, HeuristicExtractor)
    assert extractor.name == "heuristic"


def test_noise_only_description_gives_no_records() -> None:
    assert extract(fixture("noise_only.md")).capabilities == []


@pytest.mark.parametrize(
    ("text", "media_type"),
    [
        ("[![CI](https://ci.example.invalid/badge.svg)](https://ci.example.invalid)\n", "text/markdown"),
        ("```\nprint('only code here')\n```\n", "text/markdown"),
        ("<div align='center'><img src='logo.png'></div>\n", "text/markdown"),
        ("- [Docs](https://docs.example.invalid)\n- [Chat](https://chat.example.invalid)\n", "text/markdown"),
        ("Tool\n====\n\n.. image:: logo.png\n\n.. code-block:: python\n\n   import tool\n", "text/x-rst"),
        ("ok\n", "text/plain"),
        ("$ pip install tool\n", "text/plain"),
    ],
)
def test_descriptions_without_capability_material_give_no_records(text: str, media_type: str) -> None:
    assert extract(document(text, media_type)).capabilities == []


def test_a_one_line_summary_gives_one_record() -> None:
    doc = document("# sqltidy\n\nA small command that reformats SQL files in place.\n")
    result = assert_grounded(extract(doc), doc)
    assert titles(result) == ["A small command that reformats SQL files in place"]
    assert result.capabilities[0].evidence[0].quote == "A small command that reformats SQL files in place."


def test_records_are_capped_at_forty_in_source_order() -> None:
    lines = [f"- Handles input format number {number} with its own streaming parser." for number in range(60)]
    doc = document("# many\n\n## Features\n\n" + "\n".join(lines) + "\n")
    result = assert_grounded(extract(doc), doc)
    assert len(result.capabilities) == 40
    assert result.capabilities[0].title == "Handles input format number 0 with its own streaming parser"
    assert result.capabilities[-1].title == "Handles input format number 39 with its own streaming parser"


def test_duplicates_are_dropped_ignoring_case_and_spacing() -> None:
    doc = document(
        "# dup\n\n## Features\n\n"
        "- Streams rows without loading the file.\n"
        "- streams   ROWS without loading the file.\n"
        "- **Schema inference**: guesses column types from the first thousand rows.\n"
        "- **schema  inference**: reads a JSON schema when one is given.\n"
    )
    assert titles(extract(doc)) == ["Streams rows without loading the file", "Schema inference"]


def test_short_items_and_link_only_items_are_skipped() -> None:
    doc = document(
        "# t\n\n## Features\n\n- Fast\n- Tiny\n- [Homepage](https://t.example.invalid)\n"
        "- <https://t.example.invalid/docs>\n- Converts spreadsheets to Parquet files.\n"
    )
    assert titles(extract(doc)) == ["Converts spreadsheets to Parquet files"]


def test_nested_items_fold_into_their_parent_record() -> None:
    doc = document(
        "# t\n\n## Features\n\n"
        "- Reads several input formats:\n"
        "  - comma-separated files with a header row\n"
        "  - newline-delimited JSON records\n"
        "- Writes partitioned output directories.\n"
    )
    result = assert_grounded(extract(doc), doc)
    assert titles(result) == ["Reads several input formats", "Writes partitioned output directories"]
    first = result.capabilities[0]
    assert "comma-separated files with a header row" in first.description
    assert "newline-delimited JSON records" in first.description
    assert len(first.evidence) == 2


def test_long_items_are_condensed_at_word_and_sentence_boundaries() -> None:
    sentence = "The planner rewrites each query into a cheaper equivalent before it runs on the cluster. "
    doc = document("# t\n\n## Features\n\n- " + sentence * 12 + "\n")
    record = assert_grounded(extract(doc), doc).capabilities[0]
    assert len(record.title) <= 80
    # Cut at a word, then without the words left hanging ("... runs on the").
    assert record.title == "The planner rewrites each query into a cheaper equivalent before it runs"
    assert len(record.description) <= 600
    assert record.description.endswith("on the cluster.")
    assert all(len(item.quote) <= 1000 for item in record.evidence)


def test_features_inside_html_blocks_and_code_are_ignored() -> None:
    doc = document(
        "# t\n\n<details>\n<summary>Hidden feature list</summary>\n"
        "<ul><li>Secret turbo mode for everyone</li></ul>\n"
        "</details>\n\n## Features\n\n- Compresses logs with a trained dictionary.\n\n"
        "```\n- Fake bullet inside a code block that must be ignored\n```\n\n"
        "    - An indented code block that must be ignored too\n"
    )
    result = extract(doc)
    assert titles(result) == ["Compresses logs with a trained dictionary"]
    assert "ignored" not in all_text(result)


def test_front_matter_is_not_read_as_content_and_offsets_still_match() -> None:
    doc = fixture("dataset_card.md")
    result = assert_grounded(extract(doc), doc)
    assert "expert-generated" not in all_text(result)
    first_quote = result.capabilities[0].evidence[0].quote
    assert doc.text.index(first_quote) > doc.text.index("# Dataset Card")


def test_changelog_version_sections_are_noise() -> None:
    doc = document(
        "# t\n\nA fast tool.\n\n## Highlights\n\n- Rebuilds only the files whose inputs changed.\n\n"
        "## Changelog\n\n## v2.1.0 (2026-01-04)\n\n- Fixed a crash when the cache directory is missing.\n\n"
        "## 2.0.0\n\n- Dropped support for the old configuration format.\n"
    )
    assert titles(extract(doc)) == ["Rebuilds only the files whose inputs changed"]


def test_a_paragraph_that_introduces_a_list_as_features_declares_it() -> None:
    doc = document(
        "# t\n\nThe tool lets you keep notes in plain files.\n\nThe key features are:\n\n"
        "* **Linked notes**: write [[name]] to link two notes.\n* Full-text search across every folder.\n\n"
        "## Philosophy\n\nFiles outlive apps, so everything is kept as Markdown on disk.\n\n"
        "## Sync\n\nSyncing is left to whatever tool you already use for files.\n"
    )
    found = titles(extract(doc))
    first = found.index("Linked notes")
    assert found[first + 1] == "Full-text search across every folder"


def test_markdown_definition_style_paragraphs_are_named_records() -> None:
    doc = document(
        "# t\n\nIntro line that says little.\n\n"
        "**Snapshots** — every save is kept as a snapshot you can restore.\n\n"
        "**Dedup:** identical chunks are stored once across all snapshots.\n\n"
        "**Documentation**: [https://t.example.invalid](https://t.example.invalid)\n"
    )
    result = extract(doc)
    assert titles(result) == ["Intro line that says little", "Snapshots", "Dedup"]
    assert result.capabilities[2].description == "identical chunks are stored once across all snapshots."


def test_rst_never_reads_files_or_prints_and_survives_broken_markup(
    capfd: pytest.CaptureFixture[str],
) -> None:
    text = (
        "Tool\n====\n\n.. include:: /etc/hostname\n\n.. raw:: html\n\n   <b>raw html block</b>\n\n"
        "Features\n--------\n\n* Unterminated `markup in a bullet that still says something useful\n"
        "* Second bullet with a |missing| substitution and a broken_ reference inside it\n\n"
        "Bad table\n\n+-----+\n| x |\n"
    )
    doc = document(text, "text/x-rst")
    result = assert_grounded(extract(doc), doc)
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
    assert "raw html block" not in all_text(result)
    assert titles(result) == [
        "Unterminated `markup in a bullet that still says something useful",
        "Second bullet with a missing substitution and a broken reference inside it",
    ]


def test_rst_field_lists_name_records_but_bookkeeping_fields_are_skipped() -> None:
    doc = document(
        "Tool\n====\n\nIntro.\n\n:Version: 1.2\n:Author: Somebody Else\n"
        ":Retries: failed steps are retried with exponential backoff.\n"
        ":Dry runs: every plan can be printed without executing anything.\n",
        "text/x-rst",
    )
    assert titles(assert_grounded(extract(doc), doc)) == ["Retries", "Dry runs"]


def test_unknown_media_types_are_read_as_plain_text() -> None:
    doc = document("Features:\n\n- Renders diagrams from a short text syntax.\n", "application/octet-stream")
    assert titles(extract(doc)) == ["Renders diagrams from a short text syntax"]


def test_a_two_megabyte_description_is_extracted_and_capped() -> None:
    section = (fixture("bold_leadins.md").text.split("## Links")[0]) + "\n"
    numbered = [section.replace("# Brindle", f"## Part {number}") for number in range(3000)]
    text = "# Big\n\n" + "".join(numbered)
    text = text[: 2_000_000 - 1]
    doc = SourceDocument(tool_id="file:big.md", origin="test", media_type="text/markdown", text=text)
    result = extract(doc)
    assert len(result.capabilities) == 6  # every part repeats the first one's records
    assert titles(result)[:6] == [
        "Part 0",
        "Record once",
        "Replay offline",
        "Scrubbing",
        "Strict mode",
        "Async aware",
    ]
    for capability in result.capabilities:
        for item in capability.evidence:
            assert item.quote in text
