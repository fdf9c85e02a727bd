"""What a Claude API request cost: effective-dated list prices from ``prices.toml`` and the arithmetic.

A model the table does not know, or a date before its first entry, has no price: costs come back as
``None`` (unknown), never as zero, so a run's spend is never silently understated.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import resources
from typing import Any

from schemas import ApiCall

PER_MILLION = Decimal(1_000_000)
# Every listed price has at most 3 decimals and every multiplier at most 3, so 12 places keep
# the product of tokens, price and multipliers exact.
COST_QUANTUM = Decimal("0.000000000001")


@dataclass(frozen=True)
class LongPromptRates:
    """Rates that apply to the whole request once its prompt is over ``above_tokens``."""

    above_tokens: int
    input_per_mtok: Decimal
    output_per_mtok: Decimal


@dataclass(frozen=True)
class ModelPrice:
    """One model's list prices from ``effective_from`` on, USD per million tokens."""

    model: str
    effective_from: date
    input_per_mtok: Decimal
    output_per_mtok: Decimal
    cache_write_5m_multiplier: Decimal
    cache_write_1h_multiplier: Decimal
    cache_read_multiplier: Decimal
    batch_multiplier: Decimal
    long_prompt: LongPromptRates | None = None
    source: str = ""

    def rates_for(self, prompt_tokens: int) -> tuple[Decimal, Decimal]:
        """(input, output) USD per MTok for a request whose prompt has ``prompt_tokens`` tokens."""
        if self.long_prompt is not None and prompt_tokens > self.long_prompt.above_tokens:
            return self.long_prompt.input_per_mtok, self.long_prompt.output_per_mtok
        return self.input_per_mtok, self.output_per_mtok


@dataclass(frozen=True)
class TokenUsage:
    """The token counts one request was billed for."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_5m_tokens: int = 0
    cache_write_1h_tokens: int = 0

    @property
    def cache_write_tokens(self) -> int:
        return self.cache_write_5m_tokens + self.cache_write_1h_tokens

    @property
    def prompt_tokens(self) -> int:
        """Everything the request sent: uncached input plus cache writes plus cache reads."""
        return self.input_tokens + self.cache_write_tokens + self.cache_read_tokens

    @classmethod
    def from_api(cls, usage: Any) -> TokenUsage:
        """From the SDK's ``Usage`` (or anything shaped like it); missing counts are zero."""
        writes = getattr(usage, "cache_creation_input_tokens", None) or 0
        split = getattr(usage, "cache_creation", None)
        writes_1h = (getattr(split, "ephemeral_1h_input_tokens", 0) or 0) if split is not None else 0
        return cls(
            input_tokens=getattr(usage, "input_tokens", 0) or 0,
            output_tokens=getattr(usage, "output_tokens", 0) or 0,
            cache_read_tokens=getattr(usage, "cache_read_input_tokens", None) or 0,
            # Writes the breakdown does not attribute to the 1-hour ttl are 5-minute writes (the default).
            cache_write_5m_tokens=max(writes - writes_1h, 0),
            cache_write_1h_tokens=writes_1h,
        )

    @classmethod
    def from_call(cls, call: ApiCall) -> TokenUsage:
        # A ledger row keeps one cache-write figure; capgraph only writes 5-minute entries.
        return cls(
            input_tokens=call.input_tokens,
            output_tokens=call.output_tokens,
            cache_read_tokens=call.cache_read_tokens,
            cache_write_5m_tokens=call.cache_write_tokens,
        )


class PriceTable:
    """Effective-dated prices by model id."""

    def __init__(self, prices: list[ModelPrice]) -> None:
        self._by_model: dict[str, list[ModelPrice]] = {}
        for price in prices:
            self._by_model.setdefault(price.model, []).append(price)
        for entries in self._by_model.values():
            entries.sort(key=lambda entry: entry.effective_from)

    @classmethod
    def from_toml(cls, text: str) -> PriceTable:
        data = tomllib.loads(text)
        defaults: Mapping[str, Any] = data.get("defaults", {})
        prices = []
        for entry in data.get("models", []):
            merged = {**defaults, **entry}
            long_prompt = merged.get("long_prompt")
            for model in merged["ids"]:
                prices.append(
                    ModelPrice(
                        model=model,
                        effective_from=merged["effective_from"],
                        input_per_mtok=Decimal(merged["input"]),
                        output_per_mtok=Decimal(merged["output"]),
                        cache_write_5m_multiplier=Decimal(merged["cache_write_5m_multiplier"]),
                        cache_write_1h_multiplier=Decimal(merged["cache_write_1h_multiplier"]),
                        cache_read_multiplier=Decimal(merged["cache_read_multiplier"]),
                        batch_multiplier=Decimal(merged["batch_multiplier"]),
                        long_prompt=LongPromptRates(
                            above_tokens=int(long_prompt["above_tokens"]),
                            input_per_mtok=Decimal(long_prompt["input"]),
                            output_per_mtok=Decimal(long_prompt["output"]),
                        )
                        if long_prompt
                        else None,
                        source=merged.get("source", ""),
                    )
                )
        return cls(prices)

    def models(self) -> list[str]:
        return sorted(self._by_model)

    def price_for(self, model: str, at: date) -> ModelPrice | None:
        """The price in effect for ``model`` on ``at``, or None when the table has none."""
        current = None
        for entry in self._by_model.get(model, []):
            if entry.effective_from <= at:
                current = entry
        return current

    def cost_of(
        self,
        usage: TokenUsage | ApiCall | Any,
        model: str | None = None,
        *,
        batch: bool = False,
        at: date | None = None,
    ) -> Decimal | None:
        """USD cost of one request, or None when the model (on that date) has no known price.

        ``usage`` is a ``TokenUsage``, a ledger ``ApiCall`` (its model and date are the defaults)
        or the SDK's ``Usage``.
        """
        if isinstance(usage, ApiCall):
            model = model or usage.model
            at = at or usage.started_at.date()
            counts = TokenUsage.from_call(usage)
        elif isinstance(usage, TokenUsage):
            counts = usage
        else:
            counts = TokenUsage.from_api(usage)
        if model is None:
            raise ValueError("cost_of needs the model a request was sent to")
        price = self.price_for(model, at or datetime.now(UTC).date())
        if price is None:
            return None
        input_rate, output_rate = price.rates_for(counts.prompt_tokens)
        total = (
            counts.input_tokens * input_rate
            + counts.cache_write_5m_tokens * input_rate * price.cache_write_5m_multiplier
            + counts.cache_write_1h_tokens * input_rate * price.cache_write_1h_multiplier
            + counts.cache_read_tokens * input_rate * price.cache_read_multiplier
            + counts.output_tokens * output_rate
        ) / PER_MILLION
        if batch:
            # The batch discount applies to the whole request; cache multipliers stack on top of it.
            total *= price.batch_multiplier
        return total.quantize(COST_QUANTUM)


@functools.cache
def default_price_table() -> PriceTable:
    text = resources.files("extractors.anthropic").joinpath("prices.toml").read_text(encoding="utf-8")
    return PriceTable.from_toml(text)


def price_for(model: str, at: date) -> ModelPrice | None:
    """The packaged price in effect for ``model`` on ``at``, or None."""
    return default_price_table().price_for(model, at)


def cost_of(
    usage: TokenUsage | ApiCall | Any,
    model: str | None = None,
    *,
    batch: bool = False,
    at: date | None = None,
) -> Decimal | None:
    """USD cost of one request at the packaged prices, or None when the price is unknown."""
    return default_price_table().cost_of(usage, model, batch=batch, at=at)
