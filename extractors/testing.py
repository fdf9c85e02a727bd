"""A batch-capable test double: ``FunctionExtractor`` with an in-memory batch service over the same function.

Drives the pipeline's batch path (submit, poll, collect, resume in a later run) without the Claude SDK,
and shows what any extractor needs to offer batches: ``Extractor.batches()`` returning a
``BatchCapable[BatchOutcome]``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import timedelta

from extractors.base import (
    BatchItem,
    BatchOutcome,
    BatchStatus,
    CallHooks,
    HooksChoice,
    hooks_for,
)
from extractors.function import ExtractFunction, FunctionExtractor
from schemas import (
    CapabilitySet,
    CapgraphError,
    ExtractionError,
    SourceDocument,
    Tool,
    TransientError,
    utc_now,
)


class FunctionBatches:
    """An in-memory ``BatchCapable[BatchOutcome]``: a batch runs its items through ``function`` when
    collected. While ``hold`` is set every batch stays ``in_progress``, as a slow real one would."""

    def __init__(self, function: ExtractFunction, *, hold: bool = False) -> None:
        self._function = function
        self.hold = hold
        self.submitted: dict[str, list[BatchItem]] = {}
        self.collected: list[str] = []
        self.polls = 0
        self._lock = threading.Lock()

    def submit(self, items: Sequence[BatchItem], *, hooks: HooksChoice = None) -> str:
        for item in items:
            hooks_for(hooks, item).before_call()
        with self._lock:
            batch_id = f"fnbatch_{len(self.submitted) + 1}"
            self.submitted[batch_id] = list(items)
        return batch_id

    def status(self, batch_id: str) -> BatchStatus:
        with self._lock:
            self.polls += 1
            items = self.submitted.get(batch_id)
        if items is None:
            raise ExtractionError("no such batch", subject=batch_id)
        now = utc_now()
        count = len(items)
        return BatchStatus(
            batch_id=batch_id,
            processing_status="in_progress" if self.hold else "ended",
            processing=count if self.hold else 0,
            succeeded=0 if self.hold else count,
            errored=0,
            canceled=0,
            expired=0,
            created_at=now,
            expires_at=now + timedelta(days=1),
            ended_at=None if self.hold else now,
        )

    def collect(
        self, batch_id: str, items: Sequence[BatchItem], *, hooks: HooksChoice = None
    ) -> Mapping[str, BatchOutcome]:
        if not self.status(batch_id).ended:
            raise ExtractionError("the batch has not ended yet", subject=batch_id)
        with self._lock:
            self.collected.append(batch_id)
        return {item.custom_id: self._outcome(item, hooks_for(hooks, item)) for item in items}

    def _outcome(self, item: BatchItem, hooks: CallHooks) -> BatchOutcome:
        try:
            found = self._function(item.document, item.tool, hooks)
        except TransientError as error:  # the service's trouble: worth sending again in real time
            return BatchOutcome(item.custom_id, "errored", error=error.one_line(), retryable=True)
        except CapgraphError as error:
            return BatchOutcome(item.custom_id, "errored", error=error.one_line())
        return BatchOutcome(item.custom_id, "succeeded", capabilities=found)


class BatchingFunctionExtractor(FunctionExtractor):
    """``FunctionExtractor`` that also offers ``FunctionBatches``; counts how often each path is used."""

    def __init__(
        self,
        function: ExtractFunction,
        *,
        hold: bool = False,
        model: str = "function-model",
        prompt_version: str = "function-v1",
    ) -> None:
        # A batch is stored with the model its items were sent to, so this double always names one.
        super().__init__(function, model=model, prompt_version=prompt_version)
        self.service = FunctionBatches(function, hold=hold)
        self.batches_asked = 0
        self.real_time_calls = 0
        self._count_lock = threading.Lock()

    def batches(self) -> FunctionBatches:
        with self._count_lock:
            self.batches_asked += 1
        return self.service

    def extract(
        self, document: SourceDocument, *, tool: Tool | None = None, hooks: CallHooks | None = None
    ) -> CapabilitySet:
        with self._count_lock:
            self.real_time_calls += 1
        return super().extract(document, tool=tool, hooks=hooks)
