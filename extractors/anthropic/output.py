"""The answer Claude must give: its JSON schema (sent as structured output) and the pydantic check behind it.

The schema only fixes the shape; the pydantic model adds the limits the warehouse relies on (lengths,
one to ten quotes per record), so an answer that fits the schema can still be rejected and repaired.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from anthropic.types import Message
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schemas import (
    NOT_STATED,
    Capability,
    CapabilitySet,
    Evidence,
    SourceDocument,
)
from schemas.models import MAX_CAPABILITIES, MAX_EVIDENCE_PER_CAPABILITY

_FIELD_TEXT = {"type": "string"}

ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "capabilities": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "title": {**_FIELD_TEXT, "description": "Short name of the capability."},
                    "description": {**_FIELD_TEXT, "description": "What it does and how, from the source."},
                    "unique": {**_FIELD_TEXT, "description": 'What sets it apart, or exactly "not stated".'},
                    "vs_alternatives": {
                        **_FIELD_TEXT,
                        "description": 'How the source compares it with others, or exactly "not stated".',
                    },
                    "evidence": {
                        "type": "array",
                        "items": {**_FIELD_TEXT, "description": "A verbatim quote from the source."},
                    },
                },
                "required": ["title", "description", "unique", "vs_alternatives", "evidence"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["capabilities"],
    "additionalProperties": False,
}

_MAX_PROBLEMS_SHOWN = 6
_CODE_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(?P<body>.*)\n\s*```\s*$", re.DOTALL)
_NOT_STATED_VARIANTS = re.compile(r"^\W*(not\s+stated|not\s+specified|none\s+stated|n/?a)\W*$", re.IGNORECASE)


class _AnswerModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


Quote = Annotated[str, Field(min_length=1, max_length=1000)]
LongText = Annotated[str, Field(min_length=1, max_length=4000)]


class AnswerCapability(_AnswerModel):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: LongText
    unique: LongText
    vs_alternatives: LongText
    evidence: Annotated[list[Quote], Field(min_length=1, max_length=MAX_EVIDENCE_PER_CAPABILITY)]


class Answer(_AnswerModel):
    capabilities: Annotated[list[AnswerCapability], Field(max_length=MAX_CAPABILITIES)]


class AnswerProblem(ValueError):
    """An answer that cannot be used as it is; ``str(self)`` is the short text a repair request quotes."""


def read_answer(text: str) -> Answer:
    """Parse and validate Claude's answer text, or raise ``AnswerProblem`` saying what is wrong."""
    fenced = _CODE_FENCE.match(text)
    body = fenced.group("body") if fenced else text
    if not body.strip():
        raise AnswerProblem("the answer was empty")
    try:
        data = json.loads(body)
    except json.JSONDecodeError as error:
        raise AnswerProblem(
            f"the answer is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from None
    try:
        return Answer.model_validate(data)
    except ValidationError as error:
        raise AnswerProblem(describe_validation_error(error)) from None


def describe_validation_error(error: ValidationError) -> str:
    """A one-line summary of what failed where, e.g. ``capabilities.2.evidence: List should have ...``."""
    problems = []
    for item in error.errors(include_url=False):
        location = ".".join(str(part) for part in item["loc"]) or "the answer"
        problems.append(f"{location}: {item['msg']}")
    shown = "; ".join(problems[:_MAX_PROBLEMS_SHOWN])
    hidden = len(problems) - _MAX_PROBLEMS_SHOWN
    return f"{shown} (and {hidden} more)" if hidden > 0 else shown


def normalise_not_stated(value: str) -> str:
    """``"Not stated."``, ``"N/A"`` and the like all mean the source is silent: store the one marker."""
    return NOT_STATED if _NOT_STATED_VARIANTS.match(value) else value


def to_capability_set(
    answer: Answer,
    *,
    document: SourceDocument,
    extractor: str,
    model: str,
    prompt_version: str,
) -> CapabilitySet:
    """The answer as (not yet grounded) capability records for ``document``."""
    return CapabilitySet(
        tool_id=document.tool_id,
        document_sha256=document.sha256,
        extractor=extractor,
        model=model,
        prompt_version=prompt_version,
        capabilities=[
            Capability(
                title=item.title,
                description=item.description,
                unique=normalise_not_stated(item.unique),
                vs_alternatives=normalise_not_stated(item.vs_alternatives),
                evidence=[Evidence(quote=quote) for quote in item.evidence],
            )
            for item in answer.capabilities
        ],
    )


def answer_text(message: Message) -> str:
    """The answer's text blocks joined; thinking blocks (which may come first) are skipped."""
    return "".join(block.text for block in message.content if block.type == "text")
