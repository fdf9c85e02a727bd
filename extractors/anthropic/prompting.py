"""The prompt file, its version hash and the request bodies built from it.

Structured output route: the answer schema goes in ``output_config.format`` (JSON schema), not in a
forced strict tool. Claude Haiku 5.5, the default model, thinks adaptively by default, and forcing a
tool choice does not mix with thinking (Sonnet 5.5 and Opus 5.5 reject a forced tool choice outright),
whereas an output format constrains the final text answer whatever the model does before it. The
answer is still validated with pydantic (``output.read_answer``), because the schema cannot express
every limit we keep.

Caching: the fixed system prompt is sent as a text block with ``cache_control: ephemeral``. The
output format has no cache_control field in the API (``JSONOutputFormatParam`` is just type and
schema), so the system block is the one breakpoint we can place.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from importlib import resources
from typing import Any

from extractors.anthropic.output import ANSWER_SCHEMA
from schemas import SourceDocument, Tool

_SECTION_MARK = re.compile(r"^<!-- section: (?P<name>[a-z_]+) -->\n", re.MULTILINE)
_REQUIRED_SECTIONS = ("system", "user", "part_note", "repair_invalid", "repair_ungrounded", "truncated")
_EPHEMERAL = {"type": "ephemeral"}
_QUOTES_SHOWN = 12
_FRAME_PREFIX = "document-"


@dataclass(frozen=True)
class PromptBook:
    """Every text the extractor sends, read from ``prompt.md``, plus the version that names them."""

    system: str
    user: str
    part_note: str
    repair_invalid: str
    repair_ungrounded: str
    truncated: str
    version: str

    @classmethod
    def from_text(cls, text: str) -> PromptBook:
        marks = list(_SECTION_MARK.finditer(text))
        sections: dict[str, str] = {}
        for index, mark in enumerate(marks):
            end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
            sections[mark.group("name")] = text[mark.end() : end].strip()
        missing = [name for name in _REQUIRED_SECTIONS if not sections.get(name)]
        if missing:
            raise ValueError(f"prompt.md lacks the section(s): {', '.join(missing)}")
        return cls(**{name: sections[name] for name in _REQUIRED_SECTIONS}, version=prompt_version_of(text))

    def user_text(
        self,
        document: SourceDocument,
        tool: Tool | None,
        text: str,
        part: tuple[int, int] | None = None,
    ) -> str:
        """The first user turn: the tool's name and kind, then the document (or one part of it) framed
        by a tag that occurs nowhere else in the turn (see ``frame_tag``)."""
        part_note = self.part_note.format(index=part[0], count=part[1]) + "\n" if part else ""
        name = tool.name if tool else document.tool_id
        kind = tool.kind if tool else "kind unknown"
        return self.user.format(
            name=name,
            kind=kind,
            tool_id=document.tool_id,
            part_note=part_note,
            text=text,
            frame=frame_tag(avoiding=(text, name, kind, document.tool_id)),
        )

    def invalid_correction(self, problem: str) -> str:
        return self.repair_invalid.format(problems=problem)

    def ungrounded_correction(self, quotes: list[str]) -> str:
        shown = "; ".join(json.dumps(quote, ensure_ascii=False) for quote in quotes[:_QUOTES_SHOWN])
        if len(quotes) > _QUOTES_SHOWN:
            shown += f" (and {len(quotes) - _QUOTES_SHOWN} more)"
        return self.repair_ungrounded.format(quotes=shown)


def frame_tag(*, avoiding: tuple[str, ...]) -> str:
    """A fresh ``document-<random hex>`` tag that none of ``avoiding`` contains.

    A fixed ``</document>`` could be written into a description to end the data frame early and make
    what follows read like instructions; an unguessable tag per request cannot be. The random part is
    not in prompt.md, so the prompt version stays the same across requests.
    """
    while True:
        tag = _FRAME_PREFIX + secrets.token_hex(8)
        if not any(tag in text for text in avoiding):
            return tag


def prompt_version_of(prompt_text: str) -> str:
    """Short hash of the prompt text and the answer schema: a change to either re-extracts."""
    schema_text = json.dumps(ANSWER_SCHEMA, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{prompt_text}\n{schema_text}".encode()).hexdigest()[:12]


@functools.cache
def load_prompt_book() -> PromptBook:
    text = resources.files("extractors.anthropic").joinpath("prompt.md").read_text(encoding="utf-8")
    return PromptBook.from_text(text)


def user_turn(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def assistant_turn(text: str) -> dict[str, Any]:
    # An empty text block is rejected by the API, and the model must still see that it said nothing.
    return {"role": "assistant", "content": text if text.strip() else "(no answer)"}


def message_params(
    book: PromptBook,
    *,
    model: str,
    max_tokens: int,
    messages: list[dict[str, Any]],
) -> dict[str, Any]:
    """Keyword arguments for ``messages.create`` (and a batch item's ``params``).

    No ``temperature``: current models (Haiku 5.5 among them) answer 400 to non-default sampling
    parameters, and the output format already pins the answer's shape.
    """
    return {
        "model": model,
        "max_tokens": max_tokens,
        "system": [{"type": "text", "text": book.system, "cache_control": dict(_EPHEMERAL)}],
        "messages": messages,
        "output_config": {"format": {"type": "json_schema", "schema": ANSWER_SCHEMA}},
    }


def count_params(params: dict[str, Any]) -> dict[str, Any]:
    """The subset of a create request that ``messages.count_tokens`` accepts."""
    return {key: params[key] for key in ("model", "system", "messages", "output_config")}
