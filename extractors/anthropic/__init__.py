"""The Claude extractor: structured extraction through the Anthropic SDK, with its ledger, prices and batches.

The only place in capgraph that imports ``anthropic``.
"""

from extractors.anthropic.batches import BatchClient, BatchItem, BatchOutcome, BatchStatus
from extractors.anthropic.extractor import AnthropicExtractor
from extractors.anthropic.limiter import RateLimiter
from extractors.anthropic.pricing import ModelPrice, PriceTable, TokenUsage, cost_of, price_for

__all__ = [
    "AnthropicExtractor",
    "BatchClient",
    "BatchItem",
    "BatchOutcome",
    "BatchStatus",
    "ModelPrice",
    "PriceTable",
    "RateLimiter",
    "TokenUsage",
    "cost_of",
    "price_for",
]
