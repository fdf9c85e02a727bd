"""Building the SDK client and the request layer (limiter, retries, prices) from ``Settings``."""

from __future__ import annotations

import time
from collections.abc import Callable

import anthropic

from capgraph.settings import Settings
from extractors.anthropic.calls import ApiCaller
from extractors.anthropic.failures import RetryAfterOrBackoff
from extractors.anthropic.limiter import RateLimiter
from extractors.anthropic.pricing import PriceTable, default_price_table
from schemas import FatalRunError

DEFAULT_BASE_URL = "https://api.anthropic.com"


def build_client(settings: Settings, *, strict_response_validation: bool = False) -> anthropic.Anthropic:
    """An SDK client with its own retries off: ``ApiCaller`` is the only retry layer.

    The key and base URL are always passed explicitly, so the SDK never falls back to reading
    credentials or a base URL from the environment or its config files.
    """
    if not settings.has_anthropic_key() or settings.anthropic_api_key is None:
        raise FatalRunError(
            "no Anthropic API key is configured",
            subject="CAPGRAPH_ANTHROPIC_API_KEY",
            hint="set CAPGRAPH_ANTHROPIC_API_KEY (or ANTHROPIC_API_KEY), or use CAPGRAPH_EXTRACTOR=heuristic",
        )
    return anthropic.Anthropic(
        api_key=settings.anthropic_api_key.get_secret_value(),
        base_url=settings.anthropic_base_url or DEFAULT_BASE_URL,
        timeout=settings.anthropic_timeout_seconds,
        max_retries=0,
        _strict_response_validation=strict_response_validation,
    )


def build_caller(
    client: anthropic.Anthropic,
    settings: Settings,
    *,
    prices: PriceTable | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> ApiCaller:
    """The request layer every extractor instance (and batch client) built from ``settings`` uses.

    ``sleep`` is every wait it makes (retry backoff, rate limits); in a run, ``Interrupt.sleep``.
    """
    return ApiCaller(
        client,
        model=settings.anthropic_model,
        max_attempts=settings.anthropic_max_retries + 1,
        wait=RetryAfterOrBackoff(
            settings.anthropic_retry_backoff_base_seconds,
            settings.anthropic_retry_backoff_max_seconds,
            max_retry_after=settings.anthropic_max_retry_after_seconds,
        ),
        limiter=RateLimiter(
            settings.anthropic_requests_per_minute,
            settings.anthropic_input_tokens_per_minute,
            # The limiter's waits listen to the run's interrupt like every other wait.
            sleep=sleep,
        ),
        prices=prices or default_price_table(),
        sleep=sleep,
        max_retry_after=settings.anthropic_max_retry_after_seconds,
    )
