"""Finding refs worth tracking: the most popular repositories a source lists, by its own measure.

Each function asks one listing API and returns refs ready for the catalog, most popular first. The
CLI command that calls them and writes the catalog lives in cli/, its checks in capgraph.discovery.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from schemas import SourceError
from schemas.choices import HubKind
from sources.github import GitHubSource
from sources.http import HttpClient, iter_json_items
from sources.openrouter import OpenRouterSource
from sources.options import SourceOptions

_GITHUB_PAGE_SIZE = 100
_GITHUB_SEARCH_LIMIT = 1000  # the search API serves no result past the first thousand
_HF_LIST_LIMIT = 1000


def discover_hf(client: HttpClient, options: SourceOptions, kind: HubKind, top: int) -> list[str]:
    """The ``top`` Hub models or datasets by downloads, as ``hf:`` / ``hf-dataset:`` refs."""
    _check_top(top, f"discover hf {kind}s", _HF_LIST_LIMIT)
    query = urlencode({"sort": "downloads", "direction": "-1", "limit": str(top)})
    url = f"{options.hf_base_url.rstrip('/')}/api/{kind}s?{query}"
    scheme = "hf" if kind == "model" else "hf-dataset"
    items = list(iter_json_items(client.get_json(url, subject=f"discover hf {kind}s"), "items"))
    ranked = sorted(
        (item for item in items if isinstance(item.get("id"), str)),
        key=lambda item: -_number(item.get("downloads")),
    )
    return [f"{scheme}:{item['id']}" for item in ranked[:top]]


def discover_github(client: HttpClient, options: SourceOptions, topic: str, top: int) -> list[str]:
    """The ``top`` repositories tagged ``topic`` by stars, as ``github:`` refs (pages through search)."""
    subject = f"discover github topic {topic!r}"
    _check_top(top, subject, _GITHUB_SEARCH_LIMIT)
    topic = topic.strip()
    if not topic or any(character.isspace() for character in topic):
        raise SourceError("a topic is one word", subject=subject, hint="e.g. --topic vector-database")
    headers = GitHubSource(client, api_url=options.github_api_url, token=options.github_token).headers(
        "application/vnd.github+json"
    )
    found: dict[str, float] = {}
    page = 1
    while len(found) < top:
        query = urlencode(
            {
                "q": f"topic:{topic}",
                "sort": "stars",
                "order": "desc",
                "per_page": str(min(_GITHUB_PAGE_SIZE, top)),
                "page": str(page),
            }
        )
        url = f"{options.github_api_url.rstrip('/')}/search/repositories?{query}"
        items = list(iter_json_items(client.get_json(url, subject=subject, headers=headers), "items"))
        for item in items:
            if isinstance(item.get("full_name"), str):
                found.setdefault(item["full_name"], _number(item.get("stargazers_count")))
        if len(items) < min(_GITHUB_PAGE_SIZE, top):
            break
        page += 1
    ranked = sorted(found.items(), key=lambda pair: -pair[1])
    return [f"github:{name}" for name, _ in ranked[:top]]


def discover_openrouter(client: HttpClient, options: SourceOptions, top: int | None) -> list[str]:
    """Models in OpenRouter's listing, in the listing's own order (its public API publishes no usage
    ranking), the first ``top`` of them or all when ``top`` is None."""
    if top is not None:
        _check_top(top, "discover openrouter", None)
    source = OpenRouterSource(client, base_url=options.openrouter_base_url, listing_ttl_seconds=0)
    ids = list(source.listing("discover openrouter"))
    return [f"openrouter:{model_id}" for model_id in (ids if top is None else ids[:top])]


def _check_top(top: int, subject: str, maximum: int | None) -> None:
    if top < 1 or (maximum is not None and top > maximum):
        bound = f"between 1 and {maximum}" if maximum is not None else "at least 1"
        raise SourceError(f"top must be {bound}, not {top}", subject=subject)


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
