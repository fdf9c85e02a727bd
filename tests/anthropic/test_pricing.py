"""The price table: known and unknown models, effective dates, tiers, caching and batch arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from extractors.anthropic import PriceTable, TokenUsage, cost_of, price_for
from extractors.anthropic.pricing import default_price_table
from schemas import ApiCall

AFTER_LAUNCH = date(2026, 11, 1)


def test_the_default_model_is_priced_from_its_launch_day() -> None:
    price = price_for("claude-haiku-5-5", AFTER_LAUNCH)
    assert price is not None
    assert (price.input_per_mtok, price.output_per_mtok) == (Decimal("0.10"), Decimal("0.50"))
    assert price.effective_from == date(2026, 10, 7)
    assert price.long_prompt is not None and price.long_prompt.above_tokens == 100_000
    assert price_for("claude-haiku-5-5", date(2026, 10, 6)) is None


def test_every_listed_model_prices_a_call() -> None:
    table = default_price_table()
    assert "claude-haiku-5-5" in table.models()
    for model in table.models():
        assert table.cost_of(TokenUsage(input_tokens=1_000_000), model, at=AFTER_LAUNCH) > 0


def test_an_unknown_model_has_no_price_and_an_unknown_cost() -> None:
    assert price_for("claude-imaginary-9", AFTER_LAUNCH) is None
    assert (
        cost_of(TokenUsage(input_tokens=100, output_tokens=100), "claude-imaginary-9", at=AFTER_LAUNCH)
        is None
    )


def test_one_million_tokens_each_way_cost_the_list_prices() -> None:
    counts = TokenUsage(input_tokens=1_000_000, output_tokens=1_000_000)
    assert cost_of(counts, "claude-sonnet-4-5", at=AFTER_LAUNCH) == Decimal("18")
    assert cost_of(counts, "claude-haiku-4-5-20251001", at=AFTER_LAUNCH) == Decimal("6")
    assert cost_of(counts, "claude-opus-4-5", at=AFTER_LAUNCH) == Decimal("30")


def test_cache_writes_and_reads_use_their_multipliers() -> None:
    writes_5m = TokenUsage(cache_write_5m_tokens=1_000_000)
    writes_1h = TokenUsage(cache_write_1h_tokens=1_000_000)
    reads = TokenUsage(cache_read_tokens=1_000_000)
    assert cost_of(writes_5m, "claude-sonnet-4-5", at=AFTER_LAUNCH) == Decimal("3.75")
    assert cost_of(writes_1h, "claude-sonnet-4-5", at=AFTER_LAUNCH) == Decimal("6")
    assert cost_of(reads, "claude-sonnet-4-5", at=AFTER_LAUNCH) == Decimal("0.30")


def test_the_long_prompt_tier_starts_above_100k_prompt_tokens_counting_cache() -> None:
    at_limit = TokenUsage(input_tokens=60_000, cache_read_tokens=40_000, output_tokens=1_000_000)
    over_limit = TokenUsage(input_tokens=60_000, cache_read_tokens=40_001, output_tokens=1_000_000)
    # 60,000*0.10 + 40,000*0.01 + 1,000,000*0.50 per million
    assert cost_of(at_limit, "claude-haiku-5-5", at=AFTER_LAUNCH) == Decimal("0.5064")
    # 60,000*0.50 + 40,001*0.05 + 1,000,000*2.50 per million
    assert cost_of(over_limit, "claude-haiku-5-5", at=AFTER_LAUNCH) == Decimal("2.53200005")


def test_the_batch_price_is_half_of_everything() -> None:
    counts = TokenUsage(
        input_tokens=2000, output_tokens=300, cache_read_tokens=1000, cache_write_5m_tokens=400
    )
    full = cost_of(counts, "claude-haiku-5-5", at=AFTER_LAUNCH)
    half = cost_of(counts, "claude-haiku-5-5", at=AFTER_LAUNCH, batch=True)
    assert full == Decimal("0.00041")  # 2000*0.10 + 300*0.50 + 1000*0.01 + 400*0.125 = 410
    assert half == full / 2


def test_a_ledger_row_is_priced_at_its_own_date() -> None:
    call = ApiCall(
        tool_id="pypi:tidepool",
        model="claude-haiku-5-5",
        status="ok",
        started_at=datetime(2026, 10, 1, tzinfo=UTC),
        input_tokens=1000,
    )
    assert cost_of(call) is None  # before Haiku 5.5's prices took effect
    later = call.model_copy(update={"started_at": datetime(2026, 10, 8, tzinfo=UTC)})
    assert cost_of(later) == Decimal("0.0001")


def test_the_newest_entry_in_effect_on_the_date_wins() -> None:
    table = PriceTable.from_toml(
        """
        [defaults]
        cache_write_5m_multiplier = "1.25"
        cache_write_1h_multiplier = "2"
        cache_read_multiplier = "0.1"
        batch_multiplier = "0.5"

        [[models]]
        ids = ["model-a"]
        effective_from = 2026-01-01
        input = "2"
        output = "10"

        [[models]]
        ids = ["model-a"]
        effective_from = 2026-06-01
        input = "1"
        output = "5"
        cache_read_multiplier = "0.05"
        """
    )
    assert table.price_for("model-a", date(2025, 12, 31)) is None
    assert table.price_for("model-a", date(2026, 5, 31)).input_per_mtok == Decimal("2")
    newer = table.price_for("model-a", date(2026, 6, 1))
    assert newer.input_per_mtok == Decimal("1") and newer.cache_read_multiplier == Decimal("0.05")
    assert table.cost_of(TokenUsage(cache_read_tokens=1_000_000), "model-a", at=date(2026, 7, 1)) == Decimal(
        "0.05"
    )


def test_the_sdk_usage_shape_is_read_with_its_cache_breakdown() -> None:
    class Split:
        ephemeral_5m_input_tokens = 100
        ephemeral_1h_input_tokens = 300

    class Usage:
        input_tokens = 10
        output_tokens = 20
        cache_read_input_tokens = None
        cache_creation_input_tokens = 400
        cache_creation = Split()

    counts = TokenUsage.from_api(Usage())
    assert counts == TokenUsage(
        input_tokens=10,
        output_tokens=20,
        cache_read_tokens=0,
        cache_write_5m_tokens=100,
        cache_write_1h_tokens=300,
    )


def test_cost_of_needs_a_model_for_raw_usage() -> None:
    with pytest.raises(ValueError, match="model"):
        cost_of(TokenUsage(input_tokens=1))
