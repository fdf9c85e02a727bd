"""The one place the settings become each stage's own options, so no stage imports the settings.

Every entry point builds ``Settings`` once; the core hands the sources and extractors only the narrow,
frozen options they declare (``sources.options``, ``sources.http``, ``extractors.options``,
``embeddings.options``).
"""

from __future__ import annotations

from capgraph.settings import Settings
from embeddings import EmbeddingOptions
from extractors.options import AnthropicOptions, ExtractorOptions
from sources.http import HttpOptions
from sources.options import SourceOptions


def http_options(settings: Settings) -> HttpOptions:
    return HttpOptions(
        connect_timeout_seconds=settings.http_connect_timeout_seconds,
        read_timeout_seconds=settings.http_read_timeout_seconds,
        max_body_bytes=settings.max_document_bytes,
        max_redirects=settings.http_max_redirects,
        max_attempts=settings.http_max_attempts,
        backoff_base_seconds=settings.http_backoff_base_seconds,
        backoff_max_seconds=settings.http_backoff_max_seconds,
        max_retry_after_seconds=settings.http_max_retry_after_seconds,
        per_host_limit=settings.http_per_host_limit,
        allow_private_addresses=settings.allow_private_addresses,
        allowed_networks=tuple(settings.http_allowed_networks),
    )


def source_options(settings: Settings) -> SourceOptions:
    return SourceOptions(
        http=http_options(settings),
        max_document_bytes=settings.max_document_bytes,
        hf_base_url=settings.hf_base_url,
        github_api_url=settings.github_api_url,
        github_token=settings.github_token,
        pypi_base_url=settings.pypi_base_url,
        openrouter_base_url=settings.openrouter_base_url,
        openrouter_listing_ttl_seconds=settings.openrouter_listing_ttl_seconds,
    )


def anthropic_options(settings: Settings) -> AnthropicOptions:
    return AnthropicOptions(
        model=settings.anthropic_model,
        api_key=settings.anthropic_api_key,
        base_url=settings.anthropic_base_url,
        timeout_seconds=settings.anthropic_timeout_seconds,
        max_output_tokens=settings.anthropic_max_output_tokens,
        input_token_budget=settings.anthropic_input_token_budget,
        chars_per_token=settings.anthropic_chars_per_token,
        max_retries=settings.anthropic_max_retries,
        retry_backoff_base_seconds=settings.anthropic_retry_backoff_base_seconds,
        retry_backoff_max_seconds=settings.anthropic_retry_backoff_max_seconds,
        max_retry_after_seconds=settings.anthropic_max_retry_after_seconds,
        requests_per_minute=settings.anthropic_requests_per_minute,
        input_tokens_per_minute=settings.anthropic_input_tokens_per_minute,
    )


def extractor_options(settings: Settings) -> ExtractorOptions:
    return ExtractorOptions(anthropic=anthropic_options(settings), choice=settings.extractor)


def embedding_options(settings: Settings) -> EmbeddingOptions:
    return EmbeddingOptions(model=settings.embedding_model)
