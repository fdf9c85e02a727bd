"""Streams the static site: ``(relative path, text)`` for every file, one page at a time.

Everything that could make the site wrong (duplicate ids, slug clashes, a stale match) is checked when
``site_files`` is called, before the first file is produced; pages are then rendered only as they are
consumed, so a site of thousands of tools never sits in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from render.build import build_comparison
from render.formatting import one_line
from render.matches import PairMatch, check_match
from render.site.models import SiteAlternative, SiteTool
from render.site.page_data import AlternativeRow, Link, alternative_row, index_row, tool_page
from render.site.pages import (
    comparison_html,
    generated_label,
    index_html,
    search_script,
    stylesheet,
    tool_html,
)
from render.site.paths import (
    INDEX_PAGE,
    SEARCH_INDEX_SCRIPT,
    SEARCH_SCRIPT,
    STYLESHEET,
    pair_page_path,
    relative_link,
    tool_page_path,
    tool_slug,
)
from render.site.search_index import search_index_script
from schemas import TerminalError

DEFAULT_PAIRS_PER_TOOL = 3
DEFAULT_SITE_MAX_CAPABILITIES = 12


@dataclass(frozen=True, slots=True)
class _Pair:
    """One comparison page: ``owner`` listed ``alternative``; ``left_id`` is whichever sorts first by slug."""

    owner: SiteTool
    alternative: SiteAlternative
    left_id: str
    right_id: str
    path: str

    def oriented_match(self) -> PairMatch:
        match = self.alternative.match
        return match if self.owner.profile.tool.id == self.left_id else match.flipped()


class _Catalog:
    """The tools by id, and which comparison pages exist (each unordered pair once)."""

    def __init__(self, tools: Sequence[SiteTool], pairs_per_tool: int) -> None:
        self.tools = tools
        self.by_id: dict[str, SiteTool] = {}
        slugs: dict[str, str] = {}
        for position, tool in enumerate(tools):
            if not isinstance(tool, SiteTool):
                raise TerminalError(
                    f"expected a SiteTool, got {type(tool).__name__}",
                    subject=f"tools[{position}]",
                    hint="wrap each profile in render.site.SiteTool",
                )
            tool_id = tool.profile.tool.id
            if tool_id in self.by_id:
                raise TerminalError("appears twice in the site's tool list", subject=tool_id)
            slug = tool_slug(tool_id)
            if slug in slugs:
                raise TerminalError(f"its page name {slug!r} clashes with {slugs[slug]}'s", subject=tool_id)
            slugs[slug] = tool_id
            self.by_id[tool_id] = tool
        self.pairs: dict[frozenset[str], _Pair] = {}
        self.partners: dict[str, list[_Pair]] = {}
        for tool in tools:
            self._check_alternatives(tool)
            for alternative in self.top_alternatives(tool, pairs_per_tool):
                self._add_pair(tool, alternative)

    def _check_alternatives(self, tool: SiteTool) -> None:
        tool_id = tool.profile.tool.id
        for alternative in tool.alternatives:
            if alternative.tool_id == tool_id:
                raise TerminalError(
                    "lists itself as an alternative",
                    subject=tool_id,
                    hint="drop self-matches from the match graph",
                )
            other = self.by_id.get(alternative.tool_id)
            if other is None:
                continue
            try:
                check_match(alternative.match, tool.profile, other.profile)
            except TerminalError as error:
                # The same capability error reads differently per pair, so say which pair it came from.
                raise TerminalError(
                    f"{error.message} (in the match of {tool_id} with {alternative.tool_id})",
                    subject=error.subject or tool_id,
                    hint=error.hint,
                ) from error

    def top_alternatives(self, tool: SiteTool, count: int) -> list[SiteAlternative]:
        """The ``count`` closest alternatives that are in the site (only those can have a page)."""
        present = [alternative for alternative in tool.alternatives if alternative.tool_id in self.by_id]
        return sorted(present, key=lambda alternative: (alternative.rank, alternative.tool_id))[:count]

    def _add_pair(self, owner: SiteTool, alternative: SiteAlternative) -> None:
        owner_id = owner.profile.tool.id
        key = frozenset((owner_id, alternative.tool_id))
        if key in self.pairs:
            return
        left_id, right_id = sorted((owner_id, alternative.tool_id), key=tool_slug)
        pair = _Pair(owner, alternative, left_id, right_id, pair_page_path(left_id, right_id))
        self.pairs[key] = pair
        for tool_id in key:
            self.partners.setdefault(tool_id, []).append(pair)

    def pair_path(self, first_id: str, second_id: str) -> str | None:
        pair = self.pairs.get(frozenset((first_id, second_id)))
        return None if pair is None else pair.path


def _check_options(generated_at: object, pairs_per_tool: object, max_capabilities: object) -> None:
    if not isinstance(generated_at, datetime) or generated_at.tzinfo is None:
        raise TerminalError(
            f"must be a timezone-aware datetime, got {generated_at!r}",
            subject="generated_at",
            hint="pass datetime.now(UTC)",
        )
    for name, value in (("pairs_per_tool", pairs_per_tool), ("max_capabilities", max_capabilities)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise TerminalError(
                f"must be a whole number of 0 or more, got {value!r}",
                subject=name,
                hint="pass a count such as 3",
            )


def site_files(
    tools: Sequence[SiteTool],
    *,
    generated_at: datetime,
    pairs_per_tool: int = DEFAULT_PAIRS_PER_TOOL,
    max_capabilities: int = DEFAULT_SITE_MAX_CAPABILITIES,
) -> Iterator[tuple[str, str]]:
    """Every file of the site as ``(relative posix path, text)``, rendered lazily in a fixed order.

    Each tool is compared with its ``pairs_per_tool`` closest alternatives that are in ``tools``; a pair
    listed by both tools gets one page, which both tool pages link to. Comparison pages show at most
    ``max_capabilities`` records per tool; tool pages show all of them. Raises ``TerminalError`` at once
    for bad input, before any file is produced.
    """
    _check_options(generated_at, pairs_per_tool, max_capabilities)
    catalog = _Catalog(tools, pairs_per_tool)
    return _stream(catalog, generated_label(generated_at), pairs_per_tool, max_capabilities)


def published_pairs(
    tools: Sequence[SiteTool], *, pairs_per_tool: int = DEFAULT_PAIRS_PER_TOOL
) -> list[tuple[str, str]]:
    """The ``(left id, right id)`` of every comparison page ``site_files`` writes for these tools."""
    return [(pair.left_id, pair.right_id) for pair in _Catalog(tools, pairs_per_tool).pairs.values()]


def _stream(
    catalog: _Catalog, generated: str, pairs_per_tool: int, max_capabilities: int
) -> Iterator[tuple[str, str]]:
    yield STYLESHEET, stylesheet()
    yield SEARCH_SCRIPT, search_script()
    yield SEARCH_INDEX_SCRIPT, search_index_script(catalog.tools)
    yield INDEX_PAGE, _index(catalog, generated)
    written: set[frozenset[str]] = set()
    for tool in catalog.tools:
        tool_id = tool.profile.tool.id
        path = tool_page_path(tool_id)
        page = tool_page(tool.profile, tool.scores, _alternative_rows(catalog, tool, path))
        yield path, tool_html(page, path, generated)
        for alternative in catalog.top_alternatives(tool, pairs_per_tool):
            key = frozenset((tool_id, alternative.tool_id))
            if key in written:
                continue
            written.add(key)
            pair = catalog.pairs[key]
            yield pair.path, _comparison(catalog, pair, generated, max_capabilities)


def _index(catalog: _Catalog, generated: str) -> str:
    def order(tool: SiteTool) -> tuple[int, str, str]:
        rank = tool.scores.rank
        return (
            -(rank if rank is not None else -1),
            one_line(tool.profile.tool.name).casefold(),
            tool.profile.tool.id,
        )

    rows = [
        index_row(tool.profile, tool.scores, tool_page_path(tool.profile.tool.id))
        for tool in sorted(catalog.tools, key=order)
    ]
    return index_html(rows, generated)


def _alternative_rows(catalog: _Catalog, tool: SiteTool, from_page: str) -> tuple[AlternativeRow, ...]:
    tool_id = tool.profile.tool.id

    def link(path: str | None) -> str | None:
        return None if path is None else relative_link(from_page, path)

    def page_of(other_id: str) -> str | None:
        return link(tool_page_path(other_id)) if other_id in catalog.by_id else None

    def name_of(other_id: str, fallback: str) -> str:
        other = catalog.by_id.get(other_id)
        return fallback if other is None else other.profile.tool.name

    rows: list[AlternativeRow] = []
    listed = set()
    for alternative in sorted(tool.alternatives, key=lambda item: (item.rank, item.tool_id)):
        listed.add(alternative.tool_id)
        rows.append(
            alternative_row(
                position=alternative.rank,
                name=name_of(alternative.tool_id, alternative.name),
                page=page_of(alternative.tool_id),
                similarity=alternative.similarity,
                shared_count=len(alternative.match.shared),
                comparison=link(catalog.pair_path(tool_id, alternative.tool_id)),
            )
        )
    # Tools that chose this one as a close alternative link to their shared page, so this page does too.
    for pair in catalog.partners.get(tool_id, ()):
        owner_id = pair.owner.profile.tool.id
        if owner_id == tool_id or owner_id in listed:
            continue
        listed.add(owner_id)
        rows.append(
            alternative_row(
                position=None,
                name=pair.owner.profile.tool.name,
                page=page_of(owner_id),
                similarity=pair.alternative.similarity,
                shared_count=len(pair.alternative.match.shared),
                comparison=link(pair.path),
            )
        )
    return tuple(rows)


def _comparison(catalog: _Catalog, pair: _Pair, generated: str, max_capabilities: int) -> str:
    left, right = catalog.by_id[pair.left_id], catalog.by_id[pair.right_id]
    page = build_comparison(
        left.profile,
        right.profile,
        max_capabilities,
        scores={pair.left_id: left.scores, pair.right_id: right.scores},
        match=pair.oriented_match(),
    )
    nav = tuple(
        Link(text=one_line(side.profile.tool.name), href=relative_link(pair.path, tool_page_path(tool_id)))
        for tool_id, side in ((pair.left_id, left), (pair.right_id, right))
    )
    return comparison_html(page, pair.path, generated, nav)
