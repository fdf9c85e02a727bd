"""The run's spending: collects each tool's API calls for the warehouse ledger and enforces the cost cap.

The cap is checked before every paid request, so once the run has spent ``max_cost_usd`` no new call
starts; calls already in flight finish and are recorded.
"""

from __future__ import annotations

import threading
from decimal import Decimal

from extractors.base import CallHooks
from schemas import ApiCall, BudgetExceeded


class RunLedger:
    """Thread-safe running total of one run's cost, shared by all tool workers."""

    def __init__(self, *, max_cost_usd: Decimal | None = None) -> None:
        self.max_cost_usd = max_cost_usd
        self._spent = Decimal(0)
        self._unpriced_calls = 0
        self._lock = threading.Lock()

    def charge(self, call: ApiCall) -> None:
        with self._lock:
            if call.cost_usd is None:
                self._unpriced_calls += 1
            else:
                self._spent += call.cost_usd

    @property
    def spent_usd(self) -> Decimal | None:
        """What the run cost, or None when some call had no known price (never a silent zero)."""
        with self._lock:
            return None if self._unpriced_calls else self._spent

    @property
    def exhausted(self) -> bool:
        with self._lock:
            return self.max_cost_usd is not None and self._spent >= self.max_cost_usd

    def exhausted_message(self) -> str:
        spent = f"{self._spent:.4f}"
        return f"skipped for budget: the run reached its cost cap of ${self.max_cost_usd} (spent ${spent})"

    def check(self) -> None:
        if self.exhausted:
            raise BudgetExceeded(self.exhausted_message(), hint="raise --max-cost or run again later")


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
