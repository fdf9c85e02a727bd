"""The Claude extractor: a description in, validated and grounded capability records out.

One request per document (or per part of a long one). An answer that fails validation, or quotes
text the document does not contain, is re-asked with only the latest error (the original request,
the last answer and one correction), at most twice. Records still ungrounded after that are returned
flagged (``grounded=False``); if no answer was ever valid, the tool fails with ``ExtractionError``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from anthropic.types import Message

from extractors.anthropic.batches import BatchClient
from extractors.anthropic.calls import ApiCaller, CallScope, Purpose
from extractors.anthropic.chunking import split_into_parts
from extractors.anthropic.client import build_caller, build_client
from extractors.anthropic.merge import merge_capability_sets
from extractors.anthropic.output import AnswerProblem, answer_text, read_answer, to_capability_set
from extractors.anthropic.prompting import (
    PromptBook,
    assistant_turn,
    load_prompt_book,
    message_params,
    user_turn,
)
from extractors.base import BatchCapable, BatchOutcome, CallHooks, Extractor
from extractors.grounding import ground, ungrounded_quotes
from extractors.options import AnthropicOptions
from schemas import CapabilitySet, ExtractionError, SourceDocument, Tool

MAX_REPAIRS = 2
# Parts are sized from a measured count; this margin absorbs the estimate of the prompt around them.
_PART_SIZE_MARGIN = 0.9
_MIN_PART_CHARS = 1_000
_HAS_WORDS = re.compile(r"\w")


def check_stop_reason(message: Message, *, subject: str) -> None:
    """Raise ``ExtractionError`` for stops no repair can fix: a refusal, an overfull context window."""
    if message.stop_reason == "refusal":
        details = message.stop_details
        reason = (
            ", ".join(part for part in (details.category, details.explanation) if part) if details else ""
        )
        raise ExtractionError(
            f"Claude declined to process the description (refusal{': ' + reason if reason else ''})",
            subject=subject,
            hint="a safety classifier stopped the answer; the heuristic extractor can still take this tool",
        )
    if message.stop_reason == "model_context_window_exceeded":
        raise ExtractionError(
            "the request exceeded the model's context window",
            subject=subject,
            hint="lower CAPGRAPH_ANTHROPIC_INPUT_TOKEN_BUDGET so the description is split into smaller parts",
        )


class AnthropicExtractor(Extractor):
    """Extracts with Claude through the Messages API; one instance serves many worker threads."""

    name: ClassVar[str] = "anthropic"

    def __init__(
        self, caller: ApiCaller, options: AnthropicOptions, *, book: PromptBook | None = None
    ) -> None:
        self.caller = caller
        self.book = book or load_prompt_book()
        self._model = options.model
        self._max_tokens = options.max_output_tokens
        self._budget = options.input_token_budget
        self._chars_per_token = options.chars_per_token

    @classmethod
    def from_options(
        cls,
        options: AnthropicOptions,
        *,
        strict_response_validation: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> AnthropicExtractor:
        client = build_client(options, strict_response_validation=strict_response_validation)
        return cls(build_caller(client, options, sleep=sleep), options)

    @property
    def model(self) -> str:
        return self._model

    @property
    def prompt_version(self) -> str:
        return self.book.version

    def has_price(self, on: date) -> bool:
        """Whether the price table knows this extractor's model on ``on`` (else every cost is unknown)."""
        return self.caller.prices.price_for(self._model, on) is not None

    def extract(
        self,
        document: SourceDocument,
        *,
        tool: Tool | None = None,
        hooks: CallHooks | None = None,
    ) -> CapabilitySet:
        scope = CallScope(tool_id=document.tool_id, hooks=hooks or CallHooks())
        parts = self.plan_parts(document, tool, scope)
        if len(parts) == 1:
            return self._extract_part(document, tool, parts[0], None, scope, purpose="extract")
        results = [
            self._extract_part(document, tool, text, (index, len(parts)), scope, purpose="chunk")
            for index, text in enumerate(parts, start=1)
        ]
        # Spans and flags are recomputed against the whole document after merging.
        return ground(merge_capability_sets(results), document)

    def batches(self) -> BatchCapable[BatchOutcome]:
        """The Message Batches API over this extractor's caller: same keys, prices, prompt and waits."""
        return BatchClient(self)

    def params_for(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        return message_params(self.book, model=self._model, max_tokens=self._max_tokens, messages=messages)

    def first_turn(
        self, document: SourceDocument, tool: Tool | None, text: str, part: tuple[int, int] | None
    ) -> dict[str, Any]:
        return user_turn(self.book.user_text(document, tool, text, part))

    def estimate_tokens(self, params: dict[str, Any]) -> int:
        """Input tokens a request will carry, from its length (for the limiter, before any count)."""
        chars = sum(len(block["text"]) for block in params["system"])
        chars += sum(len(turn["content"]) for turn in params["messages"])
        return int(chars / self._chars_per_token) + 1

    def plan_parts(self, document: SourceDocument, tool: Tool | None, scope: CallScope) -> list[str]:
        """The document as one text, or split on section boundaries when it is over the input budget.

        A document well under the budget by estimate is not counted; otherwise one
        ``count_tokens`` request both decides and measures the document's characters per token.
        """
        text = document.text
        whole = self.params_for([self.first_turn(document, tool, text, None)])
        if self.estimate_tokens(whole) <= self._budget // 2:
            return [text]
        counted = self.caller.count_tokens(whole, scope=scope)
        if counted <= self._budget:
            return [text]
        overhead_tokens = self.estimate_tokens(whole) - int(len(text) / self._chars_per_token)
        document_tokens = max(counted - overhead_tokens, 1)
        chars_per_token = len(text) / document_tokens
        max_chars = int((self._budget - overhead_tokens) * chars_per_token * _PART_SIZE_MARGIN)
        parts = split_into_parts(text, max(max_chars, _MIN_PART_CHARS))
        return [part for part in parts if _HAS_WORDS.search(part)]

    def read(self, message: Message, document: SourceDocument) -> CapabilitySet:
        """The validated (not yet grounded) records of one answer; ``AnswerProblem`` says why not."""
        check_stop_reason(message, subject=document.tool_id)
        try:
            answer = read_answer(answer_text(message))
        except AnswerProblem:
            if message.stop_reason == "max_tokens":
                raise AnswerProblem(self.book.truncated) from None
            raise
        return to_capability_set(
            answer,
            document=document,
            extractor=self.name,
            model=self._model,
            prompt_version=self.prompt_version,
        )

    def interpret(
        self, message: Message, document: SourceDocument, *, part_text: str | None = None
    ) -> CapabilitySet:
        """Validated records of one answer, grounded in the document (or in the part it was shown)."""
        found = self.read(message, document)
        # A part's answer may only quote that part; grounding in it is also far cheaper than in the whole.
        within = document if part_text is None else document.model_copy(update={"text": part_text})
        return ground(found, within)

    def _extract_part(
        self,
        document: SourceDocument,
        tool: Tool | None,
        text: str,
        part: tuple[int, int] | None,
        scope: CallScope,
        *,
        purpose: Purpose,
    ) -> CapabilitySet:
        original = self.first_turn(document, tool, text, part)
        messages = [original]
        latest_valid: CapabilitySet | None = None
        problem = ""
        for round_number in range(MAX_REPAIRS + 1):
            params = self.params_for(messages)
            message = self.caller.create_message(
                params,
                scope=scope,
                purpose=purpose if round_number == 0 else "repair",
                estimated_input_tokens=self.estimate_tokens(params),
            )
            try:
                found = self.interpret(message, document, part_text=text if part else None)
            except AnswerProblem as error:
                problem = str(error)
                correction = self.book.invalid_correction(problem)
            else:
                latest_valid = found
                missing = ungrounded_quotes(found)
                if not missing:
                    return found
                correction = self.book.ungrounded_correction(missing)
            # Only the latest error goes back: the original request, the last answer, one correction.
            messages = [original, assistant_turn(answer_text(message)), user_turn(correction)]
        if latest_valid is not None:
            return latest_valid
        raise ExtractionError(
            f"Claude's answer was still unusable after {MAX_REPAIRS} repairs: {problem}",
            subject=document.tool_id,
            hint="the ledger's repair rows show each attempt; another CAPGRAPH_ANTHROPIC_MODEL may do better",
        )
