"""Extraction through the Message Batches API: submit many documents, poll, collect the outcomes.

Half the price of single requests, for runs that can wait (up to 24 hours). This module keeps no
state: the pipeline stores batch ids (warehouse ``save_batch``/``finish_batch``/``open_batches``) and
hands the same items back to ``collect``, which needs the documents to ground the answers.

A document over the input budget is sent as several requests (``<custom_id>--p<n>of<count>``), merged
back on collection. Batch answers are validated and grounded but not repaired: an unusable answer
comes back as a retryable ``errored`` outcome, so the pipeline can re-extract it with single requests,
where repairs happen. Ledger rows (purpose ``batch_item``) are written when results are collected,
the first moment their usage is known.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, cast

import anthropic
from anthropic.types import Message
from anthropic.types.message_create_params import MessageCreateParamsNonStreaming
from anthropic.types.messages import MessageBatch
from anthropic.types.messages.batch_create_params import Request

from extractors.anthropic.calls import ApiCaller, CallScope
from extractors.anthropic.merge import merge_capability_sets
from extractors.anthropic.output import AnswerProblem, answer_text
from extractors.anthropic.pricing import TokenUsage
from extractors.base import (
    BatchItem,
    BatchOutcome,
    BatchStatus,
    HooksChoice,
    OutcomeKind,
    hooks_for,
    wait_for_batch,
)
from extractors.grounding import ground
from schemas import ApiCall, CapabilitySet, ExtractionError, SourceDocument, Tool

_CUSTOM_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PART_ID = re.compile(r"^(?P<base>.+)--p(?P<index>[0-9]+)of(?P<count>[0-9]+)$")
# Batch errors of these types were the service's trouble, not the request's: worth resubmitting.
_RETRYABLE_ERROR_TYPES = frozenset({"api_error", "overloaded_error", "rate_limit_error", "timeout_error"})
_SUBJECT = "message batch"

Items = Sequence[BatchItem | tuple[str, SourceDocument, Tool | None]]


def _status_of(batch: MessageBatch) -> BatchStatus:
    counts = batch.request_counts
    return BatchStatus(
        batch_id=batch.id,
        processing_status=batch.processing_status,
        processing=counts.processing,
        succeeded=counts.succeeded,
        errored=counts.errored,
        canceled=counts.canceled,
        expired=counts.expired,
        created_at=batch.created_at,
        expires_at=batch.expires_at,
        ended_at=batch.ended_at,
    )


@dataclass(frozen=True)
class _PartResult:
    kind: OutcomeKind
    capabilities: CapabilitySet | None = None
    error: str | None = None
    retryable: bool = False
    cost_usd: Decimal | None = Decimal(0)
    call: ApiCall | None = None


def _as_item(item: BatchItem | tuple[str, SourceDocument, Tool | None]) -> BatchItem:
    return item if isinstance(item, BatchItem) else BatchItem(*item)


def _batch_request(custom_id: str, params: dict[str, Any]) -> Request:
    """One batch request. The extractor builds its parameters as the plain keyword arguments it also
    hands to ``messages.create``; this is where they meet the SDK's typed batch request."""
    return {"custom_id": custom_id, "params": cast(MessageCreateParamsNonStreaming, params)}


def _part_id(custom_id: str, index: int, count: int) -> str:
    return f"{custom_id}--p{index}of{count}"


def _check_custom_id(custom_id: str) -> None:
    if not _CUSTOM_ID.match(custom_id) or _PART_ID.match(custom_id):
        raise ExtractionError(
            "not a usable batch custom_id",
            subject=custom_id or "(empty custom_id)",
            hint="use 1-64 letters, digits, '-' or '_', not ending like a part id ('--p1of2')",
        )


def _only_rejections(error: BaseException) -> bool:
    """Creating a batch is not idempotent: resend it only when the API refused it outright."""
    return isinstance(error, anthropic.APIStatusError) and error.status_code in (429, 529)


class BatchPlanner(Protocol):
    """What a batch needs of the extractor whose requests it carries (``AnthropicExtractor``): the same
    caller, request parameters and answer reading, so real-time and batch extraction agree."""

    @property
    def caller(self) -> ApiCaller: ...

    def plan_parts(self, document: SourceDocument, tool: Tool | None, scope: CallScope) -> list[str]: ...

    def first_turn(
        self, document: SourceDocument, tool: Tool | None, text: str, part: tuple[int, int] | None
    ) -> dict[str, Any]: ...

    def params_for(self, messages: list[dict[str, Any]]) -> dict[str, Any]: ...

    def read(self, message: Message, document: SourceDocument) -> CapabilitySet: ...

    def interpret(
        self, message: Message, document: SourceDocument, *, part_text: str | None = None
    ) -> CapabilitySet: ...


class BatchClient:
    """Drives one extractor's requests through the Message Batches API (``BatchCapable[BatchOutcome]``)."""

    def __init__(
        self,
        extractor: BatchPlanner,
        *,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.extractor = extractor
        self._caller = extractor.caller
        # Polls wait like the extractor's retries do (in a run: through its interrupt) unless told otherwise.
        self._sleep = sleep or extractor.caller.sleep
        self._clock = clock

    def submit(self, items: Items, *, hooks: HooksChoice = None) -> str:
        """Create one batch for ``items``; returns its id for the pipeline to store.

        ``hooks`` hear of the token counts long documents need, and every item's ``before_call``
        is asked before the batch is sent (so a cost cap stops the submission).
        """
        batch_items = [_as_item(item) for item in items]
        requests = self._requests_for(batch_items, hooks)

        def attempt(number: int) -> MessageBatch:
            for item in batch_items:
                hooks_for(hooks, item).before_call()
            return self._caller.client.messages.batches.create(requests=requests)

        batch = self._caller.with_retries(attempt, subject=_SUBJECT, retry_if=_only_rejections)
        return batch.id

    def _requests_for(self, items: list[BatchItem], hooks: HooksChoice) -> list[Request]:
        """One batch request per item, or per part of an item over the input budget."""
        if not items:
            raise ExtractionError("a batch needs at least one item", subject=_SUBJECT)
        seen: set[str] = set()
        requests: list[Request] = []
        for item in items:
            _check_custom_id(item.custom_id)
            if item.custom_id in seen:
                raise ExtractionError("the same custom_id appears twice in one batch", subject=item.custom_id)
            seen.add(item.custom_id)
            scope = CallScope(tool_id=item.document.tool_id, hooks=hooks_for(hooks, item))
            parts = self.extractor.plan_parts(item.document, item.tool, scope)
            for index, text in enumerate(parts, start=1):
                part = (index, len(parts)) if len(parts) > 1 else None
                custom_id = _part_id(item.custom_id, index, len(parts)) if part else item.custom_id
                if not _CUSTOM_ID.match(custom_id):
                    raise ExtractionError(
                        f"the document needs {len(parts)} parts and the part ids would be too long",
                        subject=item.custom_id,
                        hint="use a custom_id of at most 50 characters",
                    )
                turn = self.extractor.first_turn(item.document, item.tool, text, part)
                requests.append(_batch_request(custom_id, self.extractor.params_for([turn])))
        return requests

    def status(self, batch_id: str) -> BatchStatus:
        batch = self._caller.with_retries(
            lambda number: self._caller.client.messages.batches.retrieve(batch_id), subject=batch_id
        )
        return _status_of(batch)

    def wait(
        self,
        batch_id: str,
        *,
        poll_seconds: float = 30.0,
        max_poll_seconds: float = 600.0,
        max_wait_seconds: float = 24 * 3600.0,
    ) -> BatchStatus:
        """Poll until the batch ends or ``max_wait_seconds`` pass (then the status is not ``ended``).

        The poll interval doubles from ``poll_seconds`` up to ``max_poll_seconds``.
        """
        return wait_for_batch(
            self,
            batch_id,
            poll_seconds=poll_seconds,
            max_poll_seconds=max_poll_seconds,
            max_wait_seconds=max_wait_seconds,
            sleep=self._sleep,
            clock=self._clock,
        )

    def cancel(self, batch_id: str) -> BatchStatus:
        batch = self._caller.with_retries(
            lambda number: self._caller.client.messages.batches.cancel(batch_id), subject=batch_id
        )
        return _status_of(batch)

    def collect(self, batch_id: str, items: Items, *, hooks: HooksChoice = None) -> dict[str, BatchOutcome]:
        """Outcomes by custom_id for an ended batch, given the items it was submitted with.

        Each item's ledger rows go to its hooks' ``after_call`` and come back on its outcome too.
        """
        by_id = {item.custom_id: item for item in (_as_item(entry) for entry in items)}
        current = self.status(batch_id)
        if not current.ended:
            raise ExtractionError(
                f"the batch has not ended yet ({current.processing_status})",
                subject=batch_id,
                hint="call wait() first, or collect on a later run",
            )
        lines = self._caller.with_retries(
            lambda number: list(self._caller.client.messages.batches.results(batch_id)), subject=batch_id
        )
        parts: dict[str, dict[int, _PartResult]] = {}
        expected: dict[str, int] = {}
        for line in lines:
            base, index, count = self._split_id(line.custom_id, by_id)
            item = by_id.get(base)
            if item is None:
                continue  # not ours to interpret: no document was given for it
            scope = CallScope(tool_id=item.document.tool_id, hooks=hooks_for(hooks, item), batch_id=batch_id)
            parts.setdefault(base, {})[index] = self._part_result(
                line.result, item, scope, current.created_at, is_part=count > 1
            )
            expected[base] = count
        return {
            custom_id: self._combine(custom_id, item, parts.get(custom_id, {}), expected.get(custom_id, 1))
            for custom_id, item in by_id.items()
        }

    @staticmethod
    def _split_id(custom_id: str, known: dict[str, BatchItem]) -> tuple[str, int, int]:
        """(item id, part number, number of parts) of a result's custom_id."""
        if custom_id in known:
            return custom_id, 1, 1
        match = _PART_ID.match(custom_id)
        if match:
            return match.group("base"), int(match.group("index")), int(match.group("count"))
        return custom_id, 1, 1

    def _part_result(
        self, result: Any, item: BatchItem, scope: CallScope, created_at: datetime, *, is_part: bool
    ) -> _PartResult:
        if result.type == "succeeded":
            message = result.message
            usage = TokenUsage.from_api(message.usage)
            call = self._caller.record(
                scope,
                purpose="batch_item",
                attempt=1,
                status="ok"
                if message.stop_reason in (None, "end_turn", "stop_sequence")
                else message.stop_reason,
                http_status=200,
                started_at=created_at,  # the batch price in force is the one when it was submitted
                latency_ms=0,
                usage=usage,
                batch=True,
            )
            try:
                # A part is grounded once, with the others, after merging.
                found = (
                    self.extractor.read(message, item.document)
                    if is_part
                    else self.extractor.interpret(message, item.document)
                )
            except AnswerProblem as error:
                return _PartResult(
                    "errored",
                    error=f"the answer was unusable: {error}; re-extract it with single requests "
                    f"(answer began {answer_text(message)[:80]!r})",
                    retryable=True,
                    cost_usd=call.cost_usd,
                    call=call,
                )
            except ExtractionError as error:
                return _PartResult(
                    "errored", error=error.message, retryable=False, cost_usd=call.cost_usd, call=call
                )
            return _PartResult("succeeded", capabilities=found, cost_usd=call.cost_usd, call=call)
        if result.type == "errored":
            body = result.error.error
            kind = getattr(body, "type", "error")
            text = f"{kind}: {getattr(body, 'message', '')}"
            call = self._caller.record(
                scope,
                purpose="batch_item",
                attempt=1,
                status="errored",
                http_status=None,
                started_at=created_at,
                latency_ms=0,
                usage=TokenUsage(),
                error=text,
                batch=True,
            )
            return _PartResult(
                "errored",
                error=text,
                retryable=kind in _RETRYABLE_ERROR_TYPES,
                cost_usd=call.cost_usd,
                call=call,
            )
        # Canceled and expired requests never ran: nothing reached the model, nothing to bill.
        return _PartResult(result.type, error=f"the request was {result.type}", retryable=True)

    @staticmethod
    def _combine(
        custom_id: str, item: BatchItem, parts: dict[int, _PartResult], expected: int
    ) -> BatchOutcome:
        if not parts:
            return BatchOutcome(
                custom_id, "errored", error="the batch holds no result for this item", retryable=True
            )
        missing = [index for index in range(1, expected + 1) if index not in parts]
        calls = tuple(call for index in sorted(parts) if (call := parts[index].call) is not None)
        costs = [part.cost_usd for part in parts.values()]
        cost = sum((value for value in costs if value is not None), Decimal(0)) if None not in costs else None
        failure_kinds: tuple[OutcomeKind, ...] = ("errored", "expired", "canceled")
        for kind in failure_kinds:
            failed = [part for part in parts.values() if part.kind == kind]
            if failed:
                return BatchOutcome(
                    custom_id,
                    kind,
                    error="; ".join(part.error or kind for part in failed),
                    retryable=all(part.retryable for part in failed),
                    cost_usd=cost,
                    calls=calls,
                )
        if missing:
            return BatchOutcome(
                custom_id,
                "errored",
                error=f"no result for part(s) {missing}",
                retryable=True,
                cost_usd=cost,
                calls=calls,
            )
        sets = [parts[index].capabilities for index in sorted(parts)]
        found = [entry for entry in sets if entry is not None]
        merged = found[0] if len(found) == 1 else ground(merge_capability_sets(found), item.document)
        return BatchOutcome(custom_id, "succeeded", capabilities=merged, cost_usd=cost, calls=calls)
