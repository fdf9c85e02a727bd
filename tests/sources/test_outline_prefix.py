"""An unchanged re-run reads every description again, so the outline (title and first paragraph) of a
long Markdown document is read from its top, not from a parse of the whole document."""

from __future__ import annotations

import random

import pytest

from sources import documents
from sources.documents import MARKDOWN, Outline, outline

FEATURES = "\n".join(f"- **Feature {number}**: handles workload {number} quickly." for number in range(400))


@pytest.fixture
def parsed_lengths(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of every text the outline parser is given."""
    lengths: list[int] = []
    parser = documents._markdown_parser()

    class Recording:
        def parse(self, source: str) -> object:
            lengths.append(len(source))
            return parser.parse(source)

    monkeypatch.setattr(documents, "_markdown_parser", Recording)
    return lengths


def test_a_long_document_is_outlined_from_its_top(parsed_lengths: list[int]) -> None:
    document = f"# Lumen\n\nLumen is a *columnar* query engine.\n\n## Features\n\n{FEATURES}\n"
    assert outline(document, MARKDOWN) == Outline(
        title="Lumen", first_paragraph="Lumen is a columnar query engine."
    )
    assert len(document) > 10_000 and max(parsed_lengths) < 512


def test_a_reference_link_defined_further_down_is_read_from_the_whole_document(
    parsed_lengths: list[int],
) -> None:
    document = (
        f"# Lumen\n\nLumen is a [query engine][engine].\n\n{FEATURES}\n\n[engine]: https://example.org\n"
    )
    assert outline(document, MARKDOWN).first_paragraph == "Lumen is a query engine."
    assert max(parsed_lengths) == len(document)


def test_a_title_further_down_is_found_in_the_whole_document(parsed_lengths: list[int]) -> None:
    document = f"Lumen is a columnar query engine.\n\n{FEATURES}\n\n# Lumen\n"
    assert outline(document, MARKDOWN) == Outline(
        title="Lumen", first_paragraph="Lumen is a columnar query engine."
    )
    assert max(parsed_lengths) == len(document)


def test_reading_the_top_gives_the_same_outline_as_reading_everything() -> None:
    pieces = [
        "# Title\n",
        "Intro *paragraph* here.\n",
        "```\ncode\n\nstill code\n```\n",
        "- item\n\n- loose item\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "<!--\n\na comment\n\n-->\n",
        "Setext title\n===\n",
        "    indented\n\n    code\n",
        "[ref]: https://example.org\n",
        "See [ref] now.\n",
        "> quote\n>\n> more\n",
        "words " * 40 + "\n",
        "\n",
    ]
    rng = random.Random(10)
    for _ in range(300):
        document = "\n".join(rng.choice(pieces) for _ in range(rng.randint(1, 80)))
        whole = documents._markdown_outline_of(document)
        assert outline(document, MARKDOWN) == Outline(
            title=whole.title, first_paragraph=whole.first_paragraph
        )
