"""The ``file:PATH`` source: a local Markdown, reStructuredText, plain-text or HTML description.

A tool's id is ``file:`` and the file's absolute path with symlinks resolved, so the same file is the
same tool from any working directory; relative paths resolve against the current directory. Every way
a file can be unusable (missing, a folder, unreadable, binary, not UTF-8, empty, too large, an
unsupported format) fails with a ``SourceError`` naming the path; the size is checked from the file
system before a byte is read. Line endings are normalised to ``\\n`` so evidence offsets mean the
same on every platform.
"""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

from schemas import FetchResult, SourceError, SourceFingerprint, Tool
from sources.base import Source, split_ref
from sources.documents import (
    HTML,
    MARKDOWN,
    NAME_CHARS,
    PLAIN,
    RST,
    SNIFF_BYTES,
    SUMMARY_CHARS,
    binary_kind,
    build_document,
    condense,
    decode_utf8,
    html_main_text,
    human_size,
    normalise_newlines,
    outline,
)
from sources.refs import tool_id_for_path

MEDIA_TYPES_BY_SUFFIX = {
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".rst": RST,
    ".rest": RST,
    ".txt": PLAIN,
    "": PLAIN,
    ".html": HTML,
    ".htm": HTML,
}
_MAX_TOOL_ID_CHARS = 500  # Tool.id's limit
SUPPORTED_SUFFIXES = ".md, .markdown, .rst, .rest, .txt, .html, .htm or no suffix"
READING_VERSION = "file-v1"
"""Part of every fingerprint: raise it whenever what ``fetch`` makes of the same bytes changes (the
tool's name or summary, the outline, the HTML reduction), so stored readings are taken again."""


class FileSource(Source):
    """Reads one local description file per ref, refusing files over ``max_bytes``."""

    scheme = "file"

    def __init__(self, *, max_bytes: int) -> None:
        self._max_bytes = max_bytes

    def fetch(self, ref: str) -> FetchResult:
        _, raw_path = split_ref(ref)
        tool_id = tool_id_for_path(raw_path)
        if len(tool_id) > _MAX_TOOL_ID_CHARS:
            raise SourceError(
                f"path is {len(tool_id)} characters, too long for a tool id",
                subject=ref[:80] + "…",
                hint=f"move the file to a path under {_MAX_TOOL_ID_CHARS - len('file:')} characters",
            )
        # Read the path the id names, so two spellings of one file can never give different text.
        path = Path(tool_id.removeprefix("file:"))
        media_type = self._check(path, ref)
        text = decode_utf8(self._read(path, ref), ref)
        if not text.strip():
            raise SourceError("is empty", subject=ref, hint="write a description of the tool in it")
        text = normalise_newlines(text)
        metadata: dict[str, str] = {}
        page_title: str | None = None
        if media_type == HTML:
            page = html_main_text(text)
            text, media_type, page_title = page.markdown, MARKDOWN, page.title
            metadata["original_media_type"] = HTML
            if page_title:
                metadata["title"] = page_title
        document = build_document(
            tool_id=tool_id,
            origin=str(path),
            media_type=media_type,
            text=text,
            subject=ref,
            metadata=metadata,
        )
        parts = outline(document.text, media_type)
        tool = Tool(
            id=tool_id,
            name=condense(parts.title or page_title or path.stem or path.name, NAME_CHARS),
            kind="Package",
            summary=condense(parts.first_paragraph, SUMMARY_CHARS) if parts.first_paragraph else None,
        )
        return FetchResult(tool=tool, document=document)

    def fingerprint(self, ref: str) -> SourceFingerprint | None:
        """The file's bytes hashed, after the same checks as ``fetch`` but without decoding or parsing."""
        try:
            _, raw_path = split_ref(ref)
            tool_id = tool_id_for_path(raw_path)
            path = Path(tool_id.removeprefix("file:"))
            self._check(path, ref)
            digest = hashlib.sha256(self._read(path, ref)).hexdigest()
            return SourceFingerprint(tool_id=tool_id, value=f"{READING_VERSION}:{digest}")
        except (SourceError, ValueError):
            return None  # fetch meets the same problem and names it

    def _check(self, path: Path, ref: str) -> str:
        """The media type the file's suffix promises, after every check that needs no reading."""
        try:
            status = path.stat()
        except FileNotFoundError:
            raise SourceError(
                "no such file", subject=ref, hint=f"check the path (relative paths start at {Path.cwd()})"
            ) from None
        except PermissionError:
            raise SourceError(
                "is not readable (permission denied)", subject=ref, hint="check the file's permissions"
            ) from None
        except OSError as error:
            raise SourceError(f"cannot be opened: {error.strerror}", subject=ref) from None
        if stat.S_ISDIR(status.st_mode):
            raise SourceError("is a directory", subject=ref, hint="point the ref at one description file")
        if not stat.S_ISREG(status.st_mode):
            raise SourceError("is not a regular file", subject=ref, hint="point the ref at a text file")
        media_type = MEDIA_TYPES_BY_SUFFIX.get(path.suffix.lower())
        if media_type is None:
            raise SourceError(
                f"has the unsupported suffix {path.suffix!r}",
                subject=ref,
                hint=f"supported: {SUPPORTED_SUFFIXES}; convert the file to Markdown or plain text",
            )
        if status.st_size > self._max_bytes:
            raise self._too_large(ref, status.st_size)
        return media_type

    def _read(self, path: Path, ref: str) -> bytes:
        try:
            with path.open("rb") as handle:
                # One byte past the limit tells a file that grew since stat() from one that fits.
                data = handle.read(self._max_bytes + 1)
        except PermissionError:
            raise SourceError(
                "is not readable (permission denied)", subject=ref, hint="check the file's permissions"
            ) from None
        except OSError as error:
            raise SourceError(f"could not be read: {error.strerror}", subject=ref) from None
        if len(data) > self._max_bytes:
            raise self._too_large(ref, len(data))
        kind = binary_kind(data[:SNIFF_BYTES])
        if kind is not None:
            raise SourceError(
                f"is a binary file, not text: {kind}",
                subject=ref,
                hint=f"capgraph reads text descriptions ({SUPPORTED_SUFFIXES})",
            )
        return data

    def _too_large(self, ref: str, size: int) -> SourceError:
        return SourceError(
            f"is {human_size(size)}, over the {human_size(self._max_bytes)} limit",
            subject=ref,
            hint="shorten it, or raise the CAPGRAPH_MAX_DOCUMENT_BYTES setting",
        )
