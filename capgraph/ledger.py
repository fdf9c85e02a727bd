"""The run's spending: collects each tool's API calls for the warehouse ledger and enforces the cost cap.

The cap is checked before every paid request, so once the run has spent ``max_cost_usd`` no new call
starts; calls already in flight finish and are recorded. A call whose cost is unknown (an unpriced
model, a request that timed out or was cut off) counts at ``unknown_call_cost_usd`` when that is set;
when it is not, the cap can no longer be kept and counts as reached. ``check_cost_cap`` refuses, before
any work, a capped run whose every call would be of unknown cost.
"""

from __future__ import annotations

import threading
from decimal import Decimal

from capgraph.settings import Settings
from extractors.base import CallHooks, Extractor
from schemas import ApiCall, BudgetExceeded, CapgraphError, utc_now

_UNKNOWN_COST_SETTING = "CAPGRAPH_UNKNOWN_CALL_COST_USD"


def check_cost_cap(settings: Settings, extractor: Extractor) -> None:
    """Refuse to start a run with a cost cap whose model has no price and no declared stand-in price.

    Called by the CLI and the flows before any work; raises a ``CapgraphError`` (one line, exit code 2).
    """
    if settings.max_cost_usd is None or settings.unknown_call_cost_usd is not None:
        return
    if extractor.name != "anthropic":
        return  # only Claude calls are paid
    # Imported here: the Claude SDK is loaded only by runs that use it.
    from extractors.anthropic import AnthropicExtractor

    if isinstance(extractor, AnthropicExtractor) and not extractor.has_price(utc_now().date()):
        raise CapgraphError(
            f"model {extractor.model} has no price in prices.toml, so the cost cap of "
            f"${settings.max_cost_usd} could not be kept",
            subject="--max-cost",
            hint=f"add {extractor.model} to extractors/anthropic/prices.toml, or set "
            f"{_UNKNOWN_COST_SETTING} to a conservative price per call",
        )


class RunLedger:
    """Thread-safe running total of one run's cost, shared by all tool workers."""

    def __init__(
        self, *, max_cost_usd: Decimal | None = None, unknown_call_cost_usd: Decimal | None = None
    ) -> None:
        self.max_cost_usd = max_cost_usd
        self.unknown_call_cost_usd = unknown_call_cost_usd
        self._spent = Decimal(0)
        self._counted = Decimal(0)
        self._unpriced_calls = 0
        self._lock = threading.Lock()

    def charge(self, call: ApiCall) -> None:
        with self._lock:
            if call.cost_usd is None:
                self._unpriced_calls += 1
                if self.unknown_call_cost_usd is not None:
                    self._counted += self.unknown_call_cost_usd
            else:
                self._spent += call.cost_usd
                self._counted += call.cost_usd

    @property
    def spent_usd(self) -> Decimal | None:
        """What the run cost, or None when some call had no known price (never a silent zero)."""
        with self._lock:
            return None if self._unpriced_calls else self._spent

    def _cap_unknowable(self) -> bool:
        return self._unpriced_calls > 0 and self.unknown_call_cost_usd is None

    @property
    def exhausted(self) -> bool:
        with self._lock:
            if self.max_cost_usd is None:
                return False
            return self._cap_unknowable() or self._counted >= self.max_cost_usd

    def exhausted_message(self) -> str:
        with self._lock:
            spent = f"{self._spent:.4f}"
            if self._cap_unknowable():
                return (
                    f"skipped for budget: {self._unpriced_calls} call(s) of unknown cost, so the cost cap "
                    f"of ${self.max_cost_usd} can no longer be kept (spent at least ${spent})"
                )
            counted = f"{self._counted:.4f}"
            cap = self.max_cost_usd
            return f"skipped for budget: the run reached its cost cap of ${cap} (counted ${counted})"

    def check(self) -> None:
        if self.exhausted:
            hint = "raise --max-cost or run again later"
            if self._cap_unknowable():
                hint = f"set {_UNKNOWN_COST_SETTING} so calls of unknown cost count toward the cap"
            raise BudgetExceeded(self.exhausted_message(), hint=hint)


class ToolCallHooks(CallHooks):
    """One tool's view of the ledger: refuses calls past the cap, keeps the calls to store with its run."""

    def __init__(self, ledger: RunLedger, *, tool_id: str, ingest_id: str) -> None:
        self.ledger = ledger
        self.tool_id = tool_id
        self.ingest_id = ingest_id
        self.calls: list[ApiCall] = []
        self._lock = threading.Lock()

    def before_call(self) -> None:
        self.ledger.check()

    def after_call(self, call: ApiCall) -> None:
        tagged = call.model_copy(update={"ingest_id": self.ingest_id})
        with self._lock:
            self.calls.append(tagged)
        self.ledger.charge(tagged)
