"""Conversions between Python values and what the warehouse columns hold (UTC timestamps, decimals)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal
from typing import overload


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already, as capgraph's clocks are."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def maybe_utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


@overload
def plain_decimal(value: Decimal) -> Decimal: ...
@overload
def plain_decimal(value: None) -> None: ...
def plain_decimal(value: Decimal | None) -> Decimal | None:
    """A DECIMAL column's value without its padding zeros (0.001200000000 -> 0.0012), never in E-notation
    for whole numbers."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def same_signal_value(stored: float | None, new: float) -> bool:
    """Whether a new signal reading repeats the stored one (NaN repeats NaN)."""
    if stored is None:
        return False
    if math.isnan(stored) and math.isnan(new):
        return True
    return stored == new
