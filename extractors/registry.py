"""Extractors by name, and the ``auto`` rule: anthropic when an API key is configured, else heuristic.

Factories import their implementation lazily, so choosing ``heuristic`` never imports the SDK.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from extractors.base import Extractor
from extractors.options import ExtractorOptions
from schemas import CapgraphError

Sleep = Callable[[float], None]
ExtractorFactory = Callable[[ExtractorOptions, Sleep], Extractor]
"""Builds an extractor from its options; ``Sleep`` is how it waits (retries, rate limits), so a
run's interrupt can cut those waits short."""

_FACTORIES: dict[str, ExtractorFactory] = {}


def register(name: str) -> Callable[[ExtractorFactory], ExtractorFactory]:
    def decorator(factory: ExtractorFactory) -> ExtractorFactory:
        _FACTORIES[name] = factory
        return factory

    return decorator


def available() -> list[str]:
    return sorted(_FACTORIES)


def create(name: str, options: ExtractorOptions, *, sleep: Sleep = time.sleep) -> Extractor:
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise CapgraphError(
            f"unknown extractor {name!r}",
            subject="CAPGRAPH_EXTRACTOR",
            hint=f"choose one of: auto, {', '.join(available())}",
        ) from None
    return factory(options, sleep)


def resolve(options: ExtractorOptions, *, sleep: Sleep = time.sleep) -> tuple[Extractor, str]:
    """The extractor the options ask for, and a one-line notice saying which was used and why."""
    if options.choice != "auto":
        chosen = create(options.choice, options, sleep=sleep)
        return chosen, f"extractor: {options.choice} (CAPGRAPH_EXTRACTOR)"
    if options.anthropic.has_key() and "anthropic" in _FACTORIES:
        chosen = create("anthropic", options, sleep=sleep)
        return chosen, "extractor: anthropic (auto: an API key is configured)"
    chosen = create("heuristic", options, sleep=sleep)
    return chosen, "extractor: heuristic (auto: no Anthropic API key configured)"


@register("heuristic")
def _heuristic(options: ExtractorOptions, sleep: Sleep) -> Extractor:
    from extractors.heuristic import HeuristicExtractor

    return HeuristicExtractor()


@register("anthropic")
def _anthropic(options: ExtractorOptions, sleep: Sleep) -> Extractor:
    from extractors.anthropic import AnthropicExtractor

    return AnthropicExtractor.from_options(options.anthropic, sleep=sleep)
