"""Errors shared by every stage, each marked transient (worth retrying) or terminal, with a fix hint.

The core decides what becomes of a tool from the class alone, in one place
(``capgraph.outcomes.outcome_for``: skipped for the cost cap, a deferral or a stopped run, failed for
the rest), so a stage never needs to know who called it. Stages retry transient failures themselves,
waiting as ``schemas.waits`` says.
"""

from __future__ import annotations


class CapgraphError(Exception):
    """A problem a user can act on: says which tool or input, what went wrong and, when known, the fix."""

    transient = False

    def __init__(self, message: str, *, subject: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.subject = subject
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        text = f"{self.subject}: {self.message}" if self.subject else self.message
        return f"{text} ({self.hint})" if self.hint else text


class TransientError(CapgraphError):
    """Worth retrying later: rate limits, overload, timeouts, a dropped connection."""

    transient = True


class TerminalError(CapgraphError):
    """Retrying will not help: bad input, a rejected request, a refusal. Fails this tool only."""


class SourceError(TerminalError):
    """A source could not produce a usable description for a ref (missing, binary, empty, too large)."""


class UnknownRefError(SourceError):
    """The ref's scheme is not one capgraph knows."""


class ExtractionError(TerminalError):
    """An extractor could not turn a document into valid capability records."""


class FatalRunError(CapgraphError):
    """Stops the whole run at once (bad credentials, no credit): every other tool would fail the same way."""


class RunInterrupted(FatalRunError):
    """SIGTERM or SIGINT (or a caller) asked the run to stop: no new work starts, waits end at once."""


class DeferredError(TransientError):
    """Worth doing, but not in this run: the API asked for a wait longer than the run will sleep.

    The tool is reported as deferred (not failed) and picked up again by the next run.
    """


class BudgetExceeded(CapgraphError):
    """The run's cost cap is reached: no new paid calls start."""


class NotFoundError(CapgraphError):
    """A tool id the warehouse does not hold."""


class WarehouseBusyError(TransientError):
    """Another process holds the warehouse file's write lock."""


class CatalogError(TerminalError):
    """The catalog file is missing or malformed."""


class GoldSetError(TerminalError):
    """A gold set for ``capgraph eval`` is missing, malformed, or quotes text its document lacks."""
