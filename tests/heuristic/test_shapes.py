"""The heuristic extractor on descriptions of every shape it must read well (fixtures/ holds them)."""

from __future__ import annotations

import pytest

from schemas import NOT_STATED
from tests.heuristic.helpers import all_text, assert_grounded, extract, fixture, titles

# fixture -> (the titles it must yield, in order; words from its noise that must appear nowhere).
# heuristic-v3: the introduction's statements are records beside a feature list (the gold set
# records them), so each list opens with the statement the introduction makes.
EXPECTED: dict[str, tuple[list[str], list[str]]] = {
    "features_bullets.md": (
        [
            "tidewatch follows many log files at once and highlights the lines that matter",
            "Follows hundreds of files at once without opening a new process per file",
            "Colours lines by severity, using rules you write in a small TOML file",
            "Survives log rotation",
            "Sends a desktop notification when a pattern you marked as urgent appears",
        ],
        ["pipx", "quit the viewer", "mit licensed", "works offline"],
    ),
    "feature_headings.md": (
        [
            "Parcelwright packs a folder of HTML",
            "Inlines every asset",
            "Shrinks images on the way",
            "Keeps links working",
        ],
        ["releases page", "pull request"],
    ),
    "feature_table.md": (
        [
            "A command-line ledger for small teams that keep their books in plain text",
            "Double-entry checks",
            "Multi-currency",
            "Receipt matching",
            "Fast reports",
        ],
        ["400,000", "0.81", "dataset"],
    ),
    "bold_leadins.md": (
        [
            "Brindle records HTTP traffic once and replays it in tests",
            "Record once",
            "Replay offline",
            "Scrubbing",
            "Strict mode",
            "Async aware",
        ],
        ["release notes", "example.invalid/docs"],
    ),
    "prose_only.md": (
        [
            # "It splits long recordings ..." has no subject of its own: it joins the record before.
            "Murmur turns recorded meetings into searchable transcripts",
            "Speaker changes are marked when the recording has more than one channel",
            "The transcripts are stored as JSON lines, one utterance per line",
        ],
        ["see the docs"],
    ),
    "sections.rst": (
        [
            "kestrel runs scheduled jobs on a single machine and remembers what ran",
            "Cron-style schedules with second precision",
            "Jobs that missed their slot while the machine was off run once at start-up",
            "A history of every run, with exit code and captured output, kept in SQLite",
            "Web view that lists upcoming runs and lets you pause a job",
        ],
        ["pip install", "apache", "code-block"],
    ),
    "definitions.rst": (
        [
            "Lanternfish draws dependency graphs of Python projects as SVG",
            "Import graph",
            "Layer checks",
            "Focus mode",
        ],
        ["example maintainers", "graphviz must be installed"],
    ),
    "plain.txt": (
        [
            "sparrow-cache keeps the results of slow function calls on disk between runs",
            "Keys are built from the function's arguments and its source code",
            "Entries expire after a time you choose per function",
            "The cache directory can be shared between machines over NFS",
        ],
        ["pip install", "bsd-3-clause"],
    ),
    "noisy_readme.md": (
        [
            "Glimmer makes thumbnails for very large image folders without loading whole",
            "Reads only the preview tiles of JPEG and TIFF files",
            "Keeps colour profiles and converts them to sRGB for the web",
            "Writes WebP, AVIF or JPEG thumbnails in one pass",
        ],
        [
            "img.shields.io",
            "logo",
            "screenshot",
            "table of contents",
            "documentation site",
            "gallery",
            "thumbnail(",
            "pip install",
            "point it at a folder",
            "pull requests",
            "thanks to",
            "mit",
        ],
    ),
    "model_card.md": (
        [
            "ferret-summarizer-small condenses customer support tickets into two-sentence",
            "A 60M-parameter encoder-decoder model fine-tuned on anonymised support",
            "Summarising a support ticket thread into two sentences for the agent who picks",
            "Drafting the subject line of an escalation email from the ticket text",
        ],
        ["example labs", "legal or medical", "jargon", "pipeline(", "rouge", "forty thousand", "cite"],
    ),
    # A pointer section, a hosted-offering advert, a sub-package note and community sections leave
    # only the introduction, which is then read sentence by sentence.
    "promo_sections.md": (
        [
            "Quayside runs shell scripts as scheduled jobs and keeps a log of every run",
            "Jobs can wait on each other, so a nightly export starts after the backup",
            "Failed runs are retried with a delay you set per job",
        ],
        [
            "editor",
            "hosted",
            "sign up",
            "somebody else",
            "quayside-lite",
            "lighter-weight",
            "operators",
            "handbook",
            "patch",
            "monthly letter",
            "walkthroughs",
            "pip install",
        ],
    ),
    "announcement_migration.md": (
        [
            "Typed configuration files for Python services",
            "Schemas are plain classes; each file is checked against its schema on load",
        ],
        ["insights", "launched", "learn more", "rewrite", "1.x", "breaking", "handbook", "crash"],
    ),
    "sibling_products.md": (
        ["Reads service settings from environment variables and dotenv files"],
        ["insights", "vault", "relay", "at scale", "handbook"],
    ),
    "filler_and_plans.rst": (
        [
            "Pagemill turns folders of reStructuredText into a static website",
            "Pagemill exists so that a project's handbook can be published without",
            "Single pages written in reStructuredText",
            "Folders of pages, with one index page per folder",
        ],
        ["and more", "come up", "notebooks", "docstrings", "planned", "pip install"],
    ),
    "dataset_card.md": (
        [
            "Harbor Tides holds hourly water-level readings from 48 harbour gauges over",
            "time-series-forecasting",
            "anomaly-detection",
        ],
        ["north-pier", "level_m", "3,500,000", "east coast", "cc by 4.0", "cite the dataset", "cc-by-4.0"],
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_finds_the_capabilities_of_each_shape(name: str) -> None:
    doc = fixture(name)
    result = extract(doc)
    expected_titles, _ = EXPECTED[name]
    assert titles(result) == expected_titles


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_leaves_out_noise(name: str) -> None:
    text = all_text(extract(fixture(name)))
    _, absent = EXPECTED[name]
    for word in absent:
        assert word not in text, word


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_record_is_grounded_in_the_source(name: str) -> None:
    doc = fixture(name)
    assert_grounded(extract(doc), doc)


@pytest.mark.parametrize(
    "name", ["features_bullets.md", "feature_headings.md", "prose_only.md", "plain.txt", "model_card.md"]
)
def test_unique_and_comparison_stay_not_stated_without_a_claim(name: str) -> None:
    for capability in extract(fixture(name)).capabilities:
        assert capability.unique == NOT_STATED, capability.title
        assert capability.vs_alternatives == NOT_STATED, capability.title


def test_descriptions_drop_markup_and_names() -> None:
    result = extract(fixture("bold_leadins.md"))
    by_title = {capability.title: capability for capability in result.capabilities}
    assert by_title["Record once"].description == (
        "the first test run talks to the real service and saves every exchange to a cassette file."
    )
    assert by_title["Replay offline"].description.startswith("later runs answer from the cassette")
    table = {capability.title: capability for capability in extract(fixture("feature_table.md")).capabilities}
    assert (
        table["Receipt matching"].description
        == "Scanned receipts are matched to transactions by amount and date."
    )


def test_quotes_are_the_visible_text_without_the_bold_name_or_list_markers() -> None:
    # heuristic-v3: the bold name is the record's title; the quote is the visible text after it.
    doc = fixture("bold_leadins.md")
    first = next(c for c in assert_grounded(extract(doc), doc).capabilities if c.title == "Record once")
    assert first.evidence[0].quote.startswith("the first test run")
    assert "**" not in first.evidence[0].quote
    rst = next(c for c in extract(fixture("sections.rst")).capabilities if c.title.startswith("A history"))
    assert (
        rst.evidence[0].quote
        == "A history of every run, with exit code and captured output, kept in ``SQLite``."
    )


def test_a_stated_comparison_fills_vs_alternatives_with_its_sentence() -> None:
    doc = fixture("feature_table.md")
    result = assert_grounded(extract(doc), doc)
    fast = next(capability for capability in result.capabilities if capability.title == "Fast reports")
    assert "five times faster than the spreadsheet macros" in fast.vs_alternatives
    assert fast.unique == NOT_STATED
    others = [capability for capability in result.capabilities if capability.title != "Fast reports"]
    assert all(capability.vs_alternatives == NOT_STATED for capability in others)


def test_an_unlike_sentence_is_both_unique_and_a_comparison_and_is_quoted() -> None:
    doc = fixture("definitions.rst")
    result = assert_grounded(extract(doc), doc)
    focus = next(capability for capability in result.capabilities if capability.title == "Focus mode")
    claim = "Unlike a full dump, this keeps graphs of large projects readable."
    assert focus.unique == claim
    assert focus.vs_alternatives == claim
    assert any("Unlike a full dump" in item.quote for item in focus.evidence)
    assert all(c.unique == NOT_STATED for c in result.capabilities if c.title != "Focus mode")


def test_rst_comparison_inside_a_bullet_is_kept_with_its_item() -> None:
    result = extract(fixture("sections.rst"))
    missed = next(c for c in result.capabilities if c.title.startswith("Jobs that missed"))
    assert missed.vs_alternatives == (
        "Jobs that missed their slot while the machine was off run once at start-up, "
        "instead of being skipped as plain cron does."
    )


def test_a_sentence_that_carries_on_from_the_one_before_joins_its_record() -> None:
    doc = fixture("prose_only.md")
    murmur = assert_grounded(extract(doc), doc).capabilities[0]
    assert murmur.description.startswith(
        "Murmur turns recorded meetings into searchable transcripts. It splits long recordings at pauses,"
    )
    assert murmur.evidence[0].quote.startswith("Murmur turns recorded meetings")
    assert "stitches the text back together with timestamps." in murmur.evidence[0].quote
