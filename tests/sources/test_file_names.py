"""file: tool names: a heading or metadata only when it names the tool, otherwise the file's stem.

Every description here is written for these tests; the tool is "Ferryman", a made-up harbour
timetable scheduler, kept in files whose stems are spelled in different ways.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from capgraph.pipeline import IngestContext, run_serially
from capgraph.settings import Settings
from capgraph.targets import collect_targets
from sources.file import FileSource
from warehouse import Warehouse

# The name is left out of the prose, which would otherwise spell the stem (see the tests for that).
BODY = """
It keeps the timetables of small harbours: it plans crossings around tides, crew rest
and berth slots, and tells passengers when a sailing moves.

- **Tide-aware plans**: schedules each crossing inside the tidal window its boat needs.
- **Crew rest rules**: never rosters a skipper past the legal number of hours at sea.
"""


def name_of(tmp_path: Path, filename: str, text: str) -> str:
    path = tmp_path / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return FileSource(max_bytes=1_000_000).fetch(f"file:{path}").tool.name


@pytest.mark.parametrize(
    "heading",
    [
        "Documentation",
        "Table of Contents",
        "Contents",
        "Sponsors",
        "Quickstart",
        "Quick start",
        "🚀 Key Features",
        "Features",
        "Overview",
        "Introduction",
        "Installation",
        "Getting started",
        "README",
        "About",
        "Usage",
        "Examples",
        "Changelog",
    ],
)
def test_a_generic_first_heading_gives_way_to_the_file_stem(tmp_path, heading):
    assert name_of(tmp_path, "ferryman.md", f"# {heading}\n{BODY}") == "ferryman"


@pytest.mark.parametrize(
    "heading",
    [
        "✨ Features ✨",
        "FEATURES:",
        ":rocket: Quick Start",
        "Table of contents 📚",
        "Getting Started!",
        "**Overview**",
        "📖 documentation",
        "Main features",
        "🚀🚀 KEY FEATURES 🚀🚀",
    ],
)
def test_generic_headings_are_known_whatever_their_emoji_punctuation_or_case(tmp_path, heading):
    assert name_of(tmp_path, "ferryman.md", f"## {heading}\n{BODY}") == "ferryman"


def test_letters_with_combining_marks_are_not_taken_for_emoji(tmp_path):
    decomposed = "Cafe\u0301 Ma\u0300u"  # "Café Màu" written with combining accents

    assert name_of(tmp_path, "notes.md", f"# ☕ {decomposed}\n{BODY}") == decomposed


def test_the_stem_is_kept_as_written(tmp_path):
    assert name_of(tmp_path, "Ferry_Man.v2.md", f"# Contents\n{BODY}") == "Ferry_Man.v2"


@pytest.mark.parametrize("heading", ["🧭 Ferryman", "Ferryman 🚢", ":ship: Ferryman", "⛴️ Ferryman ⚓"])
def test_emoji_around_a_name_are_dropped(tmp_path, heading):
    assert name_of(tmp_path, "notes.md", f"# {heading}\n{BODY}") == "Ferryman"


@pytest.mark.parametrize(
    ("heading", "name"),
    [
        ("Ferryman", "Ferryman"),
        ("Harbour Timetable Studio", "Harbour Timetable Studio"),
        ("ferryman-cli", "ferryman-cli"),
        ("Ferryman v2.1", "Ferryman v2.1"),
        ("Éclusier Ferry Planner", "Éclusier Ferry Planner"),
        ("Ferryman: timetables for small harbours", "Ferryman"),
        ("Ferryman — timetables for small harbours", "Ferryman"),
        ("Model Card for ferryman-7b-chat", "ferryman-7b-chat"),
        ("Welcome to Ferryman", "Ferryman"),
    ],
)
def test_a_heading_that_names_the_tool_names_it_even_when_the_stem_differs(tmp_path, heading, name):
    assert name_of(tmp_path, "notes.md", f"# {heading}\n{BODY}") == name


@pytest.mark.parametrize(
    "tagline",
    [
        "Schedule every ferry in your harbour from one timetable",
        "Fast ferry scheduling",
        "Timetables, tides and crews.",
        "Never miss a tide again!",
        "Ship Ferries Faster.",
        "What Would Harbours Do?",
    ],
)
def test_a_tagline_used_as_the_title_is_not_a_name(tmp_path, tagline):
    assert name_of(tmp_path, "ferryman.md", f"# {tagline}\n{BODY}") == "ferryman"


@pytest.mark.parametrize(
    "heading", ["The FerryMan scheduler keeps small harbours on time", "Sail On Time With FerryMan."]
)
def test_a_long_heading_or_sentence_that_contains_the_stem_gives_its_spelling(tmp_path, heading):
    assert name_of(tmp_path, "ferryman.md", f"# {heading}\n{BODY}") == "FerryMan"


def test_without_a_naming_heading_the_first_paragraph_spells_the_stem(tmp_path):
    text = "## 🚀 Key Features\n\nFerry Man plans crossings around tides.\n\n- Tide-aware plans.\n"

    assert name_of(tmp_path, "ferry-man.md", text) == "Ferry Man"


def test_a_raw_html_header_names_a_markdown_readme(tmp_path):
    text = (
        '<p align="center"><img src="logo.svg" alt="logo" width="120"></p>\n'
        '<h1 align="center">Ferry<em>man</em></h1>\n\n'
        f"## 🚀 Key Features\n{BODY}"
    )

    assert name_of(tmp_path, "readme-copy.md", text) == "Ferryman"


def test_a_generic_file_stem_gives_way_to_its_folder(tmp_path):
    assert name_of(tmp_path, "ferryman/README.md", f"# Table of Contents\n{BODY}") == "ferryman"


def test_a_plain_text_file_is_named_after_its_stem_as_its_first_paragraph_spells_it(tmp_path):
    spelled = "FerryMan keeps harbour timetables.\n\nDocs: see the wiki.\n"
    unspelled = "It keeps harbour timetables.\n\nDocs: see the wiki.\n"

    assert name_of(tmp_path, "ferryman.txt", spelled) == "FerryMan"
    assert name_of(tmp_path, "ferryman.txt", unspelled) == "ferryman"


PAGE = """<!doctype html>
<html><head><title>{title}</title></head>
<body><main><article>
<h1>{h1}</h1>
<p>It keeps the timetables of small harbours and plans crossings around tides, crew rest
and berth slots, so passengers always know when the next boat sails.</p>
<h2>Features</h2>
<ul><li>Tide-aware plans for every crossing.</li><li>Crew rest rules.</li></ul>
</article></main></body></html>
"""


@pytest.mark.parametrize(
    ("title", "h1", "name"),
    [
        ("Schedule ferries online | Acme Harbour Software", "Ferryman", "Ferryman"),
        ("Ferryman — timetables for small harbours", "Every ferry, on time", "Ferryman"),
        ("Overview · Ferryman 2.0 documentation", "Overview", "Ferryman 2.0"),
        ("Home", "Every ferry, on time", "ferryman"),
    ],
)
def test_an_html_page_is_named_by_its_h1_else_its_title(tmp_path, title, h1, name):
    assert name_of(tmp_path, "ferryman.html", PAGE.format(title=title, h1=h1)) == name


FRONT_MATTER = """---
license: mit
{names}
tags:
- timetables
- harbours
---

# {heading}
{body}"""


@pytest.mark.parametrize(
    ("names", "name"),
    [
        ("pretty_name: Ferryman Timetables", "Ferryman Timetables"),
        ("model_name: ferryman-7b", "ferryman-7b"),
        ("name: Ferryman", "Ferryman"),
        ("name: ferryman-core\nmodel_name: ferryman-7b\npretty_name: Ferryman 7B", "Ferryman 7B"),
        ("name: ferryman-core\nmodel_name: ferryman-7b", "ferryman-7b"),
    ],
)
def test_yaml_front_matter_declares_the_name(tmp_path, names, name):
    text = FRONT_MATTER.format(names=names, heading="Dataset Card", body=BODY)

    assert name_of(tmp_path, "card.md", text) == name


@pytest.mark.parametrize("names", ["", "pretty_name: README", "name: [a, list]", "pretty_name: ''"])
def test_without_a_usable_declared_name_the_heading_below_the_front_matter_names_it(tmp_path, names):
    text = FRONT_MATTER.format(names=names, heading="Ferryman-7B-Chat", body=BODY)

    assert name_of(tmp_path, "card.md", text) == "Ferryman-7B-Chat"


def test_front_matter_is_never_read_as_a_heading(tmp_path):
    # The YAML's last line above the closing dashes is a setext heading to a Markdown parser.
    text = FRONT_MATTER.format(names="language: en", heading="Model details", body=BODY)

    assert name_of(tmp_path, "ferryman-7b.md", text) == "ferryman-7b"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("========\nFerryman\n========", "Ferryman"),
        ("Ferryman: timetables for small harbours\n=======================================", "Ferryman"),
        ("Contents\n========", "ferryman"),
        ("Plan every crossing around the tide\n===================================", "ferryman"),
    ],
)
def test_restructuredtext_titles_name_the_tool_only_when_they_name_it(tmp_path, title, name):
    text = f"{title}\n\n.. note:: Works offline.\n\nIt keeps harbour timetables.\n\n* Tide-aware plans.\n"

    assert name_of(tmp_path, "ferryman.rst", text) == name


def test_the_name_a_catalog_gives_always_wins(tmp_path):
    described = tmp_path / "descriptions"
    described.mkdir()
    declared = FRONT_MATTER.format(names="pretty_name: Ferryman Timetables", heading="Ferryman", body=BODY)
    (described / "ferryman.md").write_text(declared, encoding="utf-8")
    (described / "harbourmaster.md").write_text(f"# Harbourmaster\n{BODY}", encoding="utf-8")
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(
        '[[tool]]\nref = "file:descriptions/ferryman.md"\nname = "Ferryman Pro"\n\n'
        '[[tool]]\nref = "file:descriptions/harbourmaster.md"\n',
        encoding="utf-8",
    )
    settings = Settings(_env_file=None, db=tmp_path / "capgraph.duckdb", extractor="heuristic")

    summary = run_serially(collect_targets([], catalog), IngestContext.create(settings))

    assert summary.ok, summary.failures
    with Warehouse(settings.db).reader() as session:
        ferryman = session.tool_profile(f"file:{(described / 'ferryman.md').resolve()}").tool
        harbourmaster = session.tool_profile(f"file:{(described / 'harbourmaster.md').resolve()}").tool
    assert ferryman.name == "Ferryman Pro"
    assert harbourmaster.name == "Harbourmaster"


def test_a_cards_summary_is_its_first_paragraph_not_its_front_matter(tmp_path: Path) -> None:
    card = tmp_path / "brisk.md"
    card.write_text(
        "---\nlicense: apache-2.0\nlanguage:\n- en\n---\n\n# Brisk\n\nBrisk embeds short texts for search.\n",
        encoding="utf-8",
    )
    tool = FileSource(max_bytes=100_000).fetch(f"file:{card}").tool
    assert tool.summary == "Brisk embeds short texts for search."
