"""The shared text helpers: condensing, media-type sniffing, outlines and strict decoding."""

from __future__ import annotations

import pytest

from schemas import SourceError
from sources.documents import condense, decode_utf8, human_size, outline, sniff_media_type


def test_condense_flattens_whitespace():
    assert condense("  one\n two\t\tthree  ", 100) == "one two three"


def test_condense_cuts_at_a_word_boundary():
    cut = condense("alpha beta gamma delta", 14)

    assert cut == "alpha beta…"
    assert len(cut) <= 14


@pytest.mark.parametrize(
    ("size", "label"), [(0, "0 bytes"), (999, "999 bytes"), (1500, "1.5 kB"), (5_000_000, "5.0 MB")]
)
def test_human_size(size, label):
    assert human_size(size) == label


@pytest.mark.parametrize(
    ("text", "media_type"),
    [
        ("## Usage\n\n```python\nrun()\n```\n", "text/markdown"),
        ("Read [the docs](https://example.invalid) first.", "text/markdown"),
        (".. code-block:: python\n\n   run()\n", "text/x-rst"),
        ("Read `the docs <https://example.invalid>`_ first.\n\nExample::\n\n    run()\n", "text/x-rst"),
        ("A tool.\nIt does one thing well.\n", "text/plain"),
        ("Title\n=====\n\nBody.\n", "text/plain"),
    ],
)
def test_sniff_media_type(text, media_type):
    assert sniff_media_type(text) == media_type


def test_markdown_outline_skips_badges_html_and_list_items():
    text = (
        '<p align="center"><img src="logo.svg"></p>\n\n'
        "[![ci](https://example.invalid/ci.svg)](https://example.invalid)\n\n"
        "Setext Title\n============\n\n"
        "- a list item is not an introduction\n\n"
        "> Quoted `intro` with a [link](https://example.invalid)\n> over two lines.\n"
    )

    parts = outline(text, "text/markdown")

    assert parts.title == "Setext Title"
    assert parts.first_paragraph == "Quoted intro with a link over two lines."


def test_markdown_heading_markup_is_reduced_to_words():
    assert outline("# The **Bold** `tool`\n", "text/markdown").title == "The Bold tool"


def test_rst_outline_ignores_contents_and_admonitions():
    text = (
        "Gadget\n======\n\n.. contents::\n\n.. warning:: Not a summary.\n\n"
        "Section\n-------\n\nGadget measures things precisely.\n"
    )

    parts = outline(text, "text/x-rst")

    assert parts.title == "Gadget"
    assert parts.first_paragraph == "Gadget measures things precisely."


def test_rst_include_directive_is_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("INCLUDED-SECRET", encoding="utf-8")

    parts = outline(f"Title\n=====\n\n.. include:: {secret}\n\nVisible text.\n", "text/x-rst")

    assert parts.first_paragraph == "Visible text."


def test_plain_outline_has_no_title():
    parts = outline("\n\n  First block\n  of text.\n\nSecond.\n", "text/plain")

    assert parts.title is None
    assert parts.first_paragraph == "First block of text."


def test_decode_keeps_every_character():
    assert decode_utf8("naïve — ✓".encode(), "file:x") == "naïve — ✓"


def test_decode_reports_a_truncated_sequence_at_its_start():
    with pytest.raises(SourceError) as caught:
        decode_utf8(b"ok\n\xe2\x82", "file:cut.txt")

    assert caught.value.message == "is not valid UTF-8: byte 0xE2 at offset 3 (line 2)"
    assert caught.value.subject == "file:cut.txt"
