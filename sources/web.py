"""The ``url:https://...`` source: any web page, reduced to its main text.

HTML goes through trafilatura (``sources.documents.html_main_text``) so navigation, scripts and banners
are left behind; the page title and a short list of the links in its content are kept as document
metadata. Markdown, reStructuredText and plain-text URLs are taken as they are. Anything else (a
PDF, an image, JSON) is refused with its content type named.
"""

from __future__ import annotations

import json
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.etree
import lxml.html

from schemas import FetchResult, SourceError, Tool, ToolKind
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
    html_main_text,
    normalise_newlines,
    outline,
    sniff_media_type,
)
from sources.http import HttpClient, HttpNotFound

MAX_LINKS = 20
_MAX_TOOL_ID_CHARS = 500  # Tool.id's limit
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = {"text/markdown": MARKDOWN, "text/x-markdown": MARKDOWN, "text/x-rst": RST, "text/plain": PLAIN}
_ACCEPT = "text/html, application/xhtml+xml, text/markdown;q=0.9, text/plain;q=0.8"
# Where a page keeps links that are not about its subject.
_LINK_NOISE = "//script | //style | //nav | //header | //footer | //noscript | //template | //aside"


class WebSource(Source):
    """Fetches one web page per ref; ``kind`` is what the tool is recorded as (catalogs may override)."""

    scheme = "url"

    def __init__(self, client: HttpClient, *, kind: ToolKind = "Service") -> None:
        self._client = client
        self._kind: ToolKind = kind

    def fetch(self, ref: str) -> FetchResult:
        _, raw_url = split_ref(ref)
        url = raw_url.strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourceError(
                "is not an http(s) URL", subject=ref, hint="write url:https://host/page, scheme included"
            )
        tool_id = f"url:{url}"
        if len(tool_id) > _MAX_TOOL_ID_CHARS:
            raise SourceError(
                f"URL is {len(url)} characters, too long for a tool id",
                subject=ref[:80] + "…",
                hint="use a shorter address for the page (drop tracking parameters)",
            )
        try:
            response = self._client.get(url, subject=tool_id, headers={"Accept": _ACCEPT})
        except HttpNotFound:
            raise SourceError("tool not found at the web page's address (404)", subject=tool_id) from None
        text = normalise_newlines(response.text)
        kind = binary_kind(text[:SNIFF_BYTES].encode("utf-8", errors="replace"))
        if kind is not None:
            raise SourceError(
                f"is {kind}, not a web page", subject=tool_id, hint="link to an HTML or text page"
            )
        media_type = response.media_type or "text/html"
        metadata: dict[str, str] = {"final_url": response.final_url} if response.final_url != url else {}
        title: str | None = None
        if media_type in _HTML_TYPES:
            page = html_main_text(text)
            links = content_links(text, response.final_url)
            text, title = page.markdown, page.title
            media_type = MARKDOWN
            metadata["original_media_type"] = HTML
            if title:
                metadata["title"] = title
            if links:
                metadata["links"] = json.dumps(links, ensure_ascii=False)
        elif media_type in _TEXT_TYPES:
            media_type = _TEXT_TYPES[media_type]
            if media_type == PLAIN:
                media_type = sniff_media_type(text)
        else:
            raise SourceError(
                f"is {media_type}, not a web page",
                subject=tool_id,
                hint="link to an HTML, Markdown or plain-text page",
            )
        document = build_document(
            tool_id=tool_id,
            origin=response.final_url,
            media_type=media_type,
            text=text,
            subject=tool_id,
            metadata=metadata,
        )
        outlined = outline(document.text, media_type)
        tool = Tool(
            id=tool_id,
            name=condense(title or outlined.title or parts.hostname or url, NAME_CHARS),
            kind=self._kind,
            summary=condense(outlined.first_paragraph, SUMMARY_CHARS) if outlined.first_paragraph else None,
            homepage=condense(response.final_url, 2000),
        )
        return FetchResult(tool=tool, document=document)


def content_links(html: str, base_url: str, limit: int = MAX_LINKS) -> list[dict[str, str]]:
    """Up to ``limit`` distinct http(s) links outside navigation, headers and footers, in page order."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return []
    for noise in tree.xpath(_LINK_NOISE):
        noise.drop_tree()
    page = urldefrag(base_url).url
    links: list[dict[str, str]] = []
    seen: set[str] = set()
    for anchor in tree.iterfind(".//a[@href]"):
        target = urldefrag(urljoin(base_url, anchor.get("href", "").strip())).url
        if urlsplit(target).scheme not in ("http", "https") or target == page or target in seen:
            continue
        seen.add(target)
        links.append({"text": condense(anchor.text_content(), 100), "url": target})
        if len(links) >= limit:
            break
    return links
