"""Turning raw description text into what the offline sources hand on.

Shared by the sources that read description text: strict UTF-8 decoding with byte-exact error
positions, binary sniffing, telling Markdown from reStructuredText, finding a document's title and
first paragraph, reading YAML front matter, reducing an HTML page to its main text, and building the
``SourceDocument`` with limits checked up front so a bad description fails as a ``SourceError``
rather than a validation traceback.
"""

from __future__ import annotations

import copy
import functools
import re
import threading
from dataclasses import dataclass
from typing import Any

import docutils.core
import docutils.frontend
import docutils.io
import docutils.nodes
import docutils.parsers.rst
import docutils.readers.standalone
import docutils.utils
import docutils.writers.null
import lxml.etree
import lxml.html
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from schemas import SourceDocument, SourceError
from schemas.models import MAX_DOCUMENT_CHARS

MARKDOWN = "text/markdown"
RST = "text/x-rst"
PLAIN = "text/plain"
HTML = "text/html"

SUMMARY_CHARS = 300
NAME_CHARS = 200
SNIFF_BYTES = 8192

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.odt document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Microsoft Office document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"

# Markers that only one of the two markups uses; a title underlined with === is valid in both.
_RST_MARKERS = (
    re.compile(r"^\.\. [A-Za-z][\w-]*::", re.MULTILINE),
    re.compile(r"`[^`\n]+ <[^>\n]+>`__?"),
    re.compile(r"^:[A-Za-z][\w -]*:\s", re.MULTILINE),
    re.compile(r"^\.\. _[^:\n]+:", re.MULTILINE),
    re.compile(r"::\s*$", re.MULTILINE),
)
_MARKDOWN_MARKERS = (
    re.compile(r"^#{1,6} \S", re.MULTILINE),
    re.compile(r"^(```|~~~)", re.MULTILINE),
    re.compile(r"!?\[[^\]\n]+\]\([^)\n]+\)"),
    re.compile(r"^\[[^\]\n]+\]: \S", re.MULTILINE),
    re.compile(r"\*\*[^*\n]+\*\*"),
)

# The blocks a first paragraph may not come from: list items, tables and the like are detail,
# not the sentence that introduces a tool.
_MARKDOWN_NON_SUMMARY_BLOCKS = {"bullet_list_open", "ordered_list_open", "table_open"}
_RST_NON_SUMMARY_NODES = (
    docutils.nodes.docinfo,
    docutils.nodes.field_list,
    docutils.nodes.list_item,
    docutils.nodes.table,
    docutils.nodes.topic,
    docutils.nodes.Admonition,
    docutils.nodes.system_message,
    docutils.nodes.footnote,
    docutils.nodes.citation,
)

# Front matter (Hugging Face cards, static-site pages) is the first thing in a document: a line of three
# dashes, YAML, a closing line of dashes.
_FRONT_MATTER = re.compile(
    r"\A\ufeff?---[ \t]*\r?\n(.*?)(?:\r?\n)?^---[ \t]*$\r?\n?", re.DOTALL | re.MULTILINE
)

# A README's centred header is often raw HTML before any Markdown heading: <h1 align="center">Name</h1>.
_HTML_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_H1_WINDOW = 4096

_NOISE_TAGS = ("script", "style", "nav", "noscript", "template")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True)
class Outline:
    """The parts of a document a tool record is named and summarised from."""

    title: str | None
    first_paragraph: str | None


@dataclass(frozen=True)
class HtmlText:
    """An HTML page reduced to its main text (as Markdown) plus the page's ``<title>``."""

    markdown: str
    title: str | None


def condense(text: str, limit: int) -> str:
    """``text`` on one line, whitespace collapsed, cut at a word boundary to at most ``limit`` chars."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def human_size(size: int) -> str:
    """A byte count the way people read it, in decimal units (the setting is in bytes)."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"


def binary_kind(head: bytes) -> str | None:
    """What binary format the first bytes of a file show, or None when they look like text."""
    for signature, kind in _BINARY_SIGNATURES:
        if head.startswith(signature):
            return kind
    if head.startswith(_UTF16_BOMS):
        return None  # text, in an encoding ``decode_utf8`` names in its own error
    if b"\x00" in head[:SNIFF_BYTES]:
        return "binary data (it contains NUL bytes)"
    return None


def decode_utf8(data: bytes, subject: str) -> str:
    """Strict UTF-8 (a leading BOM is dropped); an invalid byte fails with its offset and line."""
    if data.startswith(_UTF16_BOMS):
        raise SourceError(
            "is UTF-16 encoded, not UTF-8", subject=subject, hint="save the file with UTF-8 encoding"
        )
    encoding = "utf-8-sig" if data.startswith(_UTF8_BOM) else "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        offset = error.start
        line = data[:offset].count(b"\n") + 1
        raise SourceError(
            f"is not valid UTF-8: byte 0x{data[offset]:02X} at offset {offset} (line {line})",
            subject=subject,
            hint="save the file with UTF-8 encoding",
        ) from None


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sniff_media_type(text: str) -> str:
    """Markdown, reStructuredText or plain text, judged by markers only one markup uses."""
    rst = sum(len(marker.findall(text)) for marker in _RST_MARKERS)
    markdown = sum(len(marker.findall(text)) for marker in _MARKDOWN_MARKERS)
    if rst == 0 and markdown == 0:
        return PLAIN
    return RST if rst > markdown else MARKDOWN


def outline(text: str, media_type: str) -> Outline:
    """The first heading and first introductory paragraph of ``text``, read as ``media_type``."""
    if media_type == MARKDOWN:
        return _markdown_outline(text)
    if media_type == RST:
        return _rst_outline(text)
    return Outline(title=None, first_paragraph=_plain_first_paragraph(text))


class _OutlineMarkdown(MarkdownIt):
    """markdown-it that leaves link addresses as written: an outline reads only the words.

    Normalising them would go through mdurl, whose lookup tables are built on first use in a way that
    is not thread-safe (a table is shared before it is filled), so two threads meeting the first links
    of a process at once failed with ``IndexError: list index out of range``.
    """

    def normalizeLink(self, url: str) -> str:
        return url

    def normalizeLinkText(self, link: str) -> str:
        return link

    def validateLink(self, url: str) -> bool:
        return True


_OUTLINE_PREFIXES = (512, 4096)
"""How much of a long Markdown document the outline first reads (cut at a blank line): the title and
first paragraph are nearly always near the top, and parsing the rest was most of an unchanged re-run."""
_parsers = threading.local()


def _markdown_outline(text: str) -> Outline:
    for limit in _OUTLINE_PREFIXES:
        cut = text.rfind("\n\n", 0, limit)
        if len(text) <= limit or cut <= 0:
            continue
        found = _markdown_outline_of(text[:cut])
        # Blocks up to a blank line parse the same whatever follows, but a bracket may be a reference
        # link whose definition comes later: then only the whole document says what the words are.
        if found.title is not None and found.first_paragraph is not None and not found.brackets:
            return Outline(title=found.title, first_paragraph=found.first_paragraph)
    found = _markdown_outline_of(text)
    return Outline(title=found.title, first_paragraph=found.first_paragraph)


@dataclass(frozen=True)
class _FoundOutline:
    title: str | None
    first_paragraph: str | None
    brackets: bool
    """Whether the source of the title or paragraph has a ``[``."""


def _markdown_parser() -> _OutlineMarkdown:
    """This thread's parser, built once: building one costs a third of parsing a description."""
    parser: _OutlineMarkdown | None = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _OutlineMarkdown("commonmark")
        parser.enable("table")
        _parsers.parser = parser
    return parser


def _markdown_outline_of(text: str) -> _FoundOutline:
    tokens = _markdown_parser().parse(text)
    brackets = False
    title: str | None = None
    paragraph: str | None = None
    open_blocks: list[str] = []
    for index, token in enumerate(tokens):
        if token.nesting == 1:
            open_blocks.append(token.type)
        elif token.nesting == -1 and open_blocks:
            open_blocks.pop()
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is None or following.type != "inline":
            continue
        if title is None and token.type == "heading_open":
            title = _inline_text(following) or None
            brackets = brackets or "[" in following.content
        elif (
            paragraph is None
            and token.type == "paragraph_open"
            and not _MARKDOWN_NON_SUMMARY_BLOCKS.intersection(open_blocks)
        ):
            words = _inline_text(following)
            paragraph = words if re.search(r"\w", words) else None
            brackets = brackets or "[" in following.content
        if title is not None and paragraph is not None:
            break
    return _FoundOutline(title=title, first_paragraph=paragraph, brackets=brackets)


def _inline_text(inline: Token) -> str:
    """The readable words of an inline token: markup, images and raw HTML dropped."""
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
    return " ".join("".join(parts).split())


def _rst_outline(text: str) -> Outline:
    try:
        # A copy per document: publishing writes the source path into its settings.
        doctree = docutils.core.publish_doctree(text, settings=copy.copy(_rst_settings()))
    except (docutils.ApplicationError, docutils.utils.SystemMessage, ValueError, IndexError):
        # The outline is a convenience: a document docutils cannot parse still has its text.
        return Outline(title=None, first_paragraph=_plain_first_paragraph(text))
    title_node = next(iter(doctree.findall(docutils.nodes.title)), None)
    title = " ".join(title_node.astext().split()) if title_node is not None else None
    paragraph: str | None = None
    for node in doctree.findall(docutils.nodes.paragraph):
        if _inside(node, _RST_NON_SUMMARY_NODES):
            continue
        words = " ".join(node.astext().split())
        if re.search(r"\w", words):
            paragraph = words
            break
    return Outline(title=title or None, first_paragraph=paragraph)


_RST_SETTINGS_LOCK = threading.Lock()


def _rst_settings() -> docutils.frontend.Values:
    """docutils settings for outlines, built once per process and then only copied.

    Building them is not thread-safe: docutils silences its own deprecation warnings meanwhile with
    ``warnings.catch_warnings()``, which swaps the process-wide warning filters, so threads building
    settings at once restore each other's filters (leaking those warnings, or leaving them silenced for
    the whole process). ``publish_doctree`` without ``settings`` builds them on every call.
    """
    with _RST_SETTINGS_LOCK:
        return _build_rst_settings()


@functools.cache
def _build_rst_settings() -> docutils.frontend.Values:
    parser = docutils.parsers.rst.Parser()
    publisher = docutils.core.Publisher(
        reader=docutils.readers.standalone.Reader(parser),
        parser=parser,
        writer=docutils.writers.null.Writer(),
        source_class=docutils.io.StringInput,
        destination_class=docutils.io.NullOutput,
    )
    settings: docutils.frontend.Values = publisher.get_settings(
        # Quiet, and safe on untrusted input: no includes, no raw passthrough, no config files.
        report_level=5,
        halt_level=5,
        warning_stream=False,
        file_insertion_enabled=False,
        raw_enabled=False,
        _disable_config=True,
        traceback=True,
    )
    return settings


def _inside(node: docutils.nodes.Node, kinds: tuple[type, ...]) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent
    return False


def _plain_first_paragraph(text: str) -> str | None:
    for block in re.split(r"\n\s*\n", text):
        words = " ".join(block.split())
        if re.search(r"\w", words):
            return words
    return None


def split_front_matter(text: str) -> tuple[dict[str, Any], str, str | None]:
    """``(front matter, the text without it, why the front matter could not be read or None)``."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text, None
    body = text[match.end() :]
    try:
        parsed = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        return {}, body, f"invalid YAML{where}"
    if parsed is None:
        return {}, body, None
    if not isinstance(parsed, dict):
        return {}, body, "front matter is not a mapping"
    return {str(key): value for key, value in parsed.items()}, body, None


def leading_html_heading(text: str) -> str | None:
    """The words of a raw ``<h1>`` among a Markdown document's first lines, before any Markdown heading."""
    head = text[:_HTML_H1_WINDOW]
    match = _HTML_H1.search(head)
    if match is None or _MARKDOWN_MARKERS[0].search(head, 0, match.start()):
        return None
    try:
        inner = lxml.html.fragment_fromstring(match.group(1), create_parent="h1")
    except (lxml.etree.ParserError, ValueError):
        return None
    words = " ".join(inner.text_content().split())
    return words or None


def html_main_text(html: str) -> HtmlText:
    """The article of an HTML page as Markdown, without navigation, scripts or banners."""
    # Imported here: it takes a fifth of a second, and only HTML descriptions need it.
    import trafilatura

    html = _XML_DECLARATION.sub("", html, count=1)
    markdown = trafilatura.extract(
        html,
        output_format="markdown",
        include_tables=True,
        include_formatting=True,
        include_links=False,
        include_images=False,
        include_comments=False,
        favor_recall=True,
    )
    tree = _parse_html(html)
    title = _html_title(tree)
    if markdown and markdown.strip():
        return HtmlText(markdown=markdown.strip(), title=title)
    return HtmlText(markdown=_body_text(tree), title=title)


def _parse_html(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None


def _html_title(tree: lxml.html.HtmlElement | None) -> str | None:
    if tree is None:
        return None
    title = tree.findtext(".//title")
    title = " ".join(title.split()) if title else ""
    return title or None


def _body_text(tree: lxml.html.HtmlElement | None) -> str:
    """Fallback when trafilatura finds no article: every visible text of ``<body>``."""
    if tree is None:
        return ""
    body = tree.find("body")
    root = body if body is not None else tree
    for noise in root.xpath(" | ".join(f".//{tag}" for tag in _NOISE_TAGS)):
        noise.drop_tree()
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def build_document(
    *,
    tool_id: str,
    origin: str,
    media_type: str,
    text: str,
    subject: str,
    metadata: dict[str, str] | None = None,
) -> SourceDocument:
    """A ``SourceDocument`` for ``text``, refusing (as ``SourceError``) what the model would reject."""
    text = text.strip()
    if not text:
        raise SourceError("is empty", subject=subject, hint="write a description of the tool in it")
    if not re.search(r"\w", text):
        raise SourceError("has no words in it", subject=subject, hint="write a description of the tool in it")
    if len(text) > MAX_DOCUMENT_CHARS:
        raise SourceError(
            f"has {len(text):,} characters, over the {MAX_DOCUMENT_CHARS:,}-character document limit",
            subject=subject,
            hint="keep only the part that describes the tool",
        )
    return SourceDocument(
        tool_id=tool_id,
        origin=origin,
        media_type=media_type,
        text=text,
        metadata=metadata or {},
    )
