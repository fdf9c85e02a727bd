"""file: reading each supported format from files written into tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas import sha256_text
from sources.file import FileSource
from sources.refs import tool_id_for_path

MARKDOWN_TEXT = """<!-- a comment before anything -->
[![build](https://example.invalid/badge.svg)](https://example.invalid)

# Ledgerline

Ledgerline **reconciles** bank exports with an accounting journal and lists every entry that
does not match.

- Reads CSV and OFX exports.
"""

RST_TEXT = """=========
Ledgerline
=========

:Author: Nobody in particular
:Version: 0.1

Ledgerline reconciles bank exports with an accounting journal.

.. note:: Works offline.
"""

PLAIN_TEXT = """Ledgerline reconciles bank exports
with an accounting journal.

It reads CSV and OFX.
"""


@pytest.fixture
def source() -> FileSource:
    return FileSource(max_bytes=1_000_000)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["ledgerline.md", "ledgerline.markdown", "LEDGERLINE.MD"])
def test_markdown_file_is_named_and_summarised_from_its_content(source, tmp_path, name):
    path = write(tmp_path, name, MARKDOWN_TEXT)

    result = source.fetch(f"file:{path}")

    assert result.tool.id == f"file:{path}"
    assert result.tool.name == "Ledgerline"
    assert result.tool.kind == "Package"
    assert result.tool.summary == (
        "Ledgerline reconciles bank exports with an accounting journal and lists every entry that "
        "does not match."
    )
    assert result.document.media_type == "text/markdown"
    assert result.document.text == MARKDOWN_TEXT.strip()
    assert result.document.sha256 == sha256_text(MARKDOWN_TEXT.strip())
    assert result.document.origin == str(path)
    assert result.signals == []


@pytest.mark.parametrize("name", ["ledgerline.rst", "ledgerline.rest"])
def test_restructuredtext_title_and_first_paragraph_skip_the_field_list(source, tmp_path, name):
    path = write(tmp_path, name, RST_TEXT)

    result = source.fetch(f"file:{path}")

    assert result.tool.name == "Ledgerline"
    assert result.tool.summary == "Ledgerline reconciles bank exports with an accounting journal."
    assert result.document.media_type == "text/x-rst"


@pytest.mark.parametrize("name", ["ledger-notes.txt", "ledger-notes"])
def test_plain_text_is_named_after_the_file(source, tmp_path, name):
    path = write(tmp_path, name, PLAIN_TEXT)

    result = source.fetch(f"file:{path}")

    assert result.tool.name == "ledger-notes"
    assert result.tool.summary == "Ledgerline reconciles bank exports with an accounting journal."
    assert result.document.media_type == "text/plain"


def test_markdown_without_a_heading_is_named_after_the_file(source, tmp_path):
    path = write(tmp_path, "no-heading.md", "Just one paragraph about a tool that sorts mail.\n")

    assert source.fetch(f"file:{path}").tool.name == "no-heading"


def test_long_first_paragraph_is_condensed_to_300_characters(source, tmp_path):
    paragraph = " ".join(["Ledgerline matches entries carefully"] * 30)
    path = write(tmp_path, "long.md", f"# Long\n\n{paragraph}\n")

    summary = source.fetch(f"file:{path}").tool.summary

    assert summary is not None
    assert len(summary) <= 300
    assert summary.endswith("…")
    assert paragraph.startswith(summary.removesuffix("…"))


def test_relative_path_resolves_against_the_current_directory(source, tmp_path, monkeypatch):
    (tmp_path / "docs").mkdir()
    write(tmp_path / "docs", "tool.md", MARKDOWN_TEXT)
    monkeypatch.chdir(tmp_path)

    result = source.fetch("file:./docs/tool.md")

    assert result.tool.id == f"file:{(tmp_path / 'docs' / 'tool.md').resolve()}"
    assert result.document.origin == str((tmp_path / "docs" / "tool.md").resolve())


@pytest.mark.parametrize(
    ("written", "tool_id"),
    [
        ("docs\\tools\\a.md", "file:{base}/docs/tools/a.md"),
        ("./docs//a.md", "file:{base}/docs/a.md"),
        (" docs/a.md ", "file:{base}/docs/a.md"),
        ("docs/../notes/./a.md", "file:{base}/notes/a.md"),
        ("/abs/path/a.md", "file:/abs/path/a.md"),
    ],
)
def test_tool_id_is_the_absolute_path_with_forward_slashes(written, tool_id, tmp_path):
    base = tmp_path.resolve()
    assert tool_id_for_path(written, base=base) == tool_id.format(base=base.as_posix())


def test_tool_id_resolves_symlinks_so_one_file_is_one_tool(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    write(real, "tool.md", MARKDOWN_TEXT)
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)

    assert tool_id_for_path("alias/tool.md", base=tmp_path) == f"file:{(real / 'tool.md').resolve()}"
    assert tool_id_for_path(str(tmp_path / "alias" / "tool.md")) == tool_id_for_path(str(real / "tool.md"))


def test_the_same_file_is_one_tool_from_any_working_directory(source, tmp_path, monkeypatch):
    (tmp_path / "project" / "docs").mkdir(parents=True)
    write(tmp_path / "project" / "docs", "tool.md", MARKDOWN_TEXT)
    monkeypatch.chdir(tmp_path / "project")
    from_project = source.fetch("file:docs/tool.md").tool.id
    monkeypatch.chdir(tmp_path / "project" / "docs")
    from_docs = source.fetch("file:tool.md").tool.id

    assert from_project == from_docs == f"file:{(tmp_path / 'project' / 'docs' / 'tool.md').resolve()}"


def test_utf8_byte_order_mark_is_dropped(source, tmp_path):
    path = write(tmp_path, "bom.md", b"\xef\xbb\xbf# Bommed\n\nA tool with a BOM.\n")

    result = source.fetch(f"file:{path}")

    assert result.document.text.startswith("# Bommed")
    assert result.tool.name == "Bommed"


def test_windows_line_endings_become_newlines(source, tmp_path):
    path = write(tmp_path, "crlf.txt", b"First line of a tool.\r\nSecond line.\r\n\r\nNext paragraph.\r\n")

    result = source.fetch(f"file:{path}")

    assert "\r" not in result.document.text
    assert result.document.text == "First line of a tool.\nSecond line.\n\nNext paragraph."
    assert result.tool.summary == "First line of a tool. Second line."
