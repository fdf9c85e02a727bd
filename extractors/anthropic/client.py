"""Building the SDK client and the request layer (limiter, retries, prices) from ``AnthropicOptions``."""

from __future__ import annotations

import time
from collections.abc import Callable

import anthropic

from extractors.anthropic.calls import ApiCaller
from extractors.anthropic.failures import RetryAfterOrBackoff
from extractors.anthropic.limiter import RateLimiter
from extractors.anthropic.pricing import PriceTable, default_price_table
from extractors.options import AnthropicOptions
from schemas import FatalRunError

DEFAULT_BASE_URL = "https://api.anthropic.com"


def build_client(
    options: AnthropicOptions, *, strict_response_validation: bool = False
) -> anthropic.Anthropic:
    """An SDK client with its own retries off: ``ApiCaller`` is the only retry layer.

    The key and base URL are always passed explicitly, so the SDK never falls back to reading
    credentials or a base URL from the environment or its config files.
    """
    if not options.has_key() or options.api_key is None:
        raise FatalRunError(
            "no Anthropic API key is configured",
            subject="CAPGRAPH_ANTHROPIC_API_KEY",
            hint="set CAPGRAPH_ANTHROPIC_API_KEY (or ANTHROPIC_API_KEY), or use CAPGRAPH_EXTRACTOR=heuristic",
        )
    return anthropic.Anthropic(
        api_key=options.api_key.get_secret_value(),
        base_url=options.base_url or DEFAULT_BASE_URL,
        timeout=options.timeout_seconds,
        max_retries=0,
        _strict_response_validation=strict_response_validation,
    )


def build_caller(
    client: anthropic.Anthropic,
    options: AnthropicOptions,
    *,
    prices: PriceTable | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> ApiCaller:
    """The request layer every extractor instance (and batch client) built from ``options`` uses.

    ``sleep`` is every wait it makes (retry backoff, rate limits); in a run, ``Interrupt.sleep``.
    """
    return ApiCaller(
        client,
        model=options.model,
        max_attempts=options.max_retries + 1,
        wait=RetryAfterOrBackoff(
            options.retry_backoff_base_seconds,
            options.retry_backoff_max_seconds,
            max_retry_after=options.max_retry_after_seconds,
        ),
        limiter=RateLimiter(
            options.requests_per_minute,
            options.input_tokens_per_minute,
            # The limiter's waits listen to the run's interrupt like every other wait.
            sleep=sleep,
        ),
        prices=prices or default_price_table(),
        sleep=sleep,
        max_retry_after=options.max_retry_after_seconds,
    )
