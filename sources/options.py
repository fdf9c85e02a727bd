"""What the sources need to know from the outside: the HTTP client's options and each listing's address.

Frozen and built by the core from the settings (``capgraph.stage_options``), so sources never read the
settings themselves; the defaults are the public services, for tests and scripts that build one by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from sources.http import HttpOptions


@dataclass(frozen=True)
class SourceOptions:
    http: HttpOptions = field(default_factory=HttpOptions)
    max_document_bytes: int = 5_000_000
    hf_base_url: str = "https://huggingface.co"
    github_api_url: str = "https://api.github.com"
    github_token: SecretStr | None = None
    pypi_base_url: str = "https://pypi.org"
    openrouter_base_url: str = "https://openrouter.ai/api/v1"
    openrouter_listing_ttl_seconds: float = 300.0
