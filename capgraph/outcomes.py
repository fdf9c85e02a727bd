"""What happened to one tool in a run, and the one rule that turns an error into that outcome.

Stages raise ``schemas`` errors and never decide what becomes of the tool; the core asks
``outcome_for`` wherever an error ends a tool's work (checking, real-time and batch extraction), so
the cost cap, a deferral, a stopped run and a real failure read the same on every path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from schemas import BudgetExceeded, CapgraphError, DeferredError, FatalRunError, RunInterrupted

OutcomeStatus = Literal["extracted", "unchanged", "failed", "skipped"]
RUN_STOPPED_NOTE = "not extracted: the run stopped first (the reason is given once, below)"
"""A skipped tool's reason when the run stopped (a rejected key, no credit): shown after the tool's ref,
while the run's own reason is reported once, as why the run stopped."""


@dataclass(frozen=True)
class ToolOutcome:
    """What happened to one ref in one run."""

    ref: str
    status: OutcomeStatus
    tool_id: str | None = None
    capabilities: int = 0
    ungrounded: int = 0
    error: str | None = None
    seconds: float = 0.0


def outcome_for(error: CapgraphError, *, tool_id: str | None = None) -> tuple[OutcomeStatus, str]:
    """The status and the reason a tool whose work ended with ``error`` is reported with.

    Not the tool's fault, so ``skipped`` (its stored records stay, a later run picks it up): the cost
    cap, a deferral to the next run (``DeferredError``), a stop request, and a fatal error, whose own
    reason is reported once for the run (``RUN_STOPPED_NOTE`` here). Every other error, transient ones
    whose retries ran out included, fails the tool alone; the reason names ``tool_id`` when the error
    names no subject of its own.
    """
    if isinstance(error, BudgetExceeded | DeferredError | RunInterrupted):
        return "skipped", error.one_line()
    if isinstance(error, FatalRunError):
        return "skipped", RUN_STOPPED_NOTE
    line = error.one_line()
    return "failed", line if error.subject or tool_id is None else f"{tool_id}: {line}"


def stops_the_run(error: CapgraphError) -> bool:
    """Whether ``error`` ends the whole run: every other tool would fail the same way, or a stop was asked."""
    return isinstance(error, FatalRunError)
