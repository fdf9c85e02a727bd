"""file: refuses every unusable file with a one-line SourceError that names it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from schemas import SourceError
from schemas.models import MAX_DOCUMENT_CHARS
from sources.file import FileSource

NOBODY = 65534


@pytest.fixture
def source() -> FileSource:
    return FileSource(max_bytes=5_000_000)


def refusal(source: FileSource, path: Path | str) -> SourceError:
    ref = f"file:{path}"
    with pytest.raises(SourceError) as caught:
        source.fetch(ref)
    error = caught.value
    assert error.subject == ref
    assert str(path) in str(error)
    assert "\n" not in str(error)
    return error


def test_missing_file(source, tmp_path):
    error = refusal(source, tmp_path / "absent.md")

    assert error.message == "no such file"


def test_directory(source, tmp_path):
    error = refusal(source, tmp_path)

    assert error.message == "is a directory"


def test_named_pipe_is_not_read(source, tmp_path):
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)

    assert refusal(source, pipe).message == "is not a regular file"


@pytest.mark.parametrize("name", ["report.pdf", "notes.docx", "page.odt"])
def test_unsupported_suffix_names_the_supported_ones(source, tmp_path, name):
    path = tmp_path / name
    path.write_text("some words", encoding="utf-8")

    error = refusal(source, path)

    assert Path(name).suffix in error.message
    assert ".md" in error.hint and ".rst" in error.hint and ".html" in error.hint and ".txt" in error.hint


def test_file_with_nul_bytes_is_binary(source, tmp_path):
    path = tmp_path / "sneaky.txt"
    path.write_bytes(b"looks like text" + b"\x00" * 4 + b"but is not")

    error = refusal(source, path)

    assert "binary" in error.message and "NUL" in error.message


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (b"PK\x03\x04", "ZIP"),
        (b"\x7fELF", "executable"),
    ],
)
def test_known_binary_signature(source, tmp_path, head, kind):
    path = tmp_path / "disguised.md"
    path.write_bytes(head + b"rest of the content is plain ascii")

    error = refusal(source, path)

    assert "binary" in error.message and kind in error.message


def test_utf16_is_named(source, tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes("A tool written in UTF-16.".encode("utf-16"))

    error = refusal(source, path)

    assert "UTF-16" in error.message
    assert "UTF-8" in error.hint


def test_invalid_utf8_names_the_byte_offset_and_line(source, tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes("# Café tool\n\nIt serves ".encode() + "crème brûlée.".encode("latin-1"))

    error = refusal(source, path)

    offset = len("# Café tool\n\nIt serves cr".encode())
    assert error.message == f"is not valid UTF-8: byte 0xE8 at offset {offset} (line 3)"
    assert "UTF-8" in error.hint


@pytest.mark.parametrize("content", [b"", b"  \n\t\n   ", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_empty_or_whitespace_only(source, tmp_path, content):
    path = tmp_path / "blank.md"
    path.write_bytes(content)

    assert refusal(source, path).message == "is empty"


def test_html_with_nothing_but_scripts_is_empty(source, tmp_path):
    path = tmp_path / "blank.html"
    path.write_text("<html><body><script>init()</script><nav></nav></body></html>", encoding="utf-8")

    assert refusal(source, path).message == "is empty"


def test_punctuation_only_has_no_words(source, tmp_path):
    path = tmp_path / "rule.md"
    path.write_text("-----\n***\n", encoding="utf-8")

    assert refusal(source, path).message == "has no words in it"


def test_oversized_file_is_refused_by_its_size_before_reading(source, tmp_path):
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.write(b"# Huge\n\nA description that goes on.\n")
        handle.truncate(20 * 1024 * 1024)  # sparse: 20 MiB on paper, a few bytes on disk

    error = refusal(source, path)

    # 20,971,520 bytes. A read-based check could only have seen max_bytes + 1 of them, so this
    # figure shows the size came from the file system, not from reading the file.
    assert error.message == "is 21.0 MB, over the 5.0 MB limit"
    assert "CAPGRAPH_MAX_DOCUMENT_BYTES" in error.hint


def test_limit_is_the_configured_one(tmp_path):
    path = tmp_path / "small.txt"
    path.write_text("x" * 1500, encoding="utf-8")

    error = refusal(FileSource(max_bytes=1000), path)

    assert error.message == "is 1.5 kB, over the 1.0 kB limit"


def test_text_over_the_document_character_limit(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("word " * (MAX_DOCUMENT_CHARS // 5 + 1), encoding="utf-8")

    error = refusal(FileSource(max_bytes=50_000_000), path)

    assert f"{MAX_DOCUMENT_CHARS:,}-character" in error.message


@pytest.fixture
def world_traversable_folder() -> Iterator[Path]:
    # pytest's tmp_path sits in a 0700 folder an unprivileged user cannot enter at all.
    folder = Path(tempfile.mkdtemp(prefix="capgraph-perm-"))
    folder.chmod(0o755)
    yield folder
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()


def test_unreadable_file(source, world_traversable_folder):
    path = world_traversable_folder / "locked.md"
    path.write_text("# Locked\n\nNobody may read this.\n", encoding="utf-8")
    path.chmod(0o000)

    message = _fetch_error_without_privileges(source, f"file:{path}")

    assert message == f"file:{path}: is not readable (permission denied) (check the file's permissions)"


def _fetch_error_without_privileges(source: FileSource, ref: str) -> str:
    """The one-line error of ``fetch(ref)``; as root (who reads anything) it runs in a child
    process that has given up root first."""
    if os.geteuid() != 0:
        with pytest.raises(SourceError) as caught:
            source.fetch(ref)
        return str(caught.value)
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which reports through the pipe
        os.close(read_end)
        outcome = "fetched without error"
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            source.fetch(ref)
        except SourceError as error:
            outcome = str(error)
        except BaseException as error:
            outcome = f"unexpected {type(error).__name__}: {error}"
        finally:
            os.write(write_end, outcome.encode())
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(child, 0)
    return message


def test_path_too_long_for_a_tool_id(source, tmp_path):
    ref = "file:" + "/".join(["deep-folder-name"] * 40) + "/tool.md"

    with pytest.raises(SourceError, match="too long for a tool id"):
        source.fetch(ref)
