"""The one settings object: ``CAPGRAPH_*`` environment variables and an optional ``.env`` file.

Built once at an entry point (the CLI, a flow, a bench script) and passed down; nothing else in
capgraph reads the environment.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import AliasChoices, Field, IPvAnyNetwork, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from embeddings.options import BUNDLED_MODEL_NAME

DEFAULT_ANTHROPIC_MODEL = "claude-haiku-5-5"
_PATHS = ("db", "analyst_db", "catalog")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CAPGRAPH_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    db: Path = Field(default=Path("capgraph.duckdb"), description="The warehouse file ingestion writes.")
    analyst_db: Path | None = Field(
        default=None,
        description="The read copy published after each run; default: <db stem>.analyst.duckdb beside db.",
    )
    lock_timeout_seconds: float = Field(default=10.0, ge=0, description="How long a writer waits for a lock.")

    extractor: Literal["auto", "heuristic", "anthropic"] = "auto"
    concurrency: int = Field(default=8, ge=1, le=256)
    max_document_bytes: int = Field(default=5_000_000, ge=1)

    anthropic_api_key: SecretStr | None = Field(
        default=None,
        # The SDK's own variable is honoured too, so an existing setup works unchanged.
        validation_alias=AliasChoices("CAPGRAPH_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY"),
    )
    anthropic_base_url: str | None = None
    anthropic_model: str = DEFAULT_ANTHROPIC_MODEL
    anthropic_max_output_tokens: int = Field(default=4096, ge=256)
    anthropic_timeout_seconds: float = Field(default=120.0, gt=0)
    anthropic_requests_per_minute: int = Field(default=50, ge=1)
    anthropic_input_tokens_per_minute: int = Field(default=50_000, ge=1000)
    anthropic_max_retries: int = Field(default=6, ge=0)
    anthropic_retry_backoff_base_seconds: float = Field(
        default=1.0,
        gt=0,
        description="First retry waits between half of this and this (jitter), doubling per attempt.",
    )
    anthropic_retry_backoff_max_seconds: float = Field(
        default=60.0,
        gt=0,
        description="No retry waits longer than this unless the API's retry-after says so.",
    )
    anthropic_input_token_budget: int = Field(
        # Haiku 5.5 bills every token of a request at 5x once its prompt passes 100,000 tokens;
        # 80,000 leaves room for a repair turn (the answer plus a correction) under that line.
        default=80_000,
        ge=2_000,
        description="Most input tokens one extraction request may carry; longer documents are split.",
    )
    anthropic_chars_per_token: float = Field(
        default=3.0,
        gt=0,
        description="Estimate for sizing requests before they are counted (limiter, whether to count).",
    )
    anthropic_max_retry_after_seconds: float = Field(
        default=60.0,
        ge=0,
        description="Longest retry-after the run waits for; a longer one defers the tool to the next run.",
    )
    max_cost_usd: Decimal | None = Field(default=None, ge=0)
    unknown_call_cost_usd: Decimal | None = Field(
        default=None,
        ge=0,
        description="What the cost cap counts for a call of unknown cost (an unpriced model, a timed-out "
        "or cut-off request). Unset: with a cap, such a call ends the run's paid work, and a run with "
        "an unpriced model refuses to start.",
    )
    batch_poll_seconds: float = Field(default=30.0, gt=0, description="First wait between batch polls.")
    batch_max_poll_seconds: float = Field(default=600.0, gt=0, description="Longest wait between polls.")
    batch_max_wait_seconds: float = Field(
        default=24 * 3600.0,
        ge=0,
        description="How long `ingest --batch` waits for a batch; one still running is resumed next run.",
    )

    # sources
    http_connect_timeout_seconds: float = Field(default=10.0, gt=0, description="Longest wait to connect.")
    http_read_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Longest silence while reading a response before it counts as stalled.",
    )
    http_max_attempts: int = Field(
        default=4, ge=1, le=20, description="Tries per request, the first included."
    )
    http_backoff_base_seconds: float = Field(
        default=1.0,
        gt=0,
        description="First retry waits between half of this and this, doubling per attempt.",
    )
    http_backoff_max_seconds: float = Field(default=30.0, gt=0, description="Longest wait between retries.")
    http_max_retry_after_seconds: float = Field(
        default=120.0,
        ge=0,
        description="Longest Retry-After honoured by waiting; a longer one fails the fetch as transient.",
    )
    http_max_redirects: int = Field(default=5, ge=0, le=20)
    http_per_host_limit: int = Field(default=4, ge=1, le=64, description="Requests in flight per host.")
    allow_private_addresses: bool = Field(
        default=False,
        description="Fetch from private, loopback and link-local addresses (cloud metadata stays refused).",
    )
    http_allowed_networks: list[IPvAnyNetwork] = Field(
        default_factory=list,
        description='Networks fetched from even though they are not public, e.g. ["127.0.0.1/32"].',
    )
    hf_base_url: str = "https://huggingface.co"
    github_api_url: str = "https://api.github.com"
    github_token: SecretStr | None = None
    pypi_base_url: str = "https://pypi.org"
    openrouter_base_url: str = "https://openrouter.ai/api/v1"
    openrouter_listing_ttl_seconds: float = Field(
        default=300.0, ge=0, description="How long one fetched OpenRouter model listing serves every ref."
    )

    embedding_model: str = Field(
        default=BUNDLED_MODEL_NAME,
        description=(
            "The model whose vectors the match graph compares: the one bundled with wordllama, or a local "
            "folder holding one .safetensors token-embedding matrix and its tokenizer.json."
        ),
    )
    alternatives_per_tool: int = Field(
        default=5, ge=1, le=50, description="Edges the match graph keeps per tool (its closest alternatives)."
    )
    site_pairs_per_tool: int = Field(
        default=3, ge=0, le=20, description="Comparison pages `capgraph site` writes per tool."
    )
    schedule_cron: str = Field(default="0 3 * * *", description="When `capgraph serve` runs ingest.")
    schedule_interval_seconds: float | None = Field(
        default=None,
        gt=0,
        description="Run `capgraph serve`'s ingest every this many seconds (wins over cron).",
    )
    schedule_timezone: str = Field(
        default="UTC", description="The IANA time zone the cron schedule is read in, e.g. Europe/Berlin."
    )
    catalog: Path = Field(default=Path("examples/catalog.toml"))

    def portable(self) -> dict[str, Any]:
        """Every setting, for a run in another process (a served deployment) to use as it is: JSON
        values, paths made absolute so the run writes where this process would. Secrets are left out,
        never stored in Prefect: the run reads them from its own environment."""
        secrets = {
            name
            for name, field in type(self).model_fields.items()
            if SecretStr in (field.annotation, *get_args(field.annotation))
        }
        values = self.model_dump(mode="json", exclude=secrets)
        for name in _PATHS:
            path = getattr(self, name)
            if path is not None:
                values[name] = str(path.absolute())
        return values

    def analyst_path(self) -> Path:
        if self.analyst_db is not None:
            return self.analyst_db
        return self.db.with_name(f"{self.db.stem}.analyst{self.db.suffix or '.duckdb'}")
