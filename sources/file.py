"""The ``file:PATH`` source: a local Markdown, reStructuredText, plain-text or HTML description.

A tool's id is ``file:`` and the file's absolute path with symlinks resolved, so the same file is the
same tool from any working directory; relative paths resolve against the current directory. Every way
a file can be unusable (missing, a folder, unreadable, binary, not UTF-8, empty, too large, an
unsupported format) fails with a ``SourceError`` naming the path; the size is checked from the file
system before a byte is read. Line endings are normalised to ``\\n`` so evidence offsets mean the
same on every platform. The tool is named by ``tool_name``: declared metadata or a heading only when
it names the tool, else the file's stem.
"""

from __future__ import annotations

import hashlib
import re
import stat
import unicodedata
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
    Outline,
    binary_kind,
    build_document,
    condense,
    decode_utf8,
    html_main_text,
    human_size,
    leading_html_heading,
    normalise_newlines,
    outline,
    split_front_matter,
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
READING_VERSION = "file-v2"
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
        # A card's YAML front matter is metadata, not its first paragraph.
        body = split_front_matter(document.text)[1] if media_type == MARKDOWN else document.text
        parts = outline(body, media_type)
        tool = Tool(
            id=tool_id,
            name=tool_name(path, document.text, media_type, parts, page_title),
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


# Naming. Front matter keys are read in this order.
_DECLARED_NAME_KEYS = ("pretty_name", "model_name", "name")
_MAX_NAME_WORDS = 4
_MAX_NAME_CHARS = 60
_MAX_DECLARED_NAME_WORDS = 12

# Headings any README may have whatever its tool; compared after emoji, punctuation and case are dropped.
_GENERIC_HEADINGS = frozenset(
    (
        "about",
        "acknowledgements",
        "api",
        "api reference",
        "authors",
        "benchmarks",
        "changelog",
        "change log",
        "citation",
        "community",
        "contents",
        "contributing",
        "credits",
        "demo",
        "description",
        "details",
        "docs",
        "documentation",
        "example",
        "examples",
        "faq",
        "feature",
        "features",
        "get started",
        "getting started",
        "highlights",
        "home",
        "index",
        "install",
        "installation",
        "introduction",
        "intro",
        "license",
        "model card",
        "dataset card",
        "motivation",
        "news",
        "note",
        "overview",
        "quick start",
        "quickstart",
        "read me",
        "readme",
        "reference",
        "release notes",
        "requirements",
        "roadmap",
        "setup",
        "sponsor",
        "sponsors",
        "summary",
        "support",
        "table of contents",
        "toc",
        "tutorial",
        "usage",
        "warning",
        "welcome",
        "why",
    )
)
# Words that may lead a generic heading without making it a name: "Key Features", "Model details".
_GENERIC_QUALIFIERS = frozenset(("key", "main", "core", "our", "the", "project", "model", "dataset", "basic"))
# Lead-ins before a name: "Model Card for Ferryman-7B", "Welcome to Ferryman", "Introducing Ferryman".
_NAME_LEAD_IN = re.compile(
    r"^(?:(?:model|dataset)\s+card\s+(?:for|of)|welcome\s+to|introducing|about)\s+", re.IGNORECASE
)
# Words after a name that only say what kind of page it is: "Ferryman 2.0 documentation".
_PAGE_KIND_SUFFIX = re.compile(r"\s+(?:documentation|docs|home\s*page|website|official\s+site)$", re.I)
# Where the name part of a heading ends: "Ferryman: fast scheduling", "Ferryman | Acme", "Ferryman — docs".
_NAME_SEPARATOR = re.compile(r"\s*[|·•—–]\s*|:\s+|\s+-\s+")
_DECORATION = " \t*_~#=.,;:!?-–—|·•\"'`()[]{}<>"
_SENTENCE_END = (".", "!", "?", "…")
# Marks inside a word that make it a name's word even in lowercase: "v1.5", "llama.cpp", "gpt-4o".
_NAME_WORD_MARKS = re.compile(r"[0-9._+-]")
_EMOJI_SHORTCODE = re.compile(r":[a-z0-9_+-]+:")
# Pictographs and modifier symbols (skin tones), format characters (joiners), private-use and
# surrogate code points; combining marks stay, as many scripts' letters need them, except the emoji ones.
_EMOJI_CATEGORIES = frozenset(("So", "Sk", "Cf", "Co", "Cs"))
_EMOJI_MARKS = frozenset(("\ufe0e", "\ufe0f", "\u20e3"))  # text/emoji presentation selectors, keycap


def tool_name(path: Path, text: str, media_type: str, parts: Outline, page_title: str | None) -> str:
    """What a ``file:`` tool is called: the name its front matter declares, else a heading's name,
    else the file's stem.

    Front matter (Markdown) is read for ``pretty_name``, ``model_name`` and ``name``. The headings are
    a Markdown README's raw ``<h1>`` header, the document's first heading (after any front matter) and
    an HTML page's ``<title>``, in that order. A heading names the tool when one of its parts (split at
    ``:``, ``|``, ``·`` or a dash) is short and not generic: one word, or two to four words none of
    which is an ordinary lowercase word, with no comma and no sentence's closing ``.``, ``!`` or ``?``.
    Emoji are ignored, and "Model card for X", "Welcome to X" or "X documentation" give X. Failing
    that, the stem is the name, spelled as the headings or the first paragraph spell it, else as
    written (a generic stem such as ``README`` or ``index`` gives way to its folder's name).
    """
    headings: list[str] = []
    if media_type == MARKDOWN:
        front_matter, body, _ = split_front_matter(text)
        for key in _DECLARED_NAME_KEYS:
            declared = front_matter.get(key)
            if isinstance(declared, str) and (name := _declared_name(declared)):
                return condense(name, NAME_CHARS)
        if body is not text:
            # Read without its front matter: the YAML above the closing dashes is a setext heading.
            parts = outline(body, media_type)
        if raw_header := leading_html_heading(body):
            headings.append(raw_header)
    headings += [heading for heading in (parts.title, page_title) if heading]
    for heading in headings:
        if name := _name_in_heading(heading):
            return condense(name, NAME_CHARS)
    stem = _file_stem(path)
    for words in [*headings, parts.first_paragraph or ""]:
        if spelled := _stem_as_spelled_in(words, stem):
            return condense(spelled, NAME_CHARS)
    return condense(stem, NAME_CHARS)


def _name_in_heading(heading: str) -> str | None:
    for part in _NAME_SEPARATOR.split(_without_emoji(heading)):
        if len(part.split()) > 1 and part.endswith(_SENTENCE_END):
            continue  # a sentence, however it is capitalised
        candidate = _NAME_LEAD_IN.sub("", part.strip(_DECORATION))
        candidate = _PAGE_KIND_SUFFIX.sub("", candidate).strip(_DECORATION)
        if candidate and not _is_generic(candidate) and _looks_like_a_name(candidate):
            return candidate
    return None


def _looks_like_a_name(candidate: str) -> bool:
    words = candidate.split()
    if len(words) > _MAX_NAME_WORDS or len(candidate) > _MAX_NAME_CHARS or "," in candidate:
        return False
    return len(words) == 1 or all(_could_be_in_a_name(word) for word in words)


def _could_be_in_a_name(word: str) -> bool:
    """Capitalised, a number, or with inner marks; an ordinary lowercase word makes a phrase (a tagline)."""
    return word[0].isupper() or word[0].isdigit() or bool(_NAME_WORD_MARKS.search(word))


def _declared_name(declared: str) -> str | None:
    name = _without_emoji(declared).strip(_DECORATION)
    if not name or _is_generic(name) or len(name.split()) > _MAX_DECLARED_NAME_WORDS:
        return None
    return name


def _without_emoji(text: str) -> str:
    kept = "".join(
        char
        for char in text
        if unicodedata.category(char) not in _EMOJI_CATEGORIES and char not in _EMOJI_MARKS
    )
    return " ".join(_EMOJI_SHORTCODE.sub(" ", kept).split())


def _is_generic(text: str) -> bool:
    words = re.sub(r"[^\w\s]", " ", _without_emoji(text).casefold()).split()
    if len(words) > 1 and words[0] in _GENERIC_QUALIFIERS:
        words = words[1:]
    return not words or " ".join(words) in _GENERIC_HEADINGS


def _file_stem(path: Path) -> str:
    stem = path.stem or path.name
    if _is_generic(stem) and path.parent.name and not _is_generic(path.parent.name):
        return path.parent.name
    return stem


def _stem_as_spelled_in(text: str, stem: str) -> str | None:
    parts = [re.escape(part) for part in re.split(r"[-_ .]+", stem) if part]
    if not parts:
        return None
    spelling = r"(?<!\w)" + r"[-_ .]?".join(parts) + r"(?!\w)"
    match = re.search(spelling, _without_emoji(text), re.IGNORECASE)
    return match.group(0) if match else None
