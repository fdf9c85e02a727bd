"""What the extractors need to know from the outside: which one to use and how to reach Claude.

Frozen and built by the core from the settings (``capgraph.stage_options``), so extractors never read the
settings themselves. It lives outside ``extractors/anthropic/`` so building it never imports the SDK.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import SecretStr

ExtractorChoice = Literal["auto", "heuristic", "anthropic"]


@dataclass(frozen=True)
class AnthropicOptions:
    """The Claude extractor's client, request sizing, retry and rate-limit options."""

    model: str
    api_key: SecretStr | None = None
    base_url: str | None = None
    timeout_seconds: float = 120.0
    max_output_tokens: int = 4096
    input_token_budget: int = 80_000
    chars_per_token: float = 3.0
    max_retries: int = 6
    retry_backoff_base_seconds: float = 1.0
    retry_backoff_max_seconds: float = 60.0
    max_retry_after_seconds: float = 60.0
    requests_per_minute: int = 50
    input_tokens_per_minute: int = 50_000

    def has_key(self) -> bool:
        return self.api_key is not None and bool(self.api_key.get_secret_value())


@dataclass(frozen=True)
class ExtractorOptions:
    """``choice`` is the extractor asked for (``auto``: anthropic when a key is configured)."""

    anthropic: AnthropicOptions
    choice: ExtractorChoice = "auto"
