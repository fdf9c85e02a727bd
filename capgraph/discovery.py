"""`capgraph discover`: which source listing to ask, with which arguments, checked before any request."""

from __future__ import annotations

from typing import get_args

from capgraph.settings import Settings
from capgraph.stage_options import source_options
from schemas import CapgraphError
from schemas.choices import DiscoverySource, HubKind

DEFAULT_TOP = 20


def discover_refs(
    settings: Settings,
    source: DiscoverySource,
    *,
    top: int | None,
    kind: HubKind = "model",
    topic: str | None = None,
) -> list[str]:
    """The most popular refs of ``source`` (hf, github, openrouter), most popular first."""
    # Imported here: the HTTP stack is only needed when discovering.
    from sources.discover import discover_github, discover_hf, discover_openrouter
    from sources.http import HttpClient

    # The CLI validates both choices already; these checks are for callers without a type checker.
    if source not in get_args(DiscoverySource):
        raise CapgraphError(
            f"unknown source {source!r}", subject="discover", hint="use hf, github or openrouter"
        )
    if source == "hf" and kind not in get_args(HubKind):
        raise CapgraphError(
            f"unknown kind {kind!r}", subject="discover hf", hint="use --kind model or dataset"
        )
    if source == "github" and not topic:
        raise CapgraphError("needs a topic", subject="discover github", hint="e.g. --topic vector-database")
    options = source_options(settings)
    client = HttpClient(options.http)
    try:
        if source == "hf":
            return discover_hf(client, options, kind, top or DEFAULT_TOP)
        if source == "github":
            return discover_github(client, options, topic or "", top or DEFAULT_TOP)
        return discover_openrouter(client, options, top)
    finally:
        client.close()
